package cookie

import (
	"net/url"
	"sync"
	"time"

	"github.com/corsim/corsim/policy"
)

// SameSite is a cookie's same-site-flag (RFC 6265bis §5.6.7): what its
// SameSite attribute said, or SameSiteUnset when it had none (or an
// unknown value, which the draft's step 1 also maps to "Default").
type SameSite int

// SameSite values.
const (
	SameSiteUnset SameSite = iota
	SameSiteLax
	SameSiteStrict
	SameSiteNone
)

// String returns "Unset", "Lax", "Strict" or "None".
func (s SameSite) String() string {
	switch s {
	case SameSiteLax:
		return "Lax"
	case SameSiteStrict:
		return "Strict"
	case SameSiteNone:
		return "None"
	}
	return "Unset"
}

// ThirdPartyCookies is the third-party cookie setting.
type ThirdPartyCookies string

// Third-party cookie settings.
const (
	// ThirdPartyAllow sends and stores cookies in third-party contexts in
	// the one first-party jar (SameSite still applies). Chromium with
	// "allow third-party cookies" (profile cookie_controls_mode 0).
	ThirdPartyAllow ThirdPartyCookies = "allow"
	// ThirdPartyBlock neither sends nor stores unpartitioned cookies in a
	// third-party context; Partitioned (CHIPS) cookies still work when
	// Policy.Partitioned is set. What the harness saw in a fresh headless
	// Chromium 156 context (reason UserPreferences). (WebKitGTK's data store
	// default, ExclusivelyFromMainDocumentDomain in WebsiteDataStore.h,
	// behaves as ThirdPartyBlockNew.)
	ThirdPartyBlock ThirdPartyCookies = "block"
	// ThirdPartyBlockNew refuses Set-Cookie in a third-party context but
	// still sends the cookies already in the jar (SameSite permitting):
	// libsoup's SOUP_COOKIE_JAR_ACCEPT_NO_THIRD_PARTY. WebKitGTK 2.50's
	// MiniBrowser defaults to it (--cookies-policy=no-third-party) and was
	// observed to send a first-party cookie without SameSite on a cross-site
	// credentialed fetch while refusing the cookies that response set.
	ThirdPartyBlockNew ThirdPartyCookies = "block-new"
	// ThirdPartyPartition gives every top-level site its own jar for
	// third-party contexts, whether or not the cookie says Partitioned:
	// Firefox's Total Cookie Protection (network.cookie.cookieBehavior 5,
	// the default in Firefox 153 ESR's defaults/preferences/firefox.js).
	ThirdPartyPartition ThirdPartyCookies = "partition"
)

// Policy holds the knobs where engines differ or the draft lets the user
// agent choose. The zero Policy is the draft read strictly with third-party
// cookies allowed and no partitioning.
type Policy struct {
	// UnsetIsNone makes a cookie without SameSite behave as SameSite=None
	// (sent cross-site, no Secure needed). False is Lax-by-default, which
	// RFC 6265bis's retrieval algorithm says ("same-site-flag is Lax or
	// Default") and Chromium ships; Firefox (network.cookie.sameSite.laxByDefault)
	// and Safari do not.
	UnsetIsNone bool
	// LaxAllowUnsafe is the age up to which a cookie without SameSite,
	// treated as Lax, still goes with a cross-site top-level navigation that
	// uses an unsafe method such as POST (§5.6.7.2 "Lax-Allowing-Unsafe").
	// Zero disables it. Chromium: 2 minutes (kLaxAllowUnsafeMaxAge in
	// net/cookies/cookie_constants.cc; the features that shorten it to 10 s
	// or turn it off, kShortLaxAllowUnsafeThreshold and
	// kSameSiteDefaultChecksMethodRigorously, are disabled by default in
	// net/base/features.cc).
	LaxAllowUnsafe time.Duration
	// NoneRequiresSecure rejects SameSite=None without Secure (§5.7 step
	// 19). Chromium always; Firefox behind network.cookie.sameSite.noneRequiresSecure.
	NoneRequiresSecure bool
	// ThirdParty is the third-party cookie setting ("" means allow).
	ThirdParty ThirdPartyCookies
	// Partitioned honours the Partitioned attribute (CHIPS): such a cookie
	// is kept in the jar of the top-level site it was set under. When false
	// the attribute is ignored.
	Partitioned bool
	// SecureLocalhost lets http://localhost and loopback addresses set and
	// receive Secure cookies, as potentially trustworthy URLs (the draft
	// leaves "secure connection" to the user agent; Chromium's
	// CookieAccessDelegateImpl::ShouldTreatUrlAsTrustworthy returns
	// IsUrlPotentiallyTrustworthy, services/network/cookie_access_delegate_impl.cc).
	SecureLocalhost bool
	// HTTPPrefixes enforces the __Http- and __Host-Http- prefixes of the
	// layered-cookies draft (Chromium: kPrefixCookieHttp and
	// kPrefixCookieHostHttp, enabled by default in net/base/features.cc).
	HTTPPrefixes bool
	// IgnorePrefixes stores __Secure- and __Host- cookies whatever their
	// attributes (no §5.7 steps 20-22): observed in WebKitGTK 2.50
	// (conformance suite, scenarios/cookie-host-prefix), whose libsoup jar
	// kept __Host- cookies without Secure, with a Domain or another Path,
	// and __Secure- cookies without Secure.
	IgnorePrefixes bool
	// MaxLifetime caps Expires and Max-Age (§5.5); zero means 400 days.
	MaxLifetime time.Duration
	// SchemelessSameSite compares sites without their scheme when deciding
	// whether a request is same-site for SameSite, so http://a.example and
	// https://a.example are same-site. RFC 6265bis and Chromium are
	// schemeful; Firefox's network.cookie.sameSite.schemeful is true only in
	// Nightly builds (modules/libpref/init/StaticPrefList.yaml).
	SchemelessSameSite bool
	// SchemelessThirdParty compares sites without their scheme when
	// deciding whether a request is made in a third-party context, so a
	// page on http://www.a.example reaches https://a.example with the
	// first-party jar. Observed in Firefox 153 ESR (conformance suite,
	// scenarios/cookie-schemeless-same-site; ThirdPartyUtil compares base
	// domains); Chromium and WebKitGTK 2.50 are schemeful.
	SchemelessThirdParty bool
	// ConsiderRedirectChain makes a request cross-site when any URL of its
	// redirect chain is cross-site, as Fetch's redirect-taint does.
	// Chromium: kCookieSameSiteConsidersRedirectChain, disabled by default.
	ConsiderRedirectChain bool
}

