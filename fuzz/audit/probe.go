package audit

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
)

// probe is one way of sending an attempt, as the site's front end would:
// a simple request, or a request that needs a CORS-preflight because of
// its method (PUT, DELETE, …) or its Content-Type, each with credentials
// mode include or omit. The auditor never adds a header of its own: a
// header a correct allow-list refuses would make a correct server look
// broken.
type probe struct {
	method    string
	header    policy.HeaderList // author headers; nil for none
	creds     bool
	preflight bool
}

// jsonContentType is the header a front end adds to a JSON POST (or GET):
// it is not CORS-safelisted, so the request is preflighted
// (https://fetch.spec.whatwg.org/#cors-safelisted-request-header).
var jsonContentType = policy.HeaderList{{Name: "Content-Type", Value: "application/json"}}

// maxPreflightMethods bounds the non-simple methods probed per endpoint.
const maxPreflightMethods = 3

// planProbes returns the probes for an endpoint with the given methods,
// simplest first: the simple request (GET, else POST, else HEAD) with and
// without credentials, then one preflighted request per non-simple method
// (at most maxPreflightMethods), or, when every method is simple, the
// simple method with Content-Type: application/json.
func planProbes(methods []string) []probe {
	simple := "GET"
	if len(methods) > 0 && !slices.Contains(methods, "GET") {
		switch {
		case slices.Contains(methods, "POST"):
			simple = "POST"
		case slices.Contains(methods, "HEAD"):
			simple = "HEAD"
		}
	}
	out := []probe{{method: simple, creds: true}, {method: simple}}
	n := 0
	for _, m := range methods {
		if policy.IsCORSSafelistedMethod(m) || m == "OPTIONS" || n == maxPreflightMethods {
			continue
		}
		n++
		out = append(out, probe{method: m, creds: true, preflight: true}, probe{method: m, preflight: true})
	}
	if n == 0 {
		m := simple
		if m == "HEAD" {
			m = "GET"
		}
		out = append(out, probe{method: m, header: jsonContentType, creds: true, preflight: true},
			probe{method: m, header: jsonContentType, preflight: true})
	}
	return out
}

// attempt is what the profiles made of one origin at one endpoint.
type attempt struct {
	credBy, anonBy []string // profiles that let a credentialed / uncredentialed probe read
	credKind       int      // index in the plan of the first credentialed probe that read, or -1
	anonKind       int
	blind          bool                // the read is the preflight's word only: the actual request was not sent
	acao           string              // Access-Control-Allow-Origin of a read response
	actual         *fetch.WireResponse // the actual response of the simple uncredentialed probe
	wildcardCreds  bool                // a credentialed probe failed on ACAO * with credentials
	simpleOK       bool                // the simple uncredentialed probe read (first profile)
}

// try sends the endpoint's probes from origin with every profile that
// accepts the origin string.
func (e *epAudit) try(origin string, acc []Acceptance) attempt {
	at := attempt{credKind: -1, anonKind: -1}
	client, ok := clientFor(origin)
	if !ok {
		return at
	}
	reqs := make([]*fetch.Request, len(e.plan))
	for k, pk := range e.plan {
		init := fetch.RequestInit{Method: pk.method, URL: e.ep, Mode: fetch.ModeCORS, Credentials: fetch.CredentialsOmit, Header: pk.header}
		if pk.creds {
			init.Credentials = fetch.CredentialsInclude
		}
		r, err := fetch.NewRequest(client, init)
		if err != nil {
			return at
		}
		reqs[k] = r
	}
	first := true
	var ran []int // the profiles that sent their probes, in order
	e.tr.resetACAO()
	for i, f := range e.fetchers {
		if !acc[i].Accepts {
			continue
		}
		if !judgeEveryProfile && !e.tr.sawACAO() && e.sendsAsOneOf(i, ran, reqs) {
			// Shortcut (a leaf; BenchmarkAuditEndpoints/correct): no
			// answer so far had an Access-Control-Allow-Origin line, and
			// this profile sends every probe as a profile that already
			// ran, byte for byte or but for headers the server does not
			// read (fetch.SameWire, fetch.SameAnswer), so it gets the same
			// answers, and the CORS check fails on every one of them in
			// every profile ("If origin is null, return failure",
			// https://fetch.spec.whatwg.org/#concept-cors-check step 2;
			// a CORS-preflight passes only through that check too). It
			// cannot read. Each origin is tried once per endpoint, so no
			// cache holds an entry for it (SameWire's condition).
			continue
		}
		ran = append(ran, i)
		var cred, anon bool
		for k, pk := range e.plan {
			if pk.preflight && cred && anon {
				break // both simple probes read: the preflighted ones add nothing
			}
			if e.tr.gaveUp() || e.a.ctx.Err() != nil {
				return at
			}
			res := f.Fetch(e.a.ctx, reqs[k])
			e.probes++
			read := res.Err == nil && res.Response != nil && res.Response.Type == fetch.TypeCORS
			blind := !read && notSent(res) && preflightPassed(res)
			if res.Err != nil && res.Err.Code == policy.CodeWildcardOriginWithCredentials && allowsCredentials(res) {
				at.wildcardCreds = true
			}
			if first && k == 1 {
				at.simpleOK = read
				at.actual = lastActual(res)
			}
			if !read && !blind {
				continue
			}
			if at.acao == "" {
				at.acao = readACAO(res)
			}
			if pk.creds && !cred {
				cred = true
				at.credBy = append(at.credBy, e.a.names[i])
				if at.credKind < 0 || k < at.credKind {
					at.credKind = k
					at.blind = blind
				}
			}
			if !pk.creds && !anon {
				anon = true
				at.anonBy = append(at.anonBy, e.a.names[i])
				if at.anonKind < 0 || k < at.anonKind {
					at.anonKind = k
					if at.credKind < 0 {
						at.blind = blind
					}
				}
			}
		}
		first = false
	}
	return at
}

