package explain

import (
	"context"
	"fmt"
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Subject is one request as one browser made it: the input of an
// explanation.
type Subject struct {
	// Profile is the browser's profile.
	Profile fetch.Profile
	// Client is the page that made the request.
	Client fetch.Client
	// Init is the request as script asked for it (Initiator says which
	// API: fetch, XMLHttpRequest or an element).
	Init fetch.RequestInit
	// Outcome is what the browser did.
	Outcome *browser.Outcome
	// Servers is the network the request went to, as it was at the time
	// (browser.Network.Snapshot). The fixes are confirmed by sending the
	// request through it again. Nil when the servers must not be asked
	// again (a live server): the fixes are then derived from the recorded
	// answers only and marked unconfirmed.
	Servers fetch.Transport
	// Cookies are the cookies in the browser's jar before the request
	// (browser.Browser.Cookies); the re-runs that confirm fixes start with
	// them, so a server behind session auth answers as it did.
	Cookies []cookie.Cookie
}

// Verdicts, as the scenario language and the JSON report spell them.
const (
	Allowed      = "allowed"
	Opaque       = "opaque"
	Blocked      = "blocked"
	NetworkError = "network-error"
)

// Explanation is the account of one request in one or more browsers.
type Explanation struct {
	// Runs has one entry per browser, in the order given.
	Runs []*Run
	// Fixes lists the ways to make the request work, best first: each is
	// a complete set of changes, confirmed in the browsers it names.
	// Empty when every browser already lets script read the response, or
	// when corsim found no change it could confirm.
	Fixes []*Fix
	// Notes teach what would change an outcome that is not a failure:
	// how a preflighted request could be a simple one, why a response is
	// opaque. Deduplicated across the browsers.
	Notes []Note
}

// Run is what one browser did.
type Run struct {
	// Browser is the profile's name.
	Browser string
	// Verdict is Allowed, Opaque, Blocked or NetworkError.
	Verdict string
	// Decided is the check that failed, nil when script got a response.
	Decided *Check
	// Steps are the steps of the fetch algorithm, in words, in order.
	Steps []Step
	// Script is what script sees, in the terms of the API that made the
	// request: the first line is the headline (the rejection, the error
	// event, or the response), the others detail it.
	Script []string
	// Type and Status are the response's type (basic, cors, opaque, …)
	// and status when script got one.
	Type   string
	Status int
	// Body is the response body script reads ("" for none).
	Body string
	// Preflight says what the first hop did about a preflight: "none"
	// (a simple request, or no CORS), "sent", "cached" (the cache
	// covered it) or "required" (needed, but the fetch failed first).
	Preflight string
	// Console holds the console lines, as "level: text".
	Console []string
	// ReachedServer reports that the actual request got a response from
	// the server, so its side effects happened even if script was blocked.
	ReachedServer bool
	// Differs says how this browser differs from the first one ("" for
	// the first, and for a browser that did the same).
	Differs string
	// Cookies says, hop by hop, which cookies the requests carried and
	// which were withheld and why, and which Set-Cookie lines were stored
	// or rejected and why.
	Cookies []CookieNote
}

// Check is the check or gate that decided a failed fetch.
type Check struct {
	// Code is the failure's stable code (policy.Code).
	Code string
	// Spec is the anchor of the rule that failed.
	Spec string
	// Subject is the value at fault.
	Subject string
	// Message says what failed, for people.
	Message string
	// InPreflight reports a failure of the CORS-preflight.
	InPreflight bool
	// Request reports that the request could not even be built (new
	// Request() or XMLHttpRequest threw): nothing was sent.
	Request bool
}

// Step is one step of the fetch, in words.
type Step struct {
	// Text says what happened.
	Text string
	// Spec is the anchor of the algorithm step.
	Spec string
	// Failed marks the step that failed.
	Failed bool
}

// Note is one piece of teaching: what would change a non-failing outcome.
type Note struct {
	Text string
	Spec string
}

// Fetch explains one request made in one or more browsers (one Subject
// each, normally the same request and servers under different profiles).
// It re-runs the request with candidate changes to confirm each fix (see
// the package doc); ctx bounds those re-runs.
func Fetch(ctx context.Context, subjects ...Subject) *Explanation {
	e := &Explanation{}
	for i := range subjects {
		r := newRun(&subjects[i])
		if i > 0 {
			r.Differs = differs(e.Runs[0], r)
		}
		e.Runs = append(e.Runs, r)
	}
	e.Fixes = findFixes(ctx, subjects)
	for i := range subjects {
		for _, n := range notes(&subjects[i]) {
			if !containsNote(e.Notes, n) {
				e.Notes = append(e.Notes, n)
			}
		}
	}
	return e
}

func containsNote(ns []Note, n Note) bool {
	for _, m := range ns {
		if m == n {
			return true
		}
	}
	return false
}

// Run returns the run of the named browser, nil when it is not explained.
func (e *Explanation) Run(name string) *Run {
	for _, r := range e.Runs {
		if r.Browser == name {
			return r
		}
	}
	return nil
}

// Failed reports whether any browser refused script the response.
func (e *Explanation) Failed() bool {
	for _, r := range e.Runs {
		if r.Decided != nil {
			return true
		}
	}
	return false
}

func newRun(s *Subject) *Run {
	o := s.Outcome
	r := &Run{Browser: s.Profile.Name, Verdict: Verdict(o)}
	if o == nil {
		return r
	}
	if f := o.RequestErr; f != nil {
		r.Decided = &Check{Code: string(f.Code), Spec: f.Spec, Subject: f.Subject, Message: f.Message, Request: true}
		r.Steps = append(r.Steps, Step{Text: "Building the request fails: " + trimDot(f.Message) + ".", Spec: f.Spec, Failed: true})
	}
	if res := o.Result; res != nil {
		for _, ev := range res.Trace {
			r.Steps = append(r.Steps, Step{Text: Sentence(ev, res), Spec: ev.Spec, Failed: ev.Outcome == fetch.OutcomeFail})
		}
		if f := res.Err; f != nil && o.RequestErr == nil {
			r.Decided = &Check{Code: string(f.Code), Spec: f.Spec, Subject: f.Subject, Message: f.Message, InPreflight: res.FailedInPreflight}
		}
		r.ReachedServer = res.ReachedServer
		r.Cookies = cookieNotes(res)
	}
	r.Script = scriptView(o)
	if o.Response != nil {
		r.Type, r.Status, r.Body = string(o.Response.Type), o.Response.Status, string(o.Response.Body)
	}
	r.Preflight = preflightUse(o.Result)
	for _, m := range o.Console {
		r.Console = append(r.Console, string(m.Level)+": "+m.Text)
	}
	return r
}

// Verdict classifies what script got: Allowed (a basic or cors response
// it can read), Opaque (an opaque or opaque-redirect response), Blocked (a
// network error the CORS protocol caused) or NetworkError (a request that
// could not be built, or any other network error). A nil outcome is a
// NetworkError.
func Verdict(o *browser.Outcome) string {
	if o == nil || o.RequestErr != nil {
		return NetworkError
	}
	return Classify(o.Result)
}

// networkCodes are the failures that are network errors for reasons other
// than the CORS protocol: no connection, a broken redirect, a scheme the
// simulator cannot fetch. Every other failure of a fetch is a CORS block
// (the browser logs a CORS error for it).
var networkCodes = map[policy.Code]bool{
	fetch.CodeTransportError:        true,
	fetch.CodeResponseHeadersTooBig: true,
	fetch.CodeResponseHeaderByte:    true,
	fetch.CodeAborted:               true,
	fetch.CodeRedirectLimit:         true,
	fetch.CodeRedirectModeError:     true,
	fetch.CodeRedirectBadLocation:   true,
	fetch.CodeRedirectStreamBody:    true,
	fetch.CodeSchemeNotSupported:    true,
	fetch.CodeInvalidRequest:        true,
	fetch.CodeNoCORSRedirectMode:    true,
	fetch.CodeRedirectSchemeNotHTTP: true,
}

// Classify is Verdict for a fetch result (nil is a NetworkError).
func Classify(res *fetch.Result) string {
	switch {
	case res == nil:
		return NetworkError
	case res.Err != nil:
		if networkCodes[res.Err.Code] {
			return NetworkError
		}
		return Blocked
	case res.Response == nil:
		return NetworkError
	}
	switch res.Response.Type {
	case fetch.TypeOpaque, fetch.TypeOpaqueRedirect:
		return Opaque
	case fetch.TypeError:
		return NetworkError
	}
	return Allowed
}

// differs says how r differs from first, the first browser's run.
func differs(first, r *Run) string {
	if first.Verdict == r.Verdict && sameCheck(first.Decided, r.Decided) {
		return ""
	}
	if first.Decided != nil && r.Decided != nil && first.Verdict == r.Verdict {
		return fmt.Sprintf("%s fails another check first: %s (%s), where %s fails with: %s (%s)",
			r.Browser, trimDot(r.Decided.Message), r.Decided.Code, first.Browser, trimDot(first.Decided.Message), first.Decided.Code)
	}
	return fmt.Sprintf("%s: %s, where %s: %s", r.Browser, r.Headline(), first.Browser, first.Headline())
}

func sameCheck(a, b *Check) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Code == b.Code && a.InPreflight == b.InPreflight
}

// Headline is the verdict in one line: "blocked in the preflight
// (preflight-status-not-ok)", "allowed".
func (r *Run) Headline() string {
	s := r.Verdict
	if c := r.Decided; c != nil {
		switch {
		case c.Request:
			s += " before anything was sent"
		case c.InPreflight:
			s += " in the preflight"
		}
		s += " (" + c.Code + ")"
	}
	return s
}

// Browsers returns the names of the browsers, in order.
func (e *Explanation) Browsers() []string {
	out := make([]string, len(e.Runs))
	for i, r := range e.Runs {
		out[i] = r.Browser
	}
	return out
}

// sentHeader is the value of a header as sent, and whether it was.
func sentHeader(l policy.HeaderList, name string) (string, bool) {
	vs := l.Values(name)
	if len(vs) == 0 {
		return "", false
	}
	return strings.Join(vs, ", "), true
}

// preflightUse is Run.Preflight for a result (nil: "none").
func preflightUse(res *fetch.Result) string {
	if res == nil || len(res.Preflights) == 0 || res.Preflights[0].Hop != 0 {
		return "none"
	}
	switch p := res.Preflights[0]; {
	case p.FromCache:
		return "cached"
	case p.Sent:
		return "sent"
	}
	return "required"
}
