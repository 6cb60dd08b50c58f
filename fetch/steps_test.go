package fetch

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/corsim/corsim/policy"
	"github.com/google/go-cmp/cmp"
)

type fetchCase struct {
	name    string
	profile Profile
	client  *Client
	init    RequestInit
	srv     Transport
	// want
	err       policy.Code
	inPre     bool
	typ       ResponseType
	reached   bool
	preflight int // number of preflights on the wire
	check     func(t *testing.T, res *Result)
}

func runCases(t *testing.T, cases []fetchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t)
			if tc.client != nil {
				c = *tc.client
			}
			f, _ := newFetcher(tc.profile, tc.srv)
			res := f.Fetch(context.Background(), mustRequest(t, c, tc.init))
			if code(res.Err) != tc.err {
				t.Fatalf("Err = %v (%s), want %q\ntrace: %v", res.Err, code(res.Err), tc.err, steps(res))
			}
			if res.FailedInPreflight != tc.inPre {
				t.Errorf("FailedInPreflight = %v", res.FailedInPreflight)
			}
			if tc.err == "" && res.Response.Type != tc.typ {
				t.Errorf("type = %s, want %s", res.Response.Type, tc.typ)
			}
			if tc.err != "" && res.Response != nil {
				t.Errorf("network error with a response")
			}
			if res.ReachedServer != tc.reached {
				t.Errorf("ReachedServer = %v, want %v", res.ReachedServer, tc.reached)
			}
			n := 0
			for _, x := range res.Wire {
				if x.Preflight {
					n++
				}
			}
			if n != tc.preflight {
				t.Errorf("%d preflights on the wire, want %d", n, tc.preflight)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

var (
	acao     = "Access-Control-Allow-Origin"
	acac     = "Access-Control-Allow-Credentials"
	acam     = "Access-Control-Allow-Methods"
	acah     = "Access-Control-Allow-Headers"
	allowAll = server{pre: echoOrigin(204, acam, "PUT, DELETE, patch", acah, "x-a, x-b, authorization, content-type"), act: echoOrigin(200)}
)

// TestMainFetchStep12 covers main fetch's branch choice
// (https://fetch.spec.whatwg.org/#concept-main-fetch step 12).
func TestMainFetchStep12(t *testing.T) {
	runCases(t, []fetchCase{
		{name: "same origin is basic, no CORS check", init: RequestInit{Method: "PUT", URL: page + "/x", Header: hl("X-A", "1")},
			srv: server{act: fixed(200)}, typ: TypeBasic, reached: true},
		{name: "same-origin mode to another origin", init: RequestInit{URL: "https://api.example/", Mode: ModeSameOrigin},
			srv: allowAll, err: CodeSameOriginModeCrossOrigin},
		{name: "no-cors is opaque even without ACAO", init: RequestInit{URL: "https://api.example/", Mode: ModeNoCORS},
			srv: server{act: fixed(200, "X-Secret", "1")}, typ: TypeOpaque, reached: true,
			check: func(t *testing.T, res *Result) {
				r := res.Response
				if r.Status != 0 || r.Header != nil || r.Body != nil || r.URL != nil {
					t.Errorf("opaque response leaks: %+v", r)
				}
			}},
		{name: "no-cors with redirect mode manual", init: RequestInit{URL: "https://api.example/", Mode: ModeNoCORS, Redirect: RedirectManual},
			srv: allowAll, err: CodeNoCORSRedirectMode},
		{name: "cors to a non-HTTP scheme", init: RequestInit{URL: "ftp://files.example/x"}, srv: allowAll, err: CodeSchemeNotHTTP},
		{name: "data URL is basic", init: RequestInit{URL: "data:text/plain,hi%20there"}, srv: allowAll, typ: TypeBasic,
			check: func(t *testing.T, res *Result) {
				if string(res.Response.Body) != "hi there" || len(res.Wire) != 0 {
					t.Errorf("body %q wire %d", res.Response.Body, len(res.Wire))
				}
			}},
		{name: "simple request: no preflight", init: RequestInit{Method: "POST", URL: "https://api.example/", Body: Body{Kind: BodyText, Data: "x"}},
			srv: allowAll, typ: TypeCORS, reached: true},
		{name: "unsafe method takes the preflight branch", init: RequestInit{Method: "DELETE", URL: "https://api.example/"},
			srv: allowAll, typ: TypeCORS, reached: true, preflight: 1},
		{name: "unsafe header takes the preflight branch", init: RequestInit{URL: "https://api.example/", Header: hl("X-A", "1")},
			srv: allowAll, typ: TypeCORS, reached: true, preflight: 1},
		{name: "JSON content type takes the preflight branch", init: RequestInit{Method: "POST", URL: "https://api.example/", Header: hl("Content-Type", "application/json"), Body: Body{Kind: BodyText}},
			srv: allowAll, typ: TypeCORS, reached: true, preflight: 1},
		{name: "element fetch never preflights", init: RequestInit{URL: "https://api.example/", Initiator: InitiatorElement, Header: hl("X-A", "1")},
			srv: allowAll, typ: TypeCORS, reached: true},
		{name: "use-CORS-preflight flag forces one", init: RequestInit{Method: "POST", URL: "https://api.example/", Initiator: InitiatorXHR, UploadListeners: true, Body: Body{Kind: BodyText}},
			srv: allowAll, typ: TypeCORS, reached: true, preflight: 1,
			check: func(t *testing.T, res *Result) {
				if got := code(res.Preflights[0].Reasons[0]); got != CodePreflightForced {
					t.Errorf("reason %s", got)
				}
			}},
		{name: "navigate is basic", init: RequestInit{URL: "https://api.example/", Mode: ModeNavigate},
			srv: server{act: fixed(200)}, typ: TypeBasic, reached: true,
			check: func(t *testing.T, res *Result) {
				if !res.Wire[0].Request.Credentials {
					t.Error("navigation without credentials")
				}
			}},
	})
}

// TestHTTPFetchStep4_4CORSCheck: the CORS check on the actual response
// (https://fetch.spec.whatwg.org/#concept-http-fetch step 4.4 and
// https://fetch.spec.whatwg.org/#concept-cors-check).
func TestHTTPFetchStep4_4CORSCheck(t *testing.T) {
	get := RequestInit{URL: "https://api.example/data"}
	cred := RequestInit{URL: "https://api.example/data", Credentials: CredentialsInclude}
	runCases(t, []fetchCase{
		{name: "missing ACAO blocks but reached server", init: get, srv: server{act: fixed(200)}, err: policy.CodeMissingAllowOrigin, reached: true},
		{name: "ACAO * without credentials", init: get, srv: server{act: fixed(200, acao, "*")}, typ: TypeCORS, reached: true},
		{name: "ACAO * with credentials", init: cred, srv: server{act: fixed(200, acao, "*", acac, "true")}, err: policy.CodeWildcardOriginWithCredentials, reached: true},
		{name: "ACAO trailing slash", init: get, srv: server{act: fixed(200, acao, page+"/")}, err: policy.CodeAllowOriginMismatch, reached: true},
		{name: "ACAO two lines", init: get, srv: server{act: fixed(200, acao, page, acao, page)}, err: policy.CodeAllowOriginMismatch, reached: true},
		{name: "credentials need ACAC true", init: cred, srv: server{act: fixed(200, acao, page, acac, "True")}, err: policy.CodeAllowCredentialsNotTrue, reached: true},
		{name: "credentials allowed", init: cred, srv: server{act: fixed(200, acao, page, acac, "true")}, typ: TypeCORS, reached: true,
			check: func(t *testing.T, res *Result) {
				if !res.Wire[0].Request.Credentials {
					t.Error("credentials not sent")
				}
			}},
		{name: "same-origin credentials mode sends none cross-origin", init: get, srv: server{act: fixed(200, acao, "*")}, typ: TypeCORS, reached: true,
			check: func(t *testing.T, res *Result) {
				if res.Wire[0].Request.Credentials {
					t.Error("credentials sent")
				}
			}},
		{name: "CORS-allowed 500 is a response", init: get, srv: server{act: fixed(500, acao, "*")}, typ: TypeCORS, reached: true,
			check: func(t *testing.T, res *Result) {
				if res.Response.Status != 500 {
					t.Errorf("status %d", res.Response.Status)
				}
			}},
		{name: "exposed headers", init: get, srv: server{act: fixed(200, acao, "*", "Content-Type", "text/plain", "X-A", "1", "X-B", "2", "Access-Control-Expose-Headers", "x-b", "Set-Cookie", "a=b")},
			typ: TypeCORS, reached: true,
			check: func(t *testing.T, res *Result) {
				if d := cmp.Diff(hl("Content-Type", "text/plain", "X-B", "2"), res.Response.Header); d != "" {
					t.Error(d)
				}
			}},
		{name: "transport error", init: get, srv: TransportFunc(func(context.Context, *WireRequest) (*WireResponse, error) { return nil, errNilResponse }),
			err: CodeTransportError},
	})
}

// TestCORSPreflightFetchSteps1to6: the preflight request exactly
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 steps 1–6).
func TestCORSPreflightFetchSteps1to6(t *testing.T) {
	c := newClient(t)
	f, _ := newFetcher(Spec, allowAll)
	req := mustRequest(t, c, RequestInit{Method: "PUT", URL: "https://api.example/a?b=c#frag", Credentials: CredentialsInclude,
		Header: hl("X-B", "1", "x-a", "2", "X-A", "3", "Accept", "application/json", "Content-Type", "application/json", "Authorization", "Bearer t")})
	res := f.Fetch(context.Background(), req)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	pre := res.Wire[0].Request
	want := &WireRequest{Method: "OPTIONS", URL: mustURL(t, "https://api.example/a?b=c"), Preflight: true,
		Header: hl("Accept", "*/*", "Access-Control-Request-Method", "PUT",
			"Access-Control-Request-Headers", "authorization,content-type,x-a,x-b", "Referer", page+"/", "Origin", page)}
	if d := cmp.Diff(want, pre); d != "" {
		t.Errorf("preflight (-want +got):\n%s", d)
	}
	act := res.Wire[1].Request
	if o, _ := act.Header.Get("Origin"); o != page || !act.Credentials {
		t.Errorf("actual: Origin %q credentials %v", o, act.Credentials)
	}
}

