package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
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
	// same scheme and port). Attacker origins are generated around them
	// and around each endpoint's own origin.
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
// from seed 0, no unsafe method sent, one endpoint at a time, and an
// endpoint given up after DefaultMaxConsecutiveFailures unanswered
// requests in a row.
type Options struct {
	// Profiles judge each attempt; nil means DefaultProfiles(). Origin
	// acceptance (Accepts) goes by profile name.
	Profiles []fetch.Profile
	// AttackerDomain is the attacker's registrable domain; "" means
	// DefaultAttackerDomain.
	AttackerDomain string
	// Mutations is how many mutated origins the seeded generator adds to
	// the catalogue; 0 means DefaultMutations, negative means none. It is
	// capped at MaxMutations.
	Mutations int
	// Seed seeds the mutation generator; the same seed gives the same
	// origins and so the same report.
	Seed uint64
	// Extra are more attacker origins to try (classified with Classify).
	Extra []string
	// Methods are the endpoints' methods, which the probes use as the
	// front end would (a non-simple method is preflighted). nil means:
	// ask each endpoint with a plain OPTIONS request and read its Allow
	// line, else GET alone.
	Methods []string
	// Unsafe lets actual requests with a method other than GET, HEAD and
	// OPTIONS reach the Transport. Without it such a request is not sent,
	// and a probe with such a method is judged on its CORS-preflight
	// alone (the finding says so).
	Unsafe bool
	// Timeout bounds each request to the server; 0 leaves it to the
	// Transport (FromHandler has its own default, Live its client's).
	Timeout time.Duration
	// MaxConsecutiveFailures gives an endpoint up after that many
	// unanswered requests in a row, so that a dead or hung server cannot
	// stall an audit; 0 means DefaultMaxConsecutiveFailures, negative
	// never. After as many endpoints given up in a row the audit stops.
	MaxConsecutiveFailures int
	// Concurrency is how many endpoints are audited at once; 0 means 1.
	Concurrency int
	// Rate caps the requests sent to the server per second (all
	// endpoints together); 0 means no cap.
	Rate float64
	// Header lines are added to every request sent (for an API behind a
	// token or a gateway key). Reproduction lines show them, with the
	// value of Authorization masked.
	Header policy.HeaderList
	// Cookie is a Cookie header value sent with every credentialed
	// request, as the browser would send the user's session. Reports show
	// only the cookie names (MaskCookie).
	Cookie string
	// Progress, if set, is called after every request sent to the server
	// and every endpoint finished, from the goroutines of the audit; it
	// must be quick (store the numbers; draw them elsewhere).
	Progress func(Progress)
}

// Progress is how far an audit has got.
type Progress struct {
	// Endpoints is the number of endpoints to audit, Done how many are
	// finished (audited or given up).
	Endpoints, Done int
	// Requests were sent to the server; Failed of them got no answer.
	Requests, Failed int
}

// DefaultMutations is the number of mutated origins Options.Mutations 0
// asks for; MaxMutations is the most Options.Mutations can ask for.
const (
	DefaultMutations = 48
	MaxMutations     = 2000
)

// DefaultMaxConsecutiveFailures is Options.MaxConsecutiveFailures 0.
const DefaultMaxConsecutiveFailures = 8

func (o *Options) maxConsecutive() int {
	switch {
	case o.MaxConsecutiveFailures == 0:
		return DefaultMaxConsecutiveFailures
	case o.MaxConsecutiveFailures < 0:
		return 0
	}
	return o.MaxConsecutiveFailures
}

// extraHeaders returns the function that adds the user's header lines
// (and the cookie to credentialed requests), or nil for none.
func (o *Options) extraHeaders() func(*fetch.WireRequest) {
	if len(o.Header) == 0 && o.Cookie == "" {
		return nil
	}
	h, cookie := slices.Clone(o.Header), o.Cookie
	return func(r *fetch.WireRequest) {
		r.Header = append(r.Header, h...)
		if cookie != "" && r.Credentials && !r.Preflight {
			r.Header = append(r.Header, policy.Header{Name: "Cookie", Value: cookie})
		}
	}
}

