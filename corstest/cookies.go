package corstest

import (
	"strings"

	"github.com/corsim/corsim/explain"
)

// cookieSeed is a cookie the user has before every request.
type cookieSeed struct{ url, line string }

// Cookie seeds every browser with a cookie before each request, as if the
// server at url had set it with the Set-Cookie value line on a first-party
// visit (the user logged in there): Cookie("https://api.example/",
// "sid=1; SameSite=None; Secure"). Each browser stores it under its own
// rules; one that refuses it (SameSite=None without Secure in Chromium)
// fails the test with the reason.
func Cookie(url, line string) Option {
	return func(ts *Tester) { ts.cookies = append(ts.cookies, cookieSeed{url, line}) }
}

// LoggedIn returns a Tester like ts whose browsers also hold the cookie
// line, set first-party by origin's server at its root path: the user is
// logged in to origin. ts itself is unchanged, so parallel subtests may
// share it.
func (ts *Tester) LoggedIn(origin, line string) *Tester {
	c := *ts
	c.cookies = append(append([]cookieSeed(nil), ts.cookies...), cookieSeed{strings.TrimSuffix(origin, "/") + "/", line})
	return &c
}

// SendsCookie asserts that in every browser the request (its first hop)
// carried the cookie called name in its Cookie header.
// See https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch.
func (c *Check) SendsCookie(name string) *Check {
	c.ts.t.Helper()
	return c.cookieCheck("want: the request carries the cookie "+name, name, explain.CookieSent)
}

// WithholdsCookie asserts that in every browser the cookie called name was
// in the jar for the request's URL but left out (SameSite, the third-party
// cookie setting, partitions, the credentials mode); the failure message
// says why it was sent where it was.
func (c *Check) WithholdsCookie(name string) *Check {
	c.ts.t.Helper()
	return c.cookieCheck("want: the browser withholds the cookie "+name, name, explain.CookieWithheld)
}

// StoresCookie asserts that in every browser a Set-Cookie line of the
// response stored the cookie called name.
// See https://fetch.spec.whatwg.org/#concept-http-network-fetch.
func (c *Check) StoresCookie(name string) *Check {
	c.ts.t.Helper()
	return c.cookieCheck("want: the browser stores the cookie "+name, name, explain.CookieStored)
}

// cookieCheck asserts that every run has a cookie note with outcome for
// the cookie called name.
func (c *Check) cookieCheck(want, name, outcome string) *Check {
	c.ts.t.Helper()
	if c.bad {
		return c
	}
	ex := c.explanation()
	var failed []*run
	notes := map[*run]string{}
	for i, r := range c.runs {
		ok := false
		var said []string
		for _, n := range ex.Runs[i].Cookies {
			if n.Name == name {
				said = append(said, n.Text)
				ok = ok || n.Outcome == outcome
			}
		}
		if !ok {
			failed = append(failed, r)
			notes[r] = strings.Join(said, " ")
			if len(said) == 0 {
				notes[r] = "the browser has no cookie called " + name + " for this request"
			}
		}
	}
	if len(failed) > 0 {
		need := func(r *run) (headerNeed, string) { return headerNeed{}, notes[r] }
		c.ts.t.Errorf("%s", c.story(want, failed, need))
	}
	return c
}
