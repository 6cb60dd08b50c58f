package browser

import (
	"context"
	"fmt"
	"testing"

	"github.com/corsim/corsim/fetch"
)

// TestChromiumURLCredentialsQuotedAsWritten: Chromium 156 quotes the URL
// in the TypeError exactly as the script wrote it — password, upper-case
// host and empty password kept (conformance suite, url-with-credentials).
func TestChromiumURLCredentialsQuotedAsWritten(t *testing.T) {
	const prefix = "TypeError: Failed to execute 'fetch' on 'Window': Request cannot be constructed from a URL that includes credentials: "
	b := New(Chromium)
	p := mustOpen(t, b, appOrigin)
	for _, u := range []string{
		"https://user:pw@api.example/data",
		"https://user:pw@API.example/data?x",
		"https://user:@api.example/data",
	} {
		o := p.Fetch(context.Background(), u, fetch.RequestInit{})
		if o.RequestErr == nil || o.RequestErr.Code != fetch.CodeURLHasCredentials {
			t.Fatalf("%s: RequestErr = %v, want url-has-credentials", u, o.RequestErr)
		}
		if want := prefix + u; o.JSError != want {
			t.Errorf("JSError = %q\n want %q", o.JSError, want)
		}
		// The failure itself stays redacted (it goes into reports).
		if o.RequestErr.Subject == u && u != "https://user:@api.example/data" {
			t.Errorf("failure subject %q is not redacted", o.RequestErr.Subject)
		}
	}
}