// probeMethod and probeHeaderName are what the header-level preflight asks
// for; a server that allows them echoes whatever it is asked.
const (
	probeMethod     = "CORSIM-PROBE"
	probeHeaderName = "x-corsim-probe-7d1f"
)

// ErrNoTarget is returned for a Target without a Transport, origins or
// endpoints.
var ErrNoTarget = errors.New("target needs a transport, at least one origin and at least one endpoint")

// IncompleteError is what Audit returns, with the partial report, when
// some request got no answer, an endpoint was given up, or the audit was
// interrupted: the report's silence about those requests is not evidence
// that the server is safe.
type IncompleteError struct {
	// Failed is the number of requests that got no answer; Failures
	// counts them by cause.
	Failed   int
	Failures []Failure
	// GivenUp are the endpoints abandoned after repeated unanswered
	// requests; NotAudited those never reached.
	GivenUp, NotAudited []string
	// Err is the context's error when the audit was interrupted.
	Err error
}

// Error says what is missing in one line.
func (e *IncompleteError) Error() string {
	var b strings.Builder
	b.WriteString("incomplete audit: ")
	var parts []string
	if e.Failed > 0 {
		var cs []string
		for _, f := range e.Failures {
			cs = append(cs, fmt.Sprintf("%d %s", f.Count, f.Cause))
		}
		parts = append(parts, fmt.Sprintf("%d request(s) got no answer (%s)", e.Failed, strings.Join(cs, ", ")))
	}
	if len(e.GivenUp) > 0 {
		parts = append(parts, fmt.Sprintf("%d endpoint(s) given up after repeated unanswered requests", len(e.GivenUp)))
	}
	if len(e.NotAudited) > 0 {
		parts = append(parts, fmt.Sprintf("%d endpoint(s) not audited", len(e.NotAudited)))
	}
	switch {
	case errors.Is(e.Err, context.DeadlineExceeded):
		parts = append(parts, "stopped at its deadline")
	case e.Err != nil:
		parts = append(parts, "interrupted")
	}
	b.WriteString(strings.Join(parts, "; "))
	return b.String()
}

// Unwrap returns the context's error, if the audit was interrupted.
func (e *IncompleteError) Unwrap() error { return e.Err }

// Audit attacks the target's CORS policy with the scanner catalogue and
// mutated origins, sends every attempt as the site's front end would
// (simple and preflighted, with the endpoint's methods, with and without
// credentials) and judges it with every profile. Findings are grouped by
// the server behaviour that causes them; header-level findings (missing
// Vary, ACAM/ACAH reflection), broken configurations (what a browser
// blocks) and notes come with them.
//
// The error is non-nil for an unusable Target (with a nil report) and for
// an incomplete audit: then the report holds what was found and the error
// is an *IncompleteError (wrapping the context's error when ctx ended).
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
			return nil, fmt.Errorf("own origin %q is neither a serialized origin nor scheme://*.host[:port]", s)
		}
		own = append(own, b)
	}
	for _, e := range t.Endpoints {
		u, err := policy.ParseURL(e)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("endpoint %q is not an absolute http(s) URL", e)
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
	a := &auditor{ctx: ctx, t: t, own: own, names: names, profiles: profiles, opts: opts,
		attacker: opts.AttackerDomain, cands: map[string][]Candidate{}}
	if a.attacker == "" {
		a.attacker = DefaultAttackerDomain
	}
	a.transport = t.Transport
	if hr, ok := t.Transport.(fetch.HeaderReader); ok {
		a.reads = hr.RequestHeadersRead()
	}
	if opts.Rate > 0 {
		a.transport = newRateLimited(t.Transport, opts.Rate)
	}
	rep := &Report{Origins: slices.Clone(t.Origins), Endpoints: slices.Clone(t.Endpoints), Profiles: names}
	inc := a.run(rep)
	rep.sort()
	if inc != nil {
		rep.Incomplete = true
		rep.Failed, rep.Failures, rep.GivenUp, rep.NotAudited = inc.Failed, inc.Failures, inc.GivenUp, inc.NotAudited
		rep.Interrupted = inc.Err != nil
		return rep, inc
	}
	return rep, nil
}

