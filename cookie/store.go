package cookie

import (
	"net/http"
	"strings"
	"time"

	"github.com/corsim/corsim/policy"
)

// StoreResult is what happened to one Set-Cookie line.
type StoreResult struct {
	// Line is the Set-Cookie value as received.
	Line string
	// Cookie is the cookie as stored (or deleted), nil when rejected.
	Cookie *Cookie
	// Deleted is true when the line expired a cookie (Max-Age=0, an
	// Expires in the past): any matching cookie is removed, none is stored.
	Deleted bool
	// Rejected says why the line was ignored; nil when it was stored.
	Rejected *policy.Failure
	// DevToolsReason is Chromium's DevTools name for Rejected, or "".
	DevToolsReason string
}

// Store processes the Set-Cookie lines of one response to r, in order, as
// "parse and store response Set-Cookie headers" does
// (https://fetch.spec.whatwg.org/#set-cookie-header), and returns one
// result per line.
func (j *Jar) Store(lines []string, r Request) []StoreResult {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	j.evictExpired(now)
	out := make([]StoreResult, 0, len(lines))
	for _, line := range lines {
		res := j.store(line, r, now)
		if res.Rejected != nil && res.DevToolsReason == "" {
			res.DevToolsReason = DevToolsReason(res.Rejected.Code)
		}
		out = append(out, res)
	}
	return out
}

