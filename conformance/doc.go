// Package conformance is corsim's differential suite: it replays every
// scenario of testdata/scenarios and testdata/labs both in corsim's
// simulated browser under the Chromium profile and in a real headless
// Chromium (driven by package conformance/chromium), and compares the two,
// fetch step by fetch step.
//
// For each fetch (or XMLHttpRequest) both sides are reduced to a [Step]:
// resolved or rejected and the error script sees; the response type,
// status, URL, the headers script can read and the body; whether a
// preflight reached a server or the preflight cache answered; every request
// the servers received, in order (method, target, Origin,
// Access-Control-Request-Method, Access-Control-Request-Headers); the
// console lines; and the DevTools CORS error codes. [FromOutcome] reduces
// corsim's [browser.Outcome], [FromResult] the browser's
// [chromium.Result]; the test compares them with cmp.Diff.
//
// [RunCorsim] and [RunChromium] replay a parsed scenario on either side:
// page, server (config, canned, or a Go handler by name, served in-process
// to corsim and on loopback to the browser), fetch and advance (corsim
// moves its virtual clock; the browser waits in real time, at most
// [MaxWait] per scenario). A scenario that cannot be replayed says
// "conformance skip 'reason'".
//
// Running (see docs/conformance.md):
//
//	go test ./conformance -v                          # skips without a browser
//	CORSIM_REQUIRE_BROWSER=1 go test ./conformance    # CI: a missing browser fails
//	go test ./conformance -run TestConformance -scenario preflight -v
package conformance
