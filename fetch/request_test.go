package fetch

import (
	"context"
	"errors"
	"testing"

	"github.com/corsim/corsim/policy"
	"github.com/google/go-cmp/cmp"
)

// TestNewRequest covers the TypeErrors and normalizations of new Request()
// (https://fetch.spec.whatwg.org/#dom-request) and XHR open()/send().
func TestNewRequest(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		name     string
		init     RequestInit
		wantCode policy.Code
		check    func(t *testing.T, r *Request)
	}{
		{name: "defaults are fetch()'s", init: RequestInit{URL: "https://api.example/"},
			check: func(t *testing.T, r *Request) {
				got := []string{r.Method, string(r.Mode), string(r.Credentials), string(r.Redirect), string(r.Cache), string(r.Initiator)}
				want := []string{"GET", "cors", "same-origin", "follow", "default", "fetch"}
				if d := cmp.Diff(want, got); d != "" {
					t.Error(d)
				}
				if !r.UnsafeRequest || r.UseCORSPreflight {
					t.Errorf("flags: unsafe=%v force=%v", r.UnsafeRequest, r.UseCORSPreflight)
				}
			}},
		{name: "step 5 URL parse failure (host)", init: RequestInit{URL: "http://[::1"}, wantCode: policy.CodeInvalidHost},
		{name: "step 5 URL parse failure", init: RequestInit{URL: "https://"}, wantCode: policy.CodeInvalidHost},
		{name: "step 5 relative URL resolves against the client origin", init: RequestInit{URL: "/api?q=1"},
			check: func(t *testing.T, r *Request) {
				if got := r.URL().String(); got != "https://app.example/api?q=1" {
					t.Errorf("URL = %s", got)
				}
			}},
		{name: "step 5 URL with credentials", init: RequestInit{URL: "https://user:pw@api.example/"}, wantCode: CodeURLHasCredentials},
		{name: "step 5 URL with username only", init: RequestInit{URL: "https://user@api.example/"}, wantCode: CodeURLHasCredentials},
		{name: "method not a token", init: RequestInit{Method: "GE T", URL: "https://api.example/"}, wantCode: policy.CodeInvalidMethod},
		{name: "forbidden method CONNECT", init: RequestInit{Method: "CONNECT", URL: "https://api.example/"}, wantCode: CodeForbiddenMethod},
		{name: "forbidden method trace any case", init: RequestInit{Method: "tRaCe", URL: "https://api.example/"}, wantCode: CodeForbiddenMethod},
		{name: "method normalized", init: RequestInit{Method: "delete", URL: "https://api.example/"},
			check: func(t *testing.T, r *Request) {
				if r.Method != "DELETE" {
					t.Errorf("Method = %q", r.Method)
				}
			}},
		{name: "patch is not normalized", init: RequestInit{Method: "patch", URL: "https://api.example/"},
			check: func(t *testing.T, r *Request) {
				if r.Method != "patch" {
					t.Errorf("Method = %q", r.Method)
				}
			}},
		{name: "no-cors with unsafe method", init: RequestInit{Method: "PUT", URL: "https://api.example/", Mode: ModeNoCORS}, wantCode: CodeNoCORSUnsafeMethod},
		{name: "only-if-cached needs same-origin", init: RequestInit{URL: "https://api.example/", Cache: CacheOnlyIfCached}, wantCode: CodeOnlyIfCachedMode},
		{name: "body with GET", init: RequestInit{URL: "https://api.example/", Body: Body{Kind: BodyText, Data: "x"}}, wantCode: CodeBodyWithGetOrHead},
		{name: "XHR drops a GET body", init: RequestInit{URL: "https://api.example/", Initiator: InitiatorXHR, Body: Body{Kind: BodyText, Data: "x"}},
			check: func(t *testing.T, r *Request) {
				if r.Body.Kind != BodyNone || r.Header.Contains("Content-Type") {
					t.Errorf("body %+v header %v", r.Body, r.Header)
				}
			}},
		{name: "stream body in no-cors", init: RequestInit{Method: "POST", URL: "https://api.example/", Mode: ModeNoCORS, Body: Body{Kind: BodyStream}}, wantCode: CodeStreamBodyMode},
		{name: "stream body sets use-CORS-preflight", init: RequestInit{Method: "POST", URL: "https://api.example/", Body: Body{Kind: BodyStream}},
			check: func(t *testing.T, r *Request) {
				if !r.UseCORSPreflight || r.Header.Contains("Content-Type") {
					t.Errorf("force=%v header=%v", r.UseCORSPreflight, r.Header)
				}
			}},
		{name: "XHR upload listeners set use-CORS-preflight", init: RequestInit{Method: "POST", URL: "https://api.example/", Initiator: InitiatorXHR, UploadListeners: true, Body: Body{Kind: BodyText}},
			check: func(t *testing.T, r *Request) {
				if !r.UseCORSPreflight {
					t.Error("flag not set")
				}
			}},
		{name: "fetch ignores UploadListeners", init: RequestInit{Method: "POST", URL: "https://api.example/", UploadListeners: true},
			check: func(t *testing.T, r *Request) {
				if r.UseCORSPreflight {
					t.Error("flag set")
				}
			}},
		{name: "element initiator has no unsafe-request flag", init: RequestInit{URL: "https://api.example/", Initiator: InitiatorElement},
			check: func(t *testing.T, r *Request) {
				if r.UnsafeRequest {
					t.Error("unsafe-request flag set")
				}
			}},
		{name: "forbidden header dropped and recorded", init: RequestInit{URL: "https://api.example/", Header: hl("Cookie", "a=b", "X-A", "1", "Sec-Foo", "x")},
			check: func(t *testing.T, r *Request) {
				if d := cmp.Diff(hl("X-A", "1"), r.Header); d != "" {
					t.Error(d)
				}
				if len(r.DroppedHeaders) != 2 || code(r.DroppedReasons[0]) != CodeForbiddenHeader {
					t.Errorf("dropped %v %v", r.DroppedHeaders, r.DroppedReasons)
				}
			}},
		{name: "no-cors guard drops non-safelisted headers", init: RequestInit{URL: "https://api.example/", Mode: ModeNoCORS, Header: hl("X-A", "1", "Accept", "text/html")},
			check: func(t *testing.T, r *Request) {
				if d := cmp.Diff(hl("Accept", "text/html"), r.Header); d != "" {
					t.Error(d)
				}
				if len(r.DroppedReasons) != 1 || code(r.DroppedReasons[0]) != CodeNoCORSHeader {
					t.Errorf("dropped %v", r.DroppedReasons)
				}
			}},
		{name: "header value is trimmed", init: RequestInit{URL: "https://api.example/", Header: hl("X-A", "  v \t")},
			check: func(t *testing.T, r *Request) {
				if v, _ := r.Header.Get("x-a"); v != "v" {
					t.Errorf("value %q", v)
				}
			}},
		{name: "invalid header value", init: RequestInit{URL: "https://api.example/", Header: hl("X-A", "a\nb")}, wantCode: CodeInvalidHeader},
		{name: "invalid header name", init: RequestInit{URL: "https://api.example/", Header: hl("X A", "1")}, wantCode: CodeInvalidHeader},
		{name: "bad enum", init: RequestInit{URL: "https://api.example/", Mode: "websocket"}, wantCode: CodeInvalidRequest},
		{name: "XHR mode is cors", init: RequestInit{URL: "https://api.example/", Initiator: InitiatorXHR, Mode: ModeNoCORS},
			check: func(t *testing.T, r *Request) {
				if r.Mode != ModeCORS {
					t.Errorf("mode %s", r.Mode)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRequest(c, tt.init)
			if tt.wantCode != "" {
				var f *policy.Failure
				if !errors.As(err, &f) || f.Code != tt.wantCode {
					t.Fatalf("err = %v, want code %s", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// TestBodyExtractContentType: body extraction's default Content-Type
// (https://fetch.spec.whatwg.org/#concept-bodyinit-extract), appended only
// when the author set none.
func TestBodyExtractContentType(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		body   Body
		header policy.HeaderList
		want   string
	}{
		{Body{Kind: BodyText}, nil, "text/plain;charset=UTF-8"},
		{Body{Kind: BodyURLSearchParams}, nil, "application/x-www-form-urlencoded;charset=UTF-8"},
		{Body{Kind: BodyFormData}, nil, "multipart/form-data; boundary=" + defaultFormBoundary},
		{Body{Kind: BodyBlob, Type: "image/png"}, nil, "image/png"},
		{Body{Kind: BodyBlob}, nil, ""},
		{Body{Kind: BodyBytes}, nil, ""},
		{Body{Kind: BodyText}, hl("content-type", "application/json"), "application/json"},
	}
	for _, tt := range tests {
		r := mustRequest(t, c, RequestInit{Method: "POST", URL: "https://api.example/", Body: tt.body, Header: tt.header})
		got, _ := r.Header.Get("Content-Type")
		if got != tt.want {
			t.Errorf("%+v: Content-Type %q, want %q", tt.body, got, tt.want)
		}
		if n := len(r.Header.Values("Content-Type")); tt.want != "" && n != 1 {
			t.Errorf("%+v: %d Content-Type lines", tt.body, n)
		}
	}
}

// TestUnsafeNamesFollowProfile: one Request fetched under profiles whose
// safelist extensions differ, or whose extension list is changed in place
// between fetches, is judged under each profile as it is at that fetch.
func TestUnsafeNamesFollowProfile(t *testing.T) {
	req := mustRequest(t, newClient(t), RequestInit{URL: "https://api.example/x",
		Header: policy.HeaderList{{Name: "DPR", Value: "2"}}})
	srv := TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) {
		return echoOrigin(200, "Access-Control-Allow-Headers", "dpr")(r), nil
	})
	extra := []policy.SafelistExtension{{Name: "DPR", Rule: policy.RuleDecimal}}
	withDPR := Spec
	withDPR.Safelist = policy.Safelist{Extra: extra}
	preflighted := func(p Profile) bool {
		f, _ := newFetcher(p, srv)
		res := f.Fetch(context.Background(), req)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		return len(res.Preflights) > 0
	}
	for i, tt := range []struct {
		p     Profile
		rule  policy.ValueRule
		wantP bool
	}{
		{Spec, policy.RuleDecimal, true},
		{withDPR, policy.RuleDecimal, false},
		{Spec, policy.RuleDecimal, true},
		{withDPR, policy.RuleOn, true}, // the same slice, changed in place
		{withDPR, policy.RuleDecimal, false},
	} {
		extra[0].Rule = tt.rule
		if got := preflighted(tt.p); got != tt.wantP {
			t.Errorf("fetch %d: preflighted = %v, want %v", i, got, tt.wantP)
		}
	}
}

// TestCopiedRequestReasons pins the bug where a copy of a Request reused
// its original's preflight reasons: when the copy's use-CORS-preflight flag
// differs, its reasons are its own (a forced preflight says so).
func TestCopiedRequestReasons(t *testing.T) {
	req := mustRequest(t, newClient(t), RequestInit{Method: "PUT", URL: "https://api.example/x"})
	srv := TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) {
		return echoOrigin(200, "Access-Control-Allow-Methods", "PUT")(r), nil
	})
	reasons := func(r *Request) []policy.Code {
		f, _ := newFetcher(Spec, srv)
		res := f.Fetch(context.Background(), r)
		if res.Err != nil || len(res.Preflights) == 0 {
			t.Fatalf("err %v, %d preflights", res.Err, len(res.Preflights))
		}
		var codes []policy.Code
		for _, why := range res.Preflights[0].Reasons {
			codes = append(codes, why.Code)
		}
		return codes
	}
	plain := reasons(req)
	forcedReq := *req
	forcedReq.UseCORSPreflight = true
	forced := reasons(&forcedReq)
	if len(forced) != len(plain)+1 {
		t.Errorf("reasons with the flag forced = %v, without = %v: want one more (the forced preflight)", forced, plain)
	}
}
