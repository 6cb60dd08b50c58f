package chromium

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"
)

// The smoke tests reproduce facts recorded in
// shared/reference/chromium-harness.md with plain handlers; they check the
// harness's plumbing as much as the browser.

// acao answers every request with the given Access-Control-Allow-Origin
// (none when empty) and a body.
func acao(value string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if value != "" {
			w.Header().Set("Access-Control-Allow-Origin", value)
		}
		w.Header().Set("X-Secret", "s")
		_, _ = w.Write([]byte("hello"))
	})
}

// preflighting answers OPTIONS with the given Access-Control-Allow-* headers
// (204) and anything else with ACAO for app.test.
func preflighting(allow map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
		if r.Method == http.MethodOptions {
			for k, v := range allow {
				w.Header().Set(k, v)
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		_, _ = w.Write([]byte("done"))
	})
}

func consoleTexts(cs []ConsoleMessage) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Source+"/"+c.Level+": "+c.Text)
	}
	return out
}

func corsErrors(fs []LoadingFailure) []string {
	var out []string
	for _, f := range fs {
		if f.CorsError != "" {
			out = append(out, f.Method+" "+f.URL+" "+f.CorsError+"("+f.FailedParameter+")")
		}
	}
	return out
}

func TestSimpleGetAllowed(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"https://api.test": acao("https://app.test")}})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, FetchRequest{URL: "https://api.test/data?x=1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("allowed GET: %v", res.Duration)
	if !res.Resolved || res.Type != "cors" || res.Status != 200 || res.Body != "hello" {
		t.Errorf("got %+v", res)
	}
	// Only CORS-safelisted response headers are readable; x-secret is not.
	mustEqual(t, "headers", res.Headers, []Header{{Name: "content-length", Value: "5"}, {Name: "content-type", Value: "text/plain; charset=utf-8"}})
	mustEqual(t, "requests", summary(res.Requests), []string{"GET https://api.test/data?x=1 origin=https://app.test"})
	if len(res.Console) != 0 || len(res.Failures) != 0 {
		t.Errorf("console %v failures %v, want none", res.Console, res.Failures)
	}
}

func TestMissingACAORejected(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"https://api.test": acao("")}})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, FetchRequest{URL: "https://api.test/data"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rejected GET: %v", res.Duration)
	if res.Resolved || res.Error != "TypeError: Failed to fetch" {
		t.Errorf("got resolved=%v error=%q, want TypeError: Failed to fetch", res.Resolved, res.Error)
	}
	// The server still received (and answered) the GET.
	mustEqual(t, "requests", summary(res.Requests), []string{"GET https://api.test/data origin=https://app.test"})
	// Chromium 156 ends the text after "resource.": the no-cors hint that
	// cors_error_string.cc appends for fetch() is not in the console line.
	mustEqual(t, "console", consoleTexts(res.Console), []string{
		"javascript/error: Access to fetch at 'https://api.test/data' from origin 'https://app.test' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		"network/error: Failed to load resource: net::ERR_FAILED",
	})
	mustEqual(t, "cors errors", corsErrors(res.Failures), []string{"GET https://api.test/data MissingAllowOriginHeader()"})
}

func TestXHRMissingACAO(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"http://api.test": acao("")}})
	if err := s.Open(ctx, "http://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.XHR(ctx, XHRRequest{URL: "http://api.test/x"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resolved || res.Error != "error" {
		t.Errorf("got resolved=%v error=%q, want the error event", res.Resolved, res.Error)
	}
	mustEqual(t, "console", consoleTexts(res.Console), []string{
		"javascript/error: Access to XMLHttpRequest at 'http://api.test/x' from origin 'http://app.test' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		"network/error: Failed to load resource: net::ERR_FAILED",
	})
}

