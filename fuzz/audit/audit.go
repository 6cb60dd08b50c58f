package audit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Target is what Audit attacks.
type Target struct {
	// Transport is the server: sim/server.FromHandler(h) for an
	// http.Handler, (*server.Config).Server() for a declarative config,
	// a *server.Canned, or a *server.Live for a real endpoint.
	Transport fetch.Transport
	// Origins are the site's own origins, which are allowed to read:
	// exact serialized origins ("https://www.target.example") or subdomain
	// patterns ("https://*.target.example": one or more labels in front,
	// same scheme and port). Attacker origins are generated around them.
	Origins []string
	// Endpoints are the absolute http(s) URLs to test.
	Endpoints []string
	// Server is how `corsim fetch` reaches the same server in a
	// reproduction line, e.g. "--server api.conf" or "--live"; "" leaves
	// it out.
	Server string
}

// Options tune Audit. The zero value is a full audit with the four default
// profiles, the default attacker domain, DefaultMutations mutated origins
// from seed 0, and no unsafe method sent.
type Options struct {
	// Profiles judge each attempt; nil means DefaultProfiles(). Origin
	// acceptance (Accepts) goes by profile name.
	Profiles []fetch.Profile
	// AttackerDomain is the attacker's registrable domain; "" means
	// DefaultAttackerDomain.
	AttackerDomain string
	// Mutations is how many mutated origins the seeded generator adds to
	// the catalogue; 0 means DefaultMutations, negative means none.
	Mutations int
	// Seed seeds the mutation generator; the same seed gives the same
	// origins and so the same report.
	Seed uint64
	// Extra are more attacker origins to try (classified with Classify).
	Extra []string
	// Unsafe lets actual requests with a method other than GET, HEAD and
	// OPTIONS reach the Transport. The auditor's own probes use GET, so
	// this only matters for custom Transports that are asked for more;
	// without it such a request fails without being sent, as with --live.
	Unsafe bool
}

// DefaultMutations is the number of mutated origins Options.Mutations 0
// asks for.
const DefaultMutations = 48

// ProbeHeader is the non-safelisted request header the preflighted probes
// carry, so that a browser sends a CORS-preflight first.
const ProbeHeader = "X-Corsim-Audit"

// probeMethod and probeHeaderName are what the header-level preflight asks
// for; a server that allows them echoes whatever it is asked.
const (
	probeMethod     = "CORSIM-PROBE"
	probeHeaderName = "x-corsim-probe-7d1f"
)

// ErrNoTarget is returned for a Target without a Transport, origins or
// endpoints.
var ErrNoTarget = errors.New("audit: target needs a transport, at least one origin and at least one endpoint")