func preflightCase(name string, p Profile, init RequestInit, pre func(*WireRequest) *WireResponse, err policy.Code) fetchCase {
	tc := fetchCase{name: name, profile: p, init: init, srv: server{pre: pre, act: echoOrigin(200)}, err: err, preflight: 1}
	if err != "" {
		tc.inPre = true
	} else {
		tc.typ, tc.reached = TypeCORS, true
	}
	return tc
}

// TestCORSPreflightFetchStep7: evaluating the preflight response
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 steps 7–8).
func TestCORSPreflightFetchStep7(t *testing.T) {
	put := RequestInit{Method: "PUT", URL: "https://api.example/r"}
	putCred := RequestInit{Method: "PUT", URL: "https://api.example/r", Credentials: CredentialsInclude}
	hdr := RequestInit{URL: "https://api.example/r", Header: hl("X-A", "1")}
	auth := RequestInit{URL: "https://api.example/r", Header: hl("Authorization", "Bearer x")}
	webkit := Profile{PreflightStatusFirst: true}
	firefox := Profile{WildcardCoversAuthorization: true, WarnWildcardAuthorization: true}
	runCases(t, []fetchCase{
		preflightCase("step 8: no ACAO", Spec, put, fixed(204, acam, "PUT"), policy.CodeMissingAllowOrigin),
		preflightCase("step 8: 404 with ACAO", Spec, put, echoOrigin(404, acam, "PUT"), CodePreflightStatusNotOK),
		preflightCase("step 8: 404 without ACAO reports ACAO first", Spec, put, fixed(404), policy.CodeMissingAllowOrigin),
		preflightCase("step 8: WebKit checks status first", webkit, put, fixed(404), CodePreflightStatusNotOK),
		preflightCase("step 8: redirect is not followed", Spec, put, echoOrigin(302, "Location", "https://api.example/other"), CodePreflightRedirect),
		preflightCase("step 8: redirect-first profile", Profile{PreflightRedirectFirst: true}, put, fixed(307, "Location", "/x"), CodePreflightRedirect),
		preflightCase("step 7.3: ACAM does not parse", Spec, put, echoOrigin(204, acam, "PUT, BAD METHOD"), CodeInvalidAllowMethods),
		preflightCase("step 7.3: ACAH does not parse", Spec, hdr, echoOrigin(204, acah, "x-a, (x)"), CodeInvalidAllowHeaders),
		preflightCase("step 7.5: method not listed", Spec, put, echoOrigin(204, acam, "DELETE"), policy.CodeMethodNotAllowed),
		preflightCase("step 7.5: method match is case-sensitive", Spec, RequestInit{Method: "patch", URL: "https://api.example/r"}, echoOrigin(204, acam, "PATCH"), policy.CodeMethodNotAllowed),
		preflightCase("step 7.5: * allows any method without credentials", Spec, put, fixed(204, acao, "*", acam, "*"), ""),
		preflightCase("step 7.5: * is literal with credentials", Spec, putCred, echoOrigin(204, acam, "*"), policy.CodeWildcardMethodWithCredentials),
		preflightCase("step 7.5: ok status 200 allowed", Spec, put, echoOrigin(200, acam, "PUT"), ""),
		preflightCase("step 7.7: header not listed", Spec, hdr, echoOrigin(204, acah, "x-b"), policy.CodeHeaderNotAllowed),
		preflightCase("step 7.7: header match is case-insensitive", Spec, hdr, echoOrigin(204, acah, "X-a"), ""),
		preflightCase("step 7.7: * allows any header without credentials", Spec, hdr, fixed(204, acao, "*", acah, "*"), ""),
		preflightCase("step 7.6: * does not cover Authorization", Spec, auth, fixed(204, acao, "*", acah, "*"), policy.CodeAuthorizationNotAllowed),
		preflightCase("step 7.6: Authorization listed", Spec, auth, fixed(204, acao, "*", acah, "*, Authorization"), ""),
		{name: "step 7.6: profile lets * cover Authorization, with a warning", profile: firefox, init: auth,
			srv: server{pre: fixed(204, acao, "*", acah, "*"), act: fixed(200, acao, "*")}, typ: TypeCORS, reached: true, preflight: 1,
			check: func(t *testing.T, res *Result) {
				for _, e := range res.Trace {
					if e.Step == StepWarning {
						return
					}
				}
				t.Error("no warning event")
			}},
		{name: "step 7.4: flag-forced preflight caches the method", init: RequestInit{Method: "POST", URL: "https://api.example/r", Initiator: InitiatorXHR, UploadListeners: true, Body: Body{Kind: BodyText}},
			srv: server{pre: echoOrigin(204), act: echoOrigin(200)}, typ: TypeCORS, reached: true, preflight: 1},
		{name: "preflight transport failure", init: put,
			srv: TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) { return nil, errNilResponse }),
			err: CodeTransportError, inPre: true, preflight: 1},
		{name: "actual response fails after a good preflight", init: put,
			srv: server{pre: echoOrigin(204, acam, "PUT"), act: fixed(200)}, err: policy.CodeMissingAllowOrigin, reached: true, preflight: 1},
	})
}

