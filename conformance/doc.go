// Package conformance is corsim's differential suite: it replays every
// scenario of testdata/scenarios and testdata/labs both in corsim's
// simulated browser and in real engines — a headless Chromium (package
// conformance/chromium) under the chromium profiles, a headless Firefox
// (package conformance/firefox) under the firefox profile — and compares
// the two, fetch step by fetch step.
//
// An engine plugs in through the [Engine], [Browser] and [Session]
// interfaces (engine.go) and registers itself with [Register]; what the
// drivers share (loopback origin servers, test certificates, the page,
// the proxy, the in-page scripts, the fake clock) is package
// conformance/lab.
//
// For each fetch (or XMLHttpRequest) both sides are reduced to a [Step]:
// resolved or rejected and the error script sees; the response type,
// status, URL, the headers script can read and the body; whether a
// preflight reached a server or the preflight cache answered; every request
// the servers received, in order (method, target, Origin,
// Access-Control-Request-Method, Access-Control-Request-Headers); the
// console lines; and the engine's machine codes (Chromium's corsError,
// Firefox's security.properties key). [FromOutcome] reduces corsim's
// [browser.Outcome], [FromResult] an engine's lab.Result; the test
// compares them with cmp.Diff.
//
// [RunCorsim] and [RunEngine] replay a parsed scenario on either side:
// page, server (config, canned, or a Go handler by name, served in-process
// to corsim and on loopback to the browser), fetch and advance (corsim
// moves its virtual clock; the browser waits in real time, at most
// [MaxWait] per scenario, or on a fake clock jumps). A scenario that
// cannot be replayed says "conformance skip 'reason'", or "conformance
// skip ENGINE 'reason'" for one engine.
//
// Running (see docs/conformance.md):
//
//	go test ./conformance -v                          # skips without browsers
//	CORSIM_REQUIRE_BROWSER=1 go test ./conformance    # CI: a missing browser fails
//	go test ./conformance -run TestConformance/firefox -scenario preflight -v
package conformance
