package fetch

import (
	"slices"
	"time"

	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/policy"
)

// Profile gathers every choice the Fetch standard leaves to the user agent
// and every place where browsers are known to differ from the standard, as
// data. The algorithm never branches on a browser's name: package browser
// builds one Profile per browser. The zero Profile behaves as the spec (each
// field says how its zero value does); Spec is that zero value.
//
// Sources for the browser columns are in shared/reference/browsers.md
// (§1 Chromium, §2 Firefox, §3 WebKit, §4 the differences table).
type Profile struct {
	// Name labels the profile in reports; it never changes behaviour.
	Name string

	// --- Preflight cache: max-age (fetch#cors-preflight-fetch-0 steps 7.8–7.10) ---

	// DefaultMaxAge is the max-age used when Access-Control-Max-Age is
	// absent or (per the rules below) unusable. Zero means 5 s, the spec's
	// value, which all three engines share.
	DefaultMaxAge time.Duration
	// MaxAgeCap is the "imposed limit on max-age". Zero means none (the spec
	// leaves it to the UA). Chromium 7200 s, Firefox 86400 s, WebKit 600 s.
	MaxAgeCap time.Duration
	// MaxAgeAbsent says what a preflight response without
	// Access-Control-Max-Age does. Zero (MaxAgeRuleSpec) means use the
	// default, as the spec and all engines do.
	MaxAgeAbsent MaxAgeRule
	// MaxAgeInvalid is for a value that is not delta-seconds ("1.5", "+5",
	// two lines), an empty value aside. Zero: the spec's "failure → 5 s"
	// (Chromium and WebKit agree); Firefox does not cache
	// (MaxAgeRuleNoStore).
	MaxAgeInvalid MaxAgeRule
	// MaxAgeEmpty is for a line whose value is empty (policy.MaxAgeEmpty).
	// Zero: the spec's "failure → 5 s", which every engine shares —
	// Chromium's and WebKit's integer parse fails, Firefox treats an empty
	// value like an absent one (5 s) although it does not cache invalid
	// values (browsers.md §2.5).
	MaxAgeEmpty MaxAgeRule
	// MaxAgeNegative is for "-N". Zero: the spec treats it as a parse
	// failure, so 5 s; Chromium and WebKit store an already-expired result
	// (MaxAgeRuleStoreExpired); Firefox does not cache (MaxAgeRuleNoStore).
	// WPT cors/preflight-cache.htm expects engines' behaviour (not cached).
	MaxAgeNegative MaxAgeRule
	// MaxAgeZero is for "0". Zero: the spec stores entries with max-age 0,
	// which must be removed at once (= MaxAgeRuleStoreExpired: existing
	// entries are updated or replaced and so stop matching); Chromium and
	// WebKit do the same; Firefox does not cache (MaxAgeRuleNoStore:
	// existing entries are left alone).
	MaxAgeZero MaxAgeRule

	// --- Preflight cache: shape and capacity (fetch#cors-preflight-cache) ---

	// CacheCapacity bounds the number of cache keys (partition, origin,
	// URL[, credentials]) — what browsers count, not the spec's per-method
	// entries. Zero means unbounded (spec, WebKit); Chromium 1024, Firefox
	// 100.
	CacheCapacity int
	// Eviction chooses what goes when a new key arrives at capacity.
	// Zero (EvictOldest) drops the oldest-stored key; Chromium uses
	// EvictRandomRun, Firefox EvictExpiredThenLRU.
	Eviction EvictionPolicy
	// EvictRunLength is the number of consecutive keys EvictRandomRun
	// removes at once. Zero means 10 (Chromium's kPurgeUnit).
	EvictRunLength int
	// MaxCacheURLLength: a result whose URL serialization is this long or
	// longer is not cached. Zero means no limit (spec); Chromium 1024.
	MaxCacheURLLength int
	// ReplaceEntries: a new preflight result replaces every entry stored
	// under the same key, instead of the spec's update-or-create per method
	// and header name (which merges with older entries). Chromium and
	// WebKit replace (one result per key); the spec and Firefox merge.
	ReplaceEntries bool
	// CacheWildcardCoversAuthorization: a cached "*" header-name entry also
	// matches Authorization. Zero: no — header-name cache entry match
	// excludes the CORS non-wildcard request-header name
	// (fetch#concept-cache-match-header), as the spec and Chromium do
	// (preflight_cache.cc looks up with NonWildcardRequestHeadersSupport
	// on, whatever the feature state, so a request with Authorization
	// preflights again even when the preflight's "*" let it through).
	// WebKit's cached "*" covers every header. Firefox never reuses "*"
	// (NoWildcardReuse). Separate from WildcardCoversAuthorization, which
	// governs the preflight response check (step 7.7).
	CacheWildcardCoversAuthorization bool
	// NoWildcardReuse: a cached "*" (method or header name) never matches a
	// later request, so wildcard-authorised requests preflight every time.
	// Zero: "*" entries match as the spec says (Chromium, WebKit; for
	// Authorization see CacheWildcardCoversAuthorization). Firefox stores
	// "*" as a literal token [I].
	NoWildcardReuse bool
	// LiteralCredentialedWildcard follows the spec's text literally for a
	// "*" entry created by a credentialed preflight: method/header-name
	// cache entry match accepts it without looking at credentials, so a
	// later credentialed request with any method would skip its preflight.
	// Zero (the default we chose, fetch-cors.md §10 [Q]): a "*" entry
	// matches as a wildcard only for a request whose credentials mode is
	// not include — the same answer the preflight response itself would
	// give (step 7.5/7.7), and what every engine does (Chromium checks
	// `!credentials_ && *`, WebKit `policy != Use`, Firefox never reuses *).
	LiteralCredentialedWildcard bool
	// WildcardByStoredCredentials: a cached "*" acts as a wildcard only if
	// the preflight that stored it was made without credentials, whatever
	// the later request's credentials mode. Chromium does this:
	// preflight_result.cc tests `!credentials_ && *` with the credentials
	// flag the result was created with, so a "*" stored by a credentialed
	// preflight never matches later (scenarios/cache-wildcard-stored-credentials).
	// Zero: the later request's credentials decide (see
	// LiteralCredentialedWildcard), so an uncredentialed request reuses a
	// "*" that a credentialed preflight stored.
	WildcardByStoredCredentials bool
	// EraseInsufficientEntry: when HTTP fetch's cache test finds entries
	// for the request's key that do not cover the request, they are all
	// removed, so a later request they would have covered preflights
	// again. Chromium does this: preflight_cache.cc
	// CheckIfRequestCanSkipPreflight erases an entry that is stale or "not
	// sufficient". Zero: the spec leaves entries alone on a miss
	// (fetch#concept-http-fetch step 2).
	EraseInsufficientEntry bool
	// SeparateCredentials: credentialed and uncredentialed results live
	// under different keys, so an entry made by a credentialed preflight
	// does not serve an uncredentialed request. Zero: the spec's
	// asymmetric match (credentials=true entries serve both), as Chromium
	// and WebKit do; Firefox keys "cred"/"nocred" separately.
	SeparateCredentials bool
	// Partition chooses the network partition key. Zero
	// (PartitionTopLevelSite) is the spec's (top-level site) and
	// Chromium's; WebKit keys by top-level origin; PartitionNone shares
	// entries across top-level sites.
	Partition PartitionKind
	// KeyByUntaintedOrigin keys entries by the request's origin even when
	// the request is redirect-tainted (Chromium uses the initiator). Zero:
	// the spec's byte-serialized request origin ("null" when tainted).
	KeyByUntaintedOrigin bool
	// OpaqueOriginBypassesCache: a request whose origin is opaque (a
	// sandboxed page) never gets a cache hit; its preflight results are
	// still stored. Chromium 156 does this for a CSP-sandboxed top-level
	// page: every request preflights again, the same one from the same
	// page too (harness, scenarios/cache-opaque-origin). The source
	// predicts less: preflight_cache.cc keys by url::Origin, whose opaque
	// form carries a nonce, so only two different sandboxed pages would
	// not share entries; the engine wins. Zero: the spec keys by the
	// serialized origin "null", which all sandboxed pages share.
	OpaqueOriginBypassesCache bool
	// OpaqueOriginKeyedByPage keys a preflight cache entry stored for an
	// opaque origin by that origin itself (its ID), not by the
	// serialization "null": a sandboxed page reuses its own entries, and
	// two sandboxed pages never share one. Observed in Firefox 153 ESR and
	// WebKitGTK 2.50 (scenarios/cache-opaque-origin). Zero: the spec's "null", which all
	// sandboxed pages share.
	OpaqueOriginKeyedByPage bool
	// CacheExemptMethods replaces "method is a CORS-safelisted method" in
	// HTTP fetch step 2's cache test: a method in this list needs no method
	// cache entry. nil means GET, HEAD and POST (spec, Chromium, WebKit);
	// Firefox exempts only GET and POST.
	CacheExemptMethods []string
	// CacheBypassModes lists request cache modes for which the preflight
	// cache is not consulted (a preflight is always sent; its result is
	// still stored). nil: none (spec). Chromium bypasses on its
	// VALIDATE/BYPASS/DISABLE load flags ≈ no-store, reload, no-cache [I];
	// Firefox on LOAD_BYPASS_CACHE ≈ reload, no-store [I].
	CacheBypassModes []CacheMode
	// StoreBeforeMethodCheck stores the preflight result (CORS-preflight
	// fetch steps 7.8–7.15) as soon as Access-Control-Allow-Methods and
	// -Headers parse, before the method and header checks (7.5–7.7): a
	// result that refuses this request still covers a later one. WebKit's
	// validatePreflightResponse appends the cache item before
	// validateMethodAndHeaders (browsers.md §3.4; observed in WebKitGTK
	// 2.50, scenarios/patch-case-sensitive). Zero: store only once every
	// check passed (spec, Chromium, Firefox).
	StoreBeforeMethodCheck bool
	// KeepCacheOnFailure: main fetch does not clear the request's cache
	// entries after a network error in the preflight branch. Zero: clear
	// (spec; Firefox on a failed actual CORS check).
	KeepCacheOnFailure bool
	// ClearCacheOnCORSCheckFailure: a failed CORS check of a response
	// (HTTP fetch step 4.4) also clears the request's cache entries when
	// the request did not go through the preflight branch (a simple
	// request). Zero: the spec clears only after a network error in the
	// preflight branch (main fetch step 12). Firefox:
	// nsCORSListenerProxy::OnStartRequest removes the URL's entries after
	// any failed check (issue 12 item 10); observed in Firefox 153 ESR
	// (scenarios/cache-cleared-after-simple-failure: a PUT preflighted
	// again after a simple GET to its URL failed the check).
	ClearCacheOnCORSCheckFailure bool

	// --- Preflight response evaluation (fetch#cors-preflight-fetch-0 step 7) ---

	// PreflightStatusFirst checks the preflight response's status before
	// the CORS check (WebKit: "Preflight response is not successful" wins).
	// Zero: the CORS check first, as the spec's condition and Chromium and
	// Firefox order it.
	PreflightStatusFirst bool
	// PreflightRedirectFirst reports a redirect answer to a preflight as
	// CodePreflightRedirect before any other check (Chromium's
	// kPreflightDisallowedRedirect, Firefox's CORSExternalRedirectNotAllowed).
	// Zero: a 3xx is simply not an ok status; it is reported as
	// CodePreflightRedirect only when the CORS check passed.
	PreflightRedirectFirst bool
	// PreflightUntaintedOrigin: a preflight sent for a later hop of a
	// redirect-tainted request carries the request's own origin in Origin
	// (and its CORS check compares against that origin), while the actual
	// request says "null". Zero: the spec's byte-serialized request origin
	// on both ("null" once tainted). Firefox: observed in Firefox 153 ESR
	// (the preflight to the redirect's target carried the page's origin,
	// the PUT after it "null"); its preflight is a new channel built from
	// the loading principal (nsCORSListenerProxy StartCORSPreflight), from
	// which the check's origin is inferred.
	PreflightUntaintedOrigin bool
	// WildcardCoversAuthorization: "Access-Control-Allow-Headers: *" in the
	// preflight response (step 7.7) also allows Authorization. Zero: no —
	// Authorization is the CORS non-wildcard request-header name (spec;
	// Chromium only with --enable-features=CorsNonWildcardRequestHeadersSupport).
	// Chromium 156 as shipped, Firefox and WebKit let "*" cover it
	// (chromium-harness.md; browsers.md §2.4, §3.5). Whether a cached "*"
	// covers it later is CacheWildcardCoversAuthorization.
	WildcardCoversAuthorization bool
	// WarnWildcardAuthorization records a StepWarning event when
	// WildcardCoversAuthorization lets "*" cover Authorization (Firefox
	// logs CORSAllowHeaderFromPreflightDeprecation; Chromium 156 reports a
	// DevTools DeprecationIssue AuthorizationCoveredByWildcard, no console
	// line; WebKit says nothing).
	WarnWildcardAuthorization bool

	// --- Requests ---

	// Safelist extends the CORS-safelisted request-headers (Chromium's
	// client hints DPR, Width, Viewport-Width, Device-Memory, RTT,
	// Downlink, ECT, Save-Data, and Intervention). Zero: the spec's list.
	Safelist policy.Safelist
	// FormBoundary is the multipart boundary of the profile's FormData
	// bodies. Engines pick a random one; a fixed one of the engine's
	// length keeps Content-Length as the engine's. Zero: one of
	// Chromium's and WebKit's length, 38 ("----WebKitFormBoundary" and 16
	// characters).
	FormBoundary string
	// CombineDuplicateHeaders: before fetch looks at the request's header
	// list, entries with the same name (case-insensitively) become one,
	// named as the first, at its place, its value the values joined with
	// ", ". The safelist limits (128 bytes a value, 1024 in total) then
	// apply to the joined value, and Access-Control-Request-Headers and
	// the wire show it. Chromium does this: Blink's HTTPHeaderMap::Add
	// joins a repeated name with ", " before the request reaches the
	// network service's cors.cc (harness, scenarios/duplicate-request-headers).
	// Zero: the spec keeps one header list entry per append and applies
	// the limits per entry (fetch#cors-unsafe-request-header-names).
	CombineDuplicateHeaders bool
	// OriginIgnoresReferrerPolicy: the Origin header of a request whose
	// mode is not cors and whose method is neither GET nor HEAD is the
	// request's origin whatever the referrer policy, instead of null under
	// no-referrer (and friends). Zero: the spec's switch
	// (fetch#append-a-request-origin-header step 4.1).
	OriginIgnoresReferrerPolicy bool
	// IgnoreRelaxedCrossSiteReferrerPolicy: a referrer policy less strict
	// than the default (unsafe-url, no-referrer-when-downgrade,
	// origin-when-cross-origin) is ignored for a request to another site
	// (compared without scheme) and the default,
	// strict-origin-when-cross-origin, applies; the console says so.
	// Firefox: ReferrerInfo::ShouldIgnoreLessRestrictedPolicies under the
	// pref network.http.referer.disallowCrossSiteRelaxingDefault, observed
	// on in Firefox 153 ESR (scenarios/referrer-policy). Zero: the
	// request's policy applies (the spec, Chromium 156, WebKitGTK 2.50).
	IgnoreRelaxedCrossSiteReferrerPolicy bool
	// OpaqueOriginSendsReferrer: a page with an opaque origin (a sandboxed
	// document) that has a URL names it in Referer as any page would.
	// WebKit: observed in WebKitGTK 2.50 (scenarios/null-origin-sandboxed).
	// Zero: no referrer, as "determine request's referrer" step 3.1.2
	// says (Chromium 156 and Firefox 153 ESR, observed).
	OpaqueOriginSendsReferrer bool
	// AcceptLanguage is the Accept-Language value fetch appends when the
	// author set none (fetch#concept-fetch step 12: the UA "should"). Zero:
	// none is appended, which keeps traces free of a UA-chosen value.
	AcceptLanguage string
	// DataURLContentLength: a data: URL's response also has a
	// Content-Length header with the body's length. Zero: the spec's data:
	// URL processor answers with Content-Type only (and Chromium 156,
	// observed). Firefox: observed in Firefox 153 ESR.
	DataURLContentLength bool
	// RedirectLimit is the number of redirects after which HTTP-redirect
	// fetch fails. Zero means 20 (spec and all engines).
	RedirectLimit int

	// --- Gates beside CORS (gates.go; docs/gates-and-cookies.md) ---
	//
	// Mixed content (https://w3c.github.io/webappsec-mixed-content/) and
	// the cross-origin resource policy check (fetch#cross-origin-resource-policy-check)
	// apply in every profile: every engine enforces them.

	// LocalNetworkAccess turns on the Local Network Access check
	// (https://wicg.github.io/local-network-access/#local-network-access-check)
	// when a connection reaches a server: a request to a more private
	// address space than the page's needs a permission. Zero: off, as in
	// the Fetch standard (LNA is a WICG draft) and WebKit (no LNA found in
	// what was read). Chromium 142+ and Firefox 153 ESR (observed) enforce it.
	LocalNetworkAccess bool
	// LocalNetworkAskInsecure asks a page that is not a secure context for
	// the permission instead of refusing outright, as Firefox 153.8.0esr
	// was observed to do. Zero: refuse (the draft, Chromium).
	LocalNetworkAskInsecure bool
	// LocalNetworkPromptAnswer is what the simulated user answers when the
	// browser asks for the local-network permission and the scenario set no
	// decision: PermissionDenied for headless Chromium (it denies at once,
	// harness), "" for headless Firefox (nobody answers: the request waits
	// until network.lna.prompt.timeout, 300000 ms).
	LocalNetworkPromptAnswer policy.Permission
	// TargetAddressSpaceOption: fetch() reads RequestInit's
	// targetAddressSpace (Chromium). Zero: the member is unknown and
	// ignored, as in any engine without it.
	TargetAddressSpaceOption bool
	// MaxResponseHeaderBytes is the size of a response's header block
	// (status line, header lines, the blank line) above which the engine's
	// network stack fails the request: Chromium 262144
	// (kMaxHeaderBufSize, net/http/http_stream_parser.h,
	// ERR_RESPONSE_HEADERS_TOO_BIG), Firefox 393216
	// (network.http.max_response_header_size, modules/libpref/init/all.js).
	// Zero: no limit (the Fetch standard sets none; WebKit's not found).
	MaxResponseHeaderBytes int
	// RefuseControlBytesInResponseHeaders: a response whose header value
	// holds a control byte other than tab (0x00–0x1F, 0x7F) is a network
	// error. WebKitGTK 2.50: observed for a vertical tab, in
	// Access-Control-Allow-Origin or any other header (the fetch fails
	// with no console line; a tab passes); the other bytes are inferred.
	// Zero: the value is kept (the spec; Chromium 156 and Firefox 153 ESR,
	// observed for a vertical tab).
	RefuseControlBytesInResponseHeaders bool
	// MixedContentBlocksLoopback: an http: URL on a loopback host
	// (localhost, 127.0.0.0/8, [::1]) is mixed content like any other
	// http: URL, though Secure Contexts calls it potentially trustworthy.
	// Zero: loopback is not mixed content (the Mixed Content spec,
	// Chromium, Firefox). WebKitGTK 2.50: observed.
	MixedContentBlocksLoopback bool
	// FetchMetadata appends the Sec-Fetch-* request headers where
	// HTTP-network-or-cache fetch says ("append the Fetch metadata headers
	// for httpRequest"), to potentially trustworthy URLs only (Fetch
	// Metadata §2), preflights included; all three engines do (harness;
	// Firefox observed). Zero: none — a deliberate deviation of the zero
	// profile, whose wire stays the CORS protocol's alone.
	FetchMetadata bool
	// --- Cookies ---

	// Cookies are the cookie store's rules (SameSite default, third-party
	// cookie setting, partitioning); the zero Policy is RFC 6265bis read
	// strictly with third-party cookies allowed. Used by whoever builds the
	// Fetcher's CookieStore (package browser); fetch itself never reads it.
	Cookies cookie.Policy
}

