package cookie

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// modelCookie is the reference model's cookie: what a plain first-party
// cookie jar must hold, keyed by name, host-only-ness and path.
type modelCookie struct {
	value   string
	expires time.Time // zero: session
	created time.Time
	seq     int
}

// TestStateMachineFirstParty drives the real Jar and a small reference
// model side by side with first-party Set-Cookie lines (name, value, Path,
// Domain, Max-Age, no SameSite games), clock steps and queries, and checks
// after every step that the Cookie header is the one the model predicts,
// in RFC 6265bis §5.8.3 order.
func TestStateMachineFirstParty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		clk := &clock{now: t0}
		j := New(Options{Now: clk.Now})
		model := map[string]*modelCookie{} // key: name|domain|path
		seq := 0
		names := []string{"a", "b", "c"}
		paths := []string{"", "/", "/x", "/x/y"}
		hosts := []string{"app.example", "www.app.example"}
		t.Repeat(map[string]func(*rapid.T){
			"store": func(t *rapid.T) {
				host := rapid.SampledFrom(hosts).Draw(t, "host")
				name := rapid.SampledFrom(names).Draw(t, "name")
				value := rapid.StringMatching(`[a-z0-9]{0,3}`).Draw(t, "value")
				path := rapid.SampledFrom(paths).Draw(t, "path")
				domainAttr := rapid.Bool().Draw(t, "domainAttr")
				maxAge := rapid.SampledFrom([]int{0, 0, 30, 90, -1}).Draw(t, "maxAge")
				line := name + "=" + value
				if path != "" {
					line += "; Path=" + path
				}
				domain := host
				if domainAttr {
					line += "; Domain=app.example"
					domain = ".app.example"
				}
				if maxAge != 0 {
					line += fmt.Sprintf("; Max-Age=%d", maxAge)
				}
				res := j.Store([]string{line}, firstParty(t, "https://"+host+"/x/page"))[0]
				if res.Rejected != nil {
					t.Fatalf("%q rejected: %v", line, res.Rejected)
				}
				cpath := path
				if cpath == "" {
					cpath = "/x"
				}
				key := name + "|" + domain + "|" + cpath
				old := model[key]
				if old != nil && !old.expires.IsZero() && !old.expires.After(clk.now) {
					old = nil // expired cookies are evicted, never replaced
				}
				if maxAge < 0 {
					delete(model, key)
					return
				}
				seq++
				m := &modelCookie{value: value, created: clk.now, seq: seq}
				if old != nil {
					m.created, m.seq = old.created, old.seq
				}
				if maxAge > 0 {
					m.expires = clk.now.Add(time.Duration(maxAge) * time.Second)
				}
				model[key] = m
			},
			"advance": func(t *rapid.T) {
				clk.Advance(time.Duration(rapid.IntRange(1, 60).Draw(t, "seconds")) * time.Second)
			},
			"query": func(t *rapid.T) {
				host := rapid.SampledFrom(hosts).Draw(t, "qhost")
				path := rapid.SampledFrom([]string{"/", "/x", "/x/y/z", "/xy"}).Draw(t, "qpath")
				got := j.Cookies(firstParty(t, "https://"+host+path)).Header()
				if want := modelHeader(model, clk.now, host, path); got != want {
					t.Fatalf("https://%s%s: Cookie %q, model says %q", host, path, got, want)
				}
			},
		})
	})
}

// modelHeader computes the Cookie header from the model by brute force.
func modelHeader(model map[string]*modelCookie, now time.Time, host, path string) string {
	type hit struct {
		name, path string
		m          *modelCookie
	}
	var hits []hit
	for key, m := range model {
		if !m.expires.IsZero() && !m.expires.After(now) {
			continue
		}
		parts := strings.Split(key, "|")
		name, domain, cpath := parts[0], parts[1], parts[2]
		if strings.HasPrefix(domain, ".") {
			d := domain[1:]
			if host != d && !strings.HasSuffix(host, "."+d) {
				continue
			}
		} else if host != domain {
			continue
		}
		if !(path == cpath || strings.HasPrefix(path, cpath) && (strings.HasSuffix(cpath, "/") || path[len(cpath)] == '/')) {
			continue
		}
		hits = append(hits, hit{name, cpath, m})
	}
	sort.Slice(hits, func(a, b int) bool {
		if len(hits[a].path) != len(hits[b].path) {
			return len(hits[a].path) > len(hits[b].path)
		}
		if !hits[a].m.created.Equal(hits[b].m.created) {
			return hits[a].m.created.Before(hits[b].m.created)
		}
		return hits[a].m.seq < hits[b].m.seq
	})
	var s []string
	for _, h := range hits {
		s = append(s, h.name+"="+h.m.value)
	}
	return strings.Join(s, "; ")
}
