package browser

import (
	"context"
	"strings"
	"testing"

	"github.com/corsim/corsim/fetch"
)

// TestSideBySideCachedWildcardAuthorization:
// Profile.CacheWildcardCoversAuthorization — a preflight answered with
// "Access-Control-Allow-Headers: *" (max-age 600), then the same request
// with Authorization and X-A again, then one with X-A alone. Whether the
// preflight itself lets "*" cover Authorization
// (WildcardCoversAuthorization) and whether a cached "*" does are separate
// questions in Chromium: its cache lookup always applies the non-wildcard
// rule (browsers.md §1.7; harness: labs/06-authorization-wildcard), so the
// second request preflights again while the third is served by the cache.
// WebKit's cached "*" covers every header (§3.5); Firefox never reuses a
// cached "*" (§2.5).
func TestSideBySideCachedWildcardAuthorization(t *testing.T) {
	withAuth := fetch.RequestInit{URL: apiOrigin + "/x", Header: hl("Authorization", "Bearer t", "X-A", "1")}
	xaOnly := fetch.RequestInit{URL: apiOrigin + "/x", Header: hl("X-A", "1")}
	sideBySide{
		name:     "ACAH * then Authorization+X-A, Authorization+X-A, X-A",
		profiles: append(Profiles(), ChromiumSpecAuthorization),
		run: func(t *testing.T, p fetch.Profile) string {
			s := newScenario(t, p, server{
				pre: fixed(204, acao, "*", "Access-Control-Allow-Headers", "*", "Access-Control-Max-Age", "600"),
				act: fixed(200, acao, "*"),
			})
			var out []string
			for _, init := range []fetch.RequestInit{withAuth, withAuth, xaOnly} {
				out = append(out, verdict(s.page.Fetch(context.Background(), "", init)))
			}
			return strings.Join(out, " ")
		},
		want: map[string]string{
			// "*" never covers Authorization, so nothing is stored.
			"spec": "preflight:blocked(authorization-not-allowed) preflight:blocked(authorization-not-allowed) preflight",
			// harness: the preflight lets "*" cover Authorization, the
			// cache lookup does not; "*" still covers X-A.
			"chromium": "preflight preflight cached",
			"chromium+CorsNonWildcardRequestHeadersSupport": "preflight:blocked(authorization-not-allowed) preflight:blocked(authorization-not-allowed) preflight",
			// "*" is a literal token in Firefox's cache.
			"firefox": "preflight preflight preflight",
			// allowsCrossOriginHeaders: a cached "*" covers every header.
			"webkit": "preflight cached cached",
		},
	}.check(t)
}
