package browser

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corsim/corsim/fetch"
)

// Side-by-side tables: one scenario, every profile, one verdict each.
// Each test names the profile field it exercises; the want column cites
// the same source as the field's comment in profiles.go.

type sideBySide struct {
	name     string
	profiles []fetch.Profile
	run      func(t *testing.T, p fetch.Profile) string
	want     map[string]string
}

func (c sideBySide) check(t *testing.T) {
	t.Helper()
	ps := c.profiles
	if ps == nil {
		ps = Profiles()
	}
	var table strings.Builder
	for _, p := range ps {
		got := c.run(t, p)
		fmt.Fprintf(&table, "  %-50s %s\n", p.Name, got)
		if want, ok := c.want[p.Name]; !ok {
			t.Errorf("%s: no verdict expected for %s", c.name, p.Name)
		} else if got != want {
			t.Errorf("%s / %s:\n got %s\nwant %s", c.name, p.Name, got, want)
		}
	}
	t.Logf("%s:\n%s", c.name, table.String())
}

// scenario is a browser with an api server and a page at app.example.
type scenario struct {
	b    *Browser
	page *Page
}

func newScenario(t *testing.T, p fetch.Profile, api fetch.Transport, opts ...Option) *scenario {
	b := New(p, opts...)
	mustServe(t, b, apiOrigin, api)
	return &scenario{b: b, page: mustOpen(t, b, appOrigin)}
}

// fetchN runs init and returns "preflight" when it sent one, "cached"
// when it needed one and the cache covered it, "simple" when none was
// needed, each followed by ":blocked(code)" when blocked.
func (s *scenario) do(init fetch.RequestInit) string {
	return verdict(s.page.Fetch(context.Background(), "", init))
}

func verdict(o *Outcome) string {
	v := "simple"
	if preflights(o) > 0 {
		v = "preflight"
	} else if o.Result != nil && len(o.Result.Preflights) > 0 {
		v = "cached"
	}
	if o.Blocked() {
		v += ":blocked(" + string(code(o)) + ")"
	}
	return v
}

// maxAgeServer allows everything asked, with the given max-age lines.
func maxAgeServer(maxAge ...string) server {
	s := allowAll("")
	pre := s.pre
	s.pre = func(r *fetch.WireRequest) *fetch.WireResponse {
		w := pre(r)
		for _, m := range maxAge {
			w.Header.Append("Access-Control-Max-Age", m)
		}
		return w
	}
	return s
}

var putX = fetch.RequestInit{Method: "PUT", URL: apiOrigin + "/x", Header: hl("X-A", "1")}

// TestSideBySideMaxAgeCap: Profile.MaxAgeCap — Access-Control-Max-Age:
// 100000; the first delay (from a fixed list) after which the request is
// preflighted again.
func TestSideBySideMaxAgeCap(t *testing.T) {
	delays := []time.Duration{599 * time.Second, 601 * time.Second, 7199 * time.Second, 7201 * time.Second,
		86399 * time.Second, 86401 * time.Second, 99999 * time.Second, 100001 * time.Second}
	sideBySide{
		name: "max-age 100000: re-preflight after",
		run: func(t *testing.T, p fetch.Profile) string {
			for _, d := range delays {
				s := newScenario(t, p, maxAgeServer("100000"))
				s.do(putX)
				s.b.Advance(d)
				if s.do(putX) == "preflight" {
					return d.String()
				}
			}
			return "never"
		},
		want: map[string]string{
			"spec":     "27h46m41s", // no cap: 100001 s
			"chromium": "2h0m1s",    // 7200 s
			"firefox":  "24h0m1s",   // 86400 s
			"webkit":   "10m1s",     // 600 s
		},
	}.check(t)
}

