package browser

import (
	"fmt"
	"strings"
	"time"

	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Source tags used in the comments below: "browsers.md §x" is the digest
// in shared/reference/browsers.md (which names the browser source file and
// commit read), "harness" is an observation of the real Chromium 156
// driven over DevTools on this machine (shared/reference/chromium-harness.md
// and package conformance/chromium), which wins over the source digest
// for Chromium.

// Spec is the Fetch standard itself: the zero fetch.Profile (no max-age
// cap, unbounded cache, per-method/per-header entries merged, "*" never
// covering Authorization, the standard safelist). Its console messages are
// corsim's own wording, not a browser's.
var Spec = fetch.Spec

// Chromium is Chromium 156 as shipped (Debian 156.0.8078.108), including
// its default feature state: "Access-Control-Allow-Headers: *" covers
// Authorization. ChromiumSpecAuthorization is the same browser with
// --enable-features=CorsNonWildcardRequestHeadersSupport.
var Chromium = fetch.Profile{
	Name: NameChromium,
	// preflight_result.cc kDefaultTimeout = base::Seconds(5) (browsers.md
	// §1.6); harness: no header → hit at 4 s, re-preflight at 5.5 s.
	DefaultMaxAge: 5 * time.Second,
	// preflight_result.cc kMaxTimeout = base::Hours(2) (browsers.md §1.6);
	// harness: 10000 → capped at 7200 s.
	MaxAgeCap: 7200 * time.Second,
	// Absent → kDefaultTimeout (browsers.md §1.6).
	MaxAgeAbsent: fetch.MaxAgeRuleDefault,
	// !base::StringToInt64 → kDefaultTimeout (browsers.md §1.6); harness:
	// "abc" → 5 s.
	MaxAgeInvalid: fetch.MaxAgeRuleDefault,
	// An empty value fails StringToInt64 too → kDefaultTimeout
	// (browsers.md §1.6).
	MaxAgeEmpty: fetch.MaxAgeRuleDefault,
	// seconds < 0 → base::TimeDelta(), "entry cannot be cached"; the result
	// still replaces the key's entry (browsers.md §1.6–1.7).
	MaxAgeNegative: fetch.MaxAgeRuleStoreExpired,
	// IsExpired is expiry <= Now, so 0 is never reused (browsers.md §1.6);
	// harness: 0 → never cached.
	MaxAgeZero: fetch.MaxAgeRuleStoreExpired,
	// preflight_cache.cc kMaxCacheEntries = 1024, MayPurge erases
	// kPurgeUnit = 10 consecutive entries from base::RandInt (browsers.md
	// §1.7); the randomness comes from the browser's seed. The newest
	// stored preflight_cache.{h,cc} instead keeps 32 entries per top-frame
	// site (purge 4) and an LRU of 128 sites, but Chromium 156 reuses all
	// of 33 results of one site (scenarios/cache-capacity-per-site): 156
	// ships the one-table shape.
	CacheCapacity:  1024,
	Eviction:       fetch.EvictRandomRun,
	EvictRunLength: 10,
	// preflight_cache.cc: url_spec.length() >= kMaxKeyLength (1024) is not
	// cached (browsers.md §1.7).
	MaxCacheURLLength: 1024,
	// One PreflightResult per key, overwritten (browsers.md §1.7).
	ReplaceEntries: true,
	// Key = (initiator origin, URL, NetworkIsolationKey, address space);
	// credentials are checked, not keyed (browsers.md §1.7).
	KeyByUntaintedOrigin: true,
	// harness: a CSP-sandboxed page preflights every request again, even
	// one its own earlier preflight covered; preflight_cache.cc (url::Origin
	// keys with a nonce) would predict reuse within the page
	// (scenarios/cache-opaque-origin).
	OpaqueOriginBypassesCache: true,
	// NetworkIsolationKey: top-frame site (browsers.md §1.7); harness: an
	// app.test frame inside other.test preflights again.
	Partition: fetch.PartitionTopLevelSite,
	// !RetrieveCacheFlags(load_flags): VALIDATE/BYPASS/DISABLE skip the
	// cache (browsers.md §1.7; the cache-mode → load-flag mapping is [I]).
	CacheBypassModes: []fetch.CacheMode{fetch.CacheNoStore, fetch.CacheReload, fetch.CacheNoCache},
	// preflight_cache.cc has no removal path on a failed request, only
	// purge and ClearCache (browsers.md §1.7) [I].
	KeepCacheOnFailure: true,
	// preflight_result.cc EnsureAllowedCrossOriginMethod/Headers test
	// `!credentials_ && *` with the flag the result was created with
	// (read at 0256af45): a "*" stored by a credentialed preflight never
	// matches (scenarios/cache-wildcard-stored-credentials).
	WildcardByStoredCredentials: true,
	// preflight_cache.cc CheckIfRequestCanSkipPreflight: "The cache entry
	// is either stale or not sufficient. Remove the item" (read at
	// 09875653; scenarios/cache-insufficient-entry-erased).
	EraseInsufficientEntry: true,
	// HandleRedirect → kPreflightDisallowedRedirect before any header
	// check (browsers.md §1.4).
	PreflightRedirectFirst: true,
	// harness: ACAH "*" with an Authorization request header is allowed in
	// Chromium 156 as shipped; only with
	// --enable-features=CorsNonWildcardRequestHeadersSupport is it blocked.
	WildcardCoversAuthorization: true,
	// harness: no console line, but a DevTools DeprecationIssue
	// AuthorizationCoveredByWildcard; the warning event becomes
	// Outcome.Issues, never a console message.
	WarnWildcardAuthorization: true,
	// preflight_cache.cc: the lookup always uses
	// NonWildcardRequestHeadersSupport(true) (browsers.md §1.7), so a
	// cached "*" does not cover Authorization, whatever the feature state;
	// harness (labs/06-authorization-wildcard): a request with
	// Authorization preflights again, one with other headers hits.
	CacheWildcardCoversAuthorization: false,
	// cors.cc IsCorsSafelistedHeader: client hints and "intervention"
	// (browsers.md §1.3).
	Safelist: chromiumSafelist,
	// Blink's HTTPHeaderMap::Add joins a repeated request header with ", "
	// before cors.cc sees one value per name; harness: two 100-byte Accept
	// values preflight (the joined 202 bytes pass 128), and the wire
	// carries the joined value (scenarios/duplicate-request-headers).
	CombineDuplicateHeaders: true,
	// harness: a no-cors POST with referrerPolicy no-referrer or
	// same-origin carries the page's origin, not the spec's null
	// (scenarios/referrer-policy).
	OriginIgnoresReferrerPolicy: true,
	// cors_url_loader.cc: redirect_count_++ == 20 (browsers.md §1.8).
	RedirectLimit: 20,
	// Local Network Access since 142 (harness, Chromium 156): a loopback
	// server from a public page fails before anything is sent —
	// InsecureLocalNetwork from a non-secure page,
	// LocalNetworkAccessPermissionDenied from a secure one, headless
	// denying the prompt at once; fetch() reads targetAddressSpace.
	LocalNetworkAccess:       true,
	LocalNetworkPromptAnswer: policy.PermissionDenied,
	TargetAddressSpaceOption: true,
	// net/http/http_stream_parser.h kMaxHeaderBufSize =
	// kHeaderBufInitialSize * 64 (256 KiB): ERR_RESPONSE_HEADERS_TOO_BIG.
	MaxResponseHeaderBytes: 256 * 1024,
	// services/network/sec_header_helpers.cc; harness: Sec-Fetch-* to
	// https://api.test and http://127.0.0.1, none to http://api.test.
	FetchMetadata: true,
	// Cookies: see chromiumCookies.
	Cookies: chromiumCookies,
}

// chromiumSafelist is cors.cc IsCorsSafelistedHeader's names beyond the
// standard, with its value rules (browsers.md §1.3): device-memory, dpr,
// downlink → 1*DIGIT ["." 1*DIGIT]; width, viewport-width, rtt → 1*DIGIT;
// ect → a connection type; save-data → "on"; intervention → any. The
// sec-ch-* hints are forbidden request-headers for script, so they are
// left out.
//
// Range keeps the standard's case-sensitive "bytes": cors.cc (5b83ed46 and
// a 2024 revision) lower-cases the value before ParseRangeHeader, which
// reads as if "BYTES=0-1" were safelisted, but Chromium 156 preflights it
// (harness, scenarios/range-unit-case): the engine wins.
var chromiumSafelist = policy.Safelist{Extra: []policy.SafelistExtension{
	{Name: "Device-Memory", Rule: policy.RuleDecimal},
	{Name: "DPR", Rule: policy.RuleDecimal},
	{Name: "Downlink", Rule: policy.RuleDecimal},
	{Name: "Width", Rule: policy.RuleDigits},
	{Name: "Viewport-Width", Rule: policy.RuleDigits},
	{Name: "RTT", Rule: policy.RuleDigits},
	{Name: "ECT", Rule: policy.RuleEffectiveConnectionType},
	{Name: "Save-Data", Rule: policy.RuleOn},
	{Name: "Intervention", Rule: policy.RuleAny},
}}

// FeatureCorsNonWildcardRequestHeadersSupport is the Chromium feature that
// makes "Access-Control-Allow-Headers: *" stop covering Authorization, as
// the Fetch standard says (harness: off by default in Chromium 156).
const FeatureCorsNonWildcardRequestHeadersSupport = "CorsNonWildcardRequestHeadersSupport"

// ChromiumSpecAuthorization is Chromium 156 started with
// --enable-features=CorsNonWildcardRequestHeadersSupport: "*" in
// Access-Control-Allow-Headers does not cover Authorization, and the
// preflight fails with "Request header field authorization is not allowed
// by Access-Control-Allow-Headers in preflight response." (harness).
var ChromiumSpecAuthorization = chromiumSpecAuthorization()

func chromiumSpecAuthorization() fetch.Profile {
	p := Chromium
	applyChromiumFeature(&p, FeatureCorsNonWildcardRequestHeadersSupport)
	return p
}

// applyChromiumFeature turns on one Chromium feature; false if unknown.
func applyChromiumFeature(p *fetch.Profile, f string) bool {
	switch f {
	case FeatureCorsNonWildcardRequestHeadersSupport:
		p.WildcardCoversAuthorization = false
		p.WarnWildcardAuthorization = false
	case SettingAllowThirdPartyCookies:
		p.Cookies.ThirdParty = cookie.ThirdPartyAllow
	default:
		return false
	}
	p.Name += "+" + f
	return true
}

// ChromiumWithFeatures returns the Chromium profile as if started with
// --enable-features=<features>. Known features:
// FeatureCorsNonWildcardRequestHeadersSupport, and the user setting
// SettingAllowThirdPartyCookies. The profile's Name is
// "chromium+<feature>[+<feature>…]", so its console messages stay
// Chromium's. An unknown feature is an error.
func ChromiumWithFeatures(features ...string) (fetch.Profile, error) {
	p := Chromium
	for _, f := range features {
		if !applyChromiumFeature(&p, f) {
			return fetch.Profile{}, fmt.Errorf("browser: unknown Chromium feature %q", f)
		}
	}
	return p, nil
}

// Firefox is Firefox (Gecko) as read in nsCORSListenerProxy.cpp and
// security.properties (browsers.md §2).
var Firefox = fetch.Profile{
	Name: NameFirefox,
	// Observed in Firefox 153 ESR: a sandboxed page reuses its own
	// preflight, another sandboxed page preflights again
	// (scenarios/cache-opaque-origin).
	OpaqueOriginKeyedByPage: true,
	// ReferrerInfo::ShouldIgnoreLessRestrictedPolicies with
	// network.http.referer.disallowCrossSiteRelaxingDefault on: observed
	// in Firefox 153 ESR, an unsafe-url fetch to another site logs
	// ReferrerPolicyDisallowRelaxingMessage (scenarios/referrer-policy).
	IgnoreRelaxedCrossSiteReferrerPolicy: true,
	// Observed in Firefox 153 ESR: a FormData body of one field is 171
	// bytes (169 once) where Chromium's is 141: the boundary is
	// "----geckoformboundary" and up to 32 hex digits, written twice; 53
	// characters, the longest and most frequent length, is modelled
	// (scenarios/simple-post-formdata).
	FormBoundary: "----geckoformboundary7d5f2a9c0b41e3865f0c2d4a9b7e1c63",
	// PREFLIGHT_DEFAULT_EXPIRY_SECONDS 5 (browsers.md §2.5).
	DefaultMaxAge: 5 * time.Second,
	// std::min(age, 86400U) "Cap at 24 hours" (browsers.md §2.5).
	MaxAgeCap: 86400 * time.Second,
	// Header absent → 5 s (browsers.md §2.5).
	MaxAgeAbsent: fetch.MaxAgeRuleDefault,
	// Any non-digit → return without caching (browsers.md §2.5).
	MaxAgeInvalid: fetch.MaxAgeRuleNoStore,
	// AddResultToCache: header empty (or absent) → 5 s (browsers.md §2.5).
	MaxAgeEmpty: fetch.MaxAgeRuleDefault,
	// "-" is a non-digit → not cached (browsers.md §2.5).
	MaxAgeNegative: fetch.MaxAgeRuleNoStore,
	// if (!age) return → not cached (browsers.md §2.5).
	MaxAgeZero: fetch.MaxAgeRuleNoStore,
	// PREFLIGHT_CACHE_SIZE 100; expired entries first, then LRU
	// mList.popLast() (browsers.md §2.5).
	CacheCapacity: 100,
	Eviction:      fetch.EvictExpiredThenLRU,
	// Per-token expiry lists, merged across preflights (browsers.md §2.5).
	ReplaceEntries: false,
	// "*" is stored as a literal token and never satisfies a lookup
	// (browsers.md §2.5 [I]).
	NoWildcardReuse: true,
	// Key starts with "cred"/"nocred" (GetPrefLightCacheKey, browsers.md
	// §2.5).
	SeparateCredentials: true,
	// OriginAttributes partition key = top-level site (browsers.md §2.5
	// [I]: network partitioning).
	Partition: fetch.PartitionTopLevelSite,
	// CheckRequest: only GET and POST are exempt; HEAD needs a cached
	// method token (browsers.md §2.5, the HEAD quirk).
	CacheExemptMethods: []string{"GET", "POST"},
	// LOAD_BYPASS_CACHE ≈ cache modes reload and no-store (browsers.md
	// §2.3 [I]).
	CacheBypassModes: []fetch.CacheMode{fetch.CacheReload, fetch.CacheNoStore},
	// RemoveEntries on a failed actual CORS check (browsers.md §2.5).
	KeepCacheOnFailure: false,
	// nsCORSPreflightListener::AsyncOnChannelRedirect →
	// CORSExternalRedirectNotAllowed (browsers.md §2.3).
	PreflightRedirectFirst: true,
	// network.cors_preflight.authorization_covered_by_wildcard, default
	// true since 115: "*" covers Authorization with the
	// CORSAllowHeaderFromPreflightDeprecation warning (browsers.md §2.4).
	WildcardCoversAuthorization: true,
	WarnWildcardAuthorization:   true,
	// Moot: "*" is never reused from the cache (NoWildcardReuse above).
	CacheWildcardCoversAuthorization: false,
	// [U] network.http.redirection-limit, believed 20 (browsers.md §2.7).
	RedirectLimit: 20,
	// Observed in 153.8.0esr (docs/gates-and-cookies.md): a fetch from a
	// public page to a loopback server asks for the local-network
	// permission (permissions.default.local-network 0, "ask"), from
	// http://app.test as from a secure page; headless never answers.
	// targetAddressSpace: not found in what was read [U].
	LocalNetworkAccess:      true,
	LocalNetworkAskInsecure: true,
	// network.http.max_response_header_size 393216 (all.js) [I: the
	// limit read, its failure not observed].
	MaxResponseHeaderBytes: 393216,
	// Observed: Sec-Fetch-* to http://127.0.0.1, none to http://api.test.
	FetchMetadata: true,
	// Observed in Firefox 153 ESR (conformance suite,
	// scenarios/redirect-after-preflight): the preflight to a redirect's
	// cross-origin target carries the page's origin, the actual request
	// after it "null".
	PreflightUntaintedOrigin: true,
	// Observed in Firefox 153 ESR (scenarios/data-url-basic): a data: URL's
	// response has Content-Length.
	DataURLContentLength: true,
	// nsCORSListenerProxy::OnStartRequest clears the URL's entries after
	// any failed CORS check, a simple request's too (issue 12 item 10);
	// observed in Firefox 153 ESR (scenarios/cache-cleared-after-simple-failure).
	ClearCacheOnCORSCheckFailure: true,
	// Cookies: see firefoxCookies.
	Cookies: firefoxCookies,
}

// WebKit is WebKitGTK 2.50 as observed by the conformance suite (every
// scenario of testdata replayed in MiniBrowser, docs/conformance.md), its
// fields first read in CrossOriginAccessControl.cpp,
// CrossOriginPreflightResultCache.cpp and NetworkLoadChecker.cpp
// (browsers.md §3).
//
// Safari shares this CORS code (WebCore) but not WebKitGTK's network
// stack (libsoup; Safari uses CFNetwork) nor its privacy features
// (Intelligent Tracking Prevention). So for Safari these are inferred, not
// observed: the texts of transport errors ("A server with the specified
// hostname could not be found." is CFNetwork's), anything that depends on
// cookies reaching a cross-site server (ITP blocks third-party cookies),
// and how the network stack treats a URL's userinfo.
var WebKit = fetch.Profile{
	Name: NameWebKit,
	// Observed in WebKitGTK 2.50: a second sandboxed page preflights
	// again where the first page's entry would have served
	// (scenarios/cache-opaque-origin).
	OpaqueOriginKeyedByPage: true,
	// Observed in WebKitGTK 2.50: repeated Accept or Content-Language
	// entries whose join with ", " exceeds 128 bytes are preflighted
	// (scenarios/duplicate-request-headers).
	CombineDuplicateHeaders: true,
	// HTTPParsers.cpp isCrossOriginSafeRequestHeader reads Range with
	// parseRange, which matches "bytes" ignoring ASCII case; observed in
	// WebKitGTK 2.50: "Range: BYTES=0-1" is sent without a preflight
	// (scenarios/range-unit-case).
	Safelist: policy.Safelist{RangeUnitIgnoresCase: true},
	// Observed in WebKitGTK 2.50: a vertical tab in a response header
	// value (Access-Control-Allow-Origin or another) fails the fetch with
	// no console line, a tab does not
	// (scenarios/console-escapes-control-bytes, response-header-control-byte).
	RefuseControlBytesInResponseHeaders: true,
	// Observed in WebKitGTK 2.50: a sandboxed document sends its URL in
	// Referer (scenarios/null-origin-sandboxed); the spec sends none.
	OpaqueOriginSendsReferrer: true,
	// defaultPreflightCacheTimeout = 5_s (browsers.md §3.5).
	DefaultMaxAge: 5 * time.Second,
	// maxPreflightCacheTimeout = 600_s (browsers.md §3.5); observed in
	// WebKitGTK 2.50 with a clock 20 times faster (conformance/webkit
	// TestMaxAgeCap: cached 560 s after a max-age 100000 preflight, not
	// 640 s after).
	MaxAgeCap: 600 * time.Second,
	// parseInteger failure or absent → 5 s (browsers.md §3.5).
	MaxAgeAbsent:  fetch.MaxAgeRuleDefault,
	MaxAgeInvalid: fetch.MaxAgeRuleDefault,
	MaxAgeEmpty:   fetch.MaxAgeRuleDefault,
	// Negative accepted → an already-expired entry; 0 likewise
	// (browsers.md §3.5, §4).
	MaxAgeNegative: fetch.MaxAgeRuleStoreExpired,
	MaxAgeZero:     fetch.MaxAgeRuleStoreExpired,
	// Singleton HashMap, no size limit, no eviction (browsers.md §3.5).
	CacheCapacity: 0,
	// One CrossOriginPreflightResultCacheItem per key (browsers.md §3.5).
	ReplaceEntries: true,
	// Key (sessionID, ClientOrigin{topOrigin, clientOrigin}, url)
	// (browsers.md §3.5).
	Partition: fetch.PartitionTopLevelOrigin,
	// Entries are removed on a failed lookup, not on a failed request
	// (browsers.md §3.5) [I].
	KeepCacheOnFailure: true,
	// validatePreflightResponse checks isSuccessful() before
	// passesAccessControlCheck (browsers.md §3.4).
	PreflightStatusFirst: true,
	// The cache item is appended before validateMethodAndHeaders
	// (browsers.md §3.4); observed in WebKitGTK 2.50: after a preflight
	// refused "patch", a PATCH the stored ACAM lists is not preflighted
	// (scenarios/patch-case-sensitive).
	StoreBeforeMethodCheck: true,
	// allowsCrossOriginHeaders: the wildcard covers every header, with no
	// non-wildcard special case and no message (browsers.md §3.5).
	WildcardCoversAuthorization: true,
	// CrossOriginPreflightResultCacheItem::allowsCrossOriginHeaders: a
	// cached "*" (validWildcard) covers every header, Authorization
	// included (browsers.md §3.5).
	CacheWildcardCoversAuthorization: true,
	// ++m_redirectCount > 20 (browsers.md §3.6).
	RedirectLimit: 20,
	// No Local Network Access found in what was read
	// (docs/gates-and-cookies.md) [U]. Sec-Fetch-* shipped in Safari 16.4
	// [I: not observed in WebKitGTK here].
	FetchMetadata: true,
	// Observed in WebKitGTK 2.50: a 300 KB response header block fails
	// the fetch (TypeError: Load failed; the server got the request:
	// scenarios/response-headers-too-big). The exact limit was not
	// measured and no constant was found in what was read: 256 KiB is
	// assumed, below the observed failure.
	MaxResponseHeaderBytes: 256 * 1024,
	// Observed in WebKitGTK 2.50: an https page's fetch of
	// http://127.0.0.1 is blocked as mixed content ("[blocked] The page at
	// … requested insecure content from http://127.0.0.1:…":
	// scenarios/mixed-content-loopback-trustworthy), where Chromium and
	// Firefox let loopback through as potentially trustworthy.
	MixedContentBlocksLoopback: true,
	// Cookies: see webkitCookies.
	Cookies: webkitCookies,
}

// Profile names, as used by ProfileByName and as the Name of the profiles
// above. The console dialect of a profile is chosen from the part of its
// Name before the first "+".
const (
	NameSpec     = "spec"
	NameChromium = "chromium"
	NameFirefox  = "firefox"
	NameWebKit   = "webkit"
)

// Profiles returns the four main profiles in a stable order: spec,
// chromium, firefox, webkit.
func Profiles() []fetch.Profile {
	return []fetch.Profile{Spec, Chromium, Firefox, WebKit}
}

// ProfileByName returns the profile called name (ASCII case-insensitive):
// "spec", "chromium" (also "chrome"), "firefox", "webkit" (also "safari"),
// or "chromium+<feature>…" as ChromiumWithFeatures builds it.
func ProfileByName(name string) (fetch.Profile, bool) {
	base, features, _ := strings.Cut(name, "+")
	switch strings.ToLower(base) {
	case NameSpec:
		return Spec, features == ""
	case NameChromium, "chrome":
		if features == "" {
			return Chromium, true
		}
		p, err := ChromiumWithFeatures(strings.Split(features, "+")...)
		return p, err == nil
	case NameFirefox:
		return Firefox, features == ""
	case NameWebKit, "safari":
		return WebKit, features == ""
	}
	return fetch.Profile{}, false
}

// family returns the console dialect name of a profile name: the part
// before the first "+", lower-cased.
func family(name string) string {
	base, _, _ := strings.Cut(name, "+")
	return strings.ToLower(base)
}
