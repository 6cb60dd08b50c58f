package report

import (
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/server"
)

// Build turns results into the JSON document.
func Build(results ...*sim.Result) *Document {
	d := &Document{Schema: Schema, Scenarios: make([]*Scenario, 0, len(results))}
	for _, r := range results {
		if r != nil {
			d.Scenarios = append(d.Scenarios, BuildScenario(r))
		}
	}
	return d
}

// JSON writes the JSON document for results, indented.
func JSON(w io.Writer, results ...*sim.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(Build(results...))
}

// BuildScenario turns one result into its JSON form.
func BuildScenario(r *sim.Result) *Scenario {
	s := &Scenario{Name: r.Name, OK: r.OK(), Interrupted: r.Interrupted, Runs: []*ProfileRun{}}
	if sc := r.Scenario; sc != nil {
		s.Title, s.Spec, s.ConformanceSkip, s.ConformanceSkipFor = sc.Title, sc.Spec, sc.Skip, sc.SkipFor
	}
	if r.Err != nil {
		s.Error = r.Err.Error()
	}
	for _, run := range r.Runs {
		pr := &ProfileRun{Profile: run.Profile, OK: run.OK(), Failures: []*Failure{}, Steps: []*Step{}}
		for _, f := range run.Failures {
			pr.Failures = append(pr.Failures, &Failure{Line: f.Line, Command: f.Command, Message: f.Msg})
		}
		for _, st := range run.Steps {
			pr.Steps = append(pr.Steps, buildStep(st))
		}
		s.Runs = append(s.Runs, pr)
	}
	return s
}

// BuildFixes turns an explanation's fixes into their JSON form ([] when
// there are none).
func BuildFixes(e *explain.Explanation) []*Fix {
	out := []*Fix{}
	for _, f := range e.Fixes {
		jf := &Fix{Browsers: f.Browsers, Confirmed: f.Confirmed, Changes: []*Change{}}
		for _, c := range f.Changes {
			jf.Changes = append(jf.Changes, &Change{Side: c.Side, Field: c.Field, Response: c.Response, URL: c.URL, Header: c.Header,
				Need: c.Need, Sent: c.Sent, WasSent: c.WasSent, Status: c.Status, SentStatus: c.SentStatus, Text: c.Text, Spec: c.Spec})
		}
		out = append(out, jf)
	}
	return out
}

// BuildCookies turns the cookie notes of an explanation's first run into
// their JSON form ([] when there are none).
func BuildCookies(e *explain.Explanation) []*Cookie {
	out := []*Cookie{}
	for _, n := range e.Cookies() {
		out = append(out, &Cookie{Hop: n.Hop, Name: n.Name, Outcome: n.Outcome, Partition: n.Partition,
			Codes: append([]string{}, n.Codes...), DevTools: append([]string{}, n.DevTools...), Spec: n.Spec, Text: n.Text})
	}
	return out
}

// BuildFetch turns one fetch into its JSON form.
func BuildFetch(fs *sim.FetchStep) *Fetch {
	f := &Fetch{
		Page:    Page{Origin: fs.Client.Origin.String(), TopLevelOrigin: topLevel(fs.Client).String()},
		Time:    fs.At,
		Outcome: fs.Outcome,
		Gate:    gateWord(fs),
		Console: consoleLines(fs.Console),
		Wire:    []*Exchange{},
		Trace:   []*Event{},
		URLList: []string{},

		CacheEntries: fs.CacheEntries,
		Fixes:        BuildFixes(fs.Explain(context.Background())),
		Cookies:      BuildCookies(fs.Explain(context.Background())),
	}
	res := fs.Result
	f.Request = buildRequest(fs)
	f.Preflights = []*Preflight{}
	if res != nil {
		for i := range res.Preflights {
			f.Preflights = append(f.Preflights, buildPreflight(&res.Preflights[i]))
		}
		f.ReachedServer = res.ReachedServer
		f.Tainted = res.Tainted
		for _, u := range res.URLList {
			f.URLList = append(f.URLList, u.String())
		}
		for _, x := range res.Wire {
			ex := &Exchange{Hop: x.Hop, Preflight: x.Preflight, Request: wireRequest(x.Request), Response: wireResponse(x.Response)}
			if x.Err != nil {
				ex.Error = x.Err.Error()
				var ns *server.NotSentError
				ex.NotSent = errors.As(x.Err, &ns)
				if cause, ok := server.NoAnswer(x.Err); ok {
					ex.NoAnswer = string(cause)
				}
			}
			f.Wire = append(f.Wire, ex)
		}
		for _, ev := range res.Trace {
			f.Trace = append(f.Trace, &Event{Step: string(ev.Step), Spec: ev.Spec, Hop: ev.Hop, Preflight: ev.Preflight, Outcome: ev.Outcome, Detail: ev.Detail, Error: problem(ev.Err)})
		}
		if r := res.Response; r != nil {
			f.Response = &Response{Type: string(r.Type), Status: r.Status, StatusText: r.StatusText, Headers: headers(r.Header), Body: string(r.Body), Redirected: r.Redirected}
			if r.URL != nil {
				f.Response.URL = r.URL.String()
			}
		}
	}
	// The preflight object: the first hop's report (where the decision
	// about the script's own request is made), or "not required".
	if len(f.Preflights) > 0 {
		f.Preflight = f.Preflights[0]
	} else {
		f.Preflight = &Preflight{Reason: []string{}, Reasons: []*Problem{}, Missing: []string{}}
	}
	if err := fs.Err(); err != nil {
		f.Error = &Error{Code: string(err.Code), Message: err.Message, Spec: err.Spec, Subject: err.Subject,
			InPreflight: res != nil && res.FailedInPreflight, Request: fs.RequestErr != nil,
			JSError: fs.JSError, Console: f.Console}
	}
	return f
}

