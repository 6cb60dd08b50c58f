// Package corstest tests a server's CORS behaviour from a Go test, the way
// net/http/httptest tests its HTTP behaviour: a few lines take an
// http.Handler (or a declarative server.Config), open a page at some origin
// in simulated browsers, make a fetch() and assert what the browser lets
// the page's script do.
//
//	func TestCORS(t *testing.T) {
//		t.Parallel()
//		ct := corstest.New(t, myHandler, corstest.Browsers(corstest.AllBrowsers()...))
//		put := func(origin string) *corstest.Check {
//			return ct.From(origin).Fetch("PUT", "/api/items",
//				corstest.JSON(`{"name":"pen"}`), corstest.Credentials())
//		}
//		put("https://app.example").Allowed().Exposes("X-Request-Id").PreflightCachedFor(10 * time.Minute)
//		put("https://evil.example").Blocked()
//	}
//
// The handler runs in-process (no sockets) and the browsers are package
// browser's profiles: the same preflight rules, preflight cache, max-age
// caps and console messages as Chromium, Firefox and WebKit, or the Fetch
// standard itself. Time is virtual, so a ten-minute preflight cache is
// checked in microseconds.
//
// A failed assertion calls t.Helper and t.Errorf with the story a developer
// needs: the preflight and actual requests as the browser sent them, the
// server's answers, every browser's verdict, the console lines and the
// JavaScript error the page would have seen, every change that would make
// the request work (package explain: each confirmed by running the request
// again with it, in each browser it names), and a cmp.Diff of the CORS
// headers that would have passed against those the server sent. A chain
// of assertions on one request tells that story once. To confirm the
// fixes, a failed assertion calls the handler again with the changes
// applied to its answers (never a live server: see NewTransport), so a
// handler that counts its calls sees more of them after a failure.
//
// Besides Allowed, Blocked, Exposes, PreflightCachedFor and
// VariesOnOrigin, NeverReached checks that only a preflight reached the
// server, FailsWith checks the failure code, and In narrows a chain to one
// browser. Cookies: Cookie (an Option) or Tester.LoggedIn seed the user's
// cookies; SendsCookie, WithholdsCookie and StoresCookie check what each
// browser's jar did, under its SameSite and third-party cookie rules.
//
// A check costs about as much as making its exchanges by hand: a
// credentialed, preflighted PUT checked in the four browsers (eight
// exchanges) takes about 1.5× the CPU time of the same eight requests made
// with net/http/httptest against the same handler (BenchmarkPutAllBrowsers
// against BenchmarkPutByHand); most of the time is the handler's.
//
// Assertions take a TB, so a *Recorder can stand in for *testing.T to look
// at failure messages. A Tester has no global state and may be shared by
// parallel subtests.
//
// # References
//
//   - Fetch, CORS protocol: https://fetch.spec.whatwg.org/#http-cors-protocol
//   - CORS-preflight cache: https://fetch.spec.whatwg.org/#cors-preflight-cache
//   - CORS protocol and HTTP caches: https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
package corstest
