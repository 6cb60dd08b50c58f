package cookie

import (
	"testing"

	"github.com/corsim/corsim/policy"
)

var knownStoreCodes = map[policy.Code]bool{
	CodeSetCookieSyntax: true, CodeSetCookieTooLarge: true, CodeSetCookieInvalidDomain: true,
	CodeSetCookieSecureOnly: true, CodeSetCookieOverwriteSecure: true, CodeSetCookieSameSite: true,
	CodeSetCookieNoneInsecure: true, CodeSetCookiePrefix: true, CodeSetCookiePartitionedInsecure: true,
	CodeSetCookieThirdPartyBlocked: true, CodeSetCookieNoCredentials: true,
}

// FuzzStore feeds arbitrary Set-Cookie lines and response URLs to Store:
// it must not panic, every refusal must carry a known code and a message,
// every stored cookie must belong to the response's host, and storing the
// same line again must not grow the jar.
func FuzzStore(f *testing.F) {
	for _, s := range []struct{ line, url string }{
		{"a=1", "https://app.example/"},
		{"__Host-a=1; Secure; Path=/", "https://app.example/x"},
		{"a=1; Domain=.example.co.uk; SameSite=None; Secure; Partitioned", "https://www.example.co.uk/"},
		{"a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=0", "http://127.0.0.1:8080/"},
		{"a=\"q\"; Path=/a; Domain=[::1]", "http://[::1]/a/b"},
		{"=v", "http://localhost/"},
	} {
		f.Add(s.line, s.url)
	}
	f.Fuzz(func(t *testing.T, line, rawURL string) {
		u, err := policy.ParseURL(rawURL)
		if err != nil {
			return
		}
		j, _ := newJar(Policy{NoneRequiresSecure: true, Partitioned: true, SecureLocalhost: true, HTTPPrefixes: true, ThirdParty: ThirdPartyBlock})
		req := Request{URL: u, Method: "GET", TopLevel: policy.OriginOf(u), IncludeCredentials: true}
		res := j.Store([]string{line}, req)[0]
		if res.Rejected != nil {
			if !knownStoreCodes[res.Rejected.Code] || res.Rejected.Message == "" {
				t.Fatalf("refusal %+v", res.Rejected)
			}
			return
		}
		host, _ := canonicalHost(u)
		if c := res.Cookie; c != nil && !domainMatch(host, c.Domain) {
			t.Fatalf("cookie for %q stored from %q", c.Domain, host)
		}
		n := len(j.All())
		j.Store([]string{line}, req)
		if m := len(j.All()); m != n {
			t.Fatalf("storing %q twice: %d then %d cookies", line, n, m)
		}
		j.Cookies(req)
	})
}
