package cookie_test

import (
	"fmt"
	"time"

	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/policy"
)

// The user logs in to https://api.example first-party, then a page on
// https://app.example calls the API with credentials: "include".
func Example() {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	jar := cookie.New(cookie.Options{
		Policy: cookie.Policy{NoneRequiresSecure: true, Partitioned: true, ThirdParty: cookie.ThirdPartyBlock},
		Now:    func() time.Time { return now },
	})
	api, _ := policy.ParseURL("https://api.example/login")
	login := cookie.Request{URL: api, Method: "POST", Kind: cookie.TopLevelNavigation,
		TopLevel: policy.OriginOf(api), IncludeCredentials: true}
	for _, r := range jar.Store([]string{"sid=1; SameSite=None; Secure", "pref=dark; SameSite=None"}, login) {
		if r.Rejected != nil {
			fmt.Println("rejected:", r.Rejected.Code, "-", r.Rejected.Message)
		}
	}

	items, _ := policy.ParseURL("https://api.example/items")
	app, _ := policy.ParseOrigin("https://app.example")
	got := jar.Cookies(cookie.Request{URL: items, Method: "GET", TopLevel: app, IncludeCredentials: true})
	fmt.Printf("Cookie: %q\n", got.Header())
	for _, w := range got.Withheld {
		fmt.Println("withheld", w.Cookie.Name+":", w.Reasons[0].Message, "("+w.DevToolsReasons[0]+")")
	}
	// Output:
	// rejected: set-cookie-samesite-none-insecure - SameSite=None requires the Secure attribute
	// Cookie: ""
	// withheld sid: the request is third-party to the top-level site https://app.example and third-party cookies are blocked (UserPreferences)
}

// A Set-Cookie line from a cross-site response is refused with a reason.
func ExampleJar_Store() {
	jar := cookie.New(cookie.Options{Policy: cookie.Policy{NoneRequiresSecure: true}})
	api, _ := policy.ParseURL("https://api.example/session")
	app, _ := policy.ParseOrigin("https://app.example")
	res := jar.Store([]string{"sid=1", "sid2=1; SameSite=None; Secure"},
		cookie.Request{URL: api, Method: "POST", TopLevel: app, IncludeCredentials: true})
	for _, r := range res {
		if r.Rejected != nil {
			fmt.Printf("%s: %s (%s)\n", r.Line, r.Rejected.Code, r.DevToolsReason)
		} else {
			fmt.Printf("%s: stored for %s%s\n", r.Line, r.Cookie.Domain, r.Cookie.Path)
		}
	}
	// Output:
	// sid=1: set-cookie-samesite-cross-site (SameSiteUnspecifiedTreatedAsLax)
	// sid2=1; SameSite=None; Secure: stored for api.example/
}