// TestStatusConsoleLine: a response with status >= 400 that script gets
// logs "Failed to load resource: the server responded with a status of N
// (reason)" in Chromium (conformance suite: fetch, XHR, no-cors opaque,
// the server's own reason phrase) and WebKit; Firefox and the spec
// profile log nothing. A blocked response logs only its CORS lines.
func TestStatusConsoleLine(t *testing.T) {
	const line405 = "network/error: Failed to load resource: the server responded with a status of 405 (Method Not Allowed)"
	ok405 := server{act: fixed(405, acao, "*", "Allow", "GET")}
	teapot := server{act: func(*fetch.WireRequest) *fetch.WireResponse {
		return &fetch.WireResponse{Status: 418, StatusText: "Teapot Here", Header: hl(acao, "*")}
	}}
	cases := []struct {
		name string
		p    fetch.Profile
		srv  server
		init fetch.RequestInit
		xhr  bool
		want []string
	}{
		{"chromium fetch 405", Chromium, ok405, get(apiOrigin + "/x"), false, []string{line405}},
		{"chromium xhr 405", Chromium, ok405, get(apiOrigin + "/x"), true, []string{line405}},
		{"chromium no-cors 404 (opaque)", Chromium, server{act: fixed(404)}, fetch.RequestInit{URL: apiOrigin + "/x", Mode: fetch.ModeNoCORS}, false,
			[]string{"network/error: Failed to load resource: the server responded with a status of 404 (Not Found)"}},
		{"chromium reason phrase", Chromium, teapot, get(apiOrigin + "/x"), false,
			[]string{"network/error: Failed to load resource: the server responded with a status of 418 (Teapot Here)"}},
		{"chromium 399 and below", Chromium, server{act: fixed(204, acao, "*")}, get(apiOrigin + "/x"), false, nil},
		{"chromium blocked 404", Chromium, server{act: fixed(404)}, get(apiOrigin + "/x"), false, []string{
			"javascript/error: Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
			"network/error: Failed to load resource: net::ERR_FAILED"}},
		{"webkit 405", WebKit, ok405, get(apiOrigin + "/x"), false, []string{line405}},
		{"firefox 405", Firefox, ok405, get(apiOrigin + "/x"), false, nil},
		{"spec 405", Spec, ok405, get(apiOrigin + "/x"), false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScenario(t, c.p, c.srv)
			var o *Outcome
			if c.xhr {
				o = s.page.XHR(context.Background(), "GET", c.init.URL, XHRRequest{})
			} else {
				o = s.page.Fetch(context.Background(), "", c.init)
			}
			var got []string
			for _, m := range o.Console {
				got = append(got, m.String())
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("console:\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestFetchModeNavigateThrows: fetch() with mode navigate throws as new
// Request() does (Fetch §5.4 new Request() step 17), in Chromium, Firefox
// and WebKit with the texts Chromium 156, Firefox 153 ESR and WebKitGTK
// 2.50 printed (conformance suites); no request is made.
func TestFetchModeNavigateThrows(t *testing.T) {
	for _, p := range []fetch.Profile{Chromium, Firefox, WebKit, Spec} {
		t.Run(p.Name, func(t *testing.T) {
			s := newScenario(t, p, allowAll(""))
			o := s.page.Fetch(context.Background(), apiOrigin+"/x", fetch.RequestInit{Mode: fetch.ModeNavigate})
			if o.RequestErr == nil || o.RequestErr.Code != CodeNavigateMode {
				t.Fatalf("RequestErr = %v, want %s", o.RequestErr, CodeNavigateMode)
			}
			if o.Result != nil || o.Response != nil || len(o.Console) != 0 {
				t.Errorf("a request was made: %+v", o)
			}
			want := "TypeError: " + o.RequestErr.Message
			switch p.Name {
			case NameChromium:
				want = "TypeError: Failed to execute 'fetch' on 'Window': Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'."
			case NameFirefox:
				want = "TypeError: Window.fetch: Invalid request mode navigate." // Firefox 153 ESR, conformance suite
			case NameWebKit: // observed in WebKitGTK 2.50 (conformance suite)
				want = "TypeError: Request constructor does not accept navigate fetch mode."
			}
			if o.JSError != want {
				t.Errorf("JSError = %q, want %q", o.JSError, want)
			}
		})
	}
}

// TestXHRURLCredentialsStripped: XMLHttpRequest open() takes a URL with
// user:pw@ (only new Request() rejects it). Chromium 156 sends the request
// without the userinfo and without an Authorization header, and
// responseURL keeps the URL as opened (conformance suite and harness).
func TestXHRURLCredentialsStripped(t *testing.T) {
	var gotURL []string
	var gotAuth []bool
	srv := allowAll("")
	srv.act = func(r *fetch.WireRequest) *fetch.WireResponse {
		gotURL = append(gotURL, r.URL.String())
		_, auth := r.Header.Get("Authorization")
		gotAuth = append(gotAuth, auth)
		return allowAll("").pre(r)
	}
	srv.pre = allowAll("").pre
	s := newScenario(t, Chromium, srv)
	o := s.page.XHR(context.Background(), "PUT", "https://user:pw@api.example/data", XHRRequest{Body: fetch.Body{Kind: fetch.BodyText, Data: "x"}})
	if o.RequestErr != nil || o.Blocked() {
		t.Fatalf("blocked: RequestErr %v, JSError %q, Result.Err %v", o.RequestErr, o.JSError, o.Result)
	}
	if len(gotURL) != 1 || gotURL[0] != "https://api.example/data" || gotAuth[0] {
		t.Errorf("server got %q (Authorization %v), want the URL without userinfo and no Authorization", gotURL, gotAuth)
	}
	if o.XHR.ResponseURL != "https://user:pw@api.example/data" {
		t.Errorf("responseURL = %q, want the URL as opened", o.XHR.ResponseURL)
	}
	if o.StrippedUserinfo != "user:xxxxx" {
		t.Errorf("StrippedUserinfo = %q", o.StrippedUserinfo)
	}
	if tr := o.Trace(); len(tr) == 0 || tr[0].Step != StepURLCredentialsStripped || tr[0].Detail != "https://user:xxxxx@api.example/data" {
		t.Errorf("trace does not start with the stripped userinfo: %+v", tr)
	}
	// fetch() still throws for the same URL.
	if f := s.page.Fetch(context.Background(), "https://user:pw@api.example/data", fetch.RequestInit{}); f.RequestErr == nil {
		t.Error("fetch() accepted a URL with credentials")
	}
}

// TestXHRResponseURLWebKit: WebKitGTK 2.50 reports responseURL without the
// userinfo the XHR was opened with (conformance suite,
// scenarios/xhr-url-credentials); Chromium and Firefox keep it.
func TestXHRResponseURLWebKit(t *testing.T) {
	for _, tc := range []struct {
		p    fetch.Profile
		want string
	}{
		{WebKit, "https://api.example/data"},
		{Firefox, "https://user:pw@api.example/data"},
		{Chromium, "https://user:pw@api.example/data"},
	} {
		s := newScenario(t, tc.p, allowAll(""))
		o := s.page.XHR(context.Background(), "GET", "https://user:pw@api.example/data", XHRRequest{})
		if o.XHR == nil || o.XHR.ResponseURL != tc.want {
			t.Errorf("%s: responseURL = %+v, want %q", tc.p.Name, o.XHR, tc.want)
		}
	}
}

// TestPageFetchElementInitiator: Page.Fetch honours init.Initiator. An
// element request (<img crossorigin>) has no unsafe-request flag, so it is
// never preflighted (https://fetch.spec.whatwg.org/#unsafe-request-flag)
// — yet it sends Origin and its response gets the CORS check.
func TestPageFetchElementInitiator(t *testing.T) {
	s := newScenario(t, Chromium, server{act: fixed(200, acao, appOrigin)})
	init := fetch.RequestInit{URL: apiOrigin + "/logo.png", Initiator: fetch.InitiatorElement, Header: hl("X-Not-Safelisted", "1")}
	o := s.page.Fetch(context.Background(), "", init)
	if o.Initiator != fetch.InitiatorElement || o.Blocked() || preflights(o) != 0 {
		t.Fatalf("initiator %s, blocked %v, preflights %d; want an element request allowed without a preflight", o.Initiator, o.Blocked(), preflights(o))
	}
	if w := o.Wire(); len(w) != 1 {
		t.Fatalf("wire %d exchanges", len(w))
	} else if v, _ := w[0].Request.Header.Get("Origin"); v != appOrigin {
		t.Errorf("Origin = %q", v)
	}
	// The same request from fetch() is preflighted; the default initiator
	// is still fetch.
	init.Initiator = ""
	if o := s.page.Fetch(context.Background(), "", init); o.Initiator != fetch.InitiatorFetch || preflights(o) != 1 {
		t.Errorf("fetch(): initiator %s, preflights %d", o.Initiator, preflights(o))
	}
	// A server without ACAO blocks the element request: the CORS check ran.
	s2 := newScenario(t, Chromium, server{act: fixed(200)})
	if o := s2.page.Fetch(context.Background(), apiOrigin+"/logo.png", fetch.RequestInit{Initiator: fetch.InitiatorElement}); !o.Blocked() || code(o) != "missing-allow-origin" {
		t.Errorf("no ACAO: blocked %v code %s", o.Blocked(), code(o))
	}
}
