package audit

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// epAudit is the audit of one endpoint: its own transport (memo, failure
// counts), its probes, and what it found. Endpoints are audited
// independently, so several can run at once and the memory of one is
// released before the next.
type epAudit struct {
	a        *auditor
	ep       string
	u        *url.URL
	tr       *probeTransport
	fetchers []*fetch.Fetcher
	plan     []probe
	methods  []string

	probes   int
	hits     []hit
	findings []Finding
	broken   []Finding
	notes    []Finding
}

// hit is one attacker origin that a profile let read.
type hit struct {
	c          Candidate
	creds      bool
	preflight  bool
	blind      bool
	method     string
	browsers   []string
	accepted   []string
	acceptance []Acceptance
	repro      string
}

// run audits the endpoint: the site's own origins first (header-level
// findings, broken configurations), then every candidate; then it groups
// what read by cause.
func (e *epAudit) run(cands []Candidate) {
	e.methods = e.a.opts.Methods
	if len(e.methods) == 0 {
		e.methods = e.discoverMethods()
	}
	e.plan = planProbes(e.methods)
	all := Accepts("null", e.a.names) // every profile accepts
	control := e.rawACAO(policy.HeaderList{{Name: "Origin", Value: "https://" + e.a.attacker}})
	tried := map[string]bool{} // each origin once: try's shortcut relies on it
	for _, b := range e.a.own {
		if e.stopped() {
			return
		}
		origin := b.raw
		if b.pattern {
			origin = b.scheme + "://www." + b.host + b.portSuffix()
		}
		if tried[origin] {
			continue
		}
		tried[origin] = true
		at := e.try(origin, all)
		if at.wildcardCreds {
			e.addBroken(origin, ClassWildcardCredentials, "Access-Control-Allow-Origin is * with Access-Control-Allow-Credentials: true; every browser blocks credentialed reads (Fetch CORS check step 3), even from the site's own origins")
		}
		e.preflightRejected(origin, at)
		if at.actual != nil && at.simpleOK && at.acao == origin && !varyHasOrigin(at.actual.Header) && control != origin {
			e.findings = append(e.findings, Finding{Class: ClassMissingVary, Severity: SeverityLow, Endpoint: e.ep, Origin: origin,
				Browsers: slices.Clone(e.a.names),
				Title:    "Access-Control-Allow-Origin depends on the Origin but Vary does not name Origin",
				Detail:   "a shared cache can serve one origin's answer to another (https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches)",
				Repro:    e.repro(origin, e.plan[1], "")})
		}
		if at.simpleOK && at.acao == "*" && !e.has(ClassWildcardValue) {
			e.findings = append(e.findings, Finding{Class: ClassWildcardValue, Severity: SeverityInfo, Endpoint: e.ep, Origin: origin,
				Browsers: slices.Clone(e.a.names),
				Title:    "Access-Control-Allow-Origin: * — public data: any origin reads it without credentials",
				Detail:   "fine for public data; an internal pivot when the endpoint is on an intranet or trusts the caller's IP address",
				Repro:    e.repro("https://"+e.a.attacker, e.plan[1], "")})
		}
		e.headerLevel(origin)
	}
	for _, c := range cands {
		if e.stopped() {
			return
		}
		acc := Accepts(c.Origin, e.a.names)
		var accepted []string
		for _, x := range acc {
			if x.Accepts {
				accepted = append(accepted, x.Profile)
			}
		}
		if len(accepted) == 0 {
			e.unsendable(c)
			continue
		}
		at := e.try(c.Origin, acc)
		switch {
		case len(at.credBy) > 0:
			pk := e.plan[at.credKind]
			e.hits = append(e.hits, hit{c: c, creds: true, preflight: pk.preflight, blind: at.blind, method: pk.method,
				browsers: at.credBy, accepted: accepted, acceptance: acc,
				repro: e.repro(c.Origin, pk, pick(at.credBy, e.a.names))})
		case len(at.anonBy) > 0 && at.acao != "*":
			pk := e.plan[at.anonKind]
			e.hits = append(e.hits, hit{c: c, preflight: pk.preflight, blind: at.blind, method: pk.method,
				browsers: at.anonBy, accepted: accepted, acceptance: acc,
				repro: e.repro(c.Origin, pk, pick(at.anonBy, e.a.names))})
		}
		if at.wildcardCreds {
			e.addBroken(c.Origin, ClassWildcardCredentials, "Access-Control-Allow-Origin is * with Access-Control-Allow-Credentials: true; browsers block credentialed reads, so this is not exploitable with cookies (Fetch CORS check step 3)")
		}
	}
	e.refererCheck()
	e.findings = append(e.findings, e.causes()...)
}

