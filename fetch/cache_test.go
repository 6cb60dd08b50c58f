package fetch

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corsim/corsim/policy"
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// TestCORSPreflightFetchStep7_8MaxAge: max-age (steps 7.8–7.10) under the
// profile's rules for each class of Access-Control-Max-Age value.
func TestCORSPreflightFetchStep7_8MaxAge(t *testing.T) {
	chromium := Profile{MaxAgeCap: 7200 * time.Second, MaxAgeNegative: MaxAgeRuleStoreExpired}
	firefox := Profile{MaxAgeCap: 86400 * time.Second, MaxAgeInvalid: MaxAgeRuleNoStore, MaxAgeNegative: MaxAgeRuleNoStore, MaxAgeZero: MaxAgeRuleNoStore}
	webkit := Profile{MaxAgeCap: 600 * time.Second, MaxAgeNegative: MaxAgeRuleStoreExpired}
	type want struct {
		d     time.Duration
		store bool
	}
	s := func(n int) want { return want{time.Duration(n) * time.Second, true} }
	no := want{}
	tests := []struct {
		value                           string // "<absent>" for none
		spec, chromium, firefox, webkit want
	}{
		{"<absent>", s(5), s(5), s(5), s(5)},
		{"600", s(600), s(600), s(600), s(600)},
		{"86401", s(86401), s(7200), s(86400), s(600)},
		{"0", s(0), s(0), no, s(0)},
		{"-1", s(5), s(0), no, s(0)},
		{"1.5", s(5), s(5), no, s(5)},
		{"", s(5), s(5), s(5), s(5)},
		{" \t", s(5), s(5), s(5), s(5)},
		{"99999999999999999999", s(2147483648), s(7200), s(86400), s(600)},
	}
	for _, tt := range tests {
		var m policy.MaxAge
		if tt.value == "<absent>" {
			m = policy.ParseMaxAge(nil)
		} else {
			m = policy.ParseMaxAgeValue(tt.value)
		}
		for _, c := range []struct {
			name string
			p    Profile
			want want
		}{{"spec", Spec, tt.spec}, {"chromium", chromium, tt.chromium}, {"firefox", firefox, tt.firefox}, {"webkit", webkit, tt.webkit}} {
			d, store := c.p.maxAgeFor(m)
			if got := (want{d, store}); got != c.want {
				t.Errorf("%s: max-age %q = %v, want %v", c.name, tt.value, got, c.want)
			}
		}
	}
}

var (
	k1 = CacheKey{Partition: "https://app.example", Origin: page, URL: "https://api.example/1"}
	k2 = CacheKey{Partition: "https://app.example", Origin: page, URL: "https://api.example/2"}
	k3 = CacheKey{Partition: "https://app.example", Origin: page, URL: "https://api.example/3"}
	k4 = CacheKey{Partition: "https://app.example", Origin: page, URL: "https://api.example/4"}
)

// TestCachePolicies: capacity, eviction and URL length knobs.
func TestCachePolicies(t *testing.T) {
	t.Run("EvictOldest", func(t *testing.T) {
		c := NewPreflightCache(Profile{CacheCapacity: 2}, 1)
		for _, k := range []CacheKey{k1, k2, k3} {
			c.Store(k, false, []string{"PUT"}, nil, time.Hour, epoch)
		}
		if c.MatchMethod(k1, "PUT", false, epoch) || !c.MatchMethod(k3, "PUT", false, epoch) || c.Keys() != 2 {
			t.Errorf("keys %d", c.Keys())
		}
	})
	t.Run("EvictExpiredThenLRU", func(t *testing.T) {
		c := NewPreflightCache(Profile{CacheCapacity: 2, Eviction: EvictExpiredThenLRU}, 1)
		c.Store(k1, false, []string{"PUT"}, nil, time.Second, epoch)
		c.Store(k2, false, []string{"PUT"}, nil, time.Hour, epoch)
		now := epoch.Add(2 * time.Second)
		c.Store(k3, false, []string{"PUT"}, nil, time.Hour, now) // k1 expired: it goes
		if !c.MatchMethod(k2, "PUT", false, now) || !c.MatchMethod(k3, "PUT", false, now) {
			t.Fatal("live entries evicted")
		}
		c.lookup(k2, false, "PUT", true, nil, now) // k2 used after k3
		c.Store(k4, false, []string{"PUT"}, nil, time.Hour, now)
		if c.MatchMethod(k3, "PUT", false, now) || !c.MatchMethod(k2, "PUT", false, now) {
			t.Error("LRU victim should be k3")
		}
	})
	t.Run("EvictRandomRun", func(t *testing.T) {
		fill := func(seed int64) []CacheEntry {
			c := NewPreflightCache(Profile{CacheCapacity: 20, Eviction: EvictRandomRun, EvictRunLength: 5}, seed)
			for i := range 21 {
				k := k1
				k.URL += "/" + string(rune('a'+i))
				c.Store(k, false, []string{"PUT"}, nil, time.Hour, epoch)
			}
			if c.Keys() != 16 {
				t.Errorf("keys %d, want 20-5+1", c.Keys())
			}
			return c.Entries(epoch)
		}
		if d := cmp.Diff(fill(7), fill(7)); d != "" {
			t.Errorf("same seed, different purge:\n%s", d)
		}
	})
	t.Run("MaxCacheURLLength", func(t *testing.T) {
		c := NewPreflightCache(Profile{MaxCacheURLLength: 30}, 1)
		long := k1
		long.URL = "https://api.example/" + strings.Repeat("x", 10)
		if c.Store(long, false, []string{"PUT"}, nil, time.Hour, epoch) || c.Len() != 0 {
			t.Error("stored a too-long URL")
		}
	})
}

