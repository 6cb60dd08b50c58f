// Package cookie implements a browser's cookie jar as pure rules: parsing
// Set-Cookie lines, deciding which are stored and which cookies a request
// carries, and saying why for every cookie it refuses or withholds.
//
// It follows RFC 6265bis (draft-ietf-httpbis-rfc6265bis, httpwg/http-extensions
// at 2026-01-07) section by section, with the browser behaviours that the
// draft leaves to "the user agent" as knobs in Policy: what SameSite means
// when it is absent, Chromium's "Lax-allowing-unsafe" allowance, CHIPS
// partitioned cookies, the third-party cookie setting, whether
// http://localhost counts as secure. Package browser sets the knobs per
// engine; this package names no browser.
//
// Nothing here does I/O. The clock is injected (Options.Now), and so is
// the public suffix list.
//
// Every refusal is a *policy.Failure with a stable Code, the spec anchor and
// a message for people; Failure.Subject carries the cookie name.
//
// # References
//
//   - RFC 6265bis: https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis
//   - Cookies, layered (fetch.bs cites it): https://httpwg.org/http-extensions/draft-ietf-httpbis-layered-cookies.html
//   - Fetch, Cookie and Set-Cookie: https://fetch.spec.whatwg.org/#cookies
//   - CHIPS: https://privacycg.github.io/CHIPS/
package cookie