// sendsAsOneOf reports whether profile i sends every one of reqs as one
// of the profiles in ran does, but for headers the server does not read
// (the latest first: the engines resemble each other more than the spec
// profile).
func (e *epAudit) sendsAsOneOf(i int, ran []int, reqs []*fetch.Request) bool {
	for _, j := range slices.Backward(ran) {
		if fetch.SameAnswer(e.fetchers[j], e.fetchers[i], e.a.reads, reqs...) {
			return true
		}
	}
	return false
}

// judgeEveryProfile turns the shortcut in try off (for the test that
// shows it changes no report).
var judgeEveryProfile = false

// readACAO returns the Access-Control-Allow-Origin of the response the
// fetch read, or of its passed preflight when the actual was not sent.
func readACAO(res *fetch.Result) string {
	var h policy.HeaderList
	switch {
	case res.Response != nil && res.Response.Internal != nil:
		h = res.Response.Internal.Header
	case len(res.Preflights) > 0 && res.Preflights[len(res.Preflights)-1].Response != nil:
		h = res.Preflights[len(res.Preflights)-1].Response.Header
	}
	v, _ := h.Get("Access-Control-Allow-Origin")
	return strings.Trim(v, " \t")
}

// notSent reports that the fetch ended because its actual request was
// held back (an unsafe method with sending unsafe methods off).
func notSent(res *fetch.Result) bool {
	if res.Err == nil || len(res.Wire) == 0 {
		return false
	}
	err := res.Wire[len(res.Wire)-1].Err
	var ns *server.NotSentError
	return errors.Is(err, errUnsafeNotSent) || errors.As(err, &ns)
}

// preflightPassed reports that the fetch's last CORS-preflight was sent
// and passed.
func preflightPassed(res *fetch.Result) bool {
	if len(res.Preflights) == 0 {
		return false
	}
	p := res.Preflights[len(res.Preflights)-1]
	return p.Sent && p.Err == nil
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

func wildcardACAO(resp *fetch.WireResponse) bool {
	v, _ := resp.Header.Get("Access-Control-Allow-Origin")
	return strings.Trim(v, " \t") == "*"
}

// rawACAO sends a plain GET with the given header lines and returns the
// Access-Control-Allow-Origin of the answer ("" if none).
func (e *epAudit) rawACAO(h policy.HeaderList) string {
	resp, err := e.raw("GET", false, h)
	if err != nil || resp == nil {
		return ""
	}
	v, _ := resp.Header.Get("Access-Control-Allow-Origin")
	return strings.Trim(v, " \t")
}

func (e *epAudit) raw(method string, preflight bool, h policy.HeaderList) (*fetch.WireResponse, error) {
	h = append(h, policy.Header{Name: "Accept", Value: "*/*"})
	return e.tr.RoundTrip(e.a.ctx, &fetch.WireRequest{Method: method, URL: e.u, Header: h, Preflight: preflight, Credentials: !preflight})
}

// discoverMethods asks the endpoint which methods it has with a plain
// OPTIONS request (no Origin: not a preflight) and reads Allow. It
// returns nil when the answer has no Allow line.
func (e *epAudit) discoverMethods() []string {
	resp, err := e.raw(http.MethodOptions, false, nil)
	if err != nil || resp == nil {
		return nil
	}
	var out []string
	for _, v := range resp.Header.Values("Allow") {
		for _, m := range strings.Split(v, ",") {
			m = strings.TrimSpace(m)
			if policy.IsMethod(m) && !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// unsendable probes an origin no profile would send, the way a scanner
// does (one GET with that Origin header), and notes what the server did
// with it. Nothing here is exploitable from a browser.
func (e *epAudit) unsendable(c Candidate) {
	resp, err := e.raw("GET", false, policy.HeaderList{{Name: "Origin", Value: c.Origin}})
	e.probes++
	var he *server.HandlerError
	if errors.As(err, &he) && he.Kind == server.KindInvalidHeader && strings.ContainsAny(c.Origin, "\r\n") {
		e.note(Finding{Class: ClassCRLF, Severity: SeverityInfo, Endpoint: e.ep, Origin: c.Origin,
			Detail: "the server wrote the CR/LF of the Origin back into a response header (header injection; net/http would refuse the line); no browser sends such an Origin"})
		return
	}
	if err != nil || resp == nil {
		return
	}
	switch {
	case policy.CORSCheck(resp.Header, c.Origin, true) == nil:
		e.note(Finding{Class: c.Class, Severity: SeverityInfo, Endpoint: e.ep, Origin: c.Origin, Credentialed: true,
			Detail: "the server allows this origin with credentials, but no browser sends this Origin string, so it is not exploitable from a browser"})
	case policy.CORSCheck(resp.Header, c.Origin, false) == nil && !wildcardACAO(resp):
		e.note(Finding{Class: c.Class, Severity: SeverityInfo, Endpoint: e.ep, Origin: c.Origin,
			Detail: "the server allows this origin, but no browser sends this Origin string, so it is not exploitable from a browser"})
	}
}