// Spec is the profile of the Fetch standard itself: the zero Profile,
// except that its cookie rules refuse SameSite=None without Secure, as
// RFC 6265bis §5.7 step 19 says (cookie.Policy's zero value leaves that to
// the engine).
var Spec = Profile{Name: "spec", Cookies: cookie.Policy{NoneRequiresSecure: true}}

// MaxAgeRule says what a class of Access-Control-Max-Age values does.
type MaxAgeRule int

const (
	// MaxAgeRuleSpec does what the spec does for the class (see the
	// Profile field).
	MaxAgeRuleSpec MaxAgeRule = iota
	// MaxAgeRuleDefault uses Profile.DefaultMaxAge.
	MaxAgeRuleDefault
	// MaxAgeRuleNoStore does not touch the cache at all.
	MaxAgeRuleNoStore
	// MaxAgeRuleStoreExpired stores (updates or replaces) with max-age 0:
	// the entries exist but never match.
	MaxAgeRuleStoreExpired
)

// EvictionPolicy chooses which cache keys go when the cache is full.
type EvictionPolicy int

const (
	// EvictOldest removes the key stored first.
	EvictOldest EvictionPolicy = iota
	// EvictRandomRun removes EvictRunLength consecutive keys (in key
	// order) starting at a random index, from the cache's seeded source
	// (Chromium's PreflightCache::MayPurge).
	EvictRandomRun
	// EvictExpiredThenLRU removes every key whose entries have all expired,
	// or if there is none the least recently used key (Firefox).
	EvictExpiredThenLRU
)