func TestPreflightPutJSON(t *testing.T) {
	b := browserFor(t)
	put := FetchRequest{URL: "https://api.test/item", Method: "PUT",
		Headers: []Header{{Name: "Content-Type", Value: "application/json"}}, BodyKind: BodyText, Body: `{"a":1}`}

	t.Run("allowed", func(t *testing.T) {
		s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{
			"https://api.test": preflighting(map[string]string{"Access-Control-Allow-Methods": "PUT", "Access-Control-Allow-Headers": "Content-Type"})}})
		if err := s.Open(ctx, "https://app.test"); err != nil {
			t.Fatal(err)
		}
		res, err := s.Fetch(ctx, put)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("preflighted PUT: %v", res.Duration)
		if !res.Resolved || res.Status != 200 || res.Body != "done" {
			t.Errorf("got %+v", res)
		}
		mustEqual(t, "requests", summary(res.Requests), []string{
			"OPTIONS https://api.test/item origin=https://app.test acrm=PUT acrh=content-type",
			"PUT https://api.test/item origin=https://app.test",
		})
		if got := string(res.Requests[1].Body); got != `{"a":1}` {
			t.Errorf("PUT body %q", got)
		}
	})
	t.Run("method not allowed", func(t *testing.T) {
		s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{
			"https://api.test": preflighting(map[string]string{"Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type"})}})
		if err := s.Open(ctx, "https://app.test"); err != nil {
			t.Fatal(err)
		}
		res, err := s.Fetch(ctx, put)
		if err != nil {
			t.Fatal(err)
		}
		if res.Resolved {
			t.Errorf("resolved, want rejected")
		}
		// The PUT is never sent.
		mustEqual(t, "requests", summary(res.Requests), []string{
			"OPTIONS https://api.test/item origin=https://app.test acrm=PUT acrh=content-type",
		})
		mustEqual(t, "console", consoleTexts(res.Console), []string{
			"javascript/error: Access to fetch at 'https://api.test/item' from origin 'https://app.test' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
			"network/error: Failed to load resource: net::ERR_FAILED",
		})
		t.Logf("failures: %+v", res.Failures)
	})
}

func TestPreflightCacheMaxAge(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{
		"https://api.test": preflighting(map[string]string{"Access-Control-Allow-Methods": "PUT", "Access-Control-Max-Age": "1"})}})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	put := FetchRequest{URL: "https://api.test/cached", Method: "PUT"}
	methods := func() []string {
		res, err := s.Fetch(ctx, put)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Resolved {
			t.Fatalf("rejected: %s %v", res.Error, res.Console)
		}
		var ms []string
		for _, r := range res.Requests {
			ms = append(ms, r.Method)
		}
		return ms
	}
	mustEqual(t, "first", methods(), []string{"OPTIONS", "PUT"})
	mustEqual(t, "second (cached)", methods(), []string{"PUT"})
	if err := s.Wait(ctx, 1200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "after 1.2 s (expired)", methods(), []string{"OPTIONS", "PUT"})
}

func TestRedirectToThirdOriginSendsNullOrigin(t *testing.T) {
	b := browserFor(t)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		http.Redirect(w, r, "http://third.test/landing", http.StatusFound)
	})
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"http://api.test": api, "http://third.test": acao("*")}})
	if err := s.Open(ctx, "http://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, FetchRequest{URL: "http://api.test/start"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resolved || !res.Redirected || res.URL != "http://third.test/landing" {
		t.Errorf("got %+v", res)
	}
	mustEqual(t, "requests", summary(res.Requests), []string{
		"GET http://api.test/start origin=http://app.test",
		"GET http://third.test/landing origin=null",
	})
}

func TestWildcardAllowHeadersAndAuthorization(t *testing.T) {
	h := preflighting(map[string]string{"Access-Control-Allow-Headers": "*"})
	req := FetchRequest{URL: "https://api.test/auth", Headers: []Header{{Name: "Authorization", Value: "Bearer x"}}}
	run := func(t *testing.T, b *Browser) *Result {
		s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"https://api.test": h}})
		if err := s.Open(ctx, "https://app.test"); err != nil {
			t.Fatal(err)
		}
		res, err := s.Fetch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	t.Run("default build", func(t *testing.T) {
		res := run(t, browserFor(t))
		if !res.Resolved {
			t.Fatalf("rejected (%s), but this build lets ACAH * cover Authorization", res.Error)
		}
		if len(res.Console) != 0 {
			t.Errorf("console %v, want none", res.Console)
		}
		// The only trace is a DevTools issue, not a console line.
		if !slices.Contains(res.Issues, "DeprecationIssue") {
			t.Errorf("issues %v, want a DeprecationIssue", res.Issues)
		}
	})
	t.Run("CorsNonWildcardRequestHeadersSupport", func(t *testing.T) {
		res := run(t, browserFor(t, "CorsNonWildcardRequestHeadersSupport"))
		if res.Resolved {
			t.Fatalf("resolved, want blocked under the feature flag")
		}
		mustEqual(t, "console", consoleTexts(res.Console), []string{
			"javascript/error: Access to fetch at 'https://api.test/auth' from origin 'https://app.test' has been blocked by CORS policy: Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.",
			"network/error: Failed to load resource: net::ERR_FAILED",
		})
	})
}

