package cookie

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// chromium156 is the Chromium knob set, third-party cookies as configured.
func chromium156(third ThirdPartyCookies) Policy {
	return Policy{LaxAllowUnsafe: 2 * time.Minute, NoneRequiresSecure: true, Partitioned: true,
		SecureLocalhost: true, HTTPPrefixes: true, ThirdParty: third}
}

// TestObservedChromium156 replays a sequence that a throwaway probe ran in
// headless Chromium 156.0.8078.108 on this machine (HTTPS .test origins on
// loopback, fetch() from each page) and expects the Cookie header the
// api.test server logged at each step, for the fresh profile (third-party
// cookies blocked) and with cookie_controls_mode 0 (allowed).
func TestObservedChromium156(t *testing.T) {
	firstPartyLines := []string{"lax=1; SameSite=Lax; Secure; Path=/", "unset=2; Secure; Path=/", "none=3; SameSite=None; Secure; Path=/",
		"strict=4; SameSite=Strict; Secure; Path=/", "noneinsecure=5; SameSite=None; Path=/", "__Host-bad=6; Secure",
		"__Host-good=7; Secure; Path=/", "__Http-x=8; Secure", "__Http-y=9; Secure; HttpOnly; Path=/"}
	crossLines := []string{"chip=1; SameSite=None; Secure; Partitioned; Path=/", "third=2; SameSite=None; Secure; Path=/",
		"chipinsecure=3; SameSite=None; Partitioned; Path=/"}
	all := "lax=1; unset=2; none=3; strict=4; __Host-good=7; __Http-y=9"
	for _, tc := range []struct {
		third ThirdPartyCookies
		want  [6]string
	}{
		{ThirdPartyBlock, [6]string{all, "", "chip=1", "", all, all}},
		{ThirdPartyAllow, [6]string{all, "none=3", "none=3; chip=1; third=2", "none=3; third=2", all + "; third=2", all + "; third=2"}},
	} {
		j, clk := newJar(chromium156(tc.third))
		step := func(r Request) string { clk.Advance(time.Second); return j.Cookies(r).Header() }
		clk.Advance(time.Second)
		j.Store(firstPartyLines, firstParty(t, "https://api.test/set"))
		got := [6]string{
			step(firstParty(t, "https://api.test/echo")),
			step(from(t, "https://app.test", "https://api.test/echo")),
		}
		// credentials: "same-origin" from app.test: cross-origin, so no cookies.
		noCreds := from(t, "https://app.test", "https://api.test/echo")
		noCreds.IncludeCredentials = false
		if h := step(noCreds); h != "" {
			t.Errorf("%s: same-origin credentials sent %q", tc.third, h)
		}
		clk.Advance(time.Second)
		j.Store(crossLines, from(t, "https://app.test", "https://api.test/set"))
		got[2] = step(from(t, "https://app.test", "https://api.test/echo"))
		got[3] = step(from(t, "https://other.test", "https://api.test/echo"))
		got[4] = step(firstParty(t, "https://api.test/echo"))
		got[5] = step(from(t, "https://www.api.test", "https://api.test/echo"))
		if got != tc.want {
			t.Errorf("third-party %s:\n got %q\nwant %q", tc.third, got, tc.want)
		}
	}
}

// TestObservedChromium156LaxAllowingUnsafe: in headless Chromium 156, a
// cookie without SameSite went with a cross-site top-level form POST a few
// seconds after it was set, and not 125 s later; a SameSite=Lax cookie set
// alongside went with neither.
func TestObservedChromium156LaxAllowingUnsafe(t *testing.T) {
	j, clk := newJar(chromium156(ThirdPartyBlock))
	j.Store([]string{"u=1; Secure; Path=/", "l=2; SameSite=Lax; Secure; Path=/"}, firstParty(t, "https://api.test/set"))
	post := from(t, "https://app.test", "https://api.test/echo")
	post.Kind, post.Method = TopLevelNavigation, "POST"
	clk.Advance(3 * time.Second)
	if got := j.Cookies(post).Header(); got != "u=1" {
		t.Errorf("POST after 3 s: Cookie %q, Chromium sent \"u=1\"", got)
	}
	clk.Advance(122 * time.Second)
	if got := j.Cookies(post).Header(); got != "" {
		t.Errorf("POST after 125 s: Cookie %q, Chromium sent none", got)
	}
}

