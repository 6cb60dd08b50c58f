package browser

import (
	"context"
	"strings"
	"testing"
	"time"

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

// TestSideBySideMaxAgeEmpty: Profile.MaxAgeEmpty against MaxAgeInvalid —
// Access-Control-Max-Age present with an empty (or blank) value, then an
// invalid one for contrast; is the result reused 1 s later, and 6 s later?
// Every engine reads an empty value as "use the default": the spec's
// "failure → 5" (step 7.8), Chromium's and WebKit's failed integer parse,
// and Firefox's "header empty → 5 s" — although Firefox does not cache
// any other invalid value (browsers.md §2.5).
func TestSideBySideMaxAgeEmpty(t *testing.T) {
	values := []struct{ label, v string }{{"empty", ""}, {"blank", "  "}, {"invalid", "5s"}}
	sideBySide{
		name: "max-age value → cached at +1s / +6s",
		run: func(t *testing.T, p fetch.Profile) string {
			var out []string
			for _, v := range values {
				var at []string
				for _, d := range []time.Duration{time.Second, 6 * time.Second} {
					s := newScenario(t, p, maxAgeServer(v.v))
					s.do(putX)
					s.b.Advance(d)
					at = append(at, s.do(putX))
				}
				out = append(out, v.label+"="+strings.Join(at, "/"))
			}
			return strings.Join(out, " ")
		},
		want: map[string]string{
			"spec":     "empty=cached/preflight blank=cached/preflight invalid=cached/preflight",
			"chromium": "empty=cached/preflight blank=cached/preflight invalid=cached/preflight",
			"firefox":  "empty=cached/preflight blank=cached/preflight invalid=preflight/preflight",
			"webkit":   "empty=cached/preflight blank=cached/preflight invalid=cached/preflight",
		},
	}.check(t)
}
