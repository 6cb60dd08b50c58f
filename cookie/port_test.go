package cookie

import (
	"strings"
	"testing"
)

// sent returns the Cookie header a credentialed same-site request to s
// carries (a browser-initiated navigation, so SameSite never interferes).
func sent(t *testing.T, j *Jar, s string) string {
	t.Helper()
	r := firstParty(t, s)
	r.Kind, r.BrowserInitiated = TopLevelNavigation, true
	return j.Cookies(r).Header()
}

// storeAt stores lines first-party at s and returns the refusal codes
// ("" for stored), space-separated.
func storeAt(t *testing.T, j *Jar, s string, lines ...string) string {
	t.Helper()
	r := firstParty(t, s)
	r.Kind, r.BrowserInitiated = TopLevelNavigation, true
	var codes []string
	for _, res := range j.Store(lines, r) {
		codes = append(codes, string(codeOf(res.Rejected)))
	}
	return strings.Join(codes, " ")
}

// The cases below restate facts that net/http/cookiejar's jar_test.go
// ports from Chromium's cookie_store_unittest.h (TestDomainWithTrailingDot,
// ValidSubdomain, InvalidDomain, TestHostEndsWithDot, PathTest) and
// cookiejar's own update and delete tests. Inputs and expectations are the
// facts; the code is ours.

func TestPortChromiumDomainWithTrailingDot(t *testing.T) {
	j, _ := newJar(Policy{})
	if got := storeAt(t, j, "http://www.google.com/", "a=1; domain=.www.google.com.", "b=2; domain=.www.google.com.."); got != "set-cookie-invalid-domain set-cookie-invalid-domain" {
		t.Errorf("codes %q", got)
	}
	if got := sent(t, j, "http://www.google.com/"); got != "" {
		t.Errorf("sent %q", got)
	}
}

func TestPortChromiumValidSubdomain(t *testing.T) {
	j, _ := newJar(Policy{})
	if got := storeAt(t, j, "http://a.b.c.d.com/", "a=1; domain=.a.b.c.d.com", "b=2; domain=.b.c.d.com", "c=3; domain=.c.d.com", "d=4; domain=.d.com"); got != "   " {
		t.Fatalf("codes %q", got)
	}
	for url, want := range map[string]string{
		"http://a.b.c.d.com/": "a=1; b=2; c=3; d=4",
		"http://b.c.d.com/":   "b=2; c=3; d=4",
		"http://c.d.com/":     "c=3; d=4",
		"http://d.com/":       "d=4",
	} {
		if got := sent(t, j, url); got != want {
			t.Errorf("%s: sent %q, want %q", url, got, want)
		}
	}
}

func TestPortChromiumInvalidDomain(t *testing.T) {
	j, _ := newJar(Policy{})
	lines := []string{"a=1; domain=.yo.foo.bar.com", "b=2; domain=.foo.com", "c=3; domain=.bar.foo.com", "d=4; domain=.foo.bar.com.net", "e=5; domain=ar.com", "f=6; domain=.com", "g=7; domain=com"}
	got := storeAt(t, j, "http://foo.bar.com/", lines...)
	if want := strings.TrimSpace(strings.Repeat("set-cookie-invalid-domain ", len(lines))); got != want {
		t.Errorf("codes %q, want %q", got, want)
	}
}

func TestPortChromiumHostEndsWithDot(t *testing.T) {
	j, _ := newJar(Policy{})
	if got := storeAt(t, j, "http://www.google.com/", "a=1", "b=2; domain=.www.google.com."); got != " set-cookie-invalid-domain" {
		t.Errorf("codes %q", got)
	}
	if got := sent(t, j, "http://www.google.com/"); got != "a=1" {
		t.Errorf("sent %q", got)
	}
}

func TestPortChromiumPath(t *testing.T) {
	j, _ := newJar(Policy{})
	storeAt(t, j, "http://www.google.izzle/", "A=B; path=/wee")
	for url, want := range map[string]string{
		"http://www.google.izzle/wee":               "A=B",
		"http://www.google.izzle/wee/":              "A=B",
		"http://www.google.izzle/wee/war":           "A=B",
		"http://www.google.izzle/wee/war/more/more": "A=B",
		"http://www.google.izzle/weehee":            "",
		"http://www.google.izzle/":                  "",
	} {
		if got := sent(t, j, url); got != want {
			t.Errorf("%s: sent %q, want %q", url, got, want)
		}
	}
}

func TestPortCookiejarUpdateAndDelete(t *testing.T) {
	j, _ := newJar(Policy{})
	storeAt(t, j, "https://www.host.test/", "a=1", "b=2; secure", "c=3; httponly", "d=4; domain=host.test")
	if got := sent(t, j, "https://www.host.test/"); got != "a=1; b=2; c=3; d=4" {
		t.Fatalf("sent %q", got)
	}
	storeAt(t, j, "https://www.host.test/", "a=11", "b=; max-age=-1", "c=33; max-age=0", "d=44; domain=host.test; max-age=60")
	if got := sent(t, j, "https://www.host.test/"); got != "a=11; d=44" {
		t.Errorf("after update: sent %q", got)
	}
	if got := sent(t, j, "http://www.host.test/"); got != "a=11; d=44" {
		t.Errorf("over http: sent %q", got)
	}
}

// Chromium's ordering: longer paths first, then older cookies first
// (RFC 6265bis §5.8.3 step 4).
func TestPortOrdering(t *testing.T) {
	j, clk := newJar(Policy{})
	storeAt(t, j, "https://h.test/a/b", "x=1; path=/")
	clk.Advance(1)
	storeAt(t, j, "https://h.test/a/b", "y=2; path=/a/b", "z=3; path=/a")
	clk.Advance(1)
	storeAt(t, j, "https://h.test/", "w=4; path=/")
	if got := sent(t, j, "https://h.test/a/b/c"); got != "y=2; z=3; x=1; w=4" {
		t.Errorf("sent %q", got)
	}
	// Replacing a cookie keeps its creation time, hence its place.
	clk.Advance(1)
	storeAt(t, j, "https://h.test/", "x=9; path=/")
	if got := sent(t, j, "https://h.test/a/b/c"); got != "y=2; z=3; x=9; w=4" {
		t.Errorf("after replacing x: sent %q", got)
	}
}

// RFC 6265bis §5.7 step 16: an insecure response cannot shadow a Secure
// cookie on a path it covers, but can set one on a sibling path.
func TestOverwriteSecure(t *testing.T) {
	j, _ := newJar(Policy{})
	storeAt(t, j, "https://h.test/", "a=1; Secure; path=/login")
	if got := storeAt(t, j, "http://h.test/", "a=2; path=/login", "a=3; path=/login/en", "a=4; path=/", "a=5; path=/foo"); got != "set-cookie-overwrite-secure set-cookie-overwrite-secure  " {
		t.Errorf("codes %q", got)
	}
}
