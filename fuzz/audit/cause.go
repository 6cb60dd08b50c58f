package audit

import (
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
)

// causeTitles names, for each origin-trust class, the server behaviour
// that lets such origins in: findings are grouped by it.
var causeTitles = map[Class]string{
	ClassReflectOrigin:  "reflects any Origin",
	ClassTrustNull:      "accepts the origin null",
	ClassPrefixMatch:    "prefix match: trusts any origin that starts with a trusted one",
	ClassSuffixMatch:    "suffix match: trusts any host that ends with a trusted host",
	ClassNotEscapeDot:   "unanchored or unescaped regular expression: a dot in a trusted origin matches any byte",
	ClassIncludeMatch:   "substring match: trusts hosts that are part of a trusted host",
	ClassAnySubdomain:   "trusts any subdomain",
	ClassHTTPSTrustHTTP: "trusts the http:// twin of an https:// origin",
	ClassPortVariant:    "ignores the port: trusts a trusted host on any port",
	ClassSpecialChars:   "broken host parsing: a special character after a trusted host is accepted",
	ClassThirdParty:     "trusts a third-party hosting service anyone can publish on",
	ClassLocalhost:      "trusts localhost or loopback origins (development origins)",
	ClassMutated:        "trusts other look-alike origins",
}

// maxEvidence bounds the origins a finding lists as evidence; the count
// says how many there were.
const maxEvidence = 8

// causes groups the endpoint's hits by the server behaviour that lets
// them in. A server that reflects any Origin (the attacker's own domain
// reads) lets every other hit in for the same reason, so those hits are
// its evidence, not causes of their own; a prefix match likewise
// explains the special-character origins and a suffix match the
// subdomains; otherwise each class is one
// cause. Credentialed and uncredentialed reads of one cause are one
// finding, ranked by the worse.
func (e *epAudit) causes() []Finding {
	if len(e.hits) == 0 {
		return nil
	}
	reflectCreds, reflect := false, false
	for _, h := range e.hits {
		if h.c.Class == ClassReflectOrigin {
			reflect = true
			reflectCreds = reflectCreds || h.creds
		}
	}
	prefix := slices.ContainsFunc(e.hits, func(h hit) bool { return h.c.Class == ClassPrefixMatch })
	// A suffix-match origin under a trusted registrable domain
	// (https://evilwww.target.example) is also a subdomain: when a sibling
	// subdomain that is a suffix of no trusted host reads too
	// (https://evil.target.example) and no suffix-match origin outside the
	// domain does (https://eviltarget.example), the server trusts any
	// subdomain, not a suffix.
	var sibling, outside bool
	for _, h := range e.hits {
		switch {
		case h.c.Class == ClassAnySubdomain && e.sibling(h.c.Origin):
			sibling = true
		case h.c.Class == ClassSuffixMatch && !e.a.underOwnDomain(h.c.Origin):
			outside = true
		}
	}
	if sibling && !outside {
		for i, h := range e.hits {
			if h.c.Class == ClassSuffixMatch {
				e.hits[i].c.Class = ClassAnySubdomain
			}
		}
	}
	suffix := slices.ContainsFunc(e.hits, func(h hit) bool { return h.c.Class == ClassSuffixMatch })
	include := slices.ContainsFunc(e.hits, func(h hit) bool { return h.c.Class == ClassIncludeMatch })
	var order []Class
	groups := map[Class][]hit{}
	for _, h := range e.hits {
		c := h.c.Class
		switch {
		case reflect && (reflectCreds || !h.creds):
			c = ClassReflectOrigin
		case prefix && c == ClassSpecialChars:
			// A server that lets in whatever starts with a trusted origin
			// lets in "https://www.target.example!.evil.example" for the
			// same reason.
			c = ClassPrefixMatch
		case prefix && c == ClassPortVariant && e.a.startsWithOwn(h.c.Origin):
			// https://www.target.example:8443 starts with the trusted
			// origin too.
			c = ClassPrefixMatch
		case include && c == ClassAnySubdomain && e.a.insideOwnHost(h.c.Origin):
			// https://target.example is a substring of www.target.example.
			c = ClassIncludeMatch
		case suffix && c == ClassAnySubdomain:
			// Whatever ends with a trusted host includes its subdomains.
			c = ClassSuffixMatch
		}
		if _, ok := groups[c]; !ok {
			order = append(order, c)
		}
		groups[c] = append(groups[c], h)
	}
	var out []Finding
	for _, c := range order {
		hs := groups[c]
		// The representative: credentialed first, then the class's own
		// candidates, then the catalogue order.
		best := 0
		for i, h := range hs {
			b := hs[best]
			if h.creds && !b.creds || h.creds == b.creds && h.c.Class == c && b.c.Class != c {
				best = i
			}
		}
		rep := hs[best]
		f := Finding{Class: c, Endpoint: e.ep, Origin: rep.c.Origin, Credentialed: rep.creds,
			Preflighted: rep.preflight, Browsers: rep.browsers, Accepted: rep.accepted,
			Repro: rep.repro, EvidenceCount: len(hs)}
		f.Severity = SeverityHigh
		title := causeTitles[c]
		if rep.creds {
			f.Severity = SeverityCritical
			title += ", with credentials"
		} else {
			title += ", without credentials"
		}
		f.Title = e.a.intern(title)
		f.Evidence = append(f.Evidence, rep.c.Origin)
		for _, h := range hs {
			if len(f.Evidence) == maxEvidence {
				break
			}
			if h.c.Origin != rep.c.Origin {
				f.Evidence = append(f.Evidence, h.c.Origin)
			}
		}
		f.Acceptance = rep.acceptance
		f.Detail = e.a.intern(causeDetail(rep, len(hs)))
		out = append(out, f)
	}
	return out
}