// TestSideBySideMaxAgeValues: Profile.MaxAgeAbsent/Invalid/Negative/Zero —
// is the result reused one second later, and five seconds later?
func TestSideBySideMaxAgeValues(t *testing.T) {
	values := []struct{ label, v string }{{"absent", ""}, {"invalid", "abc"}, {"fraction", "1.5"}, {"negative", "-5"}, {"zero", "0"}}
	sideBySide{
		name: "max-age value → cached at +1s / +6s",
		run: func(t *testing.T, p fetch.Profile) string {
			var out []string
			for _, v := range values {
				var at []string
				for _, d := range []time.Duration{time.Second, 6 * time.Second} {
					var srv server
					if v.v == "" {
						srv = maxAgeServer()
					} else {
						srv = maxAgeServer(v.v)
					}
					s := newScenario(t, p, srv)
					s.do(putX)
					s.b.Advance(d)
					at = append(at, s.do(putX))
				}
				out = append(out, v.label+"="+strings.Join(at, "/"))
			}
			return strings.Join(out, " ")
		},
		want: map[string]string{
			// spec: failure or null → 5 s; a negative number is not
			// delta-seconds, so 5 s; 0 → stored expired.
			"spec": "absent=cached/preflight invalid=cached/preflight fraction=cached/preflight negative=cached/preflight zero=preflight/preflight",
			// Chromium: invalid → 5 s, negative → not cached, 0 → not cached.
			"chromium": "absent=cached/preflight invalid=cached/preflight fraction=cached/preflight negative=preflight/preflight zero=preflight/preflight",
			// Firefox: invalid, negative, 0 → not cached.
			"firefox": "absent=cached/preflight invalid=preflight/preflight fraction=preflight/preflight negative=preflight/preflight zero=preflight/preflight",
			// WebKit: invalid → 5 s, negative/0 → expired.
			"webkit": "absent=cached/preflight invalid=cached/preflight fraction=cached/preflight negative=preflight/preflight zero=preflight/preflight",
		},
	}.check(t)
}

// TestSideBySidePartitioning: Profile.Partition — the same request from a
// frame of app.example inside another site, and inside a same-site
// top-level origin (www.app.example), after a top-level app.example page
// warmed the cache.
func TestSideBySidePartitioning(t *testing.T) {
	sideBySide{
		name: "frame in other site / frame in same-site origin",
		run: func(t *testing.T, p fetch.Profile) string {
			var out []string
			for _, top := range []string{"https://other.example", "https://www.app.example"} {
				s := newScenario(t, p, maxAgeServer("600"))
				s.do(putX)
				frame, err := s.b.OpenFrame(appOrigin, top)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, verdict(frame.Fetch(context.Background(), "", putX)))
			}
			return strings.Join(out, " ")
		},
		want: map[string]string{
			"spec":     "preflight cached", // top-level site
			"chromium": "preflight cached", // NetworkIsolationKey (top-frame site); harness
			"firefox":  "preflight cached", // OriginAttributes partition key [I]
			"webkit":   "preflight preflight",
		},
	}.check(t)
}

// TestSideBySideCapacity: Profile.CacheCapacity/Eviction — keys left after
// 1025 distinct preflighted URLs.
func TestSideBySideCapacity(t *testing.T) {
	sideBySide{
		name: "keys after 1025 URLs",
		run: func(t *testing.T, p fetch.Profile) string {
			s := newScenario(t, p, maxAgeServer("600"))
			for i := range 1025 {
				s.do(fetch.RequestInit{Method: "PUT", URL: apiOrigin + "/x/" + strconv.Itoa(i)})
			}
			return strconv.Itoa(s.b.Cache().Keys())
		},
		want: map[string]string{
			"spec":     "1025",
			"chromium": "1015", // 1024 full → purge 10 at random, then add
			"firefox":  "100",  // 100, LRU
			"webkit":   "1025", // unbounded
		},
	}.check(t)
}

// TestChromiumEvictionSeeded: the random purge repeats with a seed and
// depends on it.
func TestChromiumEvictionSeeded(t *testing.T) {
	survivors := func(seed int64) string {
		s := newScenario(t, Chromium, maxAgeServer("600"), WithSeed(seed))
		for i := range 1030 {
			s.do(fetch.RequestInit{Method: "PUT", URL: apiOrigin + "/x/" + strconv.Itoa(i)})
		}
		var urls []string
		for _, e := range s.b.CacheEntries() {
			urls = append(urls, e.Key.URL)
		}
		return strings.Join(urls, ",")
	}
	if a, b := survivors(7), survivors(7); a != b {
		t.Error("same seed, different evictions")
	}
	if a, b := survivors(7), survivors(8); a == b {
		t.Error("seeds 7 and 8 evicted the same entries")
	}
}

