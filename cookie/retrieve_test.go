package cookie

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// seed stores lines first-party from setURL and fails the test on any refusal.
func seed(t *testing.T, j *Jar, setURL string, lines ...string) {
	t.Helper()
	r := firstParty(t, setURL)
	r.Kind = TopLevelNavigation
	for _, res := range j.Store(lines, r) {
		if res.Rejected != nil {
			t.Fatalf("seed %q: %v", res.Line, res.Rejected)
		}
	}
}

// outcome renders a retrieval: the Cookie header, then each withheld cookie
// with its reason codes.
func outcome(r Retrieval) string {
	s := "sent[" + r.Header() + "]"
	for _, w := range r.Withheld {
		var codes []string
		for _, f := range w.Reasons {
			codes = append(codes, string(f.Code))
		}
		s += " " + w.Cookie.Name + ":" + strings.Join(codes, ",")
	}
	return s
}

// TestRetrievalRules is a table over RFC 6265bis §5.8.3 and the knobs.
func TestRetrievalRules(t *testing.T) {
	chromium := Policy{LaxAllowUnsafe: 2 * time.Minute, NoneRequiresSecure: true, Partitioned: true,
		SecureLocalhost: true, ThirdParty: ThirdPartyBlock}
	allow := chromium
	allow.ThirdParty = ThirdPartyAllow
	firefox := Policy{UnsetIsNone: true, NoneRequiresSecure: true, Partitioned: true, ThirdParty: ThirdPartyPartition}
	jarLines := []string{"strict=1; SameSite=Strict; Secure", "lax=2; SameSite=Lax; Secure", "unset=3; Secure", "none=4; SameSite=None; Secure"}
	nav := func(r Request, method string) Request { r.Kind, r.Method = TopLevelNavigation, method; return r }
	for _, tc := range []struct {
		name  string
		p     Policy
		req   func(t testing.TB) Request
		after time.Duration
		want  string
	}{
		{name: "first party gets all", p: allow, req: func(t testing.TB) Request { return firstParty(t, "https://api.example/x") },
			want: "sent[strict=1; lax=2; unset=3; none=4]"},
		{name: "cross-site fetch, third-party cookies allowed", p: allow, req: func(t testing.TB) Request { return from(t, "https://app.test", "https://api.example/") },
			want: "sent[none=4] strict:cookie-samesite-strict lax:cookie-samesite-lax unset:cookie-samesite-unspecified-treated-as-lax"},
		{name: "cross-site fetch, third-party cookies blocked (Chromium 156 headless default)", p: chromium, req: func(t testing.TB) Request { return from(t, "https://app.test", "https://api.example/") },
			want: "sent[] strict:cookie-samesite-strict,cookie-third-party-blocked lax:cookie-samesite-lax,cookie-third-party-blocked unset:cookie-samesite-unspecified-treated-as-lax,cookie-third-party-blocked none:cookie-third-party-blocked"},
		{name: "cross-site top-level GET navigation sends Lax", p: chromium, req: func(t testing.TB) Request { return nav(from(t, "https://app.test", "https://api.example/"), "GET") },
			want: "sent[lax=2; unset=3; none=4] strict:cookie-samesite-strict"},
		{name: "cross-site top-level POST, unset cookie within 2 minutes", p: chromium, after: 119 * time.Second, req: func(t testing.TB) Request { return nav(from(t, "https://app.test", "https://api.example/"), "POST") },
			want: "sent[unset=3; none=4] strict:cookie-samesite-strict lax:cookie-samesite-lax"},
		{name: "cross-site top-level POST, unset cookie after 2 minutes", p: chromium, after: 121 * time.Second, req: func(t testing.TB) Request { return nav(from(t, "https://app.test", "https://api.example/"), "POST") },
			want: "sent[none=4] strict:cookie-samesite-strict lax:cookie-samesite-lax unset:cookie-samesite-unspecified-treated-as-lax"},
		{name: "same-site subdomain fetch", p: chromium, req: func(t testing.TB) Request { return from(t, "https://www.api.example", "https://api.example/") },
			want: "sent[strict=1; lax=2; unset=3; none=4]"},
		{name: "schemeful: http page of the same host is cross-site", p: allow, req: func(t testing.TB) Request { return from(t, "http://api.example", "https://api.example/") },
			want: "sent[none=4] strict:cookie-samesite-strict lax:cookie-samesite-lax unset:cookie-samesite-unspecified-treated-as-lax"},
		{name: "Secure cookies withheld over http", p: allow, req: func(t testing.TB) Request { return firstParty(t, "http://api.example/") },
			want: "sent[] strict:cookie-secure-only lax:cookie-secure-only unset:cookie-secure-only none:cookie-secure-only"},
		{name: "no credentials", p: allow, req: func(t testing.TB) Request {
			r := firstParty(t, "https://api.example/")
			r.IncludeCredentials = false
			return r
		}, want: "sent[] strict:cookie-credentials-omitted lax:cookie-credentials-omitted unset:cookie-credentials-omitted none:cookie-credentials-omitted"},
		{name: "Firefox: unset means None, first-party jar invisible to third-party contexts", p: firefox, req: func(t testing.TB) Request { return from(t, "https://app.test", "https://api.example/") },
			want: "sent[] strict:cookie-samesite-strict,cookie-other-partition lax:cookie-samesite-lax,cookie-other-partition unset:cookie-other-partition none:cookie-other-partition"},
		{name: "frame with a cross-site ancestor is cross-site", p: allow, req: func(t testing.TB) Request {
			r := from(t, "https://api.example", "https://api.example/")
			r.CrossSiteAncestor = true
			return r
		}, want: "sent[none=4] strict:cookie-samesite-strict lax:cookie-samesite-lax unset:cookie-samesite-unspecified-treated-as-lax"},
		{name: "browser-initiated navigation is same-site", p: chromium, req: func(t testing.TB) Request {
			r := nav(from(t, "https://app.test", "https://api.example/"), "GET")
			r.BrowserInitiated = true
			return r
		}, want: "sent[strict=1; lax=2; unset=3; none=4]"},
	} {
		j, clk := newJar(tc.p)
		seed(t, j, "https://api.example/", jarLines...)
		clk.Advance(tc.after)
		if got := outcome(j.Cookies(tc.req(t))); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// TestPartitionedCookies follows CHIPS: a Partitioned cookie set under one
// top-level site is sent under that site only.
func TestPartitionedCookies(t *testing.T) {
	j, _ := newJar(Policy{Partitioned: true, NoneRequiresSecure: true, ThirdParty: ThirdPartyBlock})
	res := j.Store([]string{"chip=1; SameSite=None; Secure; Partitioned; Path=/", "plain=2; SameSite=None; Secure"}, from(t, "https://a.test", "https://embed.example/"))
	if res[0].Rejected != nil || codeOf(res[1].Rejected) != CodeSetCookieThirdPartyBlocked {
		t.Fatalf("store: %v / %v", res[0].Rejected, res[1].Rejected)
	}
	if got := outcome(j.Cookies(from(t, "https://a.test", "https://embed.example/x"))); got != "sent[chip=1]" {
		t.Errorf("under a.test: %s", got)
	}
	if got := outcome(j.Cookies(from(t, "https://b.test", "https://embed.example/x"))); got != "sent[] chip:cookie-other-partition" {
		t.Errorf("under b.test: %s", got)
	}
	if got := outcome(j.Cookies(firstParty(t, "https://embed.example/x"))); got != "sent[] chip:cookie-other-partition" {
		t.Errorf("first-party: %s", got)
	}
}

// TestExpiry pins the injected clock: Max-Age, Expires (cookie-date), the
// 400-day cap.
func TestExpiry(t *testing.T) {
	j, clk := newJar(Policy{})
	seed(t, j, "https://a.example/", "m=1; Max-Age=60", "e=2; Expires=Thu, 03 Dec 2026 12:02:00 GMT", "s=3", "far=4; Max-Age=99999999999")
	want := map[string]time.Time{"m": t0.Add(time.Minute), "e": t0.Add(2 * time.Minute), "s": {}, "far": t0.Add(400 * 24 * time.Hour)}
	for _, c := range j.All() {
		if !c.Expires.Equal(want[c.Name]) {
			t.Errorf("%s expires %v, want %v", c.Name, c.Expires, want[c.Name])
		}
	}
	clk.Advance(90 * time.Second)
	if got := outcome(j.Cookies(firstParty(t, "https://a.example/"))); got != "sent[e=2; s=3; far=4]" {
		t.Errorf("after 90s: %s", got)
	}
	clk.Advance(time.Minute)
	if got := outcome(j.Cookies(firstParty(t, "https://a.example/"))); got != "sent[s=3; far=4]" {
		t.Errorf("after 150s: %s", got)
	}
}

func TestCookieDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"Wed, 09 Jun 2021 10:18:14 GMT", "2021-06-09T10:18:14Z"},
		{"Wed, 09-Jun-21 10:18:14 GMT", "2021-06-09T10:18:14Z"},
		{"Jun 9 10:18:14 2021", "2021-06-09T10:18:14Z"},
		{"9 june 2021 1:2:3", "2021-06-09T01:02:03Z"},
		{"Thu, 01 Jan 70 00:00:00 GMT", "1970-01-01T00:00:00Z"},
		{"01 Jan 69 00:00:00", "2069-01-01T00:00:00Z"},
		{"31 Feb 2021 00:00:00", ""},  // step 6: no such date
		{"32 Jan 2021 00:00:00", ""},  // step 5
		{"01 Jan 1600 00:00:00", ""},  // year < 1601
		{"01 Jan 2021 24:00:00", ""},  // hour > 23
		{"01 Jan 2021", ""},           // no time
		{"01 Foo 2021 00:00:00", ""},  // no month
		{"01 Jan 2021 000:00:00", ""}, // time-field is 1*2DIGIT
		{"001 Jan 2021 00:00:00", ""}, // day-of-month is 1*2DIGIT
		{"01 Jan 20210 00:00:00", ""}, // year is 2*4DIGIT
		{"1 Jan 2021 00:00:00x", "2021-01-01T00:00:00Z"},
	} {
		got := ""
		if d, ok := parseCookieDate(tc.in); ok {
			got = d.Format(time.RFC3339)
		}
		if got != tc.want {
			t.Errorf("parseCookieDate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMatching covers domain-match, path-match and default-path (§5.1.3-§5.1.4).
func TestMatching(t *testing.T) {
	for _, tc := range []struct {
		s, d string
		want bool
	}{
		{"a.example", "a.example", true}, {"www.a.example", "a.example", true},
		{"xa.example", "a.example", false}, {"a.example", "www.a.example", false},
		{"1.2.3.4", "2.3.4", false}, {"1.2.3.4", "1.2.3.4", true}, {"[::1]", "[::1]", true},
	} {
		if got := domainMatch(tc.s, tc.d); got != tc.want {
			t.Errorf("domainMatch(%q, %q) = %v", tc.s, tc.d, got)
		}
	}
	for _, tc := range []struct {
		req, cookie string
		want        bool
	}{
		{"/", "/", true}, {"/a", "/", true}, {"/a/b", "/a", true}, {"/a/b", "/a/", true},
		{"/ab", "/a", false}, {"/a", "/a/", false}, {"/A", "/a", false},
	} {
		if got := pathMatch(tc.req, tc.cookie); got != tc.want {
			t.Errorf("pathMatch(%q, %q) = %v", tc.req, tc.cookie, got)
		}
	}
	var got []string
	for _, s := range []string{"https://h/", "https://h/a", "https://h/a/", "https://h/a/b", "https://h/a/b/c?q"} {
		got = append(got, defaultPath(u(t, s)))
	}
	if diff := cmp.Diff([]string{"/", "/", "/a", "/a", "/a/b"}, got); diff != "" {
		t.Errorf("defaultPath (-want +got):\n%s", diff)
	}
}

// TestSchemeful: Chromium compares sites with their scheme and its DevTools
// names the reason Schemeful…; Firefox release builds compare without.
func TestSchemeful(t *testing.T) {
	for _, tc := range []struct {
		p        Policy
		want     string
		devtools string
	}{
		{Policy{}, "sent[] lax:cookie-samesite-lax", "SchemefulSameSiteLax"},
		{Policy{SchemelessSameSite: true}, "sent[lax=1]", ""},
	} {
		j, _ := newJar(tc.p)
		seed(t, j, "https://app.example/", "lax=1; SameSite=Lax")
		got := j.Cookies(from(t, "http://app.example", "https://app.example/"))
		if outcome(got) != tc.want {
			t.Errorf("%+v: %s, want %s", tc.p, outcome(got), tc.want)
		}
		if tc.devtools != "" && (len(got.Withheld) != 1 || got.Withheld[0].DevToolsReasons[0] != tc.devtools) {
			t.Errorf("%+v: DevTools reasons %+v, want %s", tc.p, got.Withheld, tc.devtools)
		}
	}
	j, _ := newJar(Policy{})
	res := j.Store([]string{"a=1; SameSite=Strict"}, from(t, "http://app.example", "https://app.example/"))[0]
	if codeOf(res.Rejected) != CodeSetCookieSameSite || res.DevToolsReason != "SchemefulSameSiteStrict" {
		t.Errorf("store: %v %q", res.Rejected, res.DevToolsReason)
	}
	res = j.Store([]string{"a=1"}, from(t, "https://other.test", "https://app.example/"))[0]
	if res.DevToolsReason != "SameSiteUnspecifiedTreatedAsLax" {
		t.Errorf("store unset cross-site: DevTools %q", res.DevToolsReason)
	}
}