// TestProfileCacheDifferences drives whole fetches under browser-like
// profiles to show the differences table (browsers.md §4) is expressible.
func TestProfileCacheDifferences(t *testing.T) {
	c := newClient(t)
	wild := server{pre: fixed(204, acao, "*", acam, "*", acah, "*", "Access-Control-Max-Age", "600"), act: fixed(200, acao, "*")}
	count := func(p Profile, srv Transport, inits ...RequestInit) int {
		f, _ := newFetcher(p, srv)
		n := 0
		for _, in := range inits {
			res := f.Fetch(context.Background(), mustRequest(t, c, in))
			if res.Err != nil {
				t.Fatalf("%+v: %v", in, res.Err)
			}
			for _, x := range res.Wire {
				if x.Preflight {
					n++
				}
			}
		}
		return n
	}
	put := RequestInit{Method: "PUT", URL: "https://api.example/r"}
	if n := count(Spec, wild, put, put); n != 1 {
		t.Errorf("spec reuses * entries: %d preflights", n)
	}
	if n := count(Profile{NoWildcardReuse: true}, wild, put, put); n != 2 {
		t.Errorf("Firefox-like never reuses *: %d preflights", n)
	}
	head := RequestInit{Method: "HEAD", URL: "https://api.example/r", Header: hl("X-A", "1")}
	named := server{pre: fixed(204, acao, "*", acah, "x-a", "Access-Control-Max-Age", "600"), act: fixed(200, acao, "*")}
	if n := count(Spec, named, head, head); n != 1 {
		t.Errorf("spec: HEAD needs no method entry: %d", n)
	}
	if n := count(Profile{CacheExemptMethods: []string{"GET", "POST"}}, named, head, head); n != 2 {
		t.Errorf("Firefox-like: HEAD not exempt: %d", n)
	}
	del := RequestInit{Method: "DELETE", URL: "https://api.example/r"}
	putThenDel := server{pre: func(r *WireRequest) *WireResponse {
		m, _ := r.Header.Get("Access-Control-Request-Method")
		return fixed(204, acao, "*", acam, m, "Access-Control-Max-Age", "600")(r)
	}, act: fixed(200, acao, "*")}
	if n := count(Spec, putThenDel, put, del, put); n != 2 {
		t.Errorf("spec merges entries: %d", n)
	}
	if n := count(Profile{ReplaceEntries: true}, putThenDel, put, del, put); n != 3 {
		t.Errorf("Chromium-like replaces entries: %d", n)
	}
	// A preflight whose "*" covered Authorization (WildcardCoversAuthorization)
	// stores "*"; whether that entry covers Authorization later is
	// CacheWildcardCoversAuthorization (Chromium no, WebKit yes).
	auth := RequestInit{URL: "https://api.example/r", Header: hl("Authorization", "Bearer t", "X-A", "1")}
	xa := RequestInit{URL: "https://api.example/r", Header: hl("X-A", "1")}
	if n := count(Profile{WildcardCoversAuthorization: true}, wild, auth, auth, xa); n != 2 {
		t.Errorf("Chromium-like: a cached * does not cover Authorization: %d preflights, want 2", n)
	}
	if n := count(Profile{WildcardCoversAuthorization: true, CacheWildcardCoversAuthorization: true}, wild, auth, auth, xa); n != 1 {
		t.Errorf("WebKit-like: a cached * covers Authorization: %d preflights, want 1", n)
	}
	reload := put
	reload.Cache = CacheReload
	if n := count(Profile{CacheBypassModes: []CacheMode{CacheReload}}, wild, put, reload); n != 2 {
		t.Errorf("bypass on reload: %d", n)
	}
}

