package policy

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// fastPathSeeds are URLs on both sides of every condition of
// parseCanonicalHTTP.
var fastPathSeeds = []string{
	"https://a.example/", "http://a.example/p/q?x=1&y=2", "https://api.example:8443/data?",
	"https://a.example/p??q", "https://a.example/?q=%20%41", "https://a.example/?q=%2", "https://a.example/?q=%zz",
	"https://a.example", "https://a.example?x", "HTTPS://a.example/", "https://A.example/", "https:///a.example/",
	"https://a.example:443/", "http://a.example:80/", "https://a.example:80/", "http://a.example:443/",
	"https://a.example:0443/", "https://a.example:65536/", "https://a.example:/", "https://a.example:8x/",
	"https://u:p@a.example/", "https://xn--bcher-kva.example/", "https://a.xn--p1ai/", "https://axn--b.example/",
	"http://127.0.0.1:8080/", "http://a.0x1/", "http://a.1./", "http://../", "https://a.example/#f",
	"https://a.example/a b", "https://a.example/%41", "https://a.example/a!b", "https://a.example/a'b", "https://a.example/?a'b",
	"https://a.example/a\\b", "https://a.example/\t", " https://a.example/", "https://a_b.example/", "https://a.example/;@:=$&+,~",
}

// TestParseURLFastPath checks which inputs take the fast path, and that
// they come out as the full parser makes them.
func TestParseURLFastPath(t *testing.T) {
	fast := map[string]bool{
		"https://a.example/": true, "http://a.example/p/q?x=1&y=2": true, "https://api.example:8443/data?": true,
		"https://a.example/p??q": true, "https://a.example/?q=%20%41": true, "https://a.example:80/": true,
		"http://a.example:443/": true, "https://axn--b.example/": true, "http://../": true,
		"https://a.example/;@:=$&+,~": true,
	}
	for _, s := range fastPathSeeds {
		u, ok := parseCanonicalHTTP(s)
		if ok != fast[s] {
			t.Errorf("parseCanonicalHTTP(%q) ok = %v, want %v", s, ok, fast[s])
		}
		if ok {
			checkFastPath(t, s, u)
		}
	}
}

// FuzzParseURLFastPath: whenever the fast path takes an input, the full
// parser accepts it and makes the same URL, and the URL serializes back to
// the input (it was already in canonical form).
func FuzzParseURLFastPath(f *testing.F) {
	for _, s := range fastPathSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if u, ok := parseCanonicalHTTP(s); ok {
			checkFastPath(t, s, u)
		}
	})
}

func checkFastPath(t *testing.T, s string, fast *url.URL) {
	t.Helper()
	full, err := parseURL(s)
	if err != nil {
		t.Fatalf("fast path took %q, the full parser fails: %v", s, err)
	}
	if d := cmp.Diff(full, fast); d != "" {
		t.Fatalf("%q: fast path and full parser differ (-full +fast):\n%s", s, d)
	}
	if got := fast.String(); got != s {
		t.Fatalf("%q: the fast path's URL serializes as %q", s, got)
	}
}

// TestParseURLFastPathProperty generates http(s) URLs from the bytes that
// matter to the fast path's conditions, so that many of them take it, and
// checks each one that does against the full parser.
func TestParseURLFastPathProperty(t *testing.T) {
	hostBytes := []rune("abxnab019-.A")
	alphabet := []rune("abAZ019-._~:/?=&%;@,$+ab01/?=&#!' \\") // the last five are never plain
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.SampledFrom([]string{"http://", "https://", "https://", "HTTP://", "https:/"}).Draw(t, "scheme") +
			rapid.StringOfN(rapid.SampledFrom(hostBytes), 1, 12, -1).Draw(t, "host") +
			rapid.SampledFrom([]string{"", "", "", ":", ":80", ":443", ":0", ":08080", ":8080", ":65535", ":65536", "@"}).Draw(t, "port") +
			rapid.SampledFrom([]string{"/", "/", "/", "", "?", "#"}).Draw(t, "path") +
			rapid.StringOfN(rapid.SampledFrom(alphabet), 0, 16, -1).Draw(t, "rest")
		if u, ok := parseCanonicalHTTP(s); ok {
			full, err := parseURL(s)
			if err != nil {
				t.Fatalf("fast path took %q, the full parser fails: %v", s, err)
			}
			if d := cmp.Diff(full, u); d != "" {
				t.Fatalf("%q: fast path and full parser differ (-full +fast):\n%s", s, d)
			}
			if u.String() != s {
				t.Fatalf("%q serializes as %q", s, u.String())
			}
		}
	})
}
