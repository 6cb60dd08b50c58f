package corstest

import (
	"fmt"
	"strings"
	"time"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Check holds what one request did in each of the Tester's browsers and
// asserts on it. Every assertion reports a failure with the Tester's TB
// (calling Helper first, so the failure points at the test's line) and
// returns the Check, so assertions chain:
//
//	page.Fetch("PUT", "/api/items", corstest.JSON(`{}`)).Allowed().Exposes("X-Request-Id")
//
// A failure message tells the whole story for the first browser that
// disagrees: the preflight and actual requests as sent, the server's
// answers, every browser's verdict, the console lines and JavaScript error
// a developer would have seen, and a cmp.Diff of the CORS response
// headers that would have made the assertion pass against those the server
// sent. The text is for people and may change between versions; use Result
// for programmatic checks.
type Check struct {
	ts   *Tester
	page *Page
	init fetch.RequestInit
	runs []*run
	bad  bool
	// told is shared by the views of one request (In): set once a
	// failure has told the request's story, so later links of the chain
	// do not repeat it.
	told *bool
	ex   *explain.Explanation
}

// Result returns the fetch result in browser b (compared by profile Name),
// or nil if b is not one of the Tester's browsers.
func (c *Check) Result(b Browser) *fetch.Result {
	if r := c.run(b); r != nil {
		return r.res
	}
	return nil
}

// Console returns the console lines browser b printed for the request (nil
// when it printed none or b is not one of the Tester's browsers).
func (c *Check) Console(b Browser) []string {
	if r := c.run(b); r != nil {
		return r.console
	}
	return nil
}

func (c *Check) run(b Browser) *run {
	for _, r := range c.runs {
		if r.profile.Name == b.Name {
			return r
		}
	}
	return nil
}

// Allowed asserts that in every browser the request succeeded: any
// preflight passed, and the response passed the CORS check, so script can
// read it (https://fetch.spec.whatwg.org/#concept-cors-check).
func (c *Check) Allowed() *Check {
	c.ts.t.Helper()
	if c.bad {
		return c
	}
	var failed []*run
	for _, r := range c.runs {
		if r.res.Blocked() {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		c.ts.t.Errorf("%s", c.story("want: allowed (script reads the response)", failed, nil))
	}
	return c
}

// Blocked asserts that in every browser the request ended in a network
// error, so script sees a TypeError and cannot read the response. Note that
// a blocked request may still have reached the server (a simple request, or
// an actual request whose response fails the CORS check): blocking protects
// the response, not the server; the story says when that happened.
func (c *Check) Blocked() *Check {
	c.ts.t.Helper()
	if c.bad {
		return c
	}
	var failed []*run
	for _, r := range c.runs {
		if !r.res.Blocked() {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		c.ts.t.Errorf("%s", c.story("want: blocked (script must not read the response)", failed, allowedBy))
	}
	return c
}

// Exposes asserts that in every browser script can read each named
// response header: the request is allowed, the server sent the header,
// and it is CORS-safelisted or listed in Access-Control-Expose-Headers
// ("*" counts only for requests without credentials).
// See https://fetch.spec.whatwg.org/#cors-exposed-header-name-list.
func (c *Check) Exposes(names ...string) *Check {
	c.ts.t.Helper()
	if c.bad {
		return c
	}
	var failed []*run
	for _, r := range c.runs {
		if r.res.Blocked() || len(missingReadable(r.res.Response, names)) > 0 {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		want := "want: script reads " + strings.Join(names, ", ")
		need := func(r *run) (headerNeed, string) { return neededForExposed(r, names) }
		if failed[0].res.Blocked() {
			need = nil // blocked: what would make it work at all
		}
		c.ts.t.Errorf("%s", c.story(want, failed, need))
	}
	return c
}

// missingReadable returns the names script cannot read from resp.
func missingReadable(resp *fetch.Response, names []string) []string {
	var out []string
	for _, n := range names {
		if resp == nil || !resp.Header.Contains(n) {
			out = append(out, n)
		}
	}
	return out
}

// PreflightCachedFor asserts that in every browser a preflighted request
// is answered from the CORS-preflight cache when it is repeated d later,
// so users do not pay a preflight round trip per request. It runs the
// request in new browsers, advances their virtual clocks by d (less one
// nanosecond: an entry expires at exactly its max-age) and runs it again.
// Each browser caps max-age (Chromium at 2 h, WebKit at 10 min, Firefox at
// 24 h), so a long d can fail in one browser only.
// See https://fetch.spec.whatwg.org/#cors-preflight-cache.
func (c *Check) PreflightCachedFor(d time.Duration) *Check {
	c.ts.t.Helper()
	if c.bad {
		return c
	}
	var failed []*run
	var notes []string
	for _, r0 := range c.runs {
		r := newRun(r0.profile, c.ts.tr, c.ts.space, c.page.origin, c.init, c.ts.cookies)
		if r.setupErr != nil {
			failed = append(failed, r0)
			continue
		}
		first := r.res
		if first.Blocked() {
			failed = append(failed, r)
			notes = append(notes, displayName(r.profile)+": the first request is blocked, so nothing is cached")
			continue
		}
		if !sentPreflight(first) {
			failed = append(failed, r)
			notes = append(notes, displayName(r.profile)+": the request needs no preflight, so there is nothing to cache (a simple request)")
			continue
		}
		life := cacheLife(r)
		r.advance(d - time.Nanosecond)
		second := r.again()
		if second.Blocked() || sentPreflight(second) {
			failed = append(failed, r)
			notes = append(notes, fmt.Sprintf("%s: after %v the request was preflighted again; the preflight result was cached for %v%s",
				displayName(r.profile), d, life, capNote(r.profile, d)))
		}
	}
	if len(failed) > 0 {
		want := fmt.Sprintf("want: the preflight result reused for at least %v", d)
		s := c.story(want, failed, func(r *run) (headerNeed, string) {
			return neededForMaxAge(r, d)
		})
		c.ts.t.Errorf("%s\n%s", s, strings.Join(notes, "\n"))
	}
	return c
}

// sentPreflight reports whether res sent a CORS-preflight request.
func sentPreflight(res *fetch.Result) bool {
	for _, p := range res.Preflights {
		if p.Sent {
			return true
		}
	}
	return false
}

// cacheLife is how long the longest-lived cache entry the run stored
// stays valid.
func cacheLife(r *run) time.Duration {
	var life time.Duration
	now := r.br.Now()
	for _, e := range r.br.CacheEntries() {
		if l := e.Expires.Sub(now); l > life {
			life = l
		}
	}
	return life
}

func capNote(p Browser, d time.Duration) string {
	if p.MaxAgeCap > 0 && p.MaxAgeCap < d {
		return fmt.Sprintf(" (%s caps Access-Control-Max-Age at %v)", displayName(p), p.MaxAgeCap)
	}
	return ""
}

// VariesOnOrigin asserts that every response the request got lists Origin
// in Vary whenever its Access-Control-* headers depend on the Origin
// request header: when it names an origin in Access-Control-Allow-Origin,
// or when the same request from one of the other origins gets different
// Access-Control-* headers (the server is asked again, in-process, with
// Origin replaced). Without Vary: Origin a shared HTTP cache can hand one
// origin's answer to another, which blocks legitimate pages or, with a
// reflected origin, lets the wrong page in.
// See https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches.
func (c *Check) VariesOnOrigin(others ...string) *Check {
	c.ts.t.Helper()
	if c.bad || len(c.runs) == 0 {
		return c
	}
	for _, o := range others {
		if _, err := policy.ParseOrigin(o); err != nil {
			c.ts.t.Fatalf("corstest: VariesOnOrigin(%q): %v", o, err)
			return c
		}
	}
	r := c.runs[0]
	var problems []string
	for _, ex := range r.res.Wire {
		if ex.Response == nil {
			continue
		}
		if p := c.varyProblem(ex, others); p != "" {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		c.ts.t.Errorf("%s %s from %s: want: Vary lists Origin on responses that depend on it\n%s",
			c.init.Method, c.init.URL, c.page.Origin(), strings.Join(problems, "\n"))
	}
	return c
}
