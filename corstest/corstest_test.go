package corstest_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
)

var update = flag.Bool("update", false, "rewrite the golden failure stories in testdata/")

const (
	app  = "https://app.example"
	evil = "https://evil.example"
)

// goodConfig is a correct credentialed API: app.example may PUT JSON, read
// X-Request-Id, and reuse its preflight for 10 minutes.
func goodConfig() *server.Config {
	return &server.Config{
		Origins:         []string{app},
		Credentials:     true,
		Methods:         []string{"GET", "PUT"},
		Headers:         []string{"Content-Type"},
		Expose:          []string{"X-Request-Id"},
		MaxAge:          "600",
		Routes:          []server.Route{{Path: "/api/items", Methods: []string{"GET", "PUT"}}},
		ResponseHeaders: policy.HeaderList{{Name: "X-Request-Id", Value: "req-1"}},
	}
}

func put(p *corstest.Page) *corstest.Check {
	return p.Fetch("PUT", "/api/items", corstest.JSON(`{"name":"pen"}`), corstest.Credentials())
}

func TestCorrectServerPassesInEveryBrowser(t *testing.T) {
	t.Parallel()
	ct := corstest.New(t, goodConfig().Handler(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct.From(app)).Allowed().Exposes("X-Request-Id").PreflightCachedFor(10 * time.Minute).VariesOnOrigin(evil)
	put(ct.From(evil)).Blocked().VariesOnOrigin(app)
}

func TestDeclarativeServerAsTransport(t *testing.T) {
	t.Parallel()
	ct := corstest.NewTransport(t, goodConfig().Server())
	c := put(ct.From(app)).Allowed()
	res := c.Result(corstest.Chromium)
	if res == nil || res.Response == nil || res.Response.Status != 200 {
		t.Fatalf("Result(Chromium) = %+v, want a 200 response", res)
	}
	if c.Result(corstest.Firefox) != nil {
		t.Errorf("Result(Firefox) is not nil for a Chromium-only Tester")
	}
}

// failureCase makes a server wrong in one way and checks that the matching
// assertion fails with a message naming the cause, and that the same
// assertion passes against the correct server.
type failureCase struct {
	name     string
	mutate   func(*server.Config)
	browsers []corstest.Browser
	check    func(*corstest.Tester)
	want     []string // fragments of the failure message
	notWant  []string
	// noGood: the assertion fails against goodConfig too (a limit of
	// some browser, not of the server).
	noGood bool
}

var failureCases = []failureCase{
	{
		name:   "wildcard-with-credentials",
		mutate: func(c *server.Config) { c.Mistakes = []server.Mistake{server.MistakeWildcardWithCredentials} },
		check:  func(ct *corstest.Tester) { put(ct.From(app)).Allowed() },
		want: []string{
			"PUT https://api.example/api/items from https://app.example with credentials",
			"want: allowed",
			"Chromium  blocked in the preflight (wildcard-origin-with-credentials)",
			"OPTIONS /api/items HTTP/1.1",
			"Access-Control-Request-Method: PUT",
			"actual request: not sent",
			"must not be the wildcard '*' when the request's credentials mode is 'include'",
			"JavaScript sees: TypeError: Failed to fetch",
			`-   "Access-Control-Allow-Origin":      "https://app.example",`,
			`+   "Access-Control-Allow-Origin":      "*",`,
		},
	},
	{
		name:   "reflect-origin",
		mutate: func(c *server.Config) { c.Mistakes = []server.Mistake{server.MistakeReflectOrigin} },
		check:  func(ct *corstest.Tester) { put(ct.From(evil)).Blocked() },
		want: []string{
			"want: blocked",
			"allowed: cors response, status 200, after a preflight",
			"the server echoed the request's Origin",
			`+   "Access-Control-Allow-Origin":      "https://evil.example",`,
		},
	},
	{
		name:   "preflight-401",
		mutate: func(c *server.Config) { c.Mistakes = []server.Mistake{server.MistakePreflight401} },
		check:  func(ct *corstest.Tester) { put(ct.From(app)).Allowed() },
		want: []string{
			"HTTP/1.1 401 Unauthorized",
			"No 'Access-Control-Allow-Origin' header is present on the requested resource.",
			"answer the preflight (OPTIONS) with a 2xx status before authentication or routing rejects it: 204 instead of 401",
		},
	},
	{
		name:   "not-exposed",
		mutate: func(c *server.Config) { c.Expose = nil },
		check:  func(ct *corstest.Tester) { put(ct.From(app)).Exposes("X-Request-Id") },
		want: []string{
			"want: script reads X-Request-Id",
			`-   "Access-Control-Expose-Headers": "X-Request-Id",`,
		},
		notWant: []string{"JavaScript sees"},
	},
	{
		name:   "short-max-age",
		mutate: func(c *server.Config) { c.MaxAge = "60" },
		check: func(ct *corstest.Tester) {
			put(ct.From(app)).PreflightCachedFor(10 * time.Minute)
		},
		want: []string{
			"want: the preflight result reused for at least 10m0s",
			`-   "Access-Control-Max-Age": "600",`,
			`+   "Access-Control-Max-Age": "60",`,
			"Chromium: after 10m0s the request was preflighted again; the preflight result was cached for 1m0s",
		},
	},
	{
		name:     "max-age-above-webkit-cap",
		mutate:   func(c *server.Config) { c.MaxAge = "7200" },
		browsers: corstest.AllBrowsers(),
		noGood:   true,
		check: func(ct *corstest.Tester) {
			put(ct.From(app)).PreflightCachedFor(time.Hour)
		},
		want: []string{
			"WebKit: after 1h0m0s the request was preflighted again; the preflight result was cached for 10m0s (WebKit caps Access-Control-Max-Age at 10m0s)",
		},
		notWant: []string{"Chromium: after", "Firefox: after", "Spec: after"},
	},
	{
		name:   "no-vary",
		mutate: func(c *server.Config) { c.Mistakes = []server.Mistake{server.MistakeNoVary} },
		check:  func(ct *corstest.Tester) { put(ct.From(app)).VariesOnOrigin() },
		want: []string{
			"want: Vary lists Origin on responses that depend on it",
			"the preflight response names an origin (Access-Control-Allow-Origin: https://app.example) but has no Vary: Origin",
			"the response names an origin",
		},
	},
	{
		name:   "no-vary-disallowed-origin",
		mutate: func(c *server.Config) { c.Mistakes = []server.Mistake{server.MistakeNoVary} },
		check: func(ct *corstest.Tester) {
			ct.From(evil).Fetch("GET", "/api/items").VariesOnOrigin(app)
		},
		want: []string{
			"the response has no Vary: Origin, yet the same request from https://app.example gets other CORS headers (-https://evil.example +https://app.example):",
			`+ 	"Access-Control-Allow-Origin":      "https://app.example",`,
		},
	},
}

func TestFailureMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range failureCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			browsers := tc.browsers
			if browsers == nil {
				browsers = []corstest.Browser{corstest.Chromium}
			}
			// The assertion passes against the correct server …
			good := new(corstest.Recorder)
			tc.check(corstest.New(good, goodConfig().Handler(), corstest.Browsers(browsers...)))
			if good.Failed() && !tc.noGood {
				t.Fatalf("the assertion fails against the correct server:\n%s", good)
			}
			// … and fails against the broken one, saying why.
			cfg := goodConfig()
			tc.mutate(cfg)
			rec := new(corstest.Recorder)
			tc.check(corstest.New(rec, cfg.Handler(), corstest.Browsers(browsers...)))
			if !rec.Failed() || rec.Fatal() {
				t.Fatalf("Failed() = %v, Fatal() = %v; want an assertion failure\n%s", rec.Failed(), rec.Fatal(), rec)
			}
			msg := rec.String()
			for _, w := range tc.want {
				if !strings.Contains(normalizeSpaces(msg), normalizeSpaces(w)) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("message has %q:\n%s", w, msg)
				}
			}
			golden(t, filepath.Join("testdata", tc.name+".golden"), msg)
		})
	}
}