// stopped reports that the endpoint must not send more: the audit was
// interrupted or the endpoint was given up.
func (e *epAudit) stopped() bool { return e.a.ctx.Err() != nil || e.tr.gaveUp() }

func (e *epAudit) has(c Class) bool {
	return slices.ContainsFunc(e.findings, func(f Finding) bool { return f.Class == c })
}

// preflightRejected checks whether something in front of the CORS code
// answers preflights: a CORS-preflight from the site's own origin asking
// only for GET — which every CORS layer allows, so no allow-list can
// refuse it — fails on its status or its missing
// Access-Control-Allow-Origin while a simple request from that origin
// reads.
func (e *epAudit) preflightRejected(origin string, at attempt) {
	if !at.simpleOK {
		return
	}
	resp, err := e.raw("OPTIONS", true, policy.HeaderList{
		{Name: "Origin", Value: origin},
		{Name: "Access-Control-Request-Method", Value: "GET"},
	})
	if err != nil || resp == nil {
		return
	}
	acao, _ := resp.Header.Get("Access-Control-Allow-Origin")
	switch {
	case resp.Status >= 300 && resp.Status < 400:
		e.addBroken(origin, ClassPreflightRejected, "a simple request from the site's own origin reads, but its CORS-preflight is redirected ("+statusText(resp.Status)+"); browsers fail a redirected preflight (an auth layer or router answering OPTIONS before the CORS code?)")
	case (resp.Status < 200 || resp.Status > 299) && strings.TrimSpace(acao) == "":
		e.addBroken(origin, ClassPreflightRejected, "a simple request from the site's own origin reads, but its CORS-preflight gets "+statusText(resp.Status)+" without Access-Control-Allow-Origin (an auth layer or router answering OPTIONS before the CORS code?)")
	case strings.TrimSpace(acao) == "":
		e.addBroken(origin, ClassPreflightRejected, "a simple request from the site's own origin reads, but its CORS-preflight has no Access-Control-Allow-Origin (OPTIONS answered before the CORS code?)")
	}
}

func statusText(code int) string { return "status " + strconv.Itoa(code) }

// refererCheck sends a request without Origin whose Referer names the
// attacker: a server that takes Access-Control-Allow-Origin from Referer
// answers with the attacker's origin.
func (e *epAudit) refererCheck() {
	if e.stopped() {
		return
	}
	attacker := "https://referer-check." + e.a.attacker
	resp, err := e.raw("GET", false, policy.HeaderList{{Name: "Referer", Value: attacker + "/page"}})
	if err != nil || resp == nil {
		return
	}
	v, _ := resp.Header.Get("Access-Control-Allow-Origin")
	if v = strings.Trim(v, " \t"); v == attacker || v == attacker+"/page" {
		f := Finding{Class: ClassRefererOrigin, Severity: SeverityLow, Endpoint: e.ep, Origin: attacker,
			Title:  "Access-Control-Allow-Origin is taken from Referer",
			Detail: "without an Origin the server allows whatever the Referer names; a request whose Origin a proxy dropped, or a browser that omits Origin, is answered for the attacker's page"}
		if e.a.t.Server == "--live" {
			f.Repro = "curl -si -H " + shellQuote("Referer: "+attacker+"/page") + " " + shellQuote(e.ep)
		}
		e.findings = append(e.findings, f)
	}
}

// addBroken records a broken configuration once per endpoint and class.
func (e *epAudit) addBroken(origin string, c Class, detail string) {
	for _, b := range e.broken {
		if b.Class == c {
			return
		}
	}
	e.broken = append(e.broken, Finding{Class: c, Severity: SeverityInfo, Endpoint: e.ep, Origin: origin, Detail: detail})
}

func (e *epAudit) note(f Finding) {
	for _, n := range e.notes {
		if n.Class == f.Class && (n.Origin == f.Origin || f.Class == ClassWildcardValue) {
			return
		}
	}
	if len(e.notes) < maxNotesPerEndpoint {
		e.notes = append(e.notes, f)
	}
}

// maxNotesPerEndpoint bounds the informational notes kept per endpoint.
const maxNotesPerEndpoint = 16

