// Package policy implements the pure rules of the WHATWG Fetch standard's CORS
// protocol: origins, methods, request-header safelisting, the CORS check and
// the parsers for the Access-Control-* response headers; and the gates
// browsers apply beside CORS: potentially trustworthy URLs and secure
// contexts, mixed content, Local Network Access, the cross-origin resource
// policy check and the Fetch metadata (Sec-Fetch-*) headers.
//
// Everything here is a function of its arguments: no network, no clock, no
// global mutable state and no browser names. Browser differences live in
// package fetch's Profile and package browser.
//
// Each decision that can fail returns a *Failure with a stable Code, the spec
// anchor of the step that failed, and a message for people.
//
// # References
//
//   - Fetch: https://fetch.spec.whatwg.org/
//   - URL: https://url.spec.whatwg.org/
//   - HTML origins: https://html.spec.whatwg.org/multipage/browsers.html#origin
//   - MIME Sniffing: https://mimesniff.spec.whatwg.org/
//   - RFC 9110 (HTTP semantics): https://www.rfc-editor.org/rfc/rfc9110
//   - Secure Contexts: https://w3c.github.io/webappsec-secure-contexts/
//   - Mixed Content: https://w3c.github.io/webappsec-mixed-content/
//   - Local Network Access: https://wicg.github.io/local-network-access/
//   - Fetch Metadata: https://w3c.github.io/webappsec-fetch-metadata/
package policy