// TestFirefoxEvictsLRU: at 100 keys Firefox drops the least recently used.
func TestFirefoxEvictsLRU(t *testing.T) {
	s := newScenario(t, Firefox, maxAgeServer("600"))
	u := func(i int) fetch.RequestInit {
		return fetch.RequestInit{Method: "PUT", URL: apiOrigin + "/x/" + strconv.Itoa(i)}
	}
	for i := range 100 {
		s.do(u(i))
	}
	if v := s.do(u(0)); v != "cached" { // touch 0: 1 is now the LRU
		t.Fatalf("u0: %s", v)
	}
	s.do(u(100))
	if v := s.do(u(0)); v != "cached" {
		t.Errorf("u0 after eviction: %s, want cached", v)
	}
	if v := s.do(u(1)); v != "preflight" {
		t.Errorf("u1 after eviction: %s, want preflight (LRU)", v)
	}
}

// TestSideBySideMergeReplace: Profile.ReplaceEntries (and the max-age 0
// rules) — PUT is cached for 600 s, then a DELETE preflight answered with
// max-age 0 (echoing only DELETE), then PUT again; and PUT then DELETE
// both with 600 s, then PUT.
func TestSideBySideMergeReplace(t *testing.T) {
	sideBySide{
		name: "PUT after DELETE(max-age 0) / PUT after DELETE(600)",
		run: func(t *testing.T, p fetch.Profile) string {
			var out []string
			for _, second := range []string{"0", "600"} {
				n := 0
				srv := allowAll("")
				pre := srv.pre
				srv.pre = func(r *fetch.WireRequest) *fetch.WireResponse {
					w := pre(r)
					n++
					if n == 1 {
						w.Header.Append("Access-Control-Max-Age", "600")
					} else {
						w.Header.Append("Access-Control-Max-Age", second)
					}
					return w
				}
				s := newScenario(t, p, srv)
				s.do(fetch.RequestInit{Method: "PUT", URL: apiOrigin + "/x"})
				s.do(fetch.RequestInit{Method: "DELETE", URL: apiOrigin + "/x"})
				out = append(out, s.do(fetch.RequestInit{Method: "PUT", URL: apiOrigin + "/x"}))
			}
			return strings.Join(out, " ")
		},
		want: map[string]string{
			"spec":     "cached cached",       // per-method entries merge
			"chromium": "preflight preflight", // one result per key, replaced
			"firefox":  "cached cached",       // per-token merge; 0 not stored
			"webkit":   "preflight preflight", // replaced
		},
	}.check(t)
}

// TestSideBySideWildcardReuse: Profile.NoWildcardReuse — ACAM: * and
// ACAH: * with max-age 600, the same PUT with X-A twice.
func TestSideBySideWildcardReuse(t *testing.T) {
	sideBySide{
		name: "second PUT after ACAM/ACAH *",
		run: func(t *testing.T, p fetch.Profile) string {
			s := newScenario(t, p, server{
				pre: fixed(204, acao, "*", "Access-Control-Allow-Methods", "*", "Access-Control-Allow-Headers", "*", "Access-Control-Max-Age", "600"),
				act: fixed(200, acao, "*"),
			})
			return s.do(putX) + " " + s.do(putX)
		},
		want: map[string]string{
			"spec": "preflight cached", "chromium": "preflight cached",
			"firefox": "preflight preflight", // "*" stored as a literal token
			"webkit":  "preflight cached",
		},
	}.check(t)
}

// TestSideBySideHEAD: Profile.CacheExemptMethods — HEAD with X-A, the
// preflight lists only the header (no ACAM), the same request again.
func TestSideBySideHEAD(t *testing.T) {
	sideBySide{
		name: "second HEAD+X-A",
		run: func(t *testing.T, p fetch.Profile) string {
			s := newScenario(t, p, server{
				pre: fixed(204, acao, "*", "Access-Control-Allow-Headers", "X-A", "Access-Control-Max-Age", "600"),
				act: fixed(200, acao, "*"),
			})
			init := fetch.RequestInit{Method: "HEAD", URL: apiOrigin + "/x", Header: hl("X-A", "1")}
			return s.do(init) + " " + s.do(init)
		},
		want: map[string]string{
			"spec": "preflight cached", "chromium": "preflight cached",
			"firefox": "preflight preflight", // only GET and POST are exempt
			"webkit":  "preflight cached",
		},
	}.check(t)
}

