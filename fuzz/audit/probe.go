package audit

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
)

// probeKind is one way of sending an attempt: a simple GET or a GET made
// non-simple by ProbeHeader (so a CORS-preflight goes first), each with
// credentials mode include or omit. The order is the order of preference
// for a reproduction: simplest first.
type probeKind struct{ creds, preflight bool }

var probeKinds = [4]probeKind{{true, false}, {false, false}, {true, true}, {false, true}}

// attempt is what the profiles made of one origin at one endpoint.
type attempt struct {
	credBy, anonBy []string // profiles that let a credentialed / uncredentialed probe read
	credKind       int      // index in probeKinds of the first credentialed probe that read, or -1
	anonKind       int
	acao           string              // Access-Control-Allow-Origin of a read response
	actual         *fetch.WireResponse // the actual response of the simple uncredentialed probe
	wildcardCreds  bool                // a credentialed probe failed on ACAO * with credentials
	simpleOK       bool                // the simple uncredentialed probe read (first profile)
	preflightErr   *policy.Failure     // why the preflighted uncredentialed probe failed (first profile)
}

// try sends the four probes from origin to ep with every profile that
// accepts the origin string.
func (a *auditor) try(ep, origin string, acc []Acceptance) attempt {
	at := attempt{credKind: -1, anonKind: -1}
	client, ok := clientFor(origin)
	if !ok {
		return at
	}
	var reqs [len(probeKinds)]*fetch.Request
	for k, pk := range probeKinds {
		init := fetch.RequestInit{Method: "GET", URL: ep, Mode: fetch.ModeCORS, Credentials: fetch.CredentialsOmit}
		if pk.creds {
			init.Credentials = fetch.CredentialsInclude
		}
		if pk.preflight {
			init.Header = policy.HeaderList{{Name: ProbeHeader, Value: "1"}}
		}
		r, err := fetch.NewRequest(client, init)
		if err != nil {
			return at
		}
		reqs[k] = r
	}
	first := true
	for i, f := range a.fetchers {
		if !acc[i].Accepts {
			continue
		}
		var cred, anon bool
		for k, pk := range probeKinds {
			if pk.preflight && cred && anon && !first {
				break // both simple probes read: the preflighted ones add nothing
			}
			res := f.Fetch(a.ctx, reqs[k])
			a.rep.Probes++
			read := res.Err == nil && res.Response != nil && res.Response.Type == fetch.TypeCORS
			if res.Err != nil && res.Err.Code == policy.CodeWildcardOriginWithCredentials && allowsCredentials(res) {
				at.wildcardCreds = true
			}
			if first && k == 1 {
				at.simpleOK = read
				at.actual = lastActual(res)
			}
			if first && k == 3 && res.Err != nil && res.FailedInPreflight {
				at.preflightErr = res.Err
			}
			if !read {
				continue
			}
			if at.acao == "" {
				at.acao, _ = res.Response.Internal.Header.Get("Access-Control-Allow-Origin")
				at.acao = strings.Trim(at.acao, " \t")
			}
			if pk.creds && !cred {
				cred = true
				at.credBy = append(at.credBy, a.names[i])
				if at.credKind < 0 || k < at.credKind {
					at.credKind = k
				}
			}
			if !pk.creds && !anon {
				anon = true
				at.anonBy = append(at.anonBy, a.names[i])
				if at.anonKind < 0 || k < at.anonKind {
					at.anonKind = k
				}
			}
		}
		first = false
	}
	return at
}

// allowsCredentials reports whether the last response the fetch got said
// Access-Control-Allow-Credentials: true: the server meant to allow
// credentials (with "*" alone it never did).
func allowsCredentials(res *fetch.Result) bool {
	if len(res.Wire) == 0 || res.Wire[len(res.Wire)-1].Response == nil {
		return false
	}
	v, _ := res.Wire[len(res.Wire)-1].Response.Header.Get("Access-Control-Allow-Credentials")
	return strings.Trim(v, " \t") == "true"
}

// lastActual returns the last non-preflight response of a fetch.
func lastActual(res *fetch.Result) *fetch.WireResponse {
	for i := len(res.Wire) - 1; i >= 0; i-- {
		if !res.Wire[i].Preflight && res.Wire[i].Response != nil {
			return res.Wire[i].Response
		}
	}
	return nil
}