// startsWithOwn reports whether origin starts with one of the site's own
// exact origins.
func (a *auditor) startsWithOwn(origin string) bool {
	for _, b := range a.own {
		if !b.pattern && strings.HasPrefix(origin, b.raw) {
			return true
		}
	}
	return false
}

// insideOwnHost reports whether origin's host is a substring of one of
// the site's hosts.
func (a *auditor) insideOwnHost(origin string) bool {
	o, err := policy.ParseOrigin(origin)
	if err != nil || o.IsOpaque() {
		return false
	}
	for _, b := range a.own {
		if strings.Contains(b.host, o.Host()) {
			return true
		}
	}
	return false
}

// sibling reports whether origin's host is under a trusted registrable
// domain but under none of the site's hosts nor the endpoint's host.
func (e *epAudit) sibling(origin string) bool {
	o, err := policy.ParseOrigin(origin)
	if err != nil || o.IsOpaque() || !e.a.underOwnDomain(origin) {
		return false
	}
	if strings.HasSuffix(o.Host(), "."+e.u.Hostname()) {
		return false
	}
	for _, b := range e.a.own {
		if strings.HasSuffix(o.Host(), "."+b.host) {
			return false
		}
	}
	return true
}

// causeDetail says in a sentence what an attacker's page can do.
func causeDetail(rep hit, n int) string {
	var b strings.Builder
	if rep.creds {
		b.WriteString("a page at an attacker's origin reads the response with the user's cookies")
	} else {
		b.WriteString("a page at an attacker's origin reads the response without credentials: what the endpoint returns to the victim's network position (intranet, IP allow-list) leaks")
	}
	if rep.blind {
		b.WriteString("; seen in the CORS-preflight only: the actual " + rep.method + " was not sent (allow unsafe methods to see its answer)")
	} else if rep.preflight {
		b.WriteString("; needs a preflighted " + rep.method)
	}
	if rep.c.Class == ClassSpecialChars {
		var sent, not []string
		for _, a := range rep.acceptance {
			if a.Accepts {
				sent = append(sent, a.Profile+" ("+a.Source+")")
			} else {
				not = append(not, a.Profile+" ("+a.Source+")")
			}
		}
		b.WriteString("; browsers that send such an Origin: " + strings.Join(sent, ", "))
		if len(not) > 0 {
			b.WriteString("; not sent by " + strings.Join(not, ", "))
		}
	}
	if n > 1 {
		b.WriteString("; " + itoaPlural(n, "origin") + " of the catalogue read")
	}
	return b.String()
}

func itoaPlural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}

// sameCause reports whether two findings at different endpoints come from
// the same server behaviour, so that a report lists them once.
func sameCause(a, b Finding) bool {
	return a.Class == b.Class && a.Severity == b.Severity && a.Title == b.Title &&
		slices.Equal(a.Browsers, b.Browsers) && a.EvidenceCount == b.EvidenceCount
}
