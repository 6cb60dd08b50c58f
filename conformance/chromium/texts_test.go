package chromium

import (
	"net/http"
	"testing"
)

// TestConsoleTexts pins the exact console lines and DevTools CORS error
// codes that Chromium 156 produced for rejected fetches from
// https://app.test (observed with this harness; they differ from
// cors_error_string.cc in places: the no-cors hints are gone).
func TestConsoleTexts(t *testing.T) {
	b := browserFor(t)
	const blocked = "javascript/error: Access to fetch at 'https://api.test/x' from origin 'https://app.test' has been blocked by CORS policy: "
	const netFailed = "network/error: Failed to load resource: net::ERR_FAILED"
	handler := func(status int, acao string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if acao != "" {
				w.Header().Set("Access-Control-Allow-Origin", acao)
			}
			if status == http.StatusFound {
				http.Redirect(w, r, "/elsewhere", status)
				return
			}
			w.WriteHeader(status)
		})
	}
	put := FetchRequest{URL: "https://api.test/x", Method: "PUT"}
	cases := []struct {
		name      string
		h         http.Handler
		req       FetchRequest
		console   []string
		corsError []string
		requests  []string
	}{
		{"credentials with ACAO *", handler(200, "*"), FetchRequest{URL: "https://api.test/x", Credentials: "include"},
			[]string{blocked + "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.", netFailed},
			[]string{"GET https://api.test/x WildcardOriginNotAllowed()"},
			[]string{"GET https://api.test/x origin=https://app.test"}},
		{"ACAO mismatch", handler(200, "https://other.test"), FetchRequest{URL: "https://api.test/x"},
			[]string{blocked + "The 'Access-Control-Allow-Origin' header has a value 'https://other.test' that is not equal to the supplied origin. Have the server send the header with a valid value.", netFailed},
			[]string{"GET https://api.test/x AllowOriginMismatch(https://other.test)"},
			[]string{"GET https://api.test/x origin=https://app.test"}},
		{"preflight 404", handler(404, "*"), put,
			[]string{blocked + "Response to preflight request doesn't pass access control check: It does not have HTTP ok status.", netFailed},
			[]string{"PUT https://api.test/x PreflightInvalidStatus()"},
			[]string{"OPTIONS https://api.test/x origin=https://app.test acrm=PUT"}},
		{"preflight without ACAO", handler(200, ""), put,
			[]string{blocked + "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.", netFailed},
			[]string{"PUT https://api.test/x PreflightMissingAllowOriginHeader()"},
			[]string{"OPTIONS https://api.test/x origin=https://app.test acrm=PUT"}},
		// redirect: 'error' fails without a CORS line or code.
		{"redirect error", handler(http.StatusFound, "*"), FetchRequest{URL: "https://api.test/x", Redirect: "error"},
			[]string{netFailed}, nil,
			[]string{"GET https://api.test/x origin=https://app.test"}},
		// mode: 'same-origin' fails before any request, with its own text.
		{"same-origin mode", handler(200, "*"), FetchRequest{URL: "https://api.test/x", Mode: "same-origin"},
			[]string{`javascript/error: Fetch API cannot load https://api.test/x. Request mode is "same-origin" but the URL's origin is not same as the request origin https://app.test.`},
			nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"https://api.test": c.h}})
			if err := s.Open(ctx, "https://app.test"); err != nil {
				t.Fatal(err)
			}
			res, err := s.Fetch(ctx, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Resolved || res.Error != "TypeError: Failed to fetch" {
				t.Errorf("resolved=%v error=%q", res.Resolved, res.Error)
			}
			mustEqual(t, "console", consoleTexts(res.Console), c.console)
			mustEqual(t, "cors errors", corsErrors(res.Failures), c.corsError)
			mustEqual(t, "requests", summary(res.Requests), c.requests)
		})
	}
}