// PartitionKind chooses the network partition key of cache entries.
type PartitionKind int

const (
	// PartitionTopLevelSite: the client's top-level site (schemeful), the
	// spec's network partition key (fetch#network-partition-keys).
	PartitionTopLevelSite PartitionKind = iota
	// PartitionTopLevelOrigin: the client's top-level origin (WebKit).
	PartitionTopLevelOrigin
	// PartitionNone: one partition for everything.
	PartitionNone
)

const (
	defaultMaxAge        = 5 * time.Second
	defaultRedirectLimit = 20
	defaultRunLength     = 10
)

func (p *Profile) defaultMaxAge() time.Duration {
	if p.DefaultMaxAge > 0 {
		return p.DefaultMaxAge
	}
	return defaultMaxAge
}

func (p *Profile) redirectLimit() int {
	if p.RedirectLimit > 0 {
		return p.RedirectLimit
	}
	return defaultRedirectLimit
}

// methodExempt reports whether method needs no method cache entry.
func (p *Profile) methodExempt(method string) bool {
	if p.CacheExemptMethods == nil {
		return policy.IsCORSSafelistedMethod(method)
	}
	return slices.Contains(p.CacheExemptMethods, method)
}

func (p *Profile) bypassesCache(m CacheMode) bool {
	return slices.Contains(p.CacheBypassModes, m)
}