// Kind says what sort of fetch a request is, which SameSite depends on.
type Kind int

// Request kinds.
const (
	// Subresource is fetch(), XMLHttpRequest, images, scripts…
	Subresource Kind = iota
	// TopLevelNavigation navigates a top-level traversable.
	TopLevelNavigation
	// FrameNavigation navigates an iframe.
	FrameNavigation
)

// Request is what the jar needs to know about a request.
type Request struct {
	// URL is the request's current URL (ParseURL output).
	URL *url.URL
	// Method is the request's method ("GET" when empty).
	Method string
	// Kind is subresource, top-level or frame navigation.
	Kind Kind
	// TopLevel is the origin of the top-level document of the client
	// making the request. For a top-level navigation it is the origin of the
	// document that started it (the initiator).
	TopLevel policy.Origin
	// CrossSiteAncestor is true when some frame between the client and the
	// top level is cross-site with the top level, which makes the client's
	// site for cookies opaque (§5.2.1).
	CrossSiteAncestor bool
	// BrowserInitiated is true for a navigation the user started from the
	// browser itself (typed address, bookmark): it has no client and is
	// same-site (§5.2 step 2).
	BrowserInitiated bool
	// RedirectChain lists the URLs before URL in the redirect chain; used
	// only with Policy.ConsiderRedirectChain.
	RedirectChain []*url.URL
	// IncludeCredentials is Fetch's includeCredentials
	// (https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch):
	// credentials mode include, or same-origin with response tainting basic.
	IncludeCredentials bool
}

// Cookie is a stored cookie (RFC 6265bis §5.7 storage model).
type Cookie struct {
	// Name and Value as Set-Cookie gave them.
	Name, Value string
	// Domain is the cookie's domain (the request host for a host-only
	// cookie) and Path its path.
	Domain, Path string
	// Expires is the expiry-time; zero for a session cookie.
	Expires time.Time
	// Persistent is the persistent-flag: Max-Age or Expires was given.
	Persistent bool
	// HostOnly is the host-only-flag: no Domain attribute.
	HostOnly bool
	// Secure and HTTPOnly are the secure-only- and http-only-flags.
	Secure, HTTPOnly bool
	// SameSite is the same-site-flag.
	SameSite SameSite
	// Partition is the top-level site ("https://app.example") whose jar
	// holds the cookie, or "" for the first-party (unpartitioned) jar.
	Partition string
	// Partitioned records that Set-Cookie carried Partitioned.
	Partitioned bool
	// Created is the creation-time, kept when a cookie is replaced.
	Created time.Time
}

// Options configures a Jar.
type Options struct {
	// Policy sets the engine's knobs.
	Policy Policy
	// PSL is the public suffix list; nil means policy.DefaultPublicSuffixList.
	PSL policy.PublicSuffixList
	// Now is the clock; nil means time.Now. Tests pass a fixed clock.
	Now func() time.Time
}

// Jar is an in-memory cookie store with a browser's rules. It is safe for
// concurrent use.
type Jar struct {
	policy Policy
	psl    policy.PublicSuffixList
	now    func() time.Time

	mu      sync.Mutex
	cookies []*Cookie
	seq     int64 // tie-breaker for equal creation times, insertion order
	order   map[*Cookie]int64
}

// New returns an empty Jar.
func New(o Options) *Jar {
	j := &Jar{policy: o.Policy, psl: o.PSL, now: o.Now, order: map[*Cookie]int64{}}
	if j.psl == nil {
		j.psl = policy.DefaultPublicSuffixList
	}
	if j.now == nil {
		j.now = time.Now
	}
	if j.policy.MaxLifetime == 0 {
		j.policy.MaxLifetime = 400 * 24 * time.Hour
	}
	return j
}