// TestSideBySideAuthorizationWildcard: Profile.WildcardCoversAuthorization
// and WarnWildcardAuthorization — GET with Authorization, ACAH: *.
func TestSideBySideAuthorizationWildcard(t *testing.T) {
	sideBySide{
		name:     "Authorization vs ACAH *",
		profiles: append(Profiles(), ChromiumSpecAuthorization),
		run: func(t *testing.T, p fetch.Profile) string {
			s := newScenario(t, p, server{
				pre: fixed(204, acao, "*", "Access-Control-Allow-Headers", "*"),
				act: fixed(200, acao, "*"),
			})
			o := s.page.Fetch(context.Background(), apiOrigin+"/x", fetch.RequestInit{Header: hl("Authorization", "Bearer t")})
			v := verdict(o)
			for _, m := range o.Console {
				if m.Level == LevelWarning {
					v += " warning(" + m.ID + ")"
				}
			}
			for _, is := range o.Issues {
				v += " issue(" + is.Code + ")"
			}
			return v
		},
		want: map[string]string{
			"spec":     "preflight:blocked(authorization-not-allowed)",
			"chromium": "preflight issue(AuthorizationCoveredByWildcard)", // harness: allowed, DevTools issue only
			"chromium+CorsNonWildcardRequestHeadersSupport": "preflight:blocked(authorization-not-allowed)",
			"firefox": "preflight warning(CORSAllowHeaderFromPreflightDeprecation)",
			"webkit":  "preflight",
		},
	}.check(t)
}

// TestSideBySideStatusFirst: Profile.PreflightStatusFirst and
// PreflightRedirectFirst — a 404 preflight without ACAO, and a 302
// preflight without ACAO.
func TestSideBySideStatusFirst(t *testing.T) {
	sideBySide{
		name: "preflight 404 no ACAO / 302 no ACAO",
		run: func(t *testing.T, p fetch.Profile) string {
			var out []string
			for _, pre := range []func(*fetch.WireRequest) *fetch.WireResponse{fixed(404), redirectTo("/y")} {
				s := newScenario(t, p, server{pre: pre})
				out = append(out, string(code(s.page.Fetch(context.Background(), "", putX))))
			}
			return strings.Join(out, " ")
		},
		want: map[string]string{
			"spec":     "missing-allow-origin missing-allow-origin",
			"chromium": "missing-allow-origin preflight-redirect",
			"firefox":  "missing-allow-origin preflight-redirect",
			"webkit":   "preflight-status-not-ok preflight-redirect",
		},
	}.check(t)
}

// TestSideBySideExtraSafelist: Profile.Safelist — GETs with Chromium's
// extra safelisted headers, valid and invalid values.
func TestSideBySideExtraSafelist(t *testing.T) {
	headers := [][2]string{{"DPR", "2"}, {"DPR", "abc"}, {"Width", "100"}, {"Viewport-Width", "1.5"}, {"Device-Memory", "0.5"},
		{"RTT", "50"}, {"Downlink", "1.5"}, {"ECT", "4g"}, {"ECT", "5g"}, {"Save-Data", "on"}, {"Save-Data", "off"}, {"Intervention", "anything"}}
	sideBySide{
		name: "GET with one extra header",
		run: func(t *testing.T, p fetch.Profile) string {
			var out []string
			for _, h := range headers {
				s := newScenario(t, p, allowAll("600"))
				out = append(out, h[0]+":"+h[1]+"="+s.do(fetch.RequestInit{URL: apiOrigin + "/x", Header: hl(h[0], h[1])}))
			}
			return strings.Join(out, " ")
		},
		want: func() map[string]string {
			all := "DPR:2=preflight DPR:abc=preflight Width:100=preflight Viewport-Width:1.5=preflight Device-Memory:0.5=preflight RTT:50=preflight Downlink:1.5=preflight ECT:4g=preflight ECT:5g=preflight Save-Data:on=preflight Save-Data:off=preflight Intervention:anything=preflight"
			return map[string]string{
				"spec": all, "firefox": all, "webkit": all,
				"chromium": "DPR:2=simple DPR:abc=preflight Width:100=simple Viewport-Width:1.5=preflight Device-Memory:0.5=simple RTT:50=simple Downlink:1.5=simple ECT:4g=simple ECT:5g=preflight Save-Data:on=simple Save-Data:off=preflight Intervention:anything=simple",
			}
		}(),
	}.check(t)
}

