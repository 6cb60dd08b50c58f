package cookie

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/corsim/corsim/policy"
)

var t0 = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func newJar(p Policy) (*Jar, *clock) {
	c := &clock{now: t0}
	return New(Options{Policy: p, Now: c.Now}), c
}

// tb is the part of testing.TB that rapid.T also has.
type tb interface {
	Helper()
	Fatal(args ...any)
}

func u(t tb, s string) *url.URL {
	t.Helper()
	x, err := policy.ParseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func o(t tb, s string) policy.Origin {
	t.Helper()
	x, err := policy.ParseOrigin(s)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// firstParty is a credentialed same-site subresource request from the
// URL's own origin.
func firstParty(t tb, s string) Request {
	x := u(t, s)
	return Request{URL: x, Method: "GET", TopLevel: policy.OriginOf(x), IncludeCredentials: true}
}

// from is a credentialed fetch() to s from a page whose top level is top.
func from(t tb, top, s string) Request {
	return Request{URL: u(t, s), Method: "GET", TopLevel: o(t, top), IncludeCredentials: true}
}

func codeOf(f *policy.Failure) policy.Code {
	if f == nil {
		return ""
	}
	return f.Code
}

// state renders the jar compactly, like net/http/cookiejar's tests.
func state(j *Jar) string {
	var s []string
	for _, c := range j.All() {
		x := c.Name + "=" + c.Value + " " + c.Domain + c.Path
		if c.Partition != "" {
			x += " @" + c.Partition
		}
		s = append(s, x)
	}
	return strings.Join(s, "; ")
}

// TestStoreRules is a table over RFC 6265bis §5.6-§5.7, one Set-Cookie
// line at a time into an empty jar, with Chromium-like knobs.
func TestStoreRules(t *testing.T) {
	chromium := Policy{LaxAllowUnsafe: 2 * time.Minute, NoneRequiresSecure: true, Partitioned: true,
		SecureLocalhost: true, HTTPPrefixes: true, ThirdParty: ThirdPartyBlock}
	for _, tc := range []struct {
		name  string
		p     Policy
		req   func(t testing.TB) Request
		line  string
		code  policy.Code
		state string
	}{
		// §5.6 parsing.
		{name: "plain", line: "a=1", state: "a=1 app.example/"},
		{name: "no equals sign (net/http refuses nameless cookies)", line: "justvalue", code: CodeSetCookieSyntax},
		{name: "name not a token", line: "a b=1", code: CodeSetCookieSyntax},
		{name: "too large", line: "a=" + strings.Repeat("x", 4096), code: CodeSetCookieTooLarge},
		{name: "4096 exactly is fine", line: "a=" + strings.Repeat("x", 4095), state: "a=" + strings.Repeat("x", 4095) + " app.example/"},
		// §5.7 steps 7-10, Domain.
		{name: "domain of the host", line: "a=1; Domain=app.example", state: "a=1 app.example/"},
		{name: "leading dot ignored", line: "a=1; Domain=.app.example", state: "a=1 app.example/"},
		{name: "domain upper case", line: "a=1; Domain=APP.Example", state: "a=1 app.example/"},
		{name: "parent domain of a subdomain", req: func(t testing.TB) Request { return firstParty(t, "https://www.app.example/") }, line: "a=1; Domain=app.example", state: "a=1 app.example/"},
		{name: "sibling domain refused", line: "a=1; Domain=other.example", code: CodeSetCookieInvalidDomain},
		{name: "subdomain of the host refused", line: "a=1; Domain=www.app.example", code: CodeSetCookieInvalidDomain},
		{name: "public suffix refused", req: func(t testing.TB) Request { return firstParty(t, "https://www.example.co.uk/") }, line: "a=1; Domain=co.uk", code: CodeSetCookieInvalidDomain},
		{name: "public suffix equal to host becomes host-only", req: func(t testing.TB) Request { return firstParty(t, "https://co.uk/") }, line: "a=1; Domain=co.uk", state: "a=1 co.uk/"},
		{name: "suffix match must be at a dot", req: func(t testing.TB) Request { return firstParty(t, "https://myapp.example/") }, line: "a=1; Domain=app.example", code: CodeSetCookieInvalidDomain},
		{name: "IP host with its own IP", req: func(t testing.TB) Request { return firstParty(t, "http://127.0.0.1:8080/") }, line: "a=1; Domain=127.0.0.1", state: "a=1 127.0.0.1/"},
		{name: "IP is not domain-matched by a suffix", req: func(t testing.TB) Request { return firstParty(t, "http://10.0.0.1/") }, line: "a=1; Domain=0.0.1", code: CodeSetCookieInvalidDomain},
		// §5.7 step 11, Path and default-path (§5.1.4).
		{name: "default path", req: func(t testing.TB) Request { return firstParty(t, "https://app.example/a/b/c") }, line: "a=1", state: "a=1 app.example/a/b"},
		{name: "default path of one segment", req: func(t testing.TB) Request { return firstParty(t, "https://app.example/page") }, line: "a=1", state: "a=1 app.example/"},
		{name: "path attribute", line: "a=1; Path=/x", state: "a=1 app.example/x"},
		{name: "relative path attribute means default", req: func(t testing.TB) Request { return firstParty(t, "https://app.example/a/b") }, line: "a=1; Path=x", state: "a=1 app.example/a"},
		// Step 13: Secure only from secure connections.
		{name: "secure from http refused", req: func(t testing.TB) Request { return firstParty(t, "http://app.example/") }, line: "a=1; Secure", code: CodeSetCookieSecureOnly},
		{name: "secure from http://localhost with SecureLocalhost", p: chromium, req: func(t testing.TB) Request { return firstParty(t, "http://localhost:3000/") }, line: "a=1; Secure", state: "a=1 localhost/"},
		{name: "secure from http://localhost without it", req: func(t testing.TB) Request { return firstParty(t, "http://localhost:3000/") }, line: "a=1; Secure", code: CodeSetCookieSecureOnly},
		// Steps 18-19: SameSite.
		{name: "None without Secure refused", p: chromium, line: "a=1; SameSite=None", code: CodeSetCookieNoneInsecure},
		{name: "None without Secure, knob off", line: "a=1; SameSite=None", state: "a=1 app.example/"},
		{name: "Lax from cross-site fetch refused", p: chromium, req: func(t testing.TB) Request { return from(t, "https://other.test", "https://app.example/") }, line: "a=1; SameSite=Lax", code: CodeSetCookieSameSite},
		{name: "unset from cross-site fetch refused (Lax by default)", req: func(t testing.TB) Request { return from(t, "https://other.test", "https://app.example/") }, line: "a=1", code: CodeSetCookieSameSite},
		{name: "unset from cross-site fetch stored when unset means None", p: Policy{UnsetIsNone: true}, req: func(t testing.TB) Request { return from(t, "https://other.test", "https://app.example/") }, line: "a=1", state: "a=1 app.example/"},
		{name: "Strict from cross-site top-level navigation stored", req: func(t testing.TB) Request {
			r := from(t, "https://other.test", "https://app.example/")
			r.Kind = TopLevelNavigation
			return r
		}, line: "a=1; SameSite=Strict", state: "a=1 app.example/"},
		{name: "schemeful: http page, https response is cross-site", req: func(t testing.TB) Request { return from(t, "http://app.example", "https://app.example/") }, line: "a=1; SameSite=Lax", code: CodeSetCookieSameSite},
		{name: "same-site subdomain", req: func(t testing.TB) Request { return from(t, "https://www.app.example", "https://api.app.example/") }, line: "a=1; SameSite=Strict", state: "a=1 api.app.example/"},
		// Steps 20-22: prefixes, case-insensitive.
		{name: "__Secure- without Secure", line: "__Secure-a=1", code: CodeSetCookiePrefix},
		{name: "__SECURE- without Secure", line: "__SECURE-a=1", code: CodeSetCookiePrefix},
		{name: "__Secure- with Secure", line: "__Secure-a=1; Secure; Domain=app.example", state: "__Secure-a=1 app.example/"},
		{name: "__Host- needs Path=/", line: "__Host-a=1; Secure", code: CodeSetCookiePrefix},
		{name: "__host- with Domain", line: "__host-a=1; Secure; Path=/; Domain=app.example", code: CodeSetCookiePrefix},
		{name: "__Host- right", line: "__Host-a=1; Secure; Path=/", state: "__Host-a=1 app.example/"},
		{name: "__Http- without HttpOnly", p: chromium, line: "__Http-a=1; Secure", code: CodeSetCookiePrefix},
		{name: "__Http- right", p: chromium, line: "__Http-a=1; Secure; HttpOnly", state: "__Http-a=1 app.example/"},
		{name: "__Http- ignored without the knob", line: "__Http-a=1", state: "__Http-a=1 app.example/"},
		{name: "__Host-Http- with Domain", p: chromium, line: "__Host-Http-a=1; Secure; HttpOnly; Path=/; Domain=app.example", code: CodeSetCookiePrefix},
		// CHIPS and the third-party setting.
		{name: "Partitioned without Secure", p: chromium, line: "a=1; Partitioned", code: CodeSetCookiePartitionedInsecure},
		{name: "Partitioned first-party goes to own partition", p: chromium, line: "a=1; Secure; Partitioned", state: "a=1 app.example/ @https://app.example"},
		{name: "third-party None blocked", p: chromium, req: func(t testing.TB) Request { return from(t, "https://other.test", "https://app.example/") }, line: "a=1; SameSite=None; Secure", code: CodeSetCookieThirdPartyBlocked},
		{name: "third-party Partitioned allowed when blocking", p: chromium, req: func(t testing.TB) Request { return from(t, "https://other.test", "https://app.example/") }, line: "a=1; SameSite=None; Secure; Partitioned", state: "a=1 app.example/ @https://other.test"},
		{name: "third-party allowed", p: Policy{ThirdParty: ThirdPartyAllow}, req: func(t testing.TB) Request { return from(t, "https://other.test", "https://app.example/") }, line: "a=1; SameSite=None; Secure", state: "a=1 app.example/"},
		{name: "third-party partitioned by top-level site (TCP)", p: Policy{ThirdParty: ThirdPartyPartition, UnsetIsNone: true}, req: func(t testing.TB) Request { return from(t, "https://other.test", "https://app.example/") }, line: "a=1", state: "a=1 app.example/ @https://other.test"},
		{name: "no credentials: Set-Cookie ignored", req: func(t testing.TB) Request {
			r := firstParty(t, "https://app.example/")
			r.IncludeCredentials = false
			return r
		}, line: "a=1", code: CodeSetCookieNoCredentials},
		// Expiry (§5.6.1-§5.6.2).
		{name: "Max-Age=0 deletes", line: "a=1; Max-Age=0"},
		{name: "Expires in the past deletes", line: "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"},
	} {
		j, _ := newJar(tc.p)
		req := firstParty(t, "https://app.example/")
		if tc.req != nil {
			req = tc.req(t)
		}
		res := j.Store([]string{tc.line}, req)
		if got := codeOf(res[0].Rejected); got != tc.code {
			t.Errorf("%s: code = %q, want %q (%v)", tc.name, got, tc.code, res[0].Rejected)
		}
		if got := state(j); got != tc.state {
			t.Errorf("%s: jar = %q, want %q", tc.name, got, tc.state)
		}
	}
}