// TestObservedFirefox153 replays a page-driven probe of headless Firefox
// 153.8.0esr (fresh profile, plain http .test names on loopback, fetch()
// from each page) and expects the Cookie headers the server logged: Total
// Cookie Protection keeps the first-party jar out of third-party contexts
// and gives a third-party context its own jar; a cookie without SameSite is
// stored from a cross-site response (no Lax-by-default); SameSite=None
// needs Secure; Secure cookies work on http://localhost.
func TestObservedFirefox153(t *testing.T) {
	j, clk := newJar(Policy{UnsetIsNone: true, NoneRequiresSecure: true, ThirdParty: ThirdPartyPartition,
		Partitioned: true, SecureLocalhost: true, SchemelessSameSite: true})
	step := func(r Request) string { clk.Advance(time.Second); return j.Cookies(r).Header() }
	stored := func(lines []string, r Request) string {
		clk.Advance(time.Second)
		var s []string
		for _, res := range j.Store(lines, r) {
			if res.Rejected == nil {
				s = append(s, res.Cookie.Name)
			}
		}
		return strings.Join(s, ",")
	}
	got := []string{
		stored([]string{"fp=1", "lax=2; SameSite=Lax", "sec=3; Secure"}, firstParty(t, "http://api.test/set")),
		step(firstParty(t, "http://api.test/echo")),
		step(from(t, "http://app.test", "http://api.test/echo")),
		stored([]string{"tp=1", "tpnone=2; SameSite=None"}, from(t, "http://app.test", "http://api.test/set")),
		step(from(t, "http://app.test", "http://api.test/echo")),
		step(from(t, "http://other.test", "http://api.test/echo")),
		step(firstParty(t, "http://api.test/echo")),
		stored([]string{"ls=1; Secure", "lp=2"}, firstParty(t, "http://localhost/set")),
		step(firstParty(t, "http://localhost/echo")),
	}
	want := []string{"fp,lax", "fp=1; lax=2", "", "tp", "tp=1", "", "fp=1; lax=2", "ls,lp", "ls=1; lp=2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-Firefox +jar):\n%s", diff)
	}
}

// TestObservedWebKitGTK250 replays the same page-driven probe in WebKitGTK
// 2.50's MiniBrowser (under Xvfb, plain http names through a loopback proxy
// that forwards nothing), with its default --cookies-policy=no-third-party
// and with always: a first-party cookie without SameSite goes with a
// cross-site credentialed fetch (unset means None; Lax does not go); the
// default refuses the cookies that cross-site response sets, "always" keeps
// them, SameSite=None without Secure included; Secure cookies are refused on
// http://localhost.
func TestObservedWebKitGTK250(t *testing.T) {
	for _, tc := range []struct {
		third ThirdPartyCookies
		want  []string
	}{
		{ThirdPartyBlockNew, []string{"fp,lax", "fp=1; lax=2", "fp=1", "", "fp=1", "fp=1", "fp=1; lax=2", "lp", "lp=2"}},
		{ThirdPartyAllow, []string{"fp,lax", "fp=1; lax=2", "fp=1", "tp,tpnone", "fp=1; tp=1; tpnone=2", "fp=1; tp=1; tpnone=2", "fp=1; lax=2; tp=1; tpnone=2", "lp", "lp=2"}},
	} {
		j, clk := newJar(Policy{UnsetIsNone: true, ThirdParty: tc.third})
		step := func(r Request) string { clk.Advance(time.Second); return j.Cookies(r).Header() }
		stored := func(lines []string, r Request) string {
			clk.Advance(time.Second)
			var s []string
			for _, res := range j.Store(lines, r) {
				if res.Rejected == nil {
					s = append(s, res.Cookie.Name)
				}
			}
			return strings.Join(s, ",")
		}
		got := []string{
			stored([]string{"fp=1", "lax=2; SameSite=Lax", "sec=3; Secure"}, firstParty(t, "http://api.test/set")),
			step(firstParty(t, "http://api.test/echo")),
			step(from(t, "http://app.test", "http://api.test/echo")),
			stored([]string{"tp=1", "tpnone=2; SameSite=None"}, from(t, "http://app.test", "http://api.test/set")),
			step(from(t, "http://app.test", "http://api.test/echo")),
			step(from(t, "http://other.test", "http://api.test/echo")),
			step(firstParty(t, "http://api.test/echo")),
			stored([]string{"ls=1; Secure", "lp=2"}, firstParty(t, "http://localhost/set")),
			step(firstParty(t, "http://localhost/echo")),
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-WebKitGTK +jar):\n%s", tc.third, diff)
		}
	}
}