// headerLevel sends one CORS-preflight from a trusted origin asking for
// an unusual method and header, and looks at what the server allows. A
// refusal decides nothing; only an echo is a finding.
func (e *epAudit) headerLevel(origin string) {
	// Two preflights, so that a server that refuses the made-up method
	// still shows whether it echoes headers: the method alone, then the
	// header on a GET.
	var methods, headers []string
	if resp, err := e.raw("OPTIONS", true, policy.HeaderList{
		{Name: "Origin", Value: origin},
		{Name: "Access-Control-Request-Method", Value: probeMethod},
	}); err == nil && resp != nil && policy.CORSCheck(resp.Header, origin, false) == nil {
		methods, _, _ = policy.ExtractHeaderListValues(resp.Header, "Access-Control-Allow-Methods")
	}
	if resp, err := e.raw("OPTIONS", true, policy.HeaderList{
		{Name: "Origin", Value: origin},
		{Name: "Access-Control-Request-Method", Value: "GET"},
		{Name: "Access-Control-Request-Headers", Value: probeHeaderName},
	}); err == nil && resp != nil && policy.CORSCheck(resp.Header, origin, false) == nil {
		headers, _, _ = policy.ExtractHeaderListValues(resp.Header, "Access-Control-Allow-Headers")
	}
	// Each reproduction asks only for what its finding says the server
	// echoes, so that it comes out allowed even when the other list is
	// correct: the made-up method alone (no author header), or the
	// made-up header on a GET (a safelisted method needs no ACAM entry).
	tail := " " + shellQuote(e.ep)
	if e.a.t.Server != "" {
		tail = " " + e.a.t.Server + tail
	}
	from := "corsim fetch --from " + shellQuote(origin)
	switch {
	case slices.Contains(methods, probeMethod):
		e.findings = append(e.findings, Finding{Class: ClassACAMReflection, Severity: SeverityLow, Endpoint: e.ep, Origin: origin, Preflighted: true,
			Browsers: slices.Clone(e.a.names),
			Title:    "the preflight allows any method: Access-Control-Allow-Methods echoes the request",
			Detail:   "the made-up method " + probeMethod + " is allowed, so scripts on trusted origins (or an XSS there) can use any method",
			Repro:    from + " -X " + probeMethod + tail})
	case slices.Contains(methods, "*"):
		e.note(Finding{Class: ClassACAMWildcard, Severity: SeverityInfo, Endpoint: e.ep, Origin: origin,
			Detail: "Access-Control-Allow-Methods: * allows every method for uncredentialed requests (for credentialed ones it is the literal method \"*\")"})
	}
	switch {
	case slices.ContainsFunc(headers, func(h string) bool { return strings.EqualFold(h, probeHeaderName) }):
		e.findings = append(e.findings, Finding{Class: ClassACAHReflection, Severity: SeverityLow, Endpoint: e.ep, Origin: origin, Preflighted: true,
			Browsers: slices.Clone(e.a.names),
			Title:    "the preflight allows any header: Access-Control-Allow-Headers echoes the request",
			Detail:   "the made-up header " + probeHeaderName + " is allowed",
			Repro:    from + " -H " + shellQuote(probeHeaderName+": 1") + tail})
	case slices.Contains(headers, "*"):
		e.note(Finding{Class: ClassACAHWildcard, Severity: SeverityInfo, Endpoint: e.ep, Origin: origin,
			Detail: "Access-Control-Allow-Headers: * allows every header but Authorization for uncredentialed requests in the spec; Chromium 156, Firefox and WebKit let it cover Authorization too"})
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

// repro is the shortest `corsim fetch` line that shows the read.
func (e *epAudit) repro(origin string, pk probe, browser string) string {
	var b strings.Builder
	b.WriteString("corsim fetch --from ")
	b.WriteString(shellQuote(origin))
	if pk.method != "GET" {
		b.WriteString(" -X " + pk.method)
	}
	if pk.creds {
		b.WriteString(" --credentials include")
	}
	for _, h := range pk.header {
		b.WriteString(" -H " + shellQuote(h.Name+": "+h.Value))
	}
	for _, h := range e.a.opts.Header {
		b.WriteString(" -H " + shellQuote(h.Name+": "+maskHeader(h)))
	}
	if pk.creds && e.a.opts.Cookie != "" {
		b.WriteString(" -H " + shellQuote("Cookie: "+MaskCookie(e.a.opts.Cookie)))
	}
	if browser != "" {
		b.WriteString(" --browser " + browser)
	}
	if e.a.t.Server != "" {
		b.WriteString(" " + e.a.t.Server)
	}
	b.WriteString(" " + shellQuote(e.ep))
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