// TestAppendRequestOriginHeader: https://fetch.spec.whatwg.org/#append-a-request-origin-header.
func TestAppendRequestOriginHeader(t *testing.T) {
	httpsPage := newClient(t)
	tests := []struct {
		name string
		init RequestInit
		want string // "" = no Origin header
	}{
		{"same-origin GET", RequestInit{URL: page + "/x"}, ""},
		{"same-origin POST", RequestInit{Method: "POST", URL: page + "/x"}, page},
		{"cross-origin cors GET", RequestInit{URL: "https://api.example/"}, page},
		{"no-cors GET", RequestInit{URL: "https://api.example/", Mode: ModeNoCORS}, ""},
		{"no-cors POST", RequestInit{Method: "POST", URL: "https://api.example/", Mode: ModeNoCORS}, page},
		// http://localhost is potentially trustworthy, so mixed content
		// lets it through, and its scheme is still not https.
		{"no-cors POST downgrade", RequestInit{Method: "POST", URL: "http://localhost/", Mode: ModeNoCORS}, "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newFetcher(Spec, server{act: fixed(200, acao, "*")})
			res := f.Fetch(context.Background(), mustRequest(t, httpsPage, tt.init))
			got, ok := res.Wire[len(res.Wire)-1].Request.Header.Get("Origin")
			if (tt.want == "") == ok || got != tt.want {
				t.Errorf("Origin = %q (%v), want %q", got, ok, tt.want)
			}
		})
	}
}

