package corstest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/corsim/corsim/corstest"
)

// me answers GET /me for https://app.example with credentials.
var me = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "https://app.example")
	w.Header().Set("Access-Control-Allow-Credentials", "true")
	w.Header().Set("Vary", "Origin")
	if r.URL.Path == "/login" {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "2", Path: "/", Secure: true, SameSite: http.SameSiteNoneMode})
	}
	w.Write([]byte("{}"))
})

func TestCookiesSentAndWithheld(t *testing.T) {
	ct := corstest.New(t, me, corstest.Browsers(corstest.AllBrowsers()...)).
		LoggedIn("https://api.example", "sid=1; SameSite=None; Secure")
	c := ct.From("https://app.example").Fetch("GET", "/me", corstest.Credentials()).Allowed()
	c.In(corstest.WebKit).SendsCookie("sid")
	c.In(corstest.Spec).SendsCookie("sid")
	c.In(corstest.Chromium).WithholdsCookie("sid")
	c.In(corstest.Firefox).WithholdsCookie("sid")
	ct.From("https://app.example").Fetch("GET", "/me").WithholdsCookie("sid")
	// Same-origin: every browser sends it.
	ct.From("https://api.example").Fetch("GET", "/me").SendsCookie("sid")
	// Firefox keeps a third-party cookie in the page's partition.
	ct.From("https://app.example").Fetch("GET", "/login", corstest.Credentials()).In(corstest.Firefox).StoresCookie("sid")
}

// TestCookieFailureStory: a failed cookie assertion says why the cookie
// was withheld.
func TestCookieFailureStory(t *testing.T) {
	rec := &corstest.Recorder{}
	ct := corstest.New(rec, me, corstest.Cookie("https://api.example/", "sid=1; SameSite=None; Secure"))
	ct.From("https://app.example").Fetch("GET", "/me", corstest.Credentials()).SendsCookie("sid")
	if !rec.Failed() {
		t.Fatal("SendsCookie passed in Chromium, which blocks third-party cookies")
	}
	for _, want := range []string{"want: the request carries the cookie sid", "third-party cookies are blocked"} {
		if !strings.Contains(rec.String(), want) {
			t.Errorf("message lacks %q:\n%s", want, rec.String())
		}
	}
}
