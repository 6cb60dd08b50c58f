package cookie

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// genPolicy draws any combination of the knobs.
func genPolicy(t *rapid.T) Policy {
	return Policy{
		UnsetIsNone:          rapid.Bool().Draw(t, "unsetIsNone"),
		LaxAllowUnsafe:       time.Duration(rapid.IntRange(0, 200).Draw(t, "laxAllowUnsafe")) * time.Second,
		NoneRequiresSecure:   rapid.Bool().Draw(t, "noneRequiresSecure"),
		ThirdParty:           rapid.SampledFrom([]ThirdPartyCookies{"", ThirdPartyAllow, ThirdPartyBlock, ThirdPartyBlockNew, ThirdPartyPartition}).Draw(t, "thirdParty"),
		Partitioned:          rapid.Bool().Draw(t, "partitioned"),
		SecureLocalhost:      rapid.Bool().Draw(t, "secureLocalhost"),
		HTTPPrefixes:         rapid.Bool().Draw(t, "httpPrefixes"),
		IgnorePrefixes:       rapid.Bool().Draw(t, "ignorePrefixes"),
		SchemelessThirdParty: rapid.Bool().Draw(t, "schemelessThirdParty"),
	}
}

// genLine draws a Set-Cookie line for host with random attributes.
func genLine(t *rapid.T, host string) string {
	name := rapid.StringMatching(`(__Secure-|__Host-|__Http-)?[a-zA-Z0-9_]{1,8}`).Draw(t, "name")
	value := rapid.StringMatching(`[a-zA-Z0-9%!#]{0,8}`).Draw(t, "value")
	line := name + "=" + value
	attrs := []string{"Secure", "HttpOnly", "Partitioned", "SameSite=Strict", "SameSite=Lax", "SameSite=None", "SameSite=bogus",
		"Path=/", "Path=/a", "Path=/a/b", "Domain=" + host, "Max-Age=60", "Expires=Fri, 01 Jan 2100 00:00:00 GMT"}
	for _, a := range rapid.SliceOfNDistinct(rapid.SampledFrom(attrs), 0, 5, func(s string) string { return s }).Draw(t, "attrs") {
		line += "; " + a
	}
	return line
}

// TestPropFirstPartyRoundTrip: a cookie stored by a response to a
// first-party request comes back on the same kind of first-party request to
// the same origin at the cookie's path, under every policy.
func TestPropFirstPartyRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPolicy(t)
		host := rapid.SampledFrom([]string{"app.example", "www.app.example", "localhost", "127.0.0.1"}).Draw(t, "host")
		scheme := rapid.SampledFrom([]string{"https", "http"}).Draw(t, "scheme")
		path := rapid.SampledFrom([]string{"/", "/a/b", "/a/b/c"}).Draw(t, "path")
		j, _ := newJar(p)
		req := firstParty(t, scheme+"://"+host+path)
		req.Kind = rapid.SampledFrom([]Kind{Subresource, TopLevelNavigation}).Draw(t, "kind")
		line := genLine(t, host)
		res := j.Store([]string{line}, req)[0]
		if res.Rejected != nil || res.Deleted {
			return
		}
		c := res.Cookie
		// Query the same origin at the cookie's own path (a Path attribute
		// may point below the response's path).
		q := req
		q.URL = u(t, scheme+"://"+host+c.Path)
		got := j.Cookies(q)
		for _, s := range got.Sent {
			if s.Name == c.Name && s.Value == c.Value {
				return
			}
		}
		t.Fatalf("stored %q (as %+v) from %s, not sent back: %s", line, *c, req.URL, outcome(got))
	})
}

// TestPropHostOnlyStaysOnHost: a cookie without Domain never reaches a
// subdomain (or a parent) of the host that set it, in any context.
func TestPropHostOnlyStaysOnHost(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPolicy(t)
		j, _ := newJar(p)
		line := genLine(t, "app.example")
		line = strings.ReplaceAll(line, "; Domain=app.example", "")
		j.Store([]string{line}, firstParty(t, "https://app.example/"))
		other := rapid.SampledFrom([]string{"https://sub.app.example/", "https://a.b.app.example/a/b", "https://example/"}).Draw(t, "other")
		req := firstParty(t, other)
		req.Kind, req.BrowserInitiated = TopLevelNavigation, rapid.Bool().Draw(t, "browserInitiated")
		got := j.Cookies(req)
		if len(got.Sent) > 0 || len(got.Withheld) > 0 {
			t.Fatalf("host-only cookie from %q matched %s: %s", line, other, outcome(got))
		}
	})
}

// TestPropNeverSentWithoutCredentials: without credentials nothing is sent
// and nothing is stored.
func TestPropNeverSentWithoutCredentials(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		j, _ := newJar(genPolicy(t))
		line := genLine(t, "app.example")
		j.Store([]string{line}, firstParty(t, "https://app.example/a/b"))
		req := firstParty(t, "https://app.example/a/b")
		req.IncludeCredentials = false
		if got := j.Cookies(req); len(got.Sent) != 0 {
			t.Fatalf("sent without credentials: %s", outcome(got))
		}
		if res := j.Store([]string{"z=1"}, req); codeOf(res[0].Rejected) != CodeSetCookieNoCredentials {
			t.Fatalf("stored without credentials: %+v", res[0])
		}
	})
}
