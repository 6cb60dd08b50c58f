package main

import (
	"encoding/json"
	"io"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim/har"
	"github.com/corsim/corsim/sim/openapi"
)

// The JSON documents of check and replay (docs/json-schema.md,
// corsim.check/v1 and corsim.replay/v1); like the others they change only
// when a field is removed or changes meaning.
const (
	checkSchema  = "corsim.check/v1"
	replaySchema = "corsim.replay/v1"
)

type (
	// verdictJSON is one browser's verdict on one request.
	verdictJSON struct {
		Browser string   `json:"browser"`
		Verdict string   `json:"verdict"`
		Reason  string   `json:"reason,omitempty"`
		Fix     []string `json:"fix,omitempty"`
	}
	headerJSON struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	requestJSON struct {
		Method      string       `json:"method"`
		URL         string       `json:"url"`
		Mode        string       `json:"mode"`
		Credentials string       `json:"credentials"`
		Headers     []headerJSON `json:"headers"`
		Body        string       `json:"body,omitempty"`
	}
	checkDocJSON struct {
		Schema     string          `json:"schema"`
		Document   string          `json:"document"`
		OpenAPI    string          `json:"openapi"`
		Base       string          `json:"base"`
		Server     string          `json:"server"`
		Profiles   []string        `json:"profiles"`
		Operations []checkCaseJSON `json:"operations"`
		Blocked    int             `json:"blocked"`
	}
	checkCaseJSON struct {
		ID          string        `json:"id"`
		Method      string        `json:"method"`
		Path        string        `json:"path"`
		ContentType string        `json:"contentType,omitempty"`
		Line        int           `json:"line"`
		Origin      string        `json:"origin"`
		Security    string        `json:"security,omitempty"`
		Request     requestJSON   `json:"request"`
		Notes       []string      `json:"notes"`
		Verdicts    []verdictJSON `json:"verdicts"`
	}
	replayDocJSON struct {
		Schema   string           `json:"schema"`
		File     string           `json:"file"`
		Entries  int              `json:"entries"`
		Live     bool             `json:"live"`
		Profiles []string         `json:"profiles"`
		Requests []replayCallJSON `json:"requests"`
		Skipped  []skippedJSON    `json:"skipped"`
		Blocked  int              `json:"blocked"`
		Unknown  int              `json:"unknown"`
	}
	replayCallJSON struct {
		Line          int           `json:"line"`
		Entry         int           `json:"entry"`
		Page          string        `json:"page"`
		PageFrom      string        `json:"pageFrom"`
		API           string        `json:"api"`
		Request       requestJSON   `json:"request"`
		Recorded      string        `json:"recorded"`
		PreflightLine int           `json:"preflightLine,omitempty"`
		Notes         []string      `json:"notes"`
		Verdicts      []verdictJSON `json:"verdicts"`
	}
	skippedJSON struct {
		Line   int    `json:"line"`
		Method string `json:"method"`
		URL    string `json:"url"`
		Reason string `json:"reason"`
	}
)

func requestDoc(in fetch.RequestInit) requestJSON {
	r := requestJSON{Method: in.Method, URL: in.URL, Mode: string(in.Mode), Credentials: string(in.Credentials), Headers: []headerJSON{}, Body: in.Body.Data}
	for _, h := range in.Header {
		r.Headers = append(r.Headers, headerJSON{h.Name, h.Value})
	}
	return r
}

func fixes(hs []hint) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Text)
	}
	return out
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// writeIndented writes v as JSON indented by two spaces, as every JSON
// document of the command is written.
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeCheckJSON writes check's document.
func writeCheckJSON(w io.Writer, doc *openapi.Doc, o *checkOpts, base string, results []checked) error {
	d := checkDocJSON{Schema: checkSchema, Document: doc.File, OpenAPI: doc.Version, Base: base, Server: o.serverFile, Profiles: o.profiles, Operations: []checkCaseJSON{}}
	if o.live != "" {
		d.Server = "live"
	}
	for _, r := range results {
		c := checkCaseJSON{ID: r.op.ID, Method: r.op.Method, Path: r.op.Path, ContentType: r.op.ContentType, Line: r.op.Line,
			Origin: r.origin.String(), Security: r.op.Security, Request: requestDoc(r.op.Init), Notes: nonNil(r.op.Notes)}
		blocked := false
		for i := range r.runs {
			run := &r.runs[i]
			v := verdictJSON{Browser: run.profile, Verdict: verdictOf(run)}
			if isBlocked(v.Verdict) {
				blocked = true
				var hs []hint
				v.Reason, hs = blockReason(run, r.origin.String())
				v.Fix = fixes(hs)
			}
			c.Verdicts = append(c.Verdicts, v)
		}
		if blocked {
			d.Blocked++
		}
		d.Operations = append(d.Operations, c)
	}
	return writeIndented(w, d)
}

// writeReplayJSON writes replay's document.
func writeReplayJSON(w io.Writer, l *har.Log, out []replayed, skipped []har.Skipped, o replayOpts) error {
	d := replayDocJSON{Schema: replaySchema, File: l.File, Entries: len(l.Entries), Live: o.live, Profiles: o.profiles, Requests: []replayCallJSON{}, Skipped: []skippedJSON{}}
	for _, r := range out {
		c := r.call
		rc := replayCallJSON{Line: c.Entry.Line, Entry: c.Entry.Index, Page: c.Page.String(), PageFrom: c.PageFrom, API: string(c.Init.Initiator),
			Request: requestDoc(c.Init), Recorded: c.Recorded(), Notes: nonNil(c.Notes)}
		if c.Preflight != nil {
			rc.PreflightLine = c.Preflight.Line
		}
		var blocked, unknown bool
		for i := range r.runs {
			v, why, change := replayReason(c, &r.runs[i])
			rc.Verdicts = append(rc.Verdicts, verdictJSON{Browser: r.runs[i].profile, Verdict: v, Reason: why, Fix: fixes(change)})
			blocked = blocked || isBlocked(v)
			unknown = unknown || v == "unknown"
		}
		switch {
		case blocked:
			d.Blocked++
		case unknown:
			d.Unknown++
		}
		d.Requests = append(d.Requests, rc)
	}
	for _, s := range skipped {
		d.Skipped = append(d.Skipped, skippedJSON{Line: s.Entry.Line, Method: s.Entry.Request.Method, URL: s.Entry.Request.URL, Reason: s.Reason})
	}
	return writeIndented(w, d)
}
