// Package chromium is the browser side of corsim's differential conformance
// harness: it drives a real headless Chromium (Debian's chromium package)
// over the DevTools protocol with github.com/chromedp/chromedp, against
// loopback HTTP(S) servers that stand in for a scenario's origins, and
// records everything a comparison with corsim's Chromium profile needs.
//
// # Model
//
// [Launch] starts a lab (package conformance/lab: one listener per origin
// of a fixed pool, 127.0.0.1, a random port, TLS for https origins) and one
// browser whose --host-resolver-rules map exactly host:port of each origin
// to its listener ("MAP api.test:443 127.0.0.1:41234"; every other name
// fails to resolve). So URLs, Origin headers and console texts keep their
// real spelling — https://api.test, not https://api.test:41234. HTTPS
// origins share one leaf certificate made at launch, with a SAN per host;
// the browser trusts exactly that key (--ignore-certificate-errors-spki-list). Because the
// rules are a launch flag, every origin any scenario will use must be in
// [Options.Origins]; features such as CorsNonWildcardRequestHeadersSupport
// are launch flags too ([Options.EnableFeatures]), so a run that compares
// under a feature needs a second Browser.
//
// A [Session] is one scenario: a fresh browser context
// (Target.createBrowserContext: fresh preflight cache, HTTP cache, cookies),
// one tab, and the scenario's [Plan] — an http.Handler per origin, swapped
// in behind the pool's listeners. Sessions on one Browser run one at a
// time. Steps are [Session.Open] (the blank page of an origin, served at
// [PagePath]), [Session.OpenFrame] (that page inside a frame of another
// top-level origin, for partitioning), [Session.Fetch], [Session.XHR] and
// [Session.Wait] (real time, for cache expiry).
//
// # What a step records
//
// A [Result] holds, per fetch or XHR: resolved or rejected and the JS error
// text ("TypeError: Failed to fetch"); response type, status, URL, the
// headers JavaScript can read (lower-cased, in response.headers order) and
// the body; the console entries (Log.entryAdded: the CORS error line and
// "Failed to load resource: net::ERR_FAILED"); the Network.loadingFailed
// events with corsErrorStatus (corsError, failedParameter); the DevTools
// issue codes; every request the servers received during the step, in order
// ([Request]: method, path+query, Origin, Access-Control-Request-Method,
// Access-Control-Request-Headers, all headers, body); and the step's wall
// time, for the Chromium/corsim speed ratio. After a rejection it waits at
// most 500 ms for console lines that arrive after the promise settles.
// Requests for [PagePath] and /favicon.ico are served by the harness and not
// recorded. [Session.HAR] writes the session's DevTools network events as a
// HAR file in the shape of Chromium's DevTools export (without response
// bodies); TestHARFromChromium -write-har keeps one as the main module's
// testdata/har/chromium-real.har, on which corsim replay is tested.
//
// # Running
//
//	apt-get install -y chromium                   # once; ~30 s, ~500 MB
//	go test ./conformance/...                     # skips without a browser
//	CORSIM_REQUIRE_BROWSER=1 go test ./conformance/...   # CI: missing browser fails
//	go test -run '^$' -bench . ./conformance/chromium    # per-step timings
//
// The binary is /usr/lib/chromium/chromium (not the /usr/bin wrapper
// script); CORSIM_CHROMIUM overrides it. The package's tests launch one
// browser per feature set per test run.
package chromium
