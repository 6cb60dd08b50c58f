package browser

import (
	"fmt"
	"time"

	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// SettingAllowThirdPartyCookies is Chromium's "Allow third-party cookies"
// setting (chrome://settings/cookies; the profile preference
// cookie_controls_mode 0), not an --enable-features name. With it a
// cross-site credentialed fetch carries SameSite=None cookies and may set
// them (harness: Chromium 156 with {"profile":{"cookie_controls_mode":0}}
// seeded in Default/Preferences). Use it as ChromiumWithFeatures(…) or the
// profile name "chromium+AllowThirdPartyCookies".
const SettingAllowThirdPartyCookies = "AllowThirdPartyCookies"

// chromiumCookies is Chromium 156's cookie rules as shipped, in a fresh
// profile (docs/gates-and-cookies.md; cookie/observed_test.go replays the
// observations):
//   - unset SameSite is Lax (Lax-by-default), with the 2-minute
//     Lax-allowing-unsafe allowance: kLaxAllowUnsafeMaxAge in
//     net/cookies/cookie_constants.cc; observed: a cookie without SameSite
//     went with a cross-site top-level POST 3 s after it was set, not 125 s;
//   - SameSite=None needs Secure (observed: dropped without it);
//   - third-party cookies blocked (observed in a fresh headless context,
//     DevTools reason UserPreferences); SettingAllowThirdPartyCookies is
//     the other setting;
//   - CHIPS Partitioned cookies work while third-party cookies are blocked
//     (observed; kThirdPartyPartitionedStorageAllowedByDefault);
//   - http://localhost is secure for cookies
//     (CookieAccessDelegateImpl::ShouldTreatUrlAsTrustworthy);
//   - the __Http- and __Host-Http- prefixes (kPrefixCookieHttp, observed).
var chromiumCookies = cookie.Policy{
	LaxAllowUnsafe:     2 * time.Minute,
	NoneRequiresSecure: true,
	ThirdParty:         cookie.ThirdPartyBlock,
	Partitioned:        true,
	SecureLocalhost:    true,
	HTTPPrefixes:       true,
}

// firefoxCookies is Firefox 153 ESR's cookie rules as shipped
// (docs/gates-and-cookies.md; cookie TestObservedFirefox153):
//   - unset SameSite is None: network.cookie.sameSite.laxByDefault false
//     (StaticPrefList.yaml), observed;
//   - SameSite=None needs Secure: network.cookie.sameSite.noneRequiresSecure
//     true, observed;
//   - Total Cookie Protection: network.cookie.cookieBehavior 5 in
//     defaults/preferences/firefox.js, observed: a third-party context has
//     its own jar per top-level site;
//   - CHIPS: network.cookie.CHIPS.enabled true;
//   - http://localhost is secure for cookies, observed;
//   - schemeless same-site: network.cookie.sameSite.schemeful is true in
//     Nightly only; observed in Firefox 153 ESR (conformance suite,
//     scenarios/cookie-schemeless-same-site): Strict and Lax cookies go
//     from http://www.api.example to https://api.example;
//   - and that request is no third-party context (the first-party jar,
//     where a cookie it sets is stored): observed in Firefox 153 ESR
//     (conformance suite, the same scenario).
var firefoxCookies = cookie.Policy{
	UnsetIsNone:          true,
	NoneRequiresSecure:   true,
	ThirdParty:           cookie.ThirdPartyPartition,
	Partitioned:          true,
	SecureLocalhost:      true,
	SchemelessSameSite:   true,
	SchemelessThirdParty: true,
}

// webkitCookies is WebKitGTK 2.50's cookie rules as MiniBrowser runs it
// (docs/gates-and-cookies.md; cookie TestObservedWebKitGTK250), each
// observed in WebKitGTK 2.50 (conformance suite: the cookies seeded by a
// first-party navigation, scenarios/cookie-*):
//   - unset SameSite is None;
//   - SameSite=None without Secure is stored;
//   - third-party Set-Cookie refused, existing cookies still sent: the
//     soup NetworkStorageSession's jar starts with
//     SOUP_COOKIE_JAR_ACCEPT_NO_THIRD_PARTY (NetworkStorageSessionSoup.cpp),
//     MiniBrowser's --cookies-policy default no-third-party;
//   - a Secure cookie is refused on http://localhost;
//   - __Host- and __Secure- prefixes are not enforced (IgnorePrefixes);
//   - SameSite compares sites without their scheme: an http page's
//     fetch to https on the same registrable domain carries Strict and
//     Lax cookies (SchemelessSameSite), but a cookie that response sets
//     is refused as third-party (the third-party check is schemeful);
//   - a Partitioned cookie set cross-site is refused like any other
//     third-party cookie; Partitioned is otherwise ignored (first-party
//     partitioning was not observed).
//
// Intelligent Tracking Prevention is off unless the application turns it
// on (webkit_website_data_manager_set_itp_enabled; MiniBrowser
// --enable-itp), and then the accept policy is ignored for ITP's own
// blocking, ThirdPartyCookieBlockingMode::All on non-Cocoa ports
// (WebsiteDataStore.cpp). Safari runs ITP with that mode: third-party
// cookies are neither sent nor stored (short of the Storage Access API),
// which this profile does not model.
var webkitCookies = cookie.Policy{
	UnsetIsNone:        true,
	ThirdParty:         cookie.ThirdPartyBlockNew,
	IgnorePrefixes:     true,
	SchemelessSameSite: true,
}

// Cookies returns every cookie in the browser's jar, partitioned ones
// included.
func (b *Browser) Cookies() []cookie.Cookie { return b.jar.All() }

// CookieJar returns the browser's cookie jar.
func (b *Browser) CookieJar() *cookie.Jar { return b.jar }

// SetCookie stores a cookie as if rawURL's server had sent the Set-Cookie
// line in answer to a first-party top-level navigation the user made (the
// user "logged in" there): line is a Set-Cookie value such as
// "sid=1; SameSite=None; Secure". It returns why the jar refused it.
func (b *Browser) SetCookie(rawURL, line string) error {
	u, err := policy.ParseURL(rawURL)
	if err != nil {
		return fmt.Errorf("cookie URL %q: %v", rawURL, err)
	}
	req := cookie.Request{URL: u, Method: "GET", Kind: cookie.TopLevelNavigation,
		TopLevel: policy.OriginOf(u), BrowserInitiated: true, IncludeCredentials: true}
	res := b.jar.Store([]string{line}, req)
	if len(res) == 1 && res[0].Rejected != nil {
		return fmt.Errorf("cookie %q for %s was refused: %s", line, rawURL, res[0].Rejected.Message)
	}
	return nil
}

// newJar builds the jar of a browser with profile p.
func newJar(p fetch.Profile, clock fetch.Clock, psl policy.PublicSuffixList) *cookie.Jar {
	return cookie.New(cookie.Options{Policy: p.Cookies, PSL: psl, Now: clock.Now})
}