// maxAgeFor applies the profile's max-age rules to a parsed
// Access-Control-Max-Age (fetch#cors-preflight-fetch-0 steps 7.8–7.10).
// store is false when the cache must not be touched.
func (p *Profile) maxAgeFor(m policy.MaxAge) (d time.Duration, store bool) {
	var rule MaxAgeRule
	switch m.Kind {
	case policy.MaxAgeAbsent:
		rule = p.MaxAgeAbsent
	case policy.MaxAgeInvalid:
		rule = p.MaxAgeInvalid
	case policy.MaxAgeEmpty:
		rule = p.MaxAgeEmpty
	case policy.MaxAgeNegative:
		rule = p.MaxAgeNegative
	case policy.MaxAgeZero:
		rule = p.MaxAgeZero
		if rule == MaxAgeRuleSpec {
			rule = MaxAgeRuleStoreExpired
		}
	case policy.MaxAgeValue:
		d = time.Duration(m.Seconds) * time.Second
		if m.Seconds > int64(maxDurationSeconds) {
			d = time.Duration(maxDurationSeconds) * time.Second
		}
		if p.MaxAgeCap > 0 && d > p.MaxAgeCap {
			d = p.MaxAgeCap
		}
		return d, true
	}
	// Any other kind is a parse failure: the rule stays MaxAgeRuleSpec.
	switch rule {
	case MaxAgeRuleNoStore:
		return 0, false
	case MaxAgeRuleStoreExpired:
		return 0, true
	}
	d = p.defaultMaxAge()
	if p.MaxAgeCap > 0 && d > p.MaxAgeCap {
		d = p.MaxAgeCap
	}
	return d, true
}

// maxDurationSeconds keeps a max-age in seconds representable as a
// time.Duration.
const maxDurationSeconds = int64(1<<63-1) / int64(time.Second)