// redirector answers path "/r/N..." per the script: status and location.
func redirector(hops map[string][2]string, final func(*WireRequest) *WireResponse) server {
	act := func(r *WireRequest) *WireResponse {
		if h, ok := hops[r.URL.String()]; ok {
			st, _ := strconv.Atoi(h[0])
			resp := echoOrigin(st, "Location", h[1])(r)
			return resp
		}
		return final(r)
	}
	return server{pre: echoOrigin(204, acam, "PUT", acah, "x-a"), act: act}
}

// TestHTTPRedirectFetch: https://fetch.spec.whatwg.org/#concept-http-redirect-fetch.
func TestHTTPRedirectFetch(t *testing.T) {
	a, b := "https://a.example/", "https://b.example/"
	chain := func(n int) map[string][2]string {
		m := map[string][2]string{}
		for i := 0; i < n; i++ {
			m[a+strconv.Itoa(i)] = [2]string{"302", a + strconv.Itoa(i+1)}
		}
		return m
	}
	runCases(t, []fetchCase{
		{name: "step 7: 20 redirects succeed", init: RequestInit{URL: a + "0"}, srv: redirector(chain(20), echoOrigin(200)), typ: TypeCORS, reached: true,
			check: func(t *testing.T, res *Result) {
				if len(res.URLList) != 21 || !res.Response.Redirected {
					t.Errorf("URL list %d", len(res.URLList))
				}
			}},
		{name: "step 7: the 21st fails", init: RequestInit{URL: a + "0"}, srv: redirector(chain(21), echoOrigin(200)), err: CodeRedirectLimit, reached: true},
		{name: "step 7: profile limit", profile: Profile{RedirectLimit: 2}, init: RequestInit{URL: a + "0"}, srv: redirector(chain(3), echoOrigin(200)), err: CodeRedirectLimit, reached: true},
		{name: "step 4: no Location returns the 3xx", init: RequestInit{URL: a}, srv: server{act: echoOrigin(302)}, typ: TypeCORS, reached: true},
		{name: "step 5: bad Location", init: RequestInit{URL: a}, srv: server{act: echoOrigin(302, "Location", "http://[::1")}, err: CodeRedirectBadLocation, reached: true},
		{name: "step 6: data Location", init: RequestInit{URL: a}, srv: server{act: echoOrigin(302, "Location", "data:,x")}, err: CodeRedirectSchemeNotHTTP, reached: true},
		{name: "step 9: credentials in a cross-origin Location", init: RequestInit{URL: a}, srv: server{act: echoOrigin(302, "Location", "https://u:p@b.example/")}, err: CodeRedirectHasCredentials, reached: true},
		{name: "redirect mode error", init: RequestInit{URL: a, Redirect: RedirectError}, srv: server{act: echoOrigin(301, "Location", b)}, err: CodeRedirectModeError, reached: true},
		{name: "redirect mode manual", init: RequestInit{URL: a, Redirect: RedirectManual}, srv: server{act: echoOrigin(301, "Location", b)}, typ: TypeOpaqueRedirect, reached: true,
			check: func(t *testing.T, res *Result) {
				if res.Response.Status != 0 || res.Response.Header != nil {
					t.Errorf("%+v", res.Response)
				}
			}},
		{name: "HTTP fetch step 4.4: the redirect itself needs ACAO", init: RequestInit{URL: a}, srv: server{act: fixed(302, "Location", b)}, err: policy.CodeMissingAllowOrigin, reached: true},
		{name: "step 12: 303 turns PUT into GET without body headers", init: RequestInit{Method: "PUT", URL: a, Body: Body{Kind: BodyText, Data: "x"}},
			srv: redirector(map[string][2]string{a: {"303", b}}, echoOrigin(200)), typ: TypeCORS, reached: true, preflight: 1,
			check: func(t *testing.T, res *Result) {
				last := res.Wire[len(res.Wire)-1].Request
				if last.Method != "GET" || last.Body != nil || last.Header.Contains("Content-Type") {
					t.Errorf("%s %q %v", last.Method, last.Body, last.Header)
				}
			}},
		{name: "step 12: 307 keeps the method and re-preflights the new URL", init: RequestInit{Method: "PUT", URL: a},
			srv: redirector(map[string][2]string{a: {"307", b}}, echoOrigin(200)), typ: TypeCORS, reached: true, preflight: 2},
		{name: "step 13: Authorization removed on a cross-origin hop", init: RequestInit{URL: a, Header: hl("Authorization", "x", "X-A", "1")},
			srv: server{pre: echoOrigin(204, acah, "authorization, x-a"), act: func(r *WireRequest) *WireResponse {
				if r.URL.Host == "a.example" {
					return echoOrigin(302, "Location", b)(r)
				}
				if r.Header.Contains("Authorization") {
					return fixed(500)(r)
				}
				return echoOrigin(200)(r)
			}}, typ: TypeCORS, reached: true, preflight: 2},
		{name: "taint: A to B sends Origin null and needs ACAO null or *", init: RequestInit{URL: a},
			srv: redirector(map[string][2]string{a: {"302", b}}, echoOrigin(200)), typ: TypeCORS, reached: true,
			check: func(t *testing.T, res *Result) {
				if o, _ := res.Wire[1].Request.Header.Get("Origin"); o != "null" || !res.Tainted {
					t.Errorf("Origin %q tainted %v", o, res.Tainted)
				}
			}},
		{name: "taint: A to B with ACAO = page origin fails", init: RequestInit{URL: a},
			srv: server{act: func(r *WireRequest) *WireResponse {
				if r.URL.Host == "a.example" {
					return fixed(302, acao, page, "Location", b)(r)
				}
				return fixed(200, acao, page)(r)
			}}, err: policy.CodeAllowOriginMismatch, reached: true},
		{name: "taint: page to A keeps the origin", init: RequestInit{URL: page + "/start"},
			srv: redirector(map[string][2]string{page + "/start": {"302", a}}, echoOrigin(200)), typ: TypeCORS, reached: true,
			check: func(t *testing.T, res *Result) {
				if o, _ := res.Wire[1].Request.Header.Get("Origin"); o != page || res.Tainted {
					t.Errorf("Origin %q tainted %v", o, res.Tainted)
				}
			}},
		{name: "tainting stays cors on a hop back to the page", init: RequestInit{URL: a},
			srv: redirector(map[string][2]string{a: {"302", page + "/back"}}, echoOrigin(200)), typ: TypeCORS, reached: true},
	})
}

