package policy

import "net/url"

// CORP failure codes.
const (
	// CodeCORPSameOrigin: an opaque (no-cors) response carries
	// Cross-Origin-Resource-Policy: same-origin and the request's origin is
	// not same origin with the response's URL.
	CodeCORPSameOrigin Code = "corp-same-origin"
	// CodeCORPSameSite: Cross-Origin-Resource-Policy: same-site and the
	// request's origin is not schemelessly same site with the response's
	// URL, or the response is https and the origin is not.
	CodeCORPSameSite Code = "corp-same-site"
)

// EmbedderPolicy is a Cross-Origin-Embedder-Policy value
// (https://html.spec.whatwg.org/multipage/browsers.html#embedder-policy-value).
// The empty value means "unsafe-none".
type EmbedderPolicy string

// Embedder policy values.
const (
	EmbedderUnsafeNone     EmbedderPolicy = "unsafe-none"
	EmbedderRequireCORP    EmbedderPolicy = "require-corp"
	EmbedderCredentialless EmbedderPolicy = "credentialless"
)

// ParseCORP returns the response's Cross-Origin-Resource-Policy as the
// internal check reads it: the combined value of every
// Cross-Origin-Resource-Policy line (https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check
// step 2), or "" when it is absent or is not exactly (case-sensitively)
// "same-origin", "same-site" or "cross-origin" (step 3). Two lines, or
// "same-site, same-origin", therefore count as no policy.
func ParseCORP(l HeaderList) string {
	v, ok := l.Get("Cross-Origin-Resource-Policy")
	if !ok {
		return ""
	}
	switch v {
	case "same-origin", "same-site", "cross-origin":
		return v
	}
	return ""
}

// CORPRequest is what the cross-origin resource policy check reads.
type CORPRequest struct {
	// Origin is the request's origin.
	Origin Origin
	// ResponseURL is the response's URL (the last URL of the redirect chain).
	ResponseURL *url.URL
	// Headers is the response's header list.
	Headers HeaderList
	// Embedder is the client's embedder policy value ("" is unsafe-none).
	Embedder EmbedderPolicy
	// IncludesCredentials is the response's request-includes-credentials.
	IncludesCredentials bool
	// ForNavigation is true only for nested navigations (HTML).
	ForNavigation bool
	// PSL is the public suffix list for "schemelessly same site"; nil means
	// DefaultPublicSuffixList.
	PSL PublicSuffixList
}

// CheckCORP implements the cross-origin resource policy check
// (https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check),
// which HTTP fetch runs when the request's response tainting or the
// response's type is "opaque" (https://fetch.spec.whatwg.org/#concept-http-fetch
// step 6.5). It returns nil (allowed) or a *Failure with code
// CodeCORPSameOrigin or CodeCORPSameSite; the caller turns that into a
// network error. COEP reporting (the report-only value and violation
// reports) is not modelled: only the enforced value decides.
func CheckCORP(r CORPRequest) error {
	// Step 3: the internal check with unsafe-none blocks on its own.
	if err := corpInternalCheck(r, EmbedderUnsafeNone); err != nil {
		return err
	}
	// Step 5: then with the client's embedder policy value.
	return corpInternalCheck(r, r.Embedder)
}

// corpInternalCheck implements the cross-origin resource policy internal
// check (https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check).
func corpInternalCheck(r CORPRequest, embedder EmbedderPolicy) error {
	if embedder == "" {
		embedder = EmbedderUnsafeNone
	}
	// Step 1.
	if r.ForNavigation && embedder == EmbedderUnsafeNone {
		return nil
	}
	// Steps 2-3.
	policy := ParseCORP(r.Headers)
	// Step 4.
	if policy == "" {
		switch embedder {
		case EmbedderCredentialless:
			if r.IncludesCredentials || r.ForNavigation {
				policy = "same-origin"
			}
		case EmbedderRequireCORP:
			policy = "same-origin"
		}
	}
	responseOrigin := OriginOf(r.ResponseURL)
	subject := ""
	if r.ResponseURL != nil {
		subject = r.ResponseURL.String()
	}
	why := "the response's Cross-Origin-Resource-Policy is "
	if ParseCORP(r.Headers) == "" {
		why = "the page's Cross-Origin-Embedder-Policy " + string(embedder) + " requires Cross-Origin-Resource-Policy "
	}
	// Step 5.
	switch policy {
	case "same-origin":
		if SameOrigin(r.Origin, responseOrigin) {
			return nil
		}
		return fail(CodeCORPSameOrigin, specFetch+"#cross-origin-resource-policy-internal-check", subject,
			why+"same-origin and "+r.Origin.String()+" is not the same origin as "+responseOrigin.String())
	case "same-site":
		if SchemelesslySameSite(r.Origin, responseOrigin, r.PSL) &&
			(r.Origin.Scheme() == "https" || responseOrigin.Scheme() != "https") {
			return nil
		}
		msg := why + "same-site and " + r.Origin.String() + " is not the same site as " + responseOrigin.String()
		if SchemelesslySameSite(r.Origin, responseOrigin, r.PSL) {
			msg = why + "same-site and the response came over https while " + r.Origin.String() + " is not https"
		}
		return fail(CodeCORPSameSite, specFetch+"#cross-origin-resource-policy-internal-check", subject, msg)
	}
	return nil
}