type auditor struct {
	ctx       context.Context
	t         Target
	own       []base
	names     []string
	profiles  []fetch.Profile
	opts      Options
	attacker  string
	transport fetch.Transport
	// reads are the request headers the server's answers depend on, when
	// its Transport says (fetch.HeaderReader); nil: every header.
	reads []string

	mu     sync.Mutex
	cands  map[string][]Candidate // by endpoint origin
	noteAt map[noteKey]int        // the first endpoint with each note (firstNotes)
	strs   map[string]string      // interned strings

	progress                 sync.Mutex // guards the counts below and the Progress calls
	done, requests, failures int
}

// firstNotes drops the notes an endpoint before i already has, so that
// the results of many endpoints do not each hold a copy of the same notes
// until they are merged (which keeps each note once, from the first
// endpoint: that one is never dropped here).
func (a *auditor) firstNotes(i int, notes []Finding) []Finding {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.noteAt == nil {
		a.noteAt = map[noteKey]int{}
	}
	out := notes[:0]
	for _, n := range notes {
		k := noteKey{n.Class, n.Origin, n.Detail}
		if j, ok := a.noteAt[k]; ok && j < i {
			continue
		}
		a.noteAt[k] = i
		out = append(out, n)
	}
	return slices.Clip(out)
}

// intern returns one shared copy of s: the titles and explanations of
// the findings at thousands of endpoints are the same few strings.
func (a *auditor) intern(s string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.strs == nil {
		a.strs = map[string]string{}
	}
	if t, ok := a.strs[s]; ok {
		return t
	}
	if len(a.strs) < 4096 {
		a.strs[s] = s
	}
	return s
}

// report calls Options.Progress with the counts after adding to them.
func (a *auditor) report(done, requests, failed int) {
	if a.opts.Progress == nil {
		return
	}
	a.progress.Lock()
	defer a.progress.Unlock()
	a.done += done
	a.requests += requests
	a.failures += failed
	a.opts.Progress(Progress{Endpoints: len(a.t.Endpoints), Done: a.done, Requests: a.requests, Failed: a.failures})
}

// underOwnDomain reports whether origin's host is a subdomain of the
// registrable domain of one of the site's own origins.
func (a *auditor) underOwnDomain(origin string) bool {
	o, err := policy.ParseOrigin(origin)
	if err != nil || o.IsOpaque() {
		return false
	}
	for _, b := range a.own {
		if strings.HasSuffix(o.Host(), "."+b.rd) {
			return true
		}
	}
	return false
}

// candidates returns the attacker origins for an endpoint: the catalogue
// and mutations around the site's own origins and the endpoint's own
// origin, then Options.Extra, without the site's own origins and the
// endpoint's origin itself (a same-origin request is not CORS).
func (a *auditor) candidates(epOrigin string) []Candidate {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.cands[epOrigin]; ok {
		return c
	}
	around := slices.Clone(a.t.Origins)
	if !slices.Contains(around, epOrigin) {
		around = append(around, epOrigin)
	}
	cands := Catalogue(a.t.Origins, a.attacker)
	seen := map[string]bool{}
	for _, c := range cands {
		seen[c.Origin] = true
	}
	add := func(c Candidate) {
		if !seen[c.Origin] {
			seen[c.Origin] = true
			cands = append(cands, c)
		}
	}
	// Around the endpoint's own host: the matching mistakes only (the
	// special-character and CR/LF strings around the site's origins
	// already test the parser).
	for _, c := range Catalogue([]string{epOrigin}, a.attacker) {
		switch c.Class {
		case ClassPrefixMatch, ClassSuffixMatch, ClassNotEscapeDot, ClassIncludeMatch,
			ClassAnySubdomain, ClassHTTPSTrustHTTP, ClassPortVariant:
			add(Candidate{Origin: c.Origin, Class: Classify(around, c.Origin)})
		}
	}
	for _, o := range a.opts.Extra {
		add(Candidate{Origin: o, Class: Classify(around, o)})
	}
	n := a.opts.Mutations
	if n == 0 {
		n = DefaultMutations
	}
	for _, c := range Mutations(a.t.Origins, min(n, MaxMutations), a.opts.Seed, a.attacker) {
		add(Candidate{Origin: c.Origin, Class: Classify(around, c.Origin)})
	}
	cands = slices.DeleteFunc(cands, func(c Candidate) bool { return c.Origin == epOrigin || trusts(a.own, c.Origin) })
	a.cands[epOrigin] = cands
	return cands
}

