package browser

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/console")

// consoleCase is one failure (or warning) scenario: the servers, then one
// request from a page at https://app.example.
type consoleCase struct {
	name    string
	servers map[string]fetch.Transport
	xhr     bool
	init    fetch.RequestInit // URL, method, headers…; for xhr: WithCredentials = Credentials include
	upload  bool
	cancel  bool // run with a cancelled context
}

func put(url string, kv ...string) fetch.RequestInit {
	return fetch.RequestInit{Method: "PUT", URL: url, Header: hl(kv...)}
}

func get(url string) fetch.RequestInit { return fetch.RequestInit{URL: url} }

func withCreds(i fetch.RequestInit) fetch.RequestInit {
	i.Credentials = fetch.CredentialsInclude
	return i
}

func api(act, pre func(*fetch.WireRequest) *fetch.WireResponse) map[string]fetch.Transport {
	return map[string]fetch.Transport{apiOrigin: server{pre: pre, act: act}}
}

const acao = "Access-Control-Allow-Origin"

func redirectTo(loc string, kv ...string) func(*fetch.WireRequest) *fetch.WireResponse {
	return fixed(302, append([]string{"Location", loc}, kv...)...)
}

// consoleCases covers every failure code fetch can produce on a request
// that was built, plus the Authorization-covered-by-* warning.
var consoleCases = []consoleCase{
	{name: "missing-acao", servers: api(fixed(200), nil), init: get(apiOrigin + "/x")},
	{name: "acao-mismatch", servers: api(fixed(200, acao, "https://other.example"), nil), init: get(apiOrigin + "/x")},
	{name: "acao-trailing-slash", servers: api(fixed(200, acao, "https://app.example/"), nil), init: get(apiOrigin + "/x")},
	{name: "acao-list-one-line", servers: api(fixed(200, acao, "https://app.example, https://other.example"), nil), init: get(apiOrigin + "/x")},
	{name: "acao-two-lines", servers: api(fixed(200, acao, "https://app.example", acao, "https://other.example"), nil), init: get(apiOrigin + "/x")},
	{name: "acao-space-separated", servers: api(fixed(200, acao, "https://app.example https://other.example"), nil), init: get(apiOrigin + "/x")},
	{name: "acao-invalid-value", servers: api(fixed(200, acao, "app.example"), nil), init: get(apiOrigin + "/x")},
	{name: "acao-null", servers: api(fixed(200, acao, "null"), nil), init: get(apiOrigin + "/x")},
	{name: "wildcard-origin-with-credentials", servers: api(fixed(200, acao, "*"), nil), init: withCreds(get(apiOrigin + "/x"))},
	{name: "acac-missing", servers: api(fixed(200, acao, appOrigin), nil), init: withCreds(get(apiOrigin + "/x"))},
	{name: "acac-wrong-case", servers: api(fixed(200, acao, appOrigin, "Access-Control-Allow-Credentials", "True"), nil), init: withCreds(get(apiOrigin + "/x"))},
	{name: "preflight-404", servers: api(nil, fixed(404, acao, "*")), init: put(apiOrigin + "/x")},
	{name: "preflight-missing-acao", servers: api(nil, fixed(204)), init: put(apiOrigin + "/x")},
	{name: "preflight-404-missing-acao", servers: api(nil, fixed(404)), init: put(apiOrigin + "/x")},
	{name: "preflight-acao-mismatch", servers: api(nil, fixed(204, acao, "https://other.example", "Access-Control-Allow-Methods", "PUT")), init: put(apiOrigin + "/x")},
	{name: "preflight-redirect", servers: api(nil, redirectTo("/elsewhere", acao, "*")), init: put(apiOrigin + "/x")},
	{name: "invalid-allow-methods", servers: api(nil, fixed(204, acao, "*", "Access-Control-Allow-Methods", "PUT, P(T")), init: put(apiOrigin + "/x")},
	{name: "invalid-allow-headers", servers: api(nil, fixed(204, acao, "*", "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "x-a, x@b")), init: put(apiOrigin+"/x", "X-A", "1")},
	{name: "method-not-allowed", servers: api(nil, fixed(204, acao, "*", "Access-Control-Allow-Methods", "GET, POST")), init: put(apiOrigin + "/x")},
	{name: "method-case", servers: api(nil, fixed(204, acao, "*", "Access-Control-Allow-Methods", "PATCH")), init: fetch.RequestInit{Method: "patch", URL: apiOrigin + "/x"}},
	{name: "header-not-allowed", servers: api(nil, fixed(204, acao, "*", "Access-Control-Allow-Methods", "PUT")), init: put(apiOrigin+"/x", "X-Zeta", "1", "X-Alpha", "2")},
	{name: "authorization-with-acah-star", servers: api(fixed(200, acao, "*"), fixed(204, acao, "*", "Access-Control-Allow-Headers", "*")), init: fetch.RequestInit{URL: apiOrigin + "/x", Header: hl("Authorization", "Bearer t")}},
	{name: "wildcard-method-with-credentials", servers: api(nil, fixed(204, acao, appOrigin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "*")), init: withCreds(put(apiOrigin + "/x"))},
	{name: "wildcard-header-with-credentials", servers: api(nil, fixed(204, acao, appOrigin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Headers", "*")), init: withCreds(fetch.RequestInit{URL: apiOrigin + "/x", Header: hl("X-Token", "1")})},
	{name: "redirected-then-missing-acao", servers: map[string]fetch.Transport{
		apiOrigin:             server{act: redirectTo("https://cdn.example/y", acao, "*")},
		"https://cdn.example": server{act: fixed(200)},
	}, init: get(apiOrigin + "/x")},
	{name: "redirected-then-acao-not-null", servers: map[string]fetch.Transport{
		apiOrigin:             server{act: redirectTo("https://cdn.example/y", acao, "*")},
		"https://cdn.example": server{act: fixed(200, acao, appOrigin)},
	}, init: get(apiOrigin + "/x")},
	{name: "redirect-response-fails-cors", servers: api(redirectTo("https://cdn.example/y"), nil), init: get(apiOrigin + "/x")},
	{name: "redirect-mode-error", servers: api(redirectTo("/y", acao, "*"), nil), init: fetch.RequestInit{URL: apiOrigin + "/x", Redirect: fetch.RedirectError}},
	{name: "redirect-limit", servers: api(redirectTo("/x", acao, "*"), nil), init: get(apiOrigin + "/x")},
	{name: "redirect-to-credentials", servers: api(redirectTo("https://user:pw@cdn.example/y", acao, "*"), nil), init: get(apiOrigin + "/x")},
	{name: "redirect-to-ftp", servers: api(redirectTo("ftp://files.example/y", acao, "*"), nil), init: get(apiOrigin + "/x")},
	{name: "redirect-bad-location", servers: api(redirectTo("https://[::1/y", acao, "*"), nil), init: get(apiOrigin + "/x")},
	{name: "redirect-stream-body", servers: api(fixed(307, "Location", "/y", acao, "*"), fixed(204, acao, "*", "Access-Control-Allow-Methods", "POST")), init: fetch.RequestInit{Method: "POST", URL: apiOrigin + "/x", Body: fetch.Body{Kind: fetch.BodyStream, Data: "abc"}}},
	{name: "same-origin-mode", servers: api(fixed(200, acao, "*"), nil), init: fetch.RequestInit{URL: apiOrigin + "/x", Mode: fetch.ModeSameOrigin}},
	{name: "scheme-not-http", init: get("ftp://files.example/x")},
	{name: "scheme-not-supported", init: fetch.RequestInit{URL: "ftp://files.example/x", Mode: fetch.ModeNoCORS}},
	{name: "dns-failure", init: get("https://nowhere.example/x")},
	{name: "connection-refused", servers: api(fixed(200, acao, "*"), nil), init: get(apiOrigin + ":8443/x")},
	{name: "preflight-dns-failure", init: put("https://nowhere.example/x")},
	{name: "aborted", servers: api(fixed(200, acao, "*"), nil), init: get(apiOrigin + "/x"), cancel: true},
	{name: "xhr-missing-acao", xhr: true, servers: api(fixed(200), nil), init: get(apiOrigin + "/x")},
	{name: "xhr-acao-mismatch", xhr: true, servers: api(fixed(200, acao, "https://other.example"), nil), init: get(apiOrigin + "/x")},
	{name: "xhr-wildcard-with-credentials", xhr: true, servers: api(fixed(200, acao, "*"), nil), init: withCreds(get(apiOrigin + "/x"))},
	{name: "xhr-acac-missing", xhr: true, servers: api(fixed(200, acao, appOrigin), nil), init: withCreds(get(apiOrigin + "/x"))},
	{name: "xhr-preflight-404", xhr: true, servers: api(nil, fixed(404, acao, "*")), init: put(apiOrigin + "/x")},
	{name: "xhr-upload-forced-preflight", xhr: true, upload: true, servers: api(fixed(200, acao, "*"), fixed(204)), init: fetch.RequestInit{Method: "POST", URL: apiOrigin + "/x", Body: fetch.Body{Kind: fetch.BodyText, Data: "hi"}}},
	{name: "xhr-allowed", xhr: true, servers: api(func(*fetch.WireRequest) *fetch.WireResponse {
		return &fetch.WireResponse{Status: 200, Header: hl(acao, "*", "Content-Type", "text/plain", "X-Secret", "1"), Body: []byte("hello")}
	}, nil), init: get(apiOrigin + "/x")},
	{name: "request-error-forbidden-method", init: fetch.RequestInit{Method: "TRACE", URL: apiOrigin + "/x"}},
	{name: "xhr-request-error-forbidden-method", xhr: true, init: fetch.RequestInit{Method: "TRACE", URL: apiOrigin + "/x"}},
}

// runCase runs c in a fresh browser with profile p.
func runCase(t testing.TB, p fetch.Profile, c consoleCase) *Outcome {
	o, _, _ := runCaseIn(t, p, c)
	return o
}

// runCaseIn is runCase that also returns the browser and the context the
// request ran with.
func runCaseIn(t testing.TB, p fetch.Profile, c consoleCase) (*Outcome, *Browser, context.Context) {
	b := New(p)
	for o, tr := range c.servers {
		mustServe(t, b, o, tr)
	}
	page := mustOpen(t, b, appOrigin)
	ctx := context.Background()
	if c.cancel {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		ctx = cctx
	}
	if c.xhr {
		return page.XHR(ctx, c.init.Method, c.init.URL, XHRRequest{
			Header: c.init.Header, Body: c.init.Body,
			WithCredentials: c.init.Credentials == fetch.CredentialsInclude, UploadListeners: c.upload,
		}), b, ctx
	}
	return page.Fetch(ctx, "", c.init), b, ctx
}

// render writes an outcome as golden text.
func render(o *Outcome) string {
	var b strings.Builder
	if c := code(o); c != "" {
		fmt.Fprintf(&b, "code: %s", c)
		if o.Result != nil && o.Result.FailedInPreflight {
			b.WriteString(" (preflight)")
		}
		b.WriteByte('\n')
	}
	if o.Response != nil {
		fmt.Fprintf(&b, "resolved: %s %d\n", o.Response.Type, o.Response.Status)
	}
	if o.JSError != "" {
		fmt.Fprintf(&b, "js: %s\n", o.JSError)
	}
	if x := o.XHR; x != nil {
		fmt.Fprintf(&b, "xhr: readyState=%d status=%d statusText=%q responseText=%q events=%s\n",
			x.ReadyState, x.Status, x.StatusText, x.ResponseText, strings.Join(x.Events, ","))
	}
	for _, m := range o.Console {
		fmt.Fprintf(&b, "console: %s", m)
		if m.ID != "" {
			fmt.Fprintf(&b, " [%s]", m.ID)
		}
		if m.Link != "" {
			fmt.Fprintf(&b, " <%s>", m.Link)
		}
		b.WriteByte('\n')
	}
	for _, is := range o.Issues {
		fmt.Fprintf(&b, "issue: %s %s %s\n", is.Kind, is.Code, is.URL)
	}
	return b.String()
}

func goldenProfiles() []fetch.Profile {
	return append(Profiles(), ChromiumSpecAuthorization)
}

// TestConsoleGolden renders every scenario for every profile and compares
// with testdata/console/<profile>.golden (go test -update rewrites them).
func TestConsoleGolden(t *testing.T) {
	for _, p := range goldenProfiles() {
		t.Run(p.Name, func(t *testing.T) {
			var b strings.Builder
			for _, c := range consoleCases {
				o := runCase(t, p, c)
				fmt.Fprintf(&b, "== %s\n%s\n", c.name, render(o))
			}
			checkGolden(t, filepath.Join("testdata", "console", p.Name+".golden"), b.String())
		})
	}
}

// checkGolden compares got with the golden file at path, or rewrites the
// file with -update.
func checkGolden(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); diff:\n%s", path, lineDiff(string(want), got))
	}
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n- %s\n+ %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}

// TestConsoleCoversEveryCode checks that the scenarios produce every
// failure code fetch and policy define for a fetch that was built, so the
// golden files cover every failure kind.
func TestConsoleCoversEveryCode(t *testing.T) {
	all := []policy.Code{
		policy.CodeMissingAllowOrigin, policy.CodeWildcardOriginWithCredentials, policy.CodeAllowOriginMismatch,
		policy.CodeAllowCredentialsNotTrue, policy.CodeMethodNotAllowed, policy.CodeWildcardMethodWithCredentials,
		policy.CodeAuthorizationNotAllowed, policy.CodeHeaderNotAllowed, policy.CodeWildcardHeaderWithCredentials,
		fetch.CodeSameOriginModeCrossOrigin, fetch.CodeSchemeNotHTTP, fetch.CodeSchemeNotSupported,
		fetch.CodePreflightStatusNotOK, fetch.CodePreflightRedirect, fetch.CodeInvalidAllowMethods, fetch.CodeInvalidAllowHeaders,
		fetch.CodeRedirectModeError, fetch.CodeRedirectLimit, fetch.CodeRedirectBadLocation, fetch.CodeRedirectSchemeNotHTTP,
		fetch.CodeRedirectHasCredentials, fetch.CodeRedirectStreamBody, fetch.CodeTransportError, fetch.CodeAborted,
		fetch.CodeForbiddenMethod,
	}
	seen := map[policy.Code]bool{}
	for _, p := range goldenProfiles() {
		for _, c := range consoleCases {
			o := runCase(t, p, c)
			seen[code(o)] = true
			if o.Blocked() && o.JSError == "" && o.XHR == nil {
				t.Errorf("%s/%s: blocked fetch() without a JS error", p.Name, c.name)
			}
			if o.Blocked() && len(o.Console) == 0 && c.name != "aborted" && !strings.Contains(c.name, "request-error") &&
				!(family(p.Name) == NameFirefox && slices.Contains([]policy.Code{fetch.CodeSameOriginModeCrossOrigin, fetch.CodeRedirectModeError,
					fetch.CodeRedirectLimit, fetch.CodeRedirectHasCredentials, fetch.CodeRedirectBadLocation, fetch.CodeRedirectStreamBody,
					fetch.CodeSchemeNotSupported}, code(o))) {
				t.Errorf("%s/%s: blocked (%s) without a console line", p.Name, c.name, code(o))
			}
		}
	}
	for _, c := range all {
		if !seen[c] {
			t.Errorf("no scenario produces %s", c)
		}
	}
}