// TestObservedWebKitGTK250Prefixes replays a probe of the webkit
// conformance suite (a first-party https fetch of /a/login whose response
// sets these lines, then a second fetch): WebKitGTK 2.50 kept every cookie,
// whatever its __Host- or __Secure- prefix asks (Policy.IgnorePrefixes),
// and sent them all. The order of WebKitGTK's Cookie header among cookies
// of the same path length ("…; __Host-dom=3; __Host-nosec=1; …") is not
// the creation order of RFC 6265bis §5.8.3 and is not modelled: the pairs
// are compared sorted.
func TestObservedWebKitGTK250Prefixes(t *testing.T) {
	lines := []string{"__Host-nosec=1; Path=/", "__Host-path=2; Secure; Path=/a", "__Host-dom=3; Secure; Path=/; Domain=api.test",
		"__Secure-nosec=4", "__host-lower=5; Path=/", "__secure-lower=6", "__Host-good=7; Secure; Path=/", "control=8"}
	observed := "__Host-path=2; __Secure-nosec=4; __secure-lower=6; control=8; __Host-dom=3; __Host-nosec=1; __host-lower=5; __Host-good=7"
	sorted := func(h string) []string {
		s := strings.Split(h, "; ")
		slices.Sort(s)
		return s
	}
	for _, tc := range []struct {
		ignore bool
		want   []string
	}{
		{true, sorted(observed)},
		// Without the knob the jar keeps only what the draft allows.
		{false, []string{"__Host-good=7", "control=8"}},
	} {
		j, clk := newJar(Policy{UnsetIsNone: true, ThirdParty: ThirdPartyBlockNew, IgnorePrefixes: tc.ignore})
		j.Store(lines, firstParty(t, "https://api.test/a/login"))
		clk.Advance(time.Second)
		got := sorted(j.Cookies(firstParty(t, "https://api.test/a/login")).Header())
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("IgnorePrefixes %v (-want +jar):\n%s", tc.ignore, diff)
		}
	}
}

// TestObservedSchemelessThirdParty replays scenarios/cookie-schemeless-same-site
// through the jar: from a page on http://www.api.test, a cookie stored
// first-party on https://api.test and one that the https response sets.
// Firefox 153 ESR sent all and kept the new one (schemeless same-site and
// third-party checks); WebKitGTK 2.50 sent all but refused the new one as
// third-party (schemeless same-site, schemeful third-party).
func TestObservedSchemelessThirdParty(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy Policy
		want   []string
	}{
		{"Firefox 153 ESR", firefoxLike(), []string{"strict=1; none=3", "tp", "strict=1; none=3; tp=4"}},
		{"WebKitGTK 2.50", Policy{UnsetIsNone: true, ThirdParty: ThirdPartyBlockNew, SchemelessSameSite: true}, []string{"strict=1; none=3", "", "strict=1; none=3"}},
	} {
		j, clk := newJar(tc.policy)
		j.Store([]string{"strict=1; SameSite=Strict", "none=3; SameSite=None; Secure"}, firstParty(t, "https://api.test/"))
		clk.Advance(time.Second)
		r := from(t, "http://www.api.test", "https://api.test/me")
		var got []string
		got = append(got, j.Cookies(r).Header())
		var stored []string
		for _, res := range j.Store([]string{"tp=4; SameSite=None; Secure"}, r) {
			if res.Rejected == nil {
				stored = append(stored, res.Cookie.Name)
			}
		}
		clk.Advance(time.Second)
		got = append(got, strings.Join(stored, ","), j.Cookies(r).Header())
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-observed +jar):\n%s", tc.name, diff)
		}
	}
}

// firefoxLike is the Firefox profile's cookie policy (browser/cookies.go).
func firefoxLike() Policy {
	return Policy{UnsetIsNone: true, NoneRequiresSecure: true, ThirdParty: ThirdPartyPartition, Partitioned: true,
		SecureLocalhost: true, SchemelessSameSite: true, SchemelessThirdParty: true}
}