// endpoint audits one URL: the site's own origins first (header-level
// findings and broken configurations), then every candidate.
func (a *auditor) endpoint(ep string, cands []Candidate) {
	all := Accepts("null", a.names) // every profile accepts
	control := a.rawACAO(ep, "https://"+DefaultAttackerDomain)
	for _, b := range a.own {
		origin := b.raw
		if b.pattern {
			origin = b.scheme + "://www." + b.host + b.portSuffix()
		}
		at := a.try(ep, origin, all)
		if at.wildcardCreds {
			a.broken(ep, origin, ClassWildcardCredentials, "Access-Control-Allow-Origin is * with Access-Control-Allow-Credentials: true; every browser blocks credentialed reads (Fetch CORS check step 3), even from the site's own origins")
		}
		if at.simpleOK && at.preflightErr != nil {
			switch at.preflightErr.Code {
			case fetch.CodePreflightStatusNotOK, fetch.CodePreflightRedirect, policy.CodeMissingAllowOrigin:
				a.broken(ep, origin, ClassPreflightRejected, "a simple request from the site's own origin reads, but its CORS-preflight fails: "+at.preflightErr.Message+" (an auth layer or router answering OPTIONS before the CORS code?)")
			}
		}
		if at.actual != nil && at.simpleOK && at.acao == origin && !varyHasOrigin(at.actual.Header) && control != origin {
			a.finding(Finding{Class: ClassMissingVary, Severity: SeverityLow, Endpoint: ep, Origin: origin,
				Browsers: slices.Clone(a.names),
				Detail:   "Access-Control-Allow-Origin names the request's origin but Vary does not list Origin; a shared cache can serve this answer to another origin (https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches)",
				Repro:    a.repro(ep, origin, probeKinds[1], "")})
		}
		if at.simpleOK && at.acao == "*" {
			a.note(Finding{Class: ClassWildcardValue, Severity: SeverityInfo, Endpoint: ep, Origin: origin,
				Detail: "Access-Control-Allow-Origin: * lets every origin read what this endpoint returns without credentials; fine for public data, an internal pivot for intranet endpoints"})
		}
		a.headerLevel(ep, origin)
	}
	for _, c := range cands {
		acc := Accepts(c.Origin, a.names)
		var accepted []string
		for _, x := range acc {
			if x.Accepts {
				accepted = append(accepted, x.Profile)
			}
		}
		if len(accepted) == 0 {
			a.unsendable(ep, c)
			continue
		}
		at := a.try(ep, c.Origin, acc)
		switch {
		case len(at.credBy) > 0:
			a.finding(Finding{Class: c.Class, Severity: SeverityCritical, Endpoint: ep, Origin: c.Origin,
				Credentialed: true, Preflighted: probeKinds[at.credKind].preflight,
				Browsers: at.credBy, Accepted: accepted, Acceptance: acc,
				Detail: "a page at this origin reads the response with the user's cookies: Access-Control-Allow-Origin matches it and Access-Control-Allow-Credentials is true",
				Repro:  a.repro(ep, c.Origin, probeKinds[at.credKind], pick(at.credBy, a.names))})
		case len(at.anonBy) > 0 && at.acao != "*":
			a.finding(Finding{Class: c.Class, Severity: SeverityHigh, Endpoint: ep, Origin: c.Origin,
				Preflighted: probeKinds[at.anonKind].preflight,
				Browsers:    at.anonBy, Accepted: accepted, Acceptance: acc,
				Detail: "a page at this origin reads the response without credentials: whatever the endpoint returns to the victim's network position (intranet, IP allow-list) leaks",
				Repro:  a.repro(ep, c.Origin, probeKinds[at.anonKind], pick(at.anonBy, a.names))})
		}
		if at.wildcardCreds {
			a.broken(ep, c.Origin, ClassWildcardCredentials, "Access-Control-Allow-Origin is * with Access-Control-Allow-Credentials: true; browsers block credentialed reads, so this is not exploitable with cookies (Fetch CORS check step 3)")
		}
	}
}

// pick returns the profile to name in a reproduction: none when every
// profile agrees, else the first that allowed.
func pick(allowed, all []string) string {
	if len(allowed) == len(all) {
		return ""
	}
	for _, p := range allowed {
		if p != "spec" {
			return p
		}
	}
	return allowed[0]
}

func wildcardACAO(resp *fetch.WireResponse) bool {
	v, _ := resp.Header.Get("Access-Control-Allow-Origin")
	return strings.Trim(v, " \t") == "*"
}

// rawACAO sends a plain GET with the given Origin and returns the
// Access-Control-Allow-Origin of the answer ("" if none).
func (a *auditor) rawACAO(ep, origin string) string {
	resp, err := a.raw(ep, "GET", false, policy.HeaderList{{Name: "Origin", Value: origin}})
	if err != nil || resp == nil {
		return ""
	}
	v, _ := resp.Header.Get("Access-Control-Allow-Origin")
	return strings.Trim(v, " \t")
}

func (a *auditor) raw(ep, method string, preflight bool, h policy.HeaderList) (*fetch.WireResponse, error) {
	u, err := url.Parse(ep)
	if err != nil {
		return nil, err
	}
	h = append(h, policy.Header{Name: "Accept", Value: "*/*"})
	return a.memo.RoundTrip(a.ctx, &fetch.WireRequest{Method: method, URL: u, Header: h, Preflight: preflight, Credentials: !preflight})
}