// All returns a copy of every unexpired cookie, in storage order.
func (j *Jar) All() []Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.evictExpired(j.now())
	out := make([]Cookie, 0, len(j.cookies))
	for _, c := range j.cookies {
		out = append(out, *c)
	}
	return out
}

// Restore adds copies of cs, in order, to the jar without applying any
// rule: the jar as it was (cs as All returned it), for making a request
// again in a fresh browser with the same cookies.
func (j *Jar) Restore(cs []Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := range cs {
		c := cs[i]
		j.seq++
		j.order[&c] = j.seq
		j.cookies = append(j.cookies, &c)
	}
}

// evictExpired removes expired cookies (§5.7, "The user agent MUST evict
// all expired cookies").
func (j *Jar) evictExpired(now time.Time) {
	kept := j.cookies[:0]
	for _, c := range j.cookies {
		if c.Persistent && !c.Expires.After(now) {
			delete(j.order, c)
			continue
		}
		kept = append(kept, c)
	}
	j.cookies = kept
}

// isSecure reports whether the request's URL denotes a secure connection:
// https or wss, or, with SecureLocalhost, any potentially trustworthy URL.
func (j *Jar) isSecure(u *url.URL) bool {
	switch u.Scheme {
	case "https", "wss":
		return true
	}
	return j.policy.SecureLocalhost && policy.IsPotentiallyTrustworthyURL(u)
}

// siteForCookies returns the site for cookies of the request's client, or
// an opaque origin (§5.2.1). A top-level navigation's new document is its
// own site for cookies.
func siteForCookies(r Request) policy.Origin {
	if r.Kind == TopLevelNavigation {
		return policy.OriginOf(r.URL)
	}
	if r.CrossSiteAncestor {
		return policy.OpaqueOrigin("")
	}
	return r.TopLevel
}

// sameSiteRequest implements "same-site" requests (RFC 6265bis §5.2): the
// request's current URL's origin is (schemefully) same site with its
// client's site for cookies, or the request has no client. For a top-level
// navigation the client is the document that started it.
func (j *Jar) sameSiteRequest(r Request) bool {
	if r.BrowserInitiated {
		return true
	}
	sfc := r.TopLevel
	if r.Kind != TopLevelNavigation && r.CrossSiteAncestor {
		return false
	}
	if !j.sameSite(policy.OriginOf(r.URL), sfc) {
		return false
	}
	if j.policy.ConsiderRedirectChain {
		for _, u := range r.RedirectChain {
			if !j.sameSite(policy.OriginOf(u), sfc) {
				return false
			}
		}
	}
	return true
}

// sameSite compares two origins schemefully, or schemelessly with
// Policy.SchemelessSameSite.
func (j *Jar) sameSite(a, b policy.Origin) bool {
	if j.policy.SchemelessSameSite {
		return policy.SchemelesslySameSite(a, b, j.psl)
	}
	return policy.SameSite(a, b, j.psl)
}

// crossSiteOnlyByScheme reports whether a cross-site request would be
// same-site if schemes were ignored; Chromium's DevTools then names the
// reason "Schemeful…" (SchemefulSameSiteStrict and so on).
func (j *Jar) crossSiteOnlyByScheme(r Request) bool {
	if j.policy.SchemelessSameSite || r.BrowserInitiated || (r.Kind != TopLevelNavigation && r.CrossSiteAncestor) {
		return false
	}
	return policy.SchemelesslySameSite(policy.OriginOf(r.URL), r.TopLevel, j.psl)
}

// thirdParty reports whether the request is made in a third-party context:
// its URL is not same site with the site for cookies (Chromium's
// CookieSettingsBase::IsThirdPartyRequest: !site_for_cookies.IsFirstParty(url),
// schemeful; schemeless with Policy.SchemelessThirdParty). Browser-initiated
// navigations are first-party.
func (j *Jar) thirdParty(r Request) bool {
	if r.BrowserInitiated {
		return false
	}
	if j.policy.SchemelessThirdParty {
		return !policy.SchemelesslySameSite(policy.OriginOf(r.URL), siteForCookies(r), j.psl)
	}
	return !policy.SameSite(policy.OriginOf(r.URL), siteForCookies(r), j.psl)
}

// partitionKey is the top-level site a partitioned cookie set or read by
// this request belongs to (CHIPS: the top-level site of the frame).
func (j *Jar) partitionKey(r Request) string {
	top := r.TopLevel
	if r.Kind == TopLevelNavigation || r.BrowserInitiated {
		top = policy.OriginOf(r.URL)
	}
	return policy.Site(top, j.psl)
}

// effectiveSameSite is the SameSite a cookie is enforced with.
func (j *Jar) effectiveSameSite(c *Cookie) SameSite {
	if c.SameSite == SameSiteUnset && j.policy.UnsetIsNone {
		return SameSiteNone
	}
	return c.SameSite
}

func isSafeMethod(m string) bool {
	switch m {
	case "", "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return false
}
