// Package policy implements the pure rules of the WHATWG Fetch standard's CORS
// protocol: origins, methods, request-header safelisting, the CORS check and
// the parsers for the Access-Control-* response headers.
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
package policy