func TestPreflightCachePartitionedByTopLevelSite(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{
		"https://api.test": preflighting(map[string]string{"Access-Control-Allow-Methods": "PUT", "Access-Control-Max-Age": "60"})}})
	put := FetchRequest{URL: "https://api.test/p", Method: "PUT"}
	step := func(want ...string) {
		t.Helper()
		res, err := s.Fetch(ctx, put)
		if err != nil {
			t.Fatal(err)
		}
		var ms []string
		for _, r := range res.Requests {
			ms = append(ms, r.Method+" origin="+r.Origin)
		}
		mustEqual(t, "requests from "+s.Page(), ms, want)
	}
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	step("OPTIONS origin=https://app.test", "PUT origin=https://app.test")
	step("PUT origin=https://app.test")
	// Same frame origin, other top-level site: a new cache partition.
	if err := s.OpenFrame(ctx, "http://other.test", "https://app.test"); err != nil {
		t.Fatal(err)
	}
	step("OPTIONS origin=https://app.test", "PUT origin=https://app.test")
	step("PUT origin=https://app.test")
}

func TestExplicitPortOrigin(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"http://api.test:8080": acao("http://app.test")}})
	if err := s.Open(ctx, "http://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, FetchRequest{URL: "http://api.test:8080/p"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resolved {
		t.Fatalf("rejected: %v", res.Console)
	}
	mustEqual(t, "requests", summary(res.Requests), []string{"GET http://api.test:8080/p origin=http://app.test"})
	if res.Requests[0].Host != "api.test:8080" {
		t.Errorf("Host %q", res.Requests[0].Host)
	}
}

func TestSameOriginFrame(t *testing.T) {
	// A same-site frame shares the tab's process, so the harness addresses
	// it by execution context instead of attaching to a frame target.
	b := browserFor(t)
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"https://api.test": acao("")}})
	if err := s.OpenFrame(ctx, "https://app.test", "https://app.test"); err != nil {
		t.Fatal(err)
	}
	if s.contextID == 0 {
		t.Errorf("same-origin frame not addressed by execution context")
	}
	res, err := s.Fetch(ctx, FetchRequest{URL: "https://api.test/f"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resolved || len(res.Requests) != 1 || res.Requests[0].Origin != "https://app.test" {
		t.Errorf("got resolved=%v requests %v", res.Resolved, summary(res.Requests))
	}
	if len(corsErrors(res.Failures)) != 1 || len(res.Console) != 2 {
		t.Errorf("console %v failures %v", consoleTexts(res.Console), res.Failures)
	}
	// The referrer shows the fetch ran in the framed document.
	if got := res.Requests[0].Header.Get("Referer"); got != "https://app.test/" {
		t.Errorf("Referer %q", got)
	}
}

func TestNoCorsIsOpaqueWithoutOrigin(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"http://api.test": acao("")}})
	if err := s.Open(ctx, "http://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, FetchRequest{URL: "http://api.test/img", Mode: "no-cors"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resolved || res.Type != "opaque" || res.Status != 0 || len(res.Headers) != 0 || res.Body != "" {
		t.Errorf("got %+v", res)
	}
	mustEqual(t, "requests", summary(res.Requests), []string{"GET http://api.test/img"})
}

func TestUnknownOrigin(t *testing.T) {
	b := browserFor(t)
	if _, err := b.NewSession(t.Context(), Plan{Servers: map[string]http.Handler{"https://nowhere.test": acao("*")}}); !errors.Is(err, ErrUnknownOrigin) {
		t.Fatalf("NewSession = %v, want ErrUnknownOrigin", err)
	}
	s, ctx := session(t, b, Plan{})
	if err := s.Open(ctx, "http://nowhere.test"); !errors.Is(err, ErrUnknownOrigin) {
		t.Errorf("Open = %v, want ErrUnknownOrigin", err)
	}
	if _, err := s.Fetch(ctx, FetchRequest{URL: "http://api.test/"}); err == nil {
		t.Errorf("Fetch before Open succeeded")
	}
}