// TestPartitionKey: the network partition key follows Profile.Partition.
func TestPartitionKey(t *testing.T) {
	top := mustOrigin(t, "https://www.top.example")
	embedded := Client{Origin: mustOrigin(t, page), TopLevelOrigin: top}
	srv := server{pre: fixed(204, acao, "*", acam, "PUT", "Access-Control-Max-Age", "600"), act: fixed(200, acao, "*")}
	for _, tc := range []struct {
		p    Profile
		want string
	}{{Spec, "https://top.example"}, {Profile{Partition: PartitionTopLevelOrigin}, "https://www.top.example"}, {Profile{Partition: PartitionNone}, ""}} {
		f, clk := newFetcher(tc.p, srv)
		f.Fetch(context.Background(), mustRequest(t, embedded, RequestInit{Method: "PUT", URL: "https://api.example/r"}))
		es := f.Cache.Entries(clk.Now())
		if len(es) != 1 || es[0].Key.Partition != tc.want {
			t.Errorf("%+v: entries %+v", tc.p.Partition, es)
		}
	}
}

// --- state machine: PreflightCache against a reference model ---

type modelEntry struct {
	k             CacheKey
	cred          bool
	method, hname string
	expires       time.Time
}

type cacheModel struct {
	p       Profile
	entries []modelEntry
}

func (m *cacheModel) store(k CacheKey, cred bool, methods, headers []string, d time.Duration, now time.Time) {
	if m.p.ReplaceEntries {
		m.entries = slices.DeleteFunc(m.entries, func(e modelEntry) bool {
			return e.k == k && (!m.p.SeparateCredentials || e.cred == cred)
		})
	}
	up := func(method, hname string) {
		for i := range m.entries {
			e := &m.entries[i]
			if e.k == k && e.cred == cred && e.method == method && strings.EqualFold(e.hname, hname) && now.Before(e.expires) {
				e.expires = now.Add(d)
				return
			}
		}
		m.entries = append(m.entries, modelEntry{k: k, cred: cred, method: method, hname: hname, expires: now.Add(d)})
	}
	for _, x := range methods {
		up(x, "")
	}
	for _, h := range headers {
		up("", h)
	}
}

func (m *cacheModel) match(e modelEntry, k CacheKey, cred bool, now time.Time) bool {
	if e.k != k || !now.Before(e.expires) {
		return false
	}
	if m.p.SeparateCredentials {
		return e.cred == cred
	}
	return e.cred || !cred
}

func (m *cacheModel) wild(cred bool) bool {
	return !m.p.NoWildcardReuse && (m.p.LiteralCredentialedWildcard || !cred)
}

func (m *cacheModel) matchMethod(k CacheKey, method string, cred bool, now time.Time) bool {
	for _, e := range m.entries {
		if e.method != "" && m.match(e, k, cred, now) && (e.method == method || e.method == "*" && m.wild(cred)) {
			return true
		}
	}
	return false
}

func (m *cacheModel) matchHeader(k CacheKey, name string, cred bool, now time.Time) bool {
	for _, e := range m.entries {
		if e.hname != "" && m.match(e, k, cred, now) && (strings.EqualFold(e.hname, name) ||
			e.hname == "*" && m.wild(cred) && (m.p.CacheWildcardCoversAuthorization || !strings.EqualFold(name, "authorization"))) {
			return true
		}
	}
	return false
}

func (m *cacheModel) live(now time.Time) []CacheEntry {
	var out []CacheEntry
	for _, e := range m.entries {
		if now.Before(e.expires) {
			out = append(out, CacheEntry{Key: e.k, Credentials: e.cred, Method: e.method, HeaderName: e.hname})
		}
	}
	sortEntries(out)
	return out
}