func topLevel(c fetch.Client) policy.Origin {
	if c.TopLevelOrigin == (policy.Origin{}) {
		return c.Origin
	}
	return c.TopLevelOrigin
}

func buildRequest(fs *sim.FetchStep) *Request {
	in := fs.Init
	r := &Request{Method: in.Method, URL: in.URL, Headers: headers(in.Header), Mode: string(in.Mode), Credentials: string(in.Credentials),
		Redirect: string(in.Redirect), Cache: string(in.Cache), Initiator: string(in.Initiator), UploadListeners: in.UploadListeners, DroppedHeaders: []Header{}}
	if in.Body.Kind != fetch.BodyNone {
		r.Body = &Body{Kind: string(in.Body.Kind), Data: in.Body.Data, Type: in.Body.Type}
	}
	if fs.Result != nil && fs.Result.Request != nil {
		q := fs.Result.Request
		r.Method, r.Headers = q.Method, headers(q.Header)
		if u := q.URL(); u != nil && len(q.URLList) > 0 {
			r.URL = q.URLList[0].String()
		}
		r.Mode, r.Credentials, r.Redirect, r.Cache, r.Initiator = string(q.Mode), string(q.Credentials), string(q.Redirect), string(q.Cache), string(q.Initiator)
		r.DroppedHeaders = headers(q.DroppedHeaders)
	}
	return r
}

func buildPreflight(p *fetch.PreflightReport) *Preflight {
	out := &Preflight{Hop: p.Hop, Required: p.Required, Sent: p.Sent, FromCache: p.FromCache, Missing: append([]string{}, p.Missing...),
		Request: wireRequest(p.Request), Response: wireResponse(p.Response), Error: problem(p.Err), Reason: []string{}, Reasons: []*Problem{}}
	for _, r := range p.Reasons {
		out.Reasons = append(out.Reasons, problem(r))
	}
	out.Reason = append(out.Reason, sim.ReasonKinds(p.Reasons)...)
	return out
}

func problem(f *policy.Failure) *Problem {
	if f == nil {
		return nil
	}
	return &Problem{Code: string(f.Code), Spec: f.Spec, Subject: f.Subject, Message: f.Message}
}

func headers(l policy.HeaderList) []Header {
	out := make([]Header, len(l))
	for i, h := range l {
		out[i] = Header{Name: h.Name, Value: h.Value}
	}
	return out
}

func wireRequest(r *fetch.WireRequest) *WireRequest {
	if r == nil {
		return nil
	}
	out := &WireRequest{Method: r.Method, Headers: headers(r.Header), Body: string(r.Body), Credentials: r.Credentials}
	if r.URL != nil {
		out.URL = r.URL.String()
	}
	return out
}

func wireResponse(r *fetch.WireResponse) *WireResponse {
	if r == nil {
		return nil
	}
	return &WireResponse{Status: r.Status, StatusText: r.StatusText, Headers: headers(r.Header), Body: string(r.Body)}
}

func consoleLines(l []browser.ConsoleMessage) []Console {
	out := make([]Console, len(l))
	for i, c := range l {
		out[i] = Console{Level: string(c.Level), Source: c.Source, Text: c.Text, ID: c.ID, Link: c.Link}
	}
	return out
}

// gateWord is the gate that decided fs, "none" when script got a response.
func gateWord(fs *sim.FetchStep) string {
	if g := fs.Gate(); g != "" {
		return string(g)
	}
	return "none"
}
