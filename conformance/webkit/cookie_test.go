package webkit

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestCookieURLs: both URLs are at the cookie URL's origin, on the drive
// channel, and carry the line with the default-path of the cookie URL
// when the line has no Path of its own.
func TestCookieURLs(t *testing.T) {
	tests := []struct {
		url, line      string
		wd, page, sets string
	}{
		{"https://api.example/", "sid=1; SameSite=None; Secure",
			"https://api.example" + driveCookie, "https://api.example" + drivePage, "sid=1; SameSite=None; Secure; Path=/"},
		{"https://api.example/me", "fp=1",
			"https://api.example" + driveCookie, "https://api.example" + drivePage, "fp=1; Path=/"},
		{"http://app.example:8080/a/b/c?q=1", "x=2; HttpOnly",
			"http://app.example:8080" + driveCookie, "http://app.example:8080" + drivePage, "x=2; HttpOnly; Path=/a/b"},
		{"https://api.example/a/b", "__Host-id=1; Secure; path=/",
			"https://api.example" + driveCookie, "https://api.example" + drivePage, "__Host-id=1; Secure; path=/"},
		// A value that merely contains "path" is no Path attribute.
		{"https://api.example/x/y", "path=1",
			"https://api.example" + driveCookie, "https://api.example" + drivePage, "path=1; Path=/x"},
	}
	for _, tt := range tests {
		wd, page, err := CookieURLs(tt.url, tt.line)
		if err != nil {
			t.Fatalf("CookieURLs(%q, %q): %v", tt.url, tt.line, err)
		}
		for _, got := range []struct{ raw, base string }{{wd, tt.wd}, {page, tt.page}} {
			u, err := url.Parse(got.raw)
			if err != nil {
				t.Fatal(err)
			}
			if base := u.Scheme + "://" + u.Host + u.Path; base != got.base {
				t.Errorf("CookieURLs(%q, %q) = %s, want a URL at %s", tt.url, tt.line, got.raw, got.base)
			}
			if s := u.Query().Get("set"); s != tt.sets {
				t.Errorf("CookieURLs(%q, %q) = %s: sets %q, want %q", tt.url, tt.line, got.raw, s, tt.sets)
			}
		}
	}
	for _, bad := range []string{"ftp://api.example/", "api.example", "https:///x", "%zz"} {
		if _, _, err := CookieURLs(bad, "a=1"); err == nil {
			t.Errorf("CookieURLs(%q) gave no error", bad)
		}
	}
}

// TestDriveSetsCookie: the drive channel's cookie page and drive page
// answer with the Set-Cookie line they were given, and nothing else does.
func TestDriveSetsCookie(t *testing.T) {
	r := &PageRun{b: &Browser{}, results: map[int]chan string{}}
	wd, page, err := CookieURLs("https://api.example/", "sid=1; Secure")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{wd, page} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		if got := rec.Header().Values("Set-Cookie"); len(got) != 1 || got[0] != "sid=1; Secure; Path=/" {
			t.Errorf("GET %s: Set-Cookie %q, want one line sid=1; Secure; Path=/", u, got)
		}
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, DriveURL("https://api.example", "", false), nil))
	if got := rec.Header().Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("the plain drive page set %q", got)
	}
}