// unsendable probes an origin no profile would send, the way a scanner
// does (one GET with that Origin header), and notes what the server did
// with it. Nothing here is exploitable from a browser.
func (a *auditor) unsendable(ep string, c Candidate) {
	resp, err := a.raw(ep, "GET", false, policy.HeaderList{{Name: "Origin", Value: c.Origin}})
	a.rep.Probes++
	var he *server.HandlerError
	if errors.As(err, &he) && he.Kind == server.KindInvalidHeader && strings.ContainsAny(c.Origin, "\r\n") {
		a.note(Finding{Class: ClassCRLF, Severity: SeverityInfo, Endpoint: ep, Origin: c.Origin,
			Detail: "the server wrote the CR/LF of the Origin back into a response header (header injection; net/http would refuse the line); no browser sends such an Origin"})
		return
	}
	if err != nil || resp == nil {
		return
	}
	switch {
	case policy.CORSCheck(resp.Header, c.Origin, true) == nil:
		a.note(Finding{Class: c.Class, Severity: SeverityInfo, Endpoint: ep, Origin: c.Origin, Credentialed: true,
			Detail: "the server allows this origin with credentials, but no browser profile sends this Origin string (see Accepts), so it is not exploitable from a browser"})
	case policy.CORSCheck(resp.Header, c.Origin, false) == nil && !wildcardACAO(resp):
		a.note(Finding{Class: c.Class, Severity: SeverityInfo, Endpoint: ep, Origin: c.Origin,
			Detail: "the server allows this origin, but no browser profile sends this Origin string (see Accepts), so it is not exploitable from a browser"})
	}
}

// headerLevel sends one CORS-preflight from a trusted origin asking for
// an unusual method and header, and looks at what the server allows.
func (a *auditor) headerLevel(ep, origin string) {
	resp, err := a.raw(ep, "OPTIONS", true, policy.HeaderList{
		{Name: "Origin", Value: origin},
		{Name: "Access-Control-Request-Method", Value: probeMethod},
		{Name: "Access-Control-Request-Headers", Value: probeHeaderName},
	})
	if err != nil || resp == nil || policy.CORSCheck(resp.Header, origin, false) != nil {
		return
	}
	methods, _, _ := policy.ExtractHeaderListValues(resp.Header, "Access-Control-Allow-Methods")
	headers, _, _ := policy.ExtractHeaderListValues(resp.Header, "Access-Control-Allow-Headers")
	// Each reproduction asks only for what its finding says the server
	// echoes, so that it comes out allowed even when the other list is
	// correct: the made-up method alone (no author header), or the
	// made-up header on a GET (a safelisted method needs no ACAM entry).
	tail := " " + shellQuote(ep)
	if a.t.Server != "" {
		tail = " " + a.t.Server + tail
	}
	from := "corsim fetch --from " + shellQuote(origin)
	methodRepro := from + " -X " + probeMethod + tail
	headerRepro := from + " -H " + shellQuote(probeHeaderName+": 1") + tail
	switch {
	case slices.Contains(methods, probeMethod):
		a.finding(Finding{Class: ClassACAMReflection, Severity: SeverityLow, Endpoint: ep, Origin: origin, Preflighted: true,
			Browsers: slices.Clone(a.names),
			Detail:   "the preflight allows the made-up method " + probeMethod + ": Access-Control-Allow-Methods echoes whatever is asked, so scripts on trusted origins (or an XSS there) can use any method",
			Repro:    methodRepro})
	case slices.Contains(methods, "*"):
		a.note(Finding{Class: ClassACAMWildcard, Severity: SeverityInfo, Endpoint: ep, Origin: origin,
			Detail: "Access-Control-Allow-Methods: * allows every method for uncredentialed requests (for credentialed ones it is the literal method \"*\")"})
	}
	switch {
	case slices.ContainsFunc(headers, func(h string) bool { return strings.EqualFold(h, probeHeaderName) }):
		a.finding(Finding{Class: ClassACAHReflection, Severity: SeverityLow, Endpoint: ep, Origin: origin, Preflighted: true,
			Browsers: slices.Clone(a.names),
			Detail:   "the preflight allows the made-up header " + probeHeaderName + ": Access-Control-Allow-Headers echoes whatever is asked",
			Repro:    headerRepro})
	case slices.Contains(headers, "*"):
		a.note(Finding{Class: ClassACAHWildcard, Severity: SeverityInfo, Endpoint: ep, Origin: origin,
			Detail: "Access-Control-Allow-Headers: * allows every header but Authorization for uncredentialed requests in the spec; Chromium 156, Firefox and WebKit let it cover Authorization too"})
	}
}

// repro is the shortest `corsim fetch` line that shows the read.
func (a *auditor) repro(ep, origin string, pk probeKind, browser string) string {
	var b strings.Builder
	b.WriteString("corsim fetch --from ")
	b.WriteString(shellQuote(origin))
	if pk.creds {
		b.WriteString(" --credentials include")
	}
	if pk.preflight {
		b.WriteString(" -H " + shellQuote(ProbeHeader+": 1"))
	}
	if browser != "" {
		b.WriteString(" --browser " + browser)
	}
	if a.t.Server != "" {
		b.WriteString(" " + a.t.Server)
	}
	b.WriteString(" " + shellQuote(ep))
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	safe := s != ""
	for i := 0; i < len(s) && safe; i++ {
		c := s[i]
		safe = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_./:=@%+,", c) >= 0
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