// TestMainFetchClearsCacheOnFailure: main fetch step 12's preflight branch
// clears cache entries on a network error (https://fetch.spec.whatwg.org/#concept-cache-clear).
func TestMainFetchClearsCacheOnFailure(t *testing.T) {
	for _, keep := range []bool{false, true} {
		c := newClient(t)
		fail := false
		srv := server{pre: echoOrigin(204, acam, "PUT", "Access-Control-Max-Age", "600"), act: func(r *WireRequest) *WireResponse {
			if fail {
				return fixed(200)(r)
			}
			return echoOrigin(200)(r)
		}}
		f, clk := newFetcher(Profile{KeepCacheOnFailure: keep}, srv)
		req := mustRequest(t, c, RequestInit{Method: "PUT", URL: "https://api.example/r"})
		if res := f.Fetch(context.Background(), req); res.Err != nil {
			t.Fatal(res.Err)
		}
		if n := len(f.Cache.Entries(clk.Now())); n != 1 {
			t.Fatalf("%d entries", n)
		}
		fail = true
		if res := f.Fetch(context.Background(), req); res.Err == nil || res.FailedInPreflight {
			t.Fatalf("want an actual-response failure, got %v", res.Err)
		}
		want := 0
		if keep {
			want = 1
		}
		if n := len(f.Cache.Entries(clk.Now())); n != want {
			t.Errorf("keep=%v: %d entries after failure, want %d", keep, n, want)
		}
	}
}

