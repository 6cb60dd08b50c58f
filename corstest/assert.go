package corstest

import (
	"fmt"
	"slices"

	"github.com/corsim/corsim/policy"
)

// NeverReached asserts that in every browser the server never received
// the request itself: only a preflight (if any) reached it, so the
// handler's side effects did not happen. A CORS block alone does not give
// this: a simple request, or one whose preflight passed, reaches the
// server even when script is then refused the response.
// See https://fetch.spec.whatwg.org/#cors-preflight-fetch.
func (c *Check) NeverReached() *Check {
	c.ts.t.Helper()
	if c.bad {
		return c
	}
	var failed []*run
	for _, r := range c.runs {
		if sentActual(r) {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		c.ts.t.Errorf("%s", c.story("want: the server never receives the request itself", failed, func(r *run) (headerNeed, string) {
			for _, p := range r.res.Preflights {
				switch {
				case p.Sent:
					return headerNeed{}, "the preflight passed, so the request itself went to the server"
				case p.FromCache:
					return headerNeed{}, "the preflight cache allowed the request, so it went to the server without a preflight"
				}
			}
			return headerNeed{}, "the request needs no preflight (a simple request), so nothing stopped it before the server"
		}))
	}
	return c
}

// sentActual reports whether the request itself (not a preflight) reached
// the server.
func sentActual(r *run) bool {
	for _, x := range r.res.Wire {
		if !x.Preflight {
			return true
		}
	}
	return false
}

// FailsWith asserts that in every browser the request was refused with
// the failure code (missing-allow-origin, preflight-status-not-ok, …; the
// codes of package policy and package fetch), so script sees a TypeError.
func (c *Check) FailsWith(code policy.Code) *Check {
	c.ts.t.Helper()
	if c.bad {
		return c
	}
	var failed []*run
	for _, r := range c.runs {
		if r.res.Err == nil || r.res.Err.Code != code {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		c.ts.t.Errorf("%s", c.story(fmt.Sprintf("want: refused with %s", code), failed, func(r *run) (headerNeed, string) {
			if r.res.Err == nil {
				return allowedBy(r)
			}
			return headerNeed{}, fmt.Sprintf("refused with %s instead: %s", r.res.Err.Code, r.res.Err.Message)
		}))
	}
	return c
}

// In returns the check narrowed to browser b: the assertions chained on
// it look at b alone, for a behaviour one browser has and the others do
// not. The story of the request is still told once for the whole chain.
// b must be one of the Tester's browsers.
func (c *Check) In(b Browser) *Check {
	c.ts.t.Helper()
	if c.bad {
		return c
	}
	i := slices.IndexFunc(c.runs, func(r *run) bool { return r.profile.Name == b.Name })
	if i < 0 {
		c.ts.t.Fatalf("corstest: In(%s): not one of the Tester's browsers (see Browsers)", displayName(b))
		return &Check{ts: c.ts, page: c.page, init: c.init, bad: true, told: c.told}
	}
	return &Check{ts: c.ts, page: c.page, init: c.init, runs: c.runs[i : i+1], told: c.told}
}