func sortEntries(es []CacheEntry) {
	key := func(e CacheEntry) string {
		return e.Key.Partition + "|" + e.Key.Origin + "|" + e.Key.URL + "|" + boolStr(e.Credentials) + "|" + e.Method + "|" + e.HeaderName
	}
	slices.SortFunc(es, func(a, b CacheEntry) int { return strings.Compare(key(a), key(b)) })
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// TestPreflightCacheStateMachine checks PreflightCache against cacheModel
// under random profiles: store, lookup, advance the clock, clear on
// failure. (Eviction is covered by TestCachePolicies: the model is
// unbounded.)
func TestPreflightCacheStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := Profile{
			ReplaceEntries:                   rapid.Bool().Draw(t, "replace"),
			SeparateCredentials:              rapid.Bool().Draw(t, "separate"),
			NoWildcardReuse:                  rapid.Bool().Draw(t, "noWildcard"),
			LiteralCredentialedWildcard:      rapid.Bool().Draw(t, "literal"),
			WildcardCoversAuthorization:      rapid.Bool().Draw(t, "wildAuth"),
			CacheWildcardCoversAuthorization: rapid.Bool().Draw(t, "cacheWildAuth"),
		}
		c := NewPreflightCache(p, 1)
		m := &cacheModel{p: p}
		now := epoch
		keys := []CacheKey{k1, k2, {Partition: "https://other.example", Origin: page, URL: k1.URL}, {Partition: k1.Partition, Origin: "null", URL: k1.URL}}
		key := rapid.SampledFrom(keys)
		methods := rapid.SliceOfN(rapid.SampledFrom([]string{"GET", "PUT", "DELETE", "patch", "*"}), 0, 3)
		headers := rapid.SliceOfN(rapid.SampledFrom([]string{"x-a", "X-A", "authorization", "content-type", "*"}), 0, 3)
		t.Repeat(map[string]func(*rapid.T){
			"store": func(t *rapid.T) {
				k, cred := key.Draw(t, "k"), rapid.Bool().Draw(t, "cred")
				ms, hs := methods.Draw(t, "methods"), headers.Draw(t, "headers")
				d := time.Duration(rapid.IntRange(0, 10).Draw(t, "maxAge")) * time.Second
				c.Store(k, cred, ms, hs, d, now)
				m.store(k, cred, ms, hs, d, now)
			},
			"matchMethod": func(t *rapid.T) {
				k, cred := key.Draw(t, "k"), rapid.Bool().Draw(t, "cred")
				x := rapid.SampledFrom([]string{"GET", "PUT", "DELETE", "PATCH", "patch", "*"}).Draw(t, "method")
				if got, want := c.MatchMethod(k, x, cred, now), m.matchMethod(k, x, cred, now); got != want {
					t.Fatalf("MatchMethod(%v, %s, cred=%v) = %v, model %v", k, x, cred, got, want)
				}
			},
			"matchHeader": func(t *rapid.T) {
				k, cred := key.Draw(t, "k"), rapid.Bool().Draw(t, "cred")
				x := rapid.SampledFrom([]string{"x-a", "X-a", "x-b", "Authorization", "content-type"}).Draw(t, "name")
				if got, want := c.MatchHeader(k, x, cred, now), m.matchHeader(k, x, cred, now); got != want {
					t.Fatalf("MatchHeader(%v, %s, cred=%v) = %v, model %v", k, x, cred, got, want)
				}
			},
			"advance": func(t *rapid.T) {
				now = now.Add(time.Duration(rapid.IntRange(0, 6000).Draw(t, "ms")) * time.Millisecond)
			},
			"fail": func(t *rapid.T) {
				k := key.Draw(t, "k")
				c.ClearKey(k)
				m.entries = slices.DeleteFunc(m.entries, func(e modelEntry) bool { return e.k == k })
			},
			"": func(t *rapid.T) {
				got := c.Entries(now)
				for i := range got {
					got[i].MaxAge, got[i].Stored, got[i].Expires = 0, time.Time{}, time.Time{}
				}
				want := m.live(now)
				sortEntries(got)
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("entries (-model +cache):\n%s", d)
				}
			},
		})
	})
}

// TestNewPreflightCacheCopiesKnobs: every field of cacheKnobs is the
// same-named Profile field, copied by NewPreflightCache.
func TestNewPreflightCacheCopiesKnobs(t *testing.T) {
	var p Profile
	pv := reflect.ValueOf(&p).Elem()
	kt := reflect.TypeFor[cacheKnobs]()
	for i := range kt.NumField() {
		f := pv.FieldByName(kt.Field(i).Name)
		if !f.IsValid() || f.Type() != kt.Field(i).Type {
			t.Fatalf("cacheKnobs.%s is not a Profile field of the same type", kt.Field(i).Name)
		}
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int:
			f.SetInt(int64(i + 1))
		}
	}
	c := NewPreflightCache(p, 1)
	cv := reflect.ValueOf(c.p)
	for i := range kt.NumField() {
		name := kt.Field(i).Name
		if got, want := cv.Field(i).Interface(), pv.FieldByName(name).Interface(); got != want {
			t.Errorf("cache knob %s = %v, want %v", name, got, want)
		}
	}
}
