// Package server provides the server models a simulated browser talks to.
// Each one implements [fetch.Transport]; the declarative and canned models
// are also ordinary [net/http.Handler]s, so a conformance harness can serve
// the very same definition on loopback to a real browser.
//
// There are four models:
//
//   - [FromHandler] calls any http.Handler in-process, without sockets. A
//     handler that panics, outlives its deadline or writes an invalid header
//     becomes a *[HandlerError], never a crash or a hang.
//   - [Config] is a declarative CORS server (origins, methods, headers,
//     credentials, exposed headers, max-age, preflight status, per-route
//     methods) that is correct by default and can switch on named
//     deliberate [Mistake]s for labs. [ParseConfig] reads its line-oriented
//     text format (see CONFIG.md); [Config.Handler] compiles it into a
//     [Server].
//   - [Canned] answers raw HTTP responses per method and path, keeping
//     duplicated header lines and their order, the way WPT server scripts
//     are told what to answer. [ParseCanned] reads them from a txtar
//     archive.
//   - [Live] sends requests to a real server through net/http. Unsafe
//     methods are not sent unless the user opts in (*[NotSentError]).
//
// Response header lines of the handler-based models come out sorted by
// name with the values of one name in order, which is the order in which
// a net/http server writes them on the wire.
//
// # References
//
//   - Fetch, CORS protocol: https://fetch.spec.whatwg.org/#http-cors-protocol
//   - RFC 9110 §9.3.7 OPTIONS: https://www.rfc-editor.org/rfc/rfc9110#section-9.3.7
//   - RFC 9110 §10.2.1 Allow: https://www.rfc-editor.org/rfc/rfc9110#section-10.2.1
//   - RFC 9110 §15.5.6 405 Method Not Allowed: https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6
//   - RFC 9110 §15.6.2 501 Not Implemented: https://www.rfc-editor.org/rfc/rfc9110#section-15.6.2
//   - RFC 9112 §4 and §5 (status line, field lines): https://www.rfc-editor.org/rfc/rfc9112
package server