// epResult is what one endpoint contributes to the report.
type epResult struct {
	done                    bool
	findings, broken, notes []Finding
	probes, requests        int
	heldBack                int
	candidates              int
	failures                []Failure
	gaveUp                  bool
}

// run audits the endpoints, Options.Concurrency at a time, and merges
// their results in endpoint order. It returns what makes the audit
// incomplete, or nil.
func (a *auditor) run(rep *Report) *IncompleteError {
	eps := a.t.Endpoints
	results := make([]epResult, len(eps))
	workers := max(a.opts.Concurrency, 1)
	next := make(chan int)
	var stop sync.Once
	stopCh := make(chan struct{})
	var mu sync.Mutex
	gaveUpRun := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				select {
				case <-stopCh:
					continue // the feeder may still hand one out
				default:
				}
				r := a.endpoint(eps[i])
				r.notes = a.firstNotes(i, r.notes)
				results[i] = r
				a.report(1, 0, 0)
				mu.Lock()
				if r.gaveUp {
					gaveUpRun++
				} else if r.done {
					gaveUpRun = 0
				}
				if lim := a.opts.maxConsecutive(); lim > 0 && gaveUpRun >= lim {
					stop.Do(func() { close(stopCh) })
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range eps {
		select {
		case next <- i:
		case <-stopCh:
			break feed
		case <-a.ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()

	inc := &IncompleteError{}
	byCause := map[server.Cause]*Failure{}
	seenNotes := map[noteKey]bool{}
	for i, r := range results {
		if !r.done {
			inc.NotAudited = append(inc.NotAudited, eps[i])
		}
		if r.gaveUp {
			inc.GivenUp = append(inc.GivenUp, eps[i])
		}
		rep.Probes += r.probes
		rep.Requests += r.requests
		rep.HeldBack += r.heldBack
		rep.Candidates = max(rep.Candidates, r.candidates)
		rep.Findings = append(rep.Findings, r.findings...)
		rep.Broken = append(rep.Broken, r.broken...)
		for _, n := range r.notes {
			// A note is about an origin string, not an endpoint: listed
			// once, at the first endpoint where it came up.
			k := noteKey{n.Class, n.Origin, n.Detail}
			if !seenNotes[k] {
				seenNotes[k] = true
				rep.Notes = append(rep.Notes, n)
			}
		}
		for _, f := range r.failures {
			inc.Failed += f.Count
			if g := byCause[f.Cause]; g != nil {
				g.Count += f.Count
			} else {
				c := f
				byCause[f.Cause] = &c
			}
		}
	}
	for _, c := range causeOrder {
		if f := byCause[c]; f != nil {
			inc.Failures = append(inc.Failures, *f)
		}
	}
	inc.Err = a.ctx.Err()
	if inc.Failed == 0 && len(inc.GivenUp) == 0 && len(inc.NotAudited) == 0 && inc.Err == nil {
		return nil
	}
	return inc
}

type noteKey struct {
	class          Class
	origin, detail string
}

// endpoint audits one URL with its own transport.
func (a *auditor) endpoint(ep string) epResult {
	if a.ctx.Err() != nil {
		return epResult{}
	}
	u, _ := policy.ParseURL(ep) // checked by Audit
	e := &epAudit{a: a, ep: ep, u: u, tr: newProbeTransport(a.ctx, a.transport, a.reads, &a.opts)}
	if a.opts.Progress != nil {
		e.tr.onSent = func(failed bool) {
			n := 0
			if failed {
				n = 1
			}
			a.report(0, 1, n)
		}
	}
	for _, p := range a.profiles {
		e.fetchers = append(e.fetchers, &fetch.Fetcher{Profile: p, Transport: e.tr})
	}
	cands := a.candidates(policy.OriginOf(u).String())
	e.run(cands)
	r := epResult{findings: e.findings, broken: e.broken, notes: e.notes, probes: e.probes,
		requests: e.tr.sent, heldBack: e.tr.heldBack, candidates: len(cands), failures: e.tr.failures(), gaveUp: e.tr.gaveUp()}
	r.done = a.ctx.Err() == nil || r.gaveUp
	return r
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