// normalizeSpaces turns the non-breaking spaces cmp.Diff may emit into
// spaces and collapses runs of blanks, so fragments match whatever
// alignment cmp chose.
func normalizeSpaces(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	return strings.Join(strings.Fields(s), " ")
}

// golden compares got with the file, or rewrites it with -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	got = strings.ReplaceAll(got, "\u00a0", " ")
	if *update {
		if err := os.WriteFile(file, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(strings.TrimSuffix(string(want), "\n"), got); d != "" {
		t.Errorf("%s differs (-want +got); run go test -update if the change is intended:\n%s", file, d)
	}
}

func TestSetupErrorsAreFatal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		do   func(*corstest.Tester)
		want string
	}{
		{"bad origin", func(ct *corstest.Tester) { ct.From("https://app.example/") }, `From("https://app.example/")`},
		{"forbidden method", func(ct *corstest.Tester) { ct.From(app).Fetch("TRACE", "/api/items").Allowed() }, "the browser refuses to make this request"},
		{"bad vary origin", func(ct *corstest.Tester) { ct.From(app).Fetch("GET", "/api/items").VariesOnOrigin("evil") }, `VariesOnOrigin("evil")`},
	} {
		rec := new(corstest.Recorder)
		tc.do(corstest.New(rec, goodConfig().Handler()))
		if !rec.Fatal() || !strings.Contains(rec.String(), tc.want) {
			t.Errorf("%s: Fatal() = %v, message %q; want a fatal error mentioning %q", tc.name, rec.Fatal(), rec, tc.want)
		}
	}
	rec := new(corstest.Recorder)
	corstest.New(rec, goodConfig().Handler(), corstest.ServerURL("api.example"))
	if !rec.Fatal() {
		t.Errorf("ServerURL without a scheme: no fatal error")
	}
}

