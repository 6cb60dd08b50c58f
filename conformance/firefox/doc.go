// Package firefox is the Firefox side of corsim's differential conformance
// harness: it drives a real headless Firefox (Debian's firefox-esr, 153
// ESR) over WebDriver BiDi — the browser's own Remote Agent, no
// geckodriver — with a small WebSocket client (github.com/coder/websocket),
// against the loopback servers of a lab (package conformance/lab), and
// records everything a comparison with corsim's Firefox profile needs.
//
// # Model
//
// [Launch] starts a lab for a fixed pool of origins and one Firefox with a
// fresh profile whose user.js sends every URL to the lab's proxy, which
// answers for exactly the pool's origins (absolute-form requests for http,
// CONNECT tunnels to the TLS listeners for https) and for nothing else:
// Firefox resolves no name itself, so nothing leaves loopback, and URLs,
// Origin headers and console texts keep their real spelling. The pool's
// names are also in network.dns.localDomains. The profile is offline
// (Remote Settings at an unused loopback port with
// MOZ_REMOTE_SETTINGS_DEVTOOLS=1, no telemetry, updates, captive portal,
// Safe Browsing, OCSP or DNS over HTTPS). The lab's test authority is
// added to the profile's certificate store from the chrome scope
// (nsIX509CertDB, trust "C,,"), so Firefox trusts exactly the lab's leaf.
//
// A [Session] is one scenario: a user context of its own
// (browser.createUserContext: fresh cookies, HTTP cache and preflight
// cache), one tab, and the scenario's handlers. Steps are [Session.Open],
// [Session.OpenSandboxed], [Session.OpenFrame], [Session.Fetch],
// [Session.XHR] and [Session.Wait]; each fetch or XHR runs the lab's
// in-page script with script.evaluate.
//
// # Console
//
// BiDi's log.entryAdded forwards only errors, so the harness also
// registers a listener with the console service in the chrome scope
// (browsingContext.getTree with "moz:scope": "chrome", which needs
// --remote-allow-system-access). Its nsIScriptError messages carry the
// security.properties key as their category (CORSMissingAllowOrigin2,
// CORSDidNotSucceed2, CORSAllowHeaderFromPreflightDeprecation, …): a
// [Result] has them as console lines of Source "CORS" with that key as
// Code, the analogue of Chromium's corsError, then any log.entryAdded
// line the console service did not already give.
//
// # Clock
//
// [Options.FakeClock] runs the browser with a small preload library
// (lab.FakeClock, compiled at launch with the system's C compiler) that adds
// an offset to its wall and monotonic clocks; [Session.Wait] moves the
// offset forward, so that a preflight cache entry's 24-hour cap is
// observed at once. (libfaketime deadlocks Firefox before main: its first
// clock call, made by Firefox's allocator while it initialises, looks a
// symbol up and allocates.)
//
// # Running
//
//	apt-get install -y firefox-esr                       # once; ~60 s
//	CORSIM_REQUIRE_BROWSER=1 go test ./conformance/...   # CI
//
// The binary is /usr/lib/firefox-esr/firefox-esr; CORSIM_FIREFOX
// overrides it.
package firefox
