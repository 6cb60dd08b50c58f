package policy

import (
	"net/url"
	"testing"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := ParseURL(s)
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", s, err)
	}
	return u
}

// TestPotentiallyTrustworthyURL follows the steps of
// https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy and
// #is-origin-trustworthy.
func TestPotentiallyTrustworthyURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://api.test/", true},           // origin step 3
		{"wss://api.test/", true},             // origin step 3
		{"http://api.test/", false},           // step 9
		{"ws://api.test/", false},             // step 9
		{"ftp://api.test/", false},            // step 9
		{"http://127.0.0.1:8080/", true},      // step 4
		{"http://127.255.0.9/", true},         // step 4: all of 127.0.0.0/8
		{"http://0x7f.1/", true},              // parsed to 127.0.0.1
		{"http://[::1]:3000/", true},          // step 4
		{"http://[::2]/", false},              // not ::1
		{"http://[::ffff:127.0.0.1]/", false}, // ::1/128 only; a mapped address is not listed
		{"http://128.0.0.1/", false},
		{"http://localhost:5173/", true},     // step 5
		{"http://LOCALHOST./", true},         // step 5, trailing dot, case-folded by the parser
		{"http://app.localhost/", true},      // step 5
		{"http://localhost.example/", false}, // not a .localhost name
		{"http://notlocalhost/", false},
		{"file:///etc/hosts", true},    // step 6
		{"data:text/plain,hi", true},   // URL step 2
		{"about:blank", true},          // URL step 1
		{"about:srcdoc", true},         // URL step 1
		{"about:blank?x", false},       // not exactly about:blank
		{"about:config", false},        // opaque origin
		{"javascript:alert(1)", false}, // opaque origin
		{"blob:https://app.test/1", true},
		{"blob:http://app.test/1", false},
	} {
		if got := IsPotentiallyTrustworthyURL(mustURL(t, tc.url)); got != tc.want {
			t.Errorf("IsPotentiallyTrustworthyURL(%s) = %v, want %v", tc.url, got, tc.want)
		}
	}
	if IsPotentiallyTrustworthyOrigin(OpaqueOrigin("x")) {
		t.Error("an opaque origin is trustworthy (step 1 says not)")
	}
}

func TestIsSecureContext(t *testing.T) {
	https := mustOrigin(t, "https://top.test")
	http := mustOrigin(t, "http://top.test")
	for _, tc := range []struct {
		name      string
		url       string
		ancestors []Origin
		want      bool
	}{
		{"https top-level", "https://app.test/", nil, true},
		{"http top-level", "http://app.test/", nil, false},
		{"http localhost", "http://localhost:8000/", nil, true},
		{"https frame in https page", "https://app.test/", []Origin{https}, true},
		{"https frame in http page", "https://app.test/", []Origin{http}, false},
		{"http frame in https page", "http://app.test/", []Origin{https}, false},
	} {
		if got := IsSecureContext(mustURL(t, tc.url), tc.ancestors); got != tc.want {
			t.Errorf("%s: IsSecureContext = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSchemelesslySameSite(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"http://x.com", "https://x.com", true},
		{"https://a.x.com", "https://b.x.com:8443", true},
		{"https://x.com", "https://y.com", false},
		{"https://a.github.io", "https://b.github.io", false}, // github.io is a public suffix
		{"http://127.0.0.1", "https://127.0.0.1:1", true},     // no registrable domain: hosts equal
		{"http://127.0.0.1", "http://localhost", false},
	} {
		if got := SchemelesslySameSite(mustOrigin(t, tc.a), mustOrigin(t, tc.b), nil); got != tc.want {
			t.Errorf("SchemelesslySameSite(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	if SchemelesslySameSite(OpaqueOrigin(""), OpaqueOrigin(""), nil) {
		t.Error("two fresh opaque origins are schemelessly same site")
	}
}