// store implements "receive a cookie" (RFC 6265bis §5.6 and §5.7) for one
// line, with the knobs of j.policy.
func (j *Jar) store(line string, r Request, now time.Time) StoreResult {
	res := StoreResult{Line: line}
	reject := func(f *policy.Failure) StoreResult { res.Rejected = f; return res }
	if !r.IncludeCredentials {
		return reject(fail(CodeSetCookieNoCredentials, specFetch+"#concept-http-network-fetch", "",
			"the request was made without credentials, so the browser ignores Set-Cookie in its response"))
	}
	if r.URL == nil {
		return reject(fail(CodeSetCookieInvalidDomain, spec6265bis+"section-5.7", "", "the response has no URL"))
	}
	// §5.6: parse the set-cookie-string (net/http's parser; see parse notes).
	hc, err := http.ParseSetCookie(line)
	if err != nil {
		return reject(fail(CodeSetCookieSyntax, spec6265bis+"section-5.6", "",
			"the Set-Cookie line cannot be parsed: "+strings.TrimPrefix(err.Error(), "http: ")))
	}
	name := hc.Name
	// §5.6 step 5 / §5.7 step 4.
	if len(hc.Name)+len(hc.Value) > 4096 {
		return reject(fail(CodeSetCookieTooLarge, spec6265bis+"section-5.6", name,
			"the cookie's name and value together are longer than 4096 bytes"))
	}
	c := &Cookie{Name: hc.Name, Value: hc.Value, Secure: hc.Secure, HTTPOnly: hc.HttpOnly, Created: now}
	// §5.7 step 6: expiry from Max-Age, else Expires, capped (§5.5).
	j.setExpiry(c, hc, now)
	// §5.7 steps 7-10: the domain.
	host, ok := canonicalHost(r.URL)
	if !ok {
		return reject(fail(CodeSetCookieInvalidDomain, spec6265bis+"section-5.7", name, "the response's URL has no host"))
	}
	domain := strings.ToLower(strings.TrimPrefix(hc.Domain, "."))
	if domain != "" {
		if ps := j.psl.PublicSuffix(domain); ps == domain && isHostName(domain) {
			if domain != host { // step 9
				return reject(fail(CodeSetCookieInvalidDomain, spec6265bis+"section-5.7", name,
					"Domain="+domain+" is a public suffix, and a cookie for a whole public suffix is refused"))
			}
			domain = ""
		}
	}
	if domain != "" {
		if !domainMatch(host, domain) { // step 10
			return reject(fail(CodeSetCookieInvalidDomain, spec6265bis+"section-5.7", name,
				"Domain="+domain+" does not cover the host "+host+" that sent the cookie"))
		}
		c.Domain = domain
	} else {
		c.HostOnly, c.Domain = true, host
	}
	// §5.7 step 11: the path.
	if strings.HasPrefix(hc.Path, "/") {
		c.Path = hc.Path
	} else {
		c.Path = defaultPath(r.URL)
	}
	secureURL := j.isSecure(r.URL)
	// Step 13.
	if c.Secure && !secureURL {
		return reject(fail(CodeSetCookieSecureOnly, spec6265bis+"section-5.7", name,
			"the cookie has the Secure attribute but came over a connection that is not secure ("+r.URL.Scheme+":)"))
	}
	// Step 16.
	if !c.Secure && !secureURL && j.shadowsSecure(c) {
		return reject(fail(CodeSetCookieOverwriteSecure, spec6265bis+"section-5.7", name,
			"a Secure cookie with the same name already exists for this domain and path, and a cookie from an insecure connection may not replace it"))
	}
	// Step 17.
	switch hc.SameSite {
	case http.SameSiteLaxMode:
		c.SameSite = SameSiteLax
	case http.SameSiteStrictMode:
		c.SameSite = SameSiteStrict
	case http.SameSiteNoneMode:
		c.SameSite = SameSiteNone
	}
	// Step 18: SameSite cookies only from same-site responses or top-level navigations.
	eff := j.effectiveSameSite(c)
	if eff != SameSiteNone && !j.sameSiteRequest(r) && r.Kind != TopLevelNavigation {
		res.DevToolsReason = sameSiteDevTools(c.SameSite)
		why := "the response is cross-site (and not a top-level navigation)"
		if j.crossSiteOnlyByScheme(r) {
			res.DevToolsReason = "Schemeful" + res.DevToolsReason
			why = "the response is cross-site because its scheme differs from the page's (http and https are different sites)"
		}
		f := fail(CodeSetCookieSameSite, spec6265bis+"section-5.7", name,
			"the cookie is SameSite="+sameSiteWords(c)+" and "+why+", so the browser does not store it")
		res.Rejected = f
		return res
	}
	// Step 19.
	if c.SameSite == SameSiteNone && !c.Secure && j.policy.NoneRequiresSecure {
		return reject(fail(CodeSetCookieNoneInsecure, spec6265bis+"section-5.7", name,
			"SameSite=None requires the Secure attribute"))
	}
	// Steps 20-22: prefixes.
	if f := j.checkPrefixes(c, hc); f != nil {
		return reject(f)
	}
	// CHIPS: Partitioned requires Secure; the cookie goes to the top-level site's jar.
	if hc.Partitioned && j.policy.Partitioned {
		if !c.Secure {
			return reject(fail(CodeSetCookiePartitionedInsecure, specCHIPS, name,
				"a Partitioned cookie must also be Secure"))
		}
		c.Partitioned = true
		c.Partition = j.partitionKey(r)
	}
	// Third-party cookie setting.
	if !c.Partitioned && j.thirdParty(r) {
		switch j.policy.ThirdParty {
		case ThirdPartyBlock, ThirdPartyBlockNew:
			return reject(fail(CodeSetCookieThirdPartyBlocked, spec6265bis+"section-7.1", name,
				"the response is third-party to the top-level site "+policy.Site(r.TopLevel, j.psl)+" and third-party cookies are blocked"))
		case ThirdPartyPartition:
			c.Partition = j.partitionKey(r)
		}
	}
	// Step 23: replace the old cookie, keeping its creation time (and its
	// place among cookies created at the same instant).
	seq := int64(0)
	if old := j.find(c); old >= 0 {
		c.Created = j.cookies[old].Created
		seq = j.order[j.cookies[old]]
		delete(j.order, j.cookies[old])
		j.cookies = append(j.cookies[:old], j.cookies[old+1:]...)
	}
	res.Cookie = c
	if c.Persistent && !c.Expires.After(now) {
		res.Deleted = true
		return res
	}
	// Step 24.
	if seq == 0 {
		j.seq++
		seq = j.seq
	}
	j.order[c] = seq
	j.cookies = append(j.cookies, c)
	return res
}