// TestCORSPreflightFetchTraceOrder: the preflight's events follow the
// spec's order — step 7's checks pass (7.1–7.7), and only then is the
// result written to the cache (7.8–7.15) — whether the result is stored,
// deliberately not stored, or the profile warns about "*" covering
// Authorization.
func TestCORSPreflightFetchTraceOrder(t *testing.T) {
	auth := RequestInit{URL: "https://api.example/r", Header: hl("Authorization", "Bearer x")}
	put := RequestInit{Method: "PUT", URL: "https://api.example/r"}
	firefox := Profile{WildcardCoversAuthorization: true, WarnWildcardAuthorization: true, MaxAgeZero: MaxAgeRuleNoStore}
	tests := []struct {
		name string
		p    Profile
		init RequestInit
		srv  server
		want []Step
	}{
		{"stored", Spec, put, server{pre: echoOrigin(204, acam, "PUT"), act: echoOrigin(200)},
			[]Step{StepPreflightDecision, StepCacheLookup, StepPreflightSent, StepPreflightChecked, StepCacheStore}},
		{"not stored (max-age 0, Firefox-like)", firefox, put, server{pre: echoOrigin(204, acam, "PUT", "Access-Control-Max-Age", "0"), act: echoOrigin(200)},
			[]Step{StepPreflightDecision, StepCacheLookup, StepPreflightSent, StepPreflightChecked, StepCacheStore}},
		{"warning, then checked, then stored", firefox, auth, server{pre: fixed(204, acao, "*", acah, "*"), act: fixed(200, acao, "*")},
			[]Step{StepPreflightDecision, StepCacheLookup, StepPreflightSent, StepWarning, StepPreflightChecked, StepCacheStore}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newFetcher(tt.p, tt.srv)
			res := f.Fetch(context.Background(), mustRequest(t, newClient(t), tt.init))
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			var got []Step
			for _, e := range res.Trace {
				if e.Preflight {
					got = append(got, e.Step)
				}
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("preflight events (-want +got):\n%s", d)
			}
		})
	}
}

