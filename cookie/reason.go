package cookie

import "github.com/corsim/corsim/policy"

// Spec anchors.
const (
	spec6265bis = "https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#"
	specCHIPS   = "https://privacycg.github.io/CHIPS/"
	specFetch   = "https://fetch.spec.whatwg.org/"
)

// Codes for a Set-Cookie line the jar did not store.
const (
	// CodeSetCookieSyntax: net/http's parser refused the line (no "=", a
	// name that is not a token, a value with a forbidden byte).
	CodeSetCookieSyntax policy.Code = "set-cookie-syntax"
	// CodeSetCookieTooLarge: name and value together exceed 4096 bytes
	// (RFC 6265bis §5.6 step 5).
	CodeSetCookieTooLarge policy.Code = "set-cookie-too-large"
	// CodeSetCookieInvalidDomain: the Domain attribute does not cover the
	// request's host, or is a public suffix other than the host itself
	// (§5.7 steps 9-10).
	CodeSetCookieInvalidDomain policy.Code = "set-cookie-invalid-domain"
	// CodeSetCookieSecureOnly: the cookie has Secure and came over a
	// connection that is not secure (§5.7 step 13).
	CodeSetCookieSecureOnly policy.Code = "set-cookie-secure-only"
	// CodeSetCookieOverwriteSecure: a cookie without Secure, from an insecure
	// connection, would shadow an existing Secure cookie (§5.7 step 16).
	CodeSetCookieOverwriteSecure policy.Code = "set-cookie-overwrite-secure"
	// CodeSetCookieSameSite: a SameSite Strict or Lax cookie (or one without
	// SameSite where that means Lax) came from a cross-site response that is
	// not a top-level navigation (§5.7 step 18).
	CodeSetCookieSameSite policy.Code = "set-cookie-samesite-cross-site"
	// CodeSetCookieNoneInsecure: SameSite=None without Secure (§5.7 step 19).
	CodeSetCookieNoneInsecure policy.Code = "set-cookie-samesite-none-insecure"
	// CodeSetCookiePrefix: a __Secure-, __Host-, __Http- or __Host-Http-
	// name whose attributes break the prefix's rules (§5.7 steps 20-22;
	// layered-cookies "Store a Cookie" for the __Http- prefixes).
	CodeSetCookiePrefix policy.Code = "set-cookie-invalid-prefix"
	// CodeSetCookiePartitionedInsecure: Partitioned without Secure (CHIPS).
	CodeSetCookiePartitionedInsecure policy.Code = "set-cookie-partitioned-insecure"
	// CodeSetCookieThirdPartyBlocked: the response is third-party to the
	// top-level site and the third-party cookie setting blocks it.
	CodeSetCookieThirdPartyBlocked policy.Code = "set-cookie-third-party-blocked"
	// CodeSetCookieNoCredentials: the request did not include credentials,
	// so Fetch does not process Set-Cookie at all
	// (https://fetch.spec.whatwg.org/#concept-http-network-fetch, "If
	// includeCredentials is true").
	CodeSetCookieNoCredentials policy.Code = "set-cookie-credentials-omitted"
)

// Codes for a stored cookie a request did not carry.
const (
	// CodeCookieNoCredentials: the request's credentials mode leaves
	// cookies out (omit, or same-origin for a cross-origin request).
	CodeCookieNoCredentials policy.Code = "cookie-credentials-omitted"
	// CodeCookieSecureOnly: a Secure cookie and a request that is not secure
	// (§5.8.3 step 3).
	CodeCookieSecureOnly policy.Code = "cookie-secure-only"
	// CodeCookieSameSiteStrict: SameSite=Strict and a cross-site request.
	CodeCookieSameSiteStrict policy.Code = "cookie-samesite-strict"
	// CodeCookieSameSiteLax: SameSite=Lax and a cross-site request that is
	// not a top-level navigation with a safe method.
	CodeCookieSameSiteLax policy.Code = "cookie-samesite-lax"
	// CodeCookieSameSiteUnspecified: no SameSite attribute, which the
	// browser treats as Lax, and a cross-site request Lax does not admit.
	CodeCookieSameSiteUnspecified policy.Code = "cookie-samesite-unspecified-treated-as-lax"
	// CodeCookieThirdPartyBlocked: the request is third-party to the
	// top-level site and the third-party cookie setting blocks cookies.
	CodeCookieThirdPartyBlocked policy.Code = "cookie-third-party-blocked"
	// CodeCookieOtherPartition: the cookie lives in the first-party jar (or
	// another top-level site's partition) and the browser keeps third-party
	// contexts in a jar partitioned by top-level site.
	CodeCookieOtherPartition policy.Code = "cookie-other-partition"
)

// devToolsReasons maps codes to the reason names Chromium's DevTools
// protocol reports in Network.requestWillBeSentExtraInfo
// (Network.CookieBlockedReason) and Network.responseReceivedExtraInfo
// (Network.SetCookieBlockedReason), as listed in browser_protocol.pdl.
var devToolsReasons = map[policy.Code]string{
	CodeSetCookieSyntax:            "SyntaxError",
	CodeSetCookieTooLarge:          "NameValuePairExceedsMaxSize",
	CodeSetCookieInvalidDomain:     "InvalidDomain",
	CodeSetCookieSecureOnly:        "SecureOnly",
	CodeSetCookieOverwriteSecure:   "OverwriteSecure",
	CodeSetCookieNoneInsecure:      "SameSiteNoneInsecure",
	CodeSetCookiePrefix:            "InvalidPrefix",
	CodeSetCookieThirdPartyBlocked: "UserPreferences",
	CodeCookieSecureOnly:           "SecureOnly",
	CodeCookieSameSiteStrict:       "SameSiteStrict",
	CodeCookieSameSiteLax:          "SameSiteLax",
	CodeCookieSameSiteUnspecified:  "SameSiteUnspecifiedTreatedAsLax",
	CodeCookieThirdPartyBlocked:    "UserPreferences",
}

// DevToolsReason returns the name Chromium's DevTools protocol gives the
// reason with this code, or "" when it has none (a SameSite refusal of a
// Set-Cookie line is SameSiteStrict, SameSiteLax or
// SameSiteUnspecifiedTreatedAsLax depending on the cookie, see
// StoreResult.DevToolsReason).
func DevToolsReason(c policy.Code) string { return devToolsReasons[c] }

func fail(code policy.Code, spec, name, msg string) *policy.Failure {
	return &policy.Failure{Code: code, Spec: spec, Subject: name, Message: msg}
}
