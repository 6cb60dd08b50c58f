package corstest_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/sim/server"
)

// A server test in a user's _test.go reads like this (t is the test's
// *testing.T; a Recorder stands in for it here so the example can show
// that nothing failed).
func ExampleNew() {
	t := new(corstest.Recorder)
	ct := corstest.New(t, goodConfig().Handler(), corstest.Browsers(corstest.AllBrowsers()...))

	put := func(origin string) *corstest.Check {
		return ct.From(origin).Fetch("PUT", "/api/items", corstest.JSON(`{"name":"pen"}`), corstest.Credentials())
	}
	put("https://app.example").Allowed().Exposes("X-Request-Id").PreflightCachedFor(10 * time.Minute)
	put("https://evil.example").Blocked()

	fmt.Println("failed:", t.Failed())
	// Output: failed: false
}

// A server that reflects any Origin lets a page on evil.example read the
// answer to a credentialed request. Blocked fails and says why; the first
// lines of its message are the request, the expectation and each
// browser's verdict.
func ExampleCheck_Blocked() {
	cfg := goodConfig()
	cfg.Mistakes = []server.Mistake{server.MistakeReflectOrigin}

	t := new(corstest.Recorder)
	ct := corstest.New(t, cfg.Handler(), corstest.Browsers(corstest.Chromium, corstest.WebKit))
	ct.From("https://evil.example").Fetch("PUT", "/api/items", corstest.JSON(`{}`), corstest.Credentials()).Blocked()

	lines := strings.Split(t.String(), "\n")
	fmt.Println(strings.Join(lines[:5], "\n"))
	// Output:
	// PUT https://api.example/api/items from https://evil.example with credentials
	// want: blocked (script must not read the response)
	// verdicts:
	//     Chromium  allowed: cors response, status 200, after a preflight
	//     WebKit    allowed: cors response, status 200, after a preflight
}

// An authentication layer in front of the CORS code answers the preflight
// (which never carries credentials) with 401. The failure shows the
// preflight, the 401, and the line Chromium's console would print.
func ExampleCheck_Allowed() {
	cfg := goodConfig()
	cfg.Mistakes = []server.Mistake{server.MistakePreflight401}

	t := new(corstest.Recorder)
	ct := corstest.New(t, cfg.Handler())
	ct.From("https://app.example").Fetch("PUT", "/api/items", corstest.JSON(`{}`), corstest.Credentials()).Allowed()

	for _, l := range strings.Split(t.String(), "\n") {
		if strings.HasPrefix(l, "    HTTP/1.1") || strings.HasPrefix(l, "    Access to fetch") {
			fmt.Println(strings.TrimSpace(l))
		}
	}
	// Output:
	// HTTP/1.1 401 Unauthorized
	// Access to fetch at 'https://api.example/api/items' from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
}