func TestServerURLAndAbsoluteURLs(t *testing.T) {
	t.Parallel()
	ct := corstest.New(t, goodConfig().Handler(), corstest.ServerURL("http://localhost:8080"))
	c := ct.From("http://localhost:3000").Fetch("GET", "api/items").Blocked()
	res := c.Result(corstest.Chromium)
	if got := res.Wire[0].Request.URL.String(); got != "http://localhost:8080/api/items" {
		t.Errorf("request URL = %s, want http://localhost:8080/api/items", got)
	}
	// An absolute URL is used as is.
	c = ct.From(app).Fetch("GET", "http://localhost:8080/api/items?x=1", corstest.Header("X-Trace", "1"))
	if got := c.Result(corstest.Chromium).Wire[0].Request.URL.String(); got != "http://localhost:8080/api/items?x=1" {
		t.Errorf("request URL = %s", got)
	}
}

func TestConsoleAndXHR(t *testing.T) {
	t.Parallel()
	cfg := goodConfig()
	cfg.Mistakes = []server.Mistake{server.MistakeWildcardWithCredentials}
	ct := corstest.New(new(corstest.Recorder), cfg.Handler(), corstest.Browsers(corstest.AllBrowsers()...))
	c := ct.From(app).Fetch("PUT", "/api/items", corstest.JSON(`{}`), corstest.Credentials(), corstest.XHR()).Allowed()
	lines := c.Console(corstest.Chromium)
	if len(lines) == 0 || !strings.Contains(lines[0], "Access to XMLHttpRequest at 'https://api.example/api/items' from origin 'https://app.example'") {
		t.Errorf("Chromium console = %q, want the XMLHttpRequest wording", lines)
	}
	if len(c.Console(corstest.Firefox)) == 0 || !strings.HasPrefix(c.Console(corstest.Firefox)[0], "Cross-Origin Request Blocked") {
		t.Errorf("Firefox console = %q", c.Console(corstest.Firefox))
	}
	if c.Console(corstest.Browser{Name: "other"}) != nil {
		t.Errorf("Console of a browser the Tester does not run is not nil")
	}
}

// TestConcurrentChecks shares one Tester between goroutines (run with
// -race): every Fetch uses its own browsers, so verdicts never mix.
func TestConcurrentChecks(t *testing.T) {
	t.Parallel()
	rec := new(corstest.Recorder)
	ct := corstest.New(rec, goodConfig().Handler(), corstest.Browsers(corstest.AllBrowsers()...))
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				put(ct.From(app)).Allowed().PreflightCachedFor(10 * time.Minute)
			} else {
				put(ct.From(evil)).Blocked()
			}
		}()
	}
	wg.Wait()
	if rec.Failed() {
		t.Fatalf("concurrent checks failed:\n%s", rec)
	}
}

// BenchmarkPutAllBrowsers measures one credentialed, preflighted PUT
// checked in the four browsers (eight in-process exchanges: a preflight
// and the actual request in each). BenchmarkPutByHand makes the same
// exchanges with bare net/http/httptest against the same handler: the
// check costs about 1.4–1.5× their CPU time (79 against 58 and 92 against
// 60 µs per op, medians of two sets of alternated runs on a loaded 2-core
// machine, where wall-clock pairs were too noisy to quote), within the 2×
// target. See "What a
// corstest check costs" in docs/conformance.md.
func BenchmarkPutAllBrowsers(b *testing.B) {
	ct := corstest.New(b, goodConfig().Handler(), corstest.Browsers(corstest.AllBrowsers()...))
	page := ct.From(app)
	b.ReportAllocs()
	for b.Loop() {
		put(page).Allowed()
	}
}

// BenchmarkPutByHand is the baseline of BenchmarkPutAllBrowsers: the same
// eight exchanges against the same handler, made by hand with
// httptest.NewRequest and httptest.NewRecorder, checking only what a
// hand-written test would (status, Access-Control-Allow-Origin and
// -Credentials). What is left of the corstest check's cost is the
// simulation: four browsers' fetch algorithms, preflight caches, verdicts
// and console texts.
func BenchmarkPutByHand(b *testing.B) {
	h := goodConfig().Handler()
	const url = corstest.DefaultServerURL + "/api/items"
	allowed := func(w *httptest.ResponseRecorder) bool {
		return w.Code/100 == 2 && w.Header().Get("Access-Control-Allow-Origin") == app &&
			w.Header().Get("Access-Control-Allow-Credentials") == "true"
	}
	b.ReportAllocs()
	for b.Loop() {
		for range corstest.AllBrowsers() {
			pre := httptest.NewRequest(http.MethodOptions, url, nil)
			pre.Header.Set("Accept", "*/*")
			pre.Header.Set("Access-Control-Request-Method", "PUT")
			pre.Header.Set("Access-Control-Request-Headers", "content-type")
			pre.Header.Set("Origin", app)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, pre)
			if !allowed(w) {
				b.Fatalf("preflight: %d %v", w.Code, w.Header())
			}
			act := httptest.NewRequest(http.MethodPut, url, strings.NewReader(`{"name":"pen"}`))
			act.Header.Set("Content-Type", "application/json")
			act.Header.Set("Accept", "*/*")
			act.Header.Set("Origin", app)
			w = httptest.NewRecorder()
			h.ServeHTTP(w, act)
			if !allowed(w) {
				b.Fatalf("PUT: %d %v", w.Code, w.Header())
			}
		}
	}
}
