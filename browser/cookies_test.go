package browser_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// credentialedAPI answers every request with a CORS response that admits
// https://app.example with credentials and sets the cookie in setCookie.
func credentialedAPI(setCookie string) fetch.Transport {
	return fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		h := policy.HeaderList{
			{Name: "Access-Control-Allow-Origin", Value: "https://app.example"},
			{Name: "Access-Control-Allow-Credentials", Value: "true"},
		}
		if setCookie != "" {
			h = append(h, policy.Header{Name: "Set-Cookie", Value: setCookie})
		}
		return &fetch.WireResponse{Status: 200, Header: h}, nil
	})
}

// TestCookiesPerProfile: the same first-party cookies, a cross-site
// credentialed fetch; what each engine sends and stores, as observed
// (docs/gates-and-cookies.md).
func TestCookiesPerProfile(t *testing.T) {
	allow, err := browser.ChromiumWithFeatures(browser.SettingAllowThirdPartyCookies)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		profile fetch.Profile
		cookie  string // the Cookie header sent, "" for none
		stored  int    // cookies in the jar afterwards
	}{
		{browser.Chromium, "", 3},           // third-party cookies blocked, set refused
		{allow, "none=3", 4},                // only SameSite=None; the new one stored
		{browser.Firefox, "", 4},            // first-party jar not used; stored in app.example's partition
		{browser.WebKit, "fp=1; none=3", 3}, // existing cookies sent except Lax; new one refused
		{browser.Spec, "none=3", 4},         // draft: Lax-by-default, third-party allowed
	} {
		t.Run(tc.profile.Name, func(t *testing.T) {
			b := browser.New(tc.profile)
			for _, c := range []string{"fp=1", "lax=2; SameSite=Lax", "none=3; SameSite=None; Secure"} {
				if err := b.SetCookie("https://api.example/", c); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Serve("https://api.example", credentialedAPI("new=4; SameSite=None; Secure")); err != nil {
				t.Fatal(err)
			}
			page, _ := b.Open("https://app.example")
			o := page.Fetch(context.Background(), "https://api.example/me", fetch.RequestInit{Credentials: fetch.CredentialsInclude})
			got, _ := o.Result.Wire[0].Request.Header.Get("Cookie")
			if got != tc.cookie {
				t.Errorf("Cookie %q, want %q", got, tc.cookie)
			}
			if n := len(b.Cookies()); n != tc.stored {
				t.Errorf("%d cookies stored, want %d", n, tc.stored)
			}
		})
	}
}

// TestCookiesOmittedWithoutCredentials: credentials same-origin on a
// cross-origin fetch sends no cookie, and the Set-Cookie is refused.
func TestCookiesOmittedWithoutCredentials(t *testing.T) {
	b := browser.New(browser.Chromium, browser.WithNetwork(nil))
	_ = b.SetCookie("https://api.example/", "sid=1; SameSite=None; Secure")
	_ = b.Serve("https://api.example", credentialedAPI("new=1; SameSite=None; Secure"))
	page, _ := b.Open("https://app.example")
	o := page.Fetch(context.Background(), "https://api.example/me", fetch.RequestInit{})
	x := o.Result.Wire[0]
	if _, ok := x.Request.Header.Get("Cookie"); ok {
		t.Errorf("a Cookie header was sent with credentials same-origin")
	}
	if x.Cookies == nil || len(x.Cookies.Withheld) != 1 || x.Cookies.Withheld[0].Reasons[0].Code != "cookie-credentials-omitted" {
		t.Errorf("withheld = %+v, want sid withheld for credentials", x.Cookies)
	}
	if len(x.SetCookies) != 1 || x.SetCookies[0].Rejected == nil || !strings.Contains(x.SetCookies[0].Rejected.Message, "without credentials") {
		t.Errorf("Set-Cookie result %+v, want rejected for credentials", x.SetCookies)
	}
}

// A user logged in to https://api.example first-party; a credentialed
// fetch from https://app.example, in Chromium with third-party cookies
// allowed.
func ExampleBrowser_SetCookie() {
	p, _ := browser.ChromiumWithFeatures(browser.SettingAllowThirdPartyCookies)
	b := browser.New(p)
	_ = b.SetCookie("https://api.example/", "sid=1; SameSite=None; Secure")
	_ = b.SetCookie("https://api.example/", "pref=dark")
	_ = b.Serve("https://api.example", credentialedAPI(""))
	page, _ := b.Open("https://app.example")
	o := page.Fetch(context.Background(), "https://api.example/me", fetch.RequestInit{Credentials: fetch.CredentialsInclude})
	x := o.Result.Wire[0]
	v, _ := x.Request.Header.Get("Cookie")
	fmt.Println("Cookie:", v)
	for _, w := range x.Cookies.Withheld {
		fmt.Printf("withheld %s: %s\n", w.Cookie.Name, w.Reasons[0].Message)
	}
	// Output:
	// Cookie: sid=1
	// withheld pref: the cookie has no SameSite attribute, which this browser treats as Lax, and the request is cross-site and is not a top-level navigation
}