// TestDetermineReferrer pins the Referer header and the Origin-null rule
// per referrer policy (https://w3c.github.io/webappsec-referrer-policy/#determine-requests-referrer,
// https://fetch.spec.whatwg.org/#append-a-request-origin-header step 4.1).
func TestDetermineReferrer(t *testing.T) {
	pageURL := mustURL(t, "https://app.example/dir/page?q=1#frag")
	tests := []struct {
		policy     ReferrerPolicy
		target     string
		mode       Mode
		method     string
		referer    string // "" = none
		origin     string // "" = none
		pagePolicy ReferrerPolicy
	}{
		{"", "https://api.example/x", ModeCORS, "GET", "https://app.example/", "https://app.example", ""},
		{"", "https://app.example/x", ModeCORS, "GET", "https://app.example/dir/page?q=1", "", ""},
		{"", "http://api.example/x", ModeNoCORS, "POST", "", "null", ""},
		{ReferrerNoReferrer, "https://api.example/x", ModeCORS, "GET", "", "https://app.example", ""},
		{ReferrerNoReferrer, "https://api.example/x", ModeNoCORS, "POST", "", "null", ""},
		{"", "https://api.example/x", ModeNoCORS, "POST", "", "null", ReferrerNoReferrer},
		{ReferrerUnsafeURL, "https://api.example/x", ModeCORS, "GET", "https://app.example/dir/page?q=1", "https://app.example", ReferrerNoReferrer},
		{ReferrerUnsafeURL, "http://api.example/x", ModeNoCORS, "POST", "https://app.example/dir/page?q=1", "https://app.example", ""},
		{ReferrerOrigin, "https://app.example/x", ModeCORS, "GET", "https://app.example/", "", ""},
		{ReferrerSameOrigin, "https://api.example/x", ModeNoCORS, "POST", "", "null", ""},
		{ReferrerSameOrigin, "https://app.example/x", ModeNoCORS, "POST", "https://app.example/dir/page?q=1", "https://app.example", ""},
		{ReferrerStrictOrigin, "http://api.example/x", ModeNoCORS, "POST", "", "null", ""},
		{ReferrerOriginWhenCrossOrigin, "http://api.example/x", ModeNoCORS, "POST", "https://app.example/", "https://app.example", ""},
		{ReferrerNoReferrerWhenDowngrade, "https://api.example/x", ModeNoCORS, "POST", "https://app.example/dir/page?q=1", "https://app.example", ""},
	}
	for _, tc := range tests {
		c := Client{Origin: policy.OriginOf(pageURL), URL: pageURL, ReferrerPolicy: tc.pagePolicy}
		f, _ := newFetcher(Spec, allowAll)
		req := mustRequest(t, c, RequestInit{Method: tc.method, URL: tc.target, Mode: tc.mode, ReferrerPolicy: tc.policy})
		res := f.Fetch(context.Background(), req)
		if strings.HasPrefix(tc.target, "http:") {
			// The page is secure: mixed content (main fetch step 7) blocks
			// the request before step 8 determines its referrer.
			if len(res.Wire) != 0 || res.Err == nil || res.Err.Code != policy.CodeMixedContentBlocked {
				t.Errorf("%s %s %s: sent %d, error %v; want it blocked as mixed content", tc.policy, tc.mode, tc.target, len(res.Wire), res.Err)
			}
			continue
		}
		if len(res.Wire) == 0 {
			t.Fatalf("%s %s %s: nothing sent (%v)", tc.policy, tc.mode, tc.target, res.Err)
		}
		h := res.Wire[0].Request.Header
		ref, _ := h.Get("Referer")
		org, _ := h.Get("Origin")
		if ref != tc.referer || org != tc.origin {
			t.Errorf("policy %q (page %q) %s %s %s: Referer %q Origin %q, want %q and %q", tc.policy, tc.pagePolicy, tc.mode, tc.method, tc.target, ref, org, tc.referer, tc.origin)
		}
	}
}