// setExpiry implements §5.6.1-§5.6.2 and §5.7 step 6 with the lifetime cap
// of §5.5. net/http parses Max-Age (it ignores values with a leading zero,
// where the draft accepts them) and keeps Expires raw; the draft's date
// algorithm reads it.
func (j *Jar) setExpiry(c *Cookie, hc *http.Cookie, now time.Time) {
	limit := now.Add(j.policy.MaxLifetime)
	switch {
	case hc.MaxAge < 0:
		c.Persistent, c.Expires = true, time.Unix(0, 0).UTC()
	case hc.MaxAge > 0:
		c.Persistent = true
		if time.Duration(hc.MaxAge)*time.Second > j.policy.MaxLifetime || hc.MaxAge > 1<<40 {
			c.Expires = limit
		} else {
			c.Expires = now.Add(time.Duration(hc.MaxAge) * time.Second)
		}
	case hc.RawExpires != "":
		if t, ok := parseCookieDate(hc.RawExpires); ok {
			c.Persistent = true
			if t.After(limit) {
				t = limit
			}
			c.Expires = t
		}
	}
}

// shadowsSecure implements §5.7 step 16's search for an existing Secure
// cookie with the same name whose domain domain-matches the new one's (or
// vice versa) and whose path the new cookie's path path-matches.
func (j *Jar) shadowsSecure(c *Cookie) bool {
	for _, o := range j.cookies {
		if o.Secure && o.Name == c.Name && o.Partition == c.Partition &&
			(domainMatch(o.Domain, c.Domain) || domainMatch(c.Domain, o.Domain)) &&
			pathMatch(c.Path, o.Path) {
			return true
		}
	}
	return false
}

// checkPrefixes implements §5.7 steps 20-22 (case-insensitive prefixes) and,
// with Policy.HTTPPrefixes, the __Http- and __Host-Http- rules of the
// layered-cookies draft's "Store a Cookie".
func (j *Jar) checkPrefixes(c *Cookie, hc *http.Cookie) *policy.Failure {
	if j.policy.IgnorePrefixes {
		return nil
	}
	lower := strings.ToLower(c.Name)
	bad := func(why string) *policy.Failure {
		return fail(CodeSetCookiePrefix, spec6265bis+"section-5.7", c.Name, "a cookie named "+c.Name+" "+why)
	}
	hostOK := c.Secure && c.HostOnly && hc.Path == "/"
	switch {
	case strings.HasPrefix(lower, "__secure-") && !c.Secure:
		return bad("must have the Secure attribute")
	case strings.HasPrefix(lower, "__host-") && !hostOK:
		return bad("must have Secure and Path=/ and no Domain attribute")
	case j.policy.HTTPPrefixes && strings.HasPrefix(lower, "__http-") && !(c.Secure && c.HTTPOnly):
		return bad("must have the Secure and HttpOnly attributes")
	case j.policy.HTTPPrefixes && strings.HasPrefix(lower, "__host-http-") && !(hostOK && c.HTTPOnly):
		return bad("must have Secure, HttpOnly and Path=/ and no Domain attribute")
	}
	return nil
}

// find returns the index of the cookie with the same name, domain,
// host-only-flag, path and partition as c, or -1 (§5.7 step 23).
func (j *Jar) find(c *Cookie) int {
	for i, o := range j.cookies {
		if o.Name == c.Name && o.Domain == c.Domain && o.HostOnly == c.HostOnly && o.Path == c.Path && o.Partition == c.Partition {
			return i
		}
	}
	return -1
}

func sameSiteWords(c *Cookie) string {
	if c.SameSite == SameSiteUnset {
		return "Lax by default (it has no SameSite attribute)"
	}
	return c.SameSite.String()
}

func sameSiteDevTools(s SameSite) string {
	switch s {
	case SameSiteStrict:
		return "SameSiteStrict"
	case SameSiteLax:
		return "SameSiteLax"
	}
	return "SameSiteUnspecifiedTreatedAsLax"
}