// TestSideBySideCacheBypass: Profile.CacheBypassModes — a warm cache, then
// the same PUT with each cache mode.
func TestSideBySideCacheBypass(t *testing.T) {
	modes := []fetch.CacheMode{fetch.CacheDefault, fetch.CacheNoStore, fetch.CacheReload, fetch.CacheNoCache, fetch.CacheForceCache}
	sideBySide{
		name: "warm cache, then cache mode →",
		run: func(t *testing.T, p fetch.Profile) string {
			var out []string
			for _, m := range modes {
				s := newScenario(t, p, maxAgeServer("600"))
				s.do(putX)
				init := putX
				init.Cache = m
				out = append(out, string(m)+"="+s.do(init))
			}
			return strings.Join(out, " ")
		},
		want: map[string]string{
			"spec":     "default=cached no-store=cached reload=cached no-cache=cached force-cache=cached",
			"chromium": "default=cached no-store=preflight reload=preflight no-cache=preflight force-cache=cached",
			"firefox":  "default=cached no-store=preflight reload=preflight no-cache=cached force-cache=cached",
			"webkit":   "default=cached no-store=cached reload=cached no-cache=cached force-cache=cached",
		},
	}.check(t)
}

// TestSideBySideCredentialsKey: Profile.SeparateCredentials — a
// credentialed preflight, then the same request without credentials.
func TestSideBySideCredentialsKey(t *testing.T) {
	sideBySide{
		name: "credentialed then uncredentialed PUT",
		run: func(t *testing.T, p fetch.Profile) string {
			s := newScenario(t, p, maxAgeServer("600"))
			return s.do(withCreds(putX)) + " " + s.do(putX)
		},
		want: map[string]string{
			"spec": "preflight cached", "chromium": "preflight cached",
			"firefox": "preflight preflight", // "cred"/"nocred" keys
			"webkit":  "preflight cached",
		},
	}.check(t)
}

// TestSideBySideCacheOnFailure: Profile.KeepCacheOnFailure — a warm cache,
// an actual response without ACAO, then the request again.
func TestSideBySideCacheOnFailure(t *testing.T) {
	sideBySide{
		name: "after a failed actual response",
		run: func(t *testing.T, p fetch.Profile) string {
			fail := true
			srv := maxAgeServer("600")
			act := srv.act
			srv.act = func(r *fetch.WireRequest) *fetch.WireResponse {
				if fail {
					return &fetch.WireResponse{Status: 200}
				}
				return act(r)
			}
			s := newScenario(t, p, srv)
			first := s.do(putX)
			fail = false
			return first + " " + s.do(putX)
		},
		want: map[string]string{
			"spec":     "preflight:blocked(missing-allow-origin) preflight", // main fetch clears the entries
			"chromium": "preflight:blocked(missing-allow-origin) cached",
			"firefox":  "preflight:blocked(missing-allow-origin) preflight", // RemoveEntries
			"webkit":   "preflight:blocked(missing-allow-origin) cached",
		},
	}.check(t)
}

// TestSideBySideURLLength: Profile.MaxCacheURLLength — a URL of 1024
// characters is not cached by Chromium.
func TestSideBySideURLLength(t *testing.T) {
	long := apiOrigin + "/" + strings.Repeat("a", 1024-len(apiOrigin)-1)
	sideBySide{
		name: "1024-character URL, twice",
		run: func(t *testing.T, p fetch.Profile) string {
			s := newScenario(t, p, maxAgeServer("600"))
			init := fetch.RequestInit{Method: "PUT", URL: long}
			return s.do(init) + " " + s.do(init)
		},
		want: map[string]string{
			"spec": "preflight cached", "chromium": "preflight preflight",
			"firefox": "preflight cached", "webkit": "preflight cached",
		},
	}.check(t)
}

// TestSideBySideMethodCase: method matching is case-sensitive in every
// profile (a documented agreement): "patch" against ACAM PATCH.
func TestSideBySideMethodCase(t *testing.T) {
	sideBySide{
		name: "fetch method patch, ACAM PATCH",
		run: func(t *testing.T, p fetch.Profile) string {
			s := newScenario(t, p, server{pre: fixed(204, acao, "*", "Access-Control-Allow-Methods", "PATCH"), act: fixed(200, acao, "*")})
			return s.do(fetch.RequestInit{Method: "patch", URL: apiOrigin + "/x"})
		},
		want: map[string]string{
			"spec": "preflight:blocked(method-not-allowed)", "chromium": "preflight:blocked(method-not-allowed)",
			"firefox": "preflight:blocked(method-not-allowed)", "webkit": "preflight:blocked(method-not-allowed)",
		},
	}.check(t)
}