// Audit attacks the target's CORS policy with the scanner catalogue and
// mutated origins, sends every attempt as a browser would (a simple GET and
// a preflighted GET, each with and without credentials) and judges it with
// every profile. It returns every origin that a profile lets read a
// response, the header-level findings (missing Vary, ACAM/ACAH reflection),
// the broken configurations (what a browser blocks) and notes. The error
// is non-nil only for an unusable Target or a done context.
func Audit(ctx context.Context, t Target, opts Options) (*Report, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if t.Transport == nil || len(t.Origins) == 0 || len(t.Endpoints) == 0 {
		return nil, ErrNoTarget
	}
	var own []base
	for _, s := range t.Origins {
		b, ok := parseOwn(s)
		if !ok {
			return nil, fmt.Errorf("audit: own origin %q is neither a serialized origin nor scheme://*.host[:port]", s)
		}
		own = append(own, b)
	}
	for _, e := range t.Endpoints {
		u, err := policy.ParseURL(e)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("audit: endpoint %q is not an absolute http(s) URL", e)
		}
	}
	profiles := opts.Profiles
	if profiles == nil {
		profiles = DefaultProfiles()
	}
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
		if names[i] == "" {
			names[i] = fmt.Sprintf("profile%d", i)
		}
	}
	a := &auditor{
		ctx: ctx, t: t, own: own, names: names,
		memo: &memoTransport{next: t.Transport, unsafe: opts.Unsafe, m: map[string]memoEntry{}},
		rep:  &Report{Origins: slices.Clone(t.Origins), Endpoints: slices.Clone(t.Endpoints), Profiles: names},
	}
	for _, p := range profiles {
		a.fetchers = append(a.fetchers, &fetch.Fetcher{Profile: p, Transport: a.memo})
	}
	cands := Catalogue(t.Origins, opts.AttackerDomain)
	n := opts.Mutations
	if n == 0 {
		n = DefaultMutations
	}
	seen := map[string]bool{}
	for _, c := range cands {
		seen[c.Origin] = true
	}
	for _, o := range opts.Extra {
		if !seen[o] {
			seen[o] = true
			cands = append(cands, Candidate{Origin: o, Class: Classify(t.Origins, o)})
		}
	}
	for _, c := range Mutations(t.Origins, n, opts.Seed, opts.AttackerDomain) {
		if !seen[c.Origin] {
			seen[c.Origin] = true
			cands = append(cands, c)
		}
	}
	// The site's own origins are not attackers.
	cands = slices.DeleteFunc(cands, func(c Candidate) bool { return trusts(own, c.Origin) })
	a.rep.Candidates = len(cands)
	for _, ep := range t.Endpoints {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a.endpoint(ep, cands)
	}
	a.rep.Requests = a.memo.sent
	a.rep.sort()
	return a.rep, nil
}

type auditor struct {
	ctx      context.Context
	t        Target
	own      []base
	names    []string
	fetchers []*fetch.Fetcher
	memo     *memoTransport
	rep      *Report
}

// memoTransport answers a repeated wire request from memory: the
// profiles send the same bytes for most probes, and a server model is a
// function of the request. It also enforces the safety rule for unsafe
// methods.
type memoTransport struct {
	next   fetch.Transport
	unsafe bool
	mu     sync.Mutex
	m      map[string]memoEntry
	sent   int
	keyBuf []byte
}

type memoEntry struct {
	resp *fetch.WireResponse
	err  error
}

// errUnsafeNotSent is what an actual request with an unsafe method gets
// when Options.Unsafe is off.
var errUnsafeNotSent = errors.New("audit: not sent: the method is not GET, HEAD or OPTIONS and Options.Unsafe is off")

func (m *memoTransport) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if !m.unsafe && !req.Preflight {
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			return nil, errUnsafeNotSent
		}
	}
	m.mu.Lock()
	k := m.keyBuf[:0]
	k = append(k, req.Method...)
	k = append(k, ' ')
	k = append(k, req.URL.String()...)
	if req.Credentials {
		k = append(k, " +cred"...)
	}
	for _, h := range req.Header {
		k = append(append(append(append(k, '\n'), h.Name...), ':'), h.Value...)
	}
	m.keyBuf = k
	e, ok := m.m[string(k)]
	key := string(k)
	m.mu.Unlock()
	if ok {
		return e.resp, e.err
	}
	resp, err := m.next.RoundTrip(ctx, req)
	m.mu.Lock()
	m.m[key] = memoEntry{resp, err}
	m.sent++
	m.mu.Unlock()
	return resp, err
}

// clientFor returns the client a page at origin would be, or false when
// the string is not an origin a page can have.
func clientFor(origin string) (fetch.Client, bool) {
	if origin == "null" {
		return fetch.Client{Origin: policy.OpaqueOrigin("")}, true
	}
	o, err := policy.ParseOrigin(origin)
	if err != nil {
		return fetch.Client{}, false
	}
	return fetch.Client{Origin: o}, true
}

// varyHasOrigin reports whether a response's Vary lines name Origin (or
// are "*").
func varyHasOrigin(h policy.HeaderList) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, "Origin") {
				return true
			}
		}
	}
	return false
}
