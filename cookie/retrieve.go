package cookie

import (
	"sort"
	"strings"
	"time"

	"github.com/corsim/corsim/policy"
)

// Withheld is a stored cookie whose domain and path match a request but
// that the request does not carry, with every reason that keeps it out.
type Withheld struct {
	// Cookie is the cookie left out.
	Cookie Cookie
	// Reasons are every rule that leaves it out, in the order checked
	// (credentials, Secure, SameSite, partitions and the third-party setting).
	Reasons []*policy.Failure
	// DevToolsReasons are Chromium's DevTools names of Reasons, where known.
	DevToolsReasons []string
}

// Retrieval is the outcome of Cookies: the cookies sent, in Cookie header
// order, and those withheld.
type Retrieval struct {
	// Sent are the cookies the request carries, in Cookie header order.
	Sent []Cookie
	// Withheld are the cookies whose domain and path match but that stay out.
	Withheld []Withheld
}

// Header returns the Cookie header value for the sent cookies, or "" when
// none are sent ("serialize cookies", RFC 6265bis §5.8.3 step 6).
func (r Retrieval) Header() string {
	var b strings.Builder
	for i, c := range r.Sent {
		if i > 0 {
			b.WriteString("; ")
		}
		if c.Name != "" {
			b.WriteString(c.Name)
			b.WriteByte('=')
		}
		b.WriteString(c.Value)
	}
	return b.String()
}

// Cookies implements the retrieval algorithm (RFC 6265bis §5.8.3) for an
// HTTP request, with the knobs of the jar's Policy, and says for every
// matching cookie it leaves out why.
func (j *Jar) Cookies(r Request) Retrieval {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	j.evictExpired(now)
	var out Retrieval
	if r.URL == nil {
		return out
	}
	host, ok := canonicalHost(r.URL)
	if !ok {
		return out // step 2
	}
	path := requestPath(r.URL)
	secure := j.isSecure(r.URL)
	sameSite := j.sameSiteRequest(r)
	schemeOnly := !sameSite && j.crossSiteOnlyByScheme(r)
	thirdParty := j.thirdParty(r)
	key := j.partitionKey(r)
	var sent []*Cookie
	for _, c := range j.cookies {
		// Step 3: domain and path decide whether the cookie is relevant at all.
		if c.HostOnly && host != c.Domain || !c.HostOnly && !domainMatch(host, c.Domain) {
			continue
		}
		if !pathMatch(path, c.Path) {
			continue
		}
		reasons := j.withholdReasons(c, r, now, secure, sameSite, schemeOnly, thirdParty, key)
		if len(reasons) == 0 {
			sent = append(sent, c)
			continue
		}
		w := Withheld{Cookie: *c, Reasons: reasons}
		for _, f := range reasons {
			name := DevToolsReason(f.Code)
			if schemeOnly && strings.HasPrefix(name, "SameSite") {
				name = "Schemeful" + name
			}
			w.DevToolsReasons = append(w.DevToolsReasons, name)
		}
		out.Withheld = append(out.Withheld, w)
	}
	// Step 4: longer paths first, then earlier creation, then insertion.
	sort.SliceStable(sent, func(a, b int) bool {
		x, y := sent[a], sent[b]
		if len(x.Path) != len(y.Path) {
			return len(x.Path) > len(y.Path)
		}
		if !x.Created.Equal(y.Created) {
			return x.Created.Before(y.Created)
		}
		return j.order[x] < j.order[y]
	})
	for _, c := range sent {
		out.Sent = append(out.Sent, *c)
	}
	return out
}

// withholdReasons collects why a domain- and path-matching cookie is not
// sent; none means it is sent.
func (j *Jar) withholdReasons(c *Cookie, r Request, now time.Time, secure, sameSite, schemeOnly, thirdParty bool, key string) []*policy.Failure {
	var rs []*policy.Failure
	add := func(code policy.Code, spec, msg string) { rs = append(rs, fail(code, spec, c.Name, msg)) }
	if !r.IncludeCredentials {
		add(CodeCookieNoCredentials, specFetch+"#concept-http-network-or-cache-fetch",
			"the request does not include credentials (credentials mode omit, or same-origin and the request is cross-origin)")
	}
	// Step 3, secure-only-flag.
	if c.Secure && !secure {
		add(CodeCookieSecureOnly, spec6265bis+"section-5.8.3",
			"the cookie is Secure and the request is not over a secure connection ("+r.URL.Scheme+":)")
	}
	// Step 3, same-site-flag (with Lax-Allowing-Unsafe, §5.6.7.2).
	if !sameSite {
		cross := "the request is cross-site"
		if schemeOnly {
			cross = "the request is cross-site because its scheme differs from the page's (http and https are different sites)"
		}
		topNav := r.Kind == TopLevelNavigation
		safe := isSafeMethod(r.Method)
		switch j.effectiveSameSite(c) {
		case SameSiteStrict:
			add(CodeCookieSameSiteStrict, spec6265bis+"section-5.8.3",
				"the cookie is SameSite=Strict and "+cross)
		case SameSiteLax:
			if !(topNav && safe) {
				add(CodeCookieSameSiteLax, spec6265bis+"section-5.8.3",
					"the cookie is SameSite=Lax and "+cross+laxWhy(topNav))
			}
		case SameSiteUnset:
			recent := j.policy.LaxAllowUnsafe > 0 && now.Sub(c.Created) <= j.policy.LaxAllowUnsafe
			if !(topNav && (safe || recent)) {
				add(CodeCookieSameSiteUnspecified, spec6265bis+"section-5.8.3",
					"the cookie has no SameSite attribute, which this browser treats as Lax, and "+cross+laxWhy(topNav))
			}
		}
	}
	// Partitions and the third-party cookie setting.
	switch {
	case c.Partition != "" && c.Partition != key:
		add(CodeCookieOtherPartition, specCHIPS,
			"the cookie was stored under the top-level site "+c.Partition+" and this request is made under "+key)
	case c.Partition == "" && thirdParty && j.policy.ThirdParty == ThirdPartyBlock:
		add(CodeCookieThirdPartyBlocked, spec6265bis+"section-7.1",
			"the request is third-party to the top-level site "+key+" and third-party cookies are blocked")
	case c.Partition == "" && thirdParty && j.policy.ThirdParty == ThirdPartyPartition:
		add(CodeCookieOtherPartition, spec6265bis+"section-7.1",
			"the cookie is in the first-party jar, and in a third-party context under "+key+" the browser uses that site's separate jar")
	}
	return rs
}

func laxWhy(topNav bool) string {
	if topNav {
		return " and the navigation uses an unsafe method"
	}
	return " and is not a top-level navigation"
}
