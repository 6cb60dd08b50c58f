package report

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim"
)

// HTML writes a self-contained HTML page for a result: no script, no
// external style sheet, font or image, so it reads the same offline. The
// page tells the scenario's prose where it stands, the first profile's run
// step by step with an inline SVG sequence diagram, spec links, the wire
// exchanges and the console lines; with several profiles, each other one
// only where it differs (with its own diagram), a verdict table and every
// fix for every profile at once.
func HTML(w io.Writer, r *sim.Result) error {
	v := buildHTMLScenario(r, "s1")
	return htmlTemplate.Execute(w, htmlPage{Title: v.Title, Scenarios: []*htmlScenario{v}})
}

// Book writes a lab book: one self-contained HTML page (as HTML writes)
// for many scenarios, with an index that links each one and says whether
// it passed under every profile.
func Book(w io.Writer, title string, results []*sim.Result) error {
	page := htmlPage{Title: title, Book: true}
	for i, r := range results {
		v := buildHTMLScenario(r, fmt.Sprintf("s%d", i+1))
		v.Book = true
		page.Scenarios = append(page.Scenarios, v)
	}
	return htmlTemplate.Execute(w, page)
}

// HTMLFragment writes what HTML writes inside the page's body, without
// the page around it or its style sheet: for a page that shows reports
// (corsim serve). The classes are HTML's (prose, step, trace, verdict).
func HTMLFragment(w io.Writer, r *sim.Result) error {
	v := buildHTMLScenario(r, "s1")
	v.Book = true // headings one level down, under the page's own
	return htmlTemplate.ExecuteTemplate(w, "scenario", v)
}

type htmlPage struct {
	Title     string
	Book      bool
	Scenarios []*htmlScenario
}

type htmlScenario struct {
	ID, Name, Title, Spec, Skip, Err string
	OK                               bool
	Book                             bool // part of a lab book: headings one level down
	Profiles                         []string
	Story                            *htmlRun   // the first profile, told in full
	Others                           []*htmlRun // the others, only where they differ
	Table                            [][]string // the verdict table, with several profiles
	Fixes                            []htmlLineFixes
}

type htmlRun struct {
	Profile  string
	OK       bool
	Failures []string
	SVG      template.HTML
	Items    []htmlItem
	Same     bool // every step as in the first profile
}

// htmlItem is a paragraph of the scenario's prose or a step.
type htmlItem struct {
	Prose []string
	Step  *htmlStep
}

type htmlLineFixes struct {
	Line     int
	Command  string
	Browsers string
	Fixes    []htmlFix
}

func buildHTMLScenario(r *sim.Result, id string) *htmlScenario {
	v := &htmlScenario{ID: id, Name: r.Name, OK: r.OK()}
	sc := r.Scenario
	if sc != nil {
		v.Title, v.Spec, v.Skip = sc.Title, sc.Spec, sc.Skip
	}
	if v.Title == "" {
		v.Title = r.Name
	}
	if r.Err != nil {
		v.Err = r.Err.Error()
	}
	var cmp *comparison
	if len(r.Runs) > 1 {
		for _, run := range r.Runs {
			v.Profiles = append(v.Profiles, run.Profile)
		}
		cmp = newComparison(v.Profiles)
	}
	for i, run := range r.Runs {
		hr := &htmlRun{Profile: run.Profile, OK: run.OK()}
		for _, f := range run.Failures {
			hr.Failures = append(hr.Failures, f.Error())
		}
		var buf bytes.Buffer
		bw := bufio.NewWriter(&buf)
		writeSVG(bw, buildSequence(run))
		bw.Flush()
		hr.SVG = template.HTML(buf.String()) // built from escaped parts by writeSVG
		from := 0
		for _, st := range run.Steps {
			if i == 0 && sc != nil {
				for _, p := range sc.ProseBefore(from, st.Command.Line) {
					hr.Items = append(hr.Items, htmlItem{Prose: p.Lines})
				}
				from = st.Command.Line
			}
			hs := htmlStepOf(st, cmp == nil)
			switch {
			case cmp == nil:
			case i == 0:
				cmp.keepFirst(st)
				cmp.record(0, st)
			default:
				cmp.record(i, st)
				why, ok := cmp.differs(st)
				if !ok {
					continue
				}
				hs.Why = why
			}
			hr.Items = append(hr.Items, htmlItem{Step: hs})
		}
		if i == 0 && sc != nil {
			for _, p := range sc.ProseBefore(from, 1<<30) {
				hr.Items = append(hr.Items, htmlItem{Prose: p.Lines})
			}
		}
		cmp.done(i, run)
		if i == 0 {
			v.Story = hr
		} else {
			hr.Same = len(hr.Items) == 0
			v.Others = append(v.Others, hr)
		}
	}
	if cmp != nil {
		v.Table, _ = cmp.tableRows()
		all, _ := cmp.merged()
		for _, lf := range all {
			hl := htmlLineFixes{Line: lf.Line, Command: lf.Command, Browsers: strings.Join(lf.Browsers, ", ")}
			for _, f := range lf.Fixes {
				hl.Fixes = append(hl.Fixes, htmlFix{Scope: f.Scope(nil), Changes: f.Changes})
			}
			v.Fixes = append(v.Fixes, hl)
		}
	}
	return v
}

func htmlStepOf(st *sim.Step, fixes bool) *htmlStep {
	hs := &htmlStep{Line: st.Command.Line, Text: st.Command.Text, Check: st.Command.Expect != nil}
	if st.Failure != nil {
		hs.Failure = st.Failure.Msg
	}
	if fs := st.Fetch; fs != nil {
		hs.Fetch = htmlFetchOf(fs, fixes)
	}
	return hs
}

type htmlStep struct {
	Why     string // how the step differs from the first profile's
	Line    int
	Text    string
	Check   bool
	Failure string
	Fetch   *htmlFetch
}

type htmlFetch struct {
	Events  []htmlEvent
	Verdict string
	Outcome string
	JSError string
	Console []string
	Cookies []explain.CookieNote
	Fixes   []htmlFix
}

// htmlFix is one fix of the fetch's explanation.
type htmlFix struct {
	Scope   string
	Changes []explain.Change
}

type htmlEvent struct {
	Text, Spec string
	Wire       string
	Fail       bool
}

// htmlFetchOf builds a fetch's part of the page; fixes says whether its
// own fixes go under it (one profile: the merged list is the same).
func htmlFetchOf(fs *sim.FetchStep, fixes bool) *htmlFetch {
	hf := &htmlFetch{Verdict: Verdict(fs), Outcome: fs.Outcome, JSError: fs.JSError}
	for _, c := range fs.Console {
		hf.Console = append(hf.Console, string(c.Level)+": "+c.Text)
	}
	ex := fs.Explain(context.Background())
	hf.Cookies = ex.Cookies()
	if fixes {
		for _, f := range ex.Fixes {
			hf.Fixes = append(hf.Fixes, htmlFix{Scope: f.Scope(nil), Changes: f.Changes})
		}
	}
	if e := fs.RequestErr; e != nil {
		hf.Events = append(hf.Events, htmlEvent{Text: "Building the request fails: " + e.Message, Spec: e.Spec, Fail: true})
	}
	res := fs.Result
	if res == nil {
		return hf
	}
	wire := 0
	for _, ev := range res.Trace {
		he := htmlEvent{Text: explain.Sentence(ev, res), Spec: ev.Spec, Fail: ev.Outcome == fetch.OutcomeFail}
		if (ev.Step == fetch.StepPreflightSent || ev.Step == fetch.StepActualSent) && wire < len(res.Wire) {
			he.Wire = exchangeText(res.Wire[wire])
			wire++
		}
		hf.Events = append(hf.Events, he)
	}
	for ; wire < len(res.Wire); wire++ {
		hf.Events = append(hf.Events, htmlEvent{Text: "Another request reached a server.", Wire: exchangeText(res.Wire[wire])})
	}
	return hf
}

func exchangeText(x fetch.Exchange) string {
	var b strings.Builder
	if x.Request != nil {
		b.WriteString(sim.RequestLine(x.Request) + "\n")
		for _, h := range x.Request.Header {
			b.WriteString(h.Name + ": " + h.Value + "\n")
		}
	}
	switch {
	case x.Err != nil:
		b.WriteString("\n(no response: " + x.Err.Error() + ")\n")
	case x.Response != nil:
		b.WriteString("\n" + statusLine(x.Response) + "\n")
		for _, h := range x.Response.Header {
			b.WriteString(h.Name + ": " + h.Value + "\n")
		}
	}
	return b.String()
}

var htmlTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>corsim: {{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70rem;margin:1.5rem auto;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.2rem;border-bottom:2px solid #888;padding-bottom:.2rem;margin-top:2.5rem}h3{font-size:1.05rem;border-bottom:1px solid #ccc}
code,pre{font-family:ui-monospace,monospace;font-size:.85rem}
pre{background:#f5f5f5;padding:.5rem;overflow-x:auto;margin:.3rem 0}
.pass{color:#060}.fail{color:#a00}.meta{color:#555}
.prose{border-left:4px solid #36c;background:#f3f6fc;padding:.4rem .8rem;margin:.8rem 0}
.step{margin:.4rem 0}.step>code{background:#eef;padding:.1rem .3rem}
.why{font-weight:600}
ol.trace{margin:.3rem 0 .3rem 1rem}ol.trace li.bad{color:#a00}
ol.trace a{font-size:.75rem;color:#335}
.verdict{font-weight:600}.console{color:#722}
.diagram{overflow-x:auto;border:1px solid #ddd;padding:.5rem;margin:.5rem 0}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.2rem .5rem;text-align:left;vertical-align:top}th{background:#eee}
</style>
</head>
<body>
{{if .Book}}<h1>{{.Title}}</h1>
<nav aria-label="scenarios"><ol>{{range .Scenarios}}<li><a href="#{{.ID}}">{{.Title}}</a> — {{if .OK}}<span class="pass">pass</span>{{else}}<span class="fail">fail</span>{{end}} <span class="meta">({{.Name}})</span></li>
{{end}}</ol></nav>
{{end}}{{range .Scenarios}}{{template "scenario" .}}{{end}}
</body>
</html>
{{define "scenario"}}<article id="{{.ID}}">
{{if $.Book}}<h2>{{.Title}}</h2>{{else}}<h1>{{.Title}}</h1>{{end}}
<p class="meta">Scenario <code>{{.Name}}</code>{{if .Spec}} · spec: <a href="{{.Spec}}">{{.Spec}}</a>{{end}}</p>
{{if .Skip}}<p class="meta">Not replayed in a real browser: {{.Skip}}</p>{{end}}
{{if .Err}}<pre class="fail">{{.Err}}</pre>{{end}}
{{with .Story}}{{template "run" .}}{{end}}
{{if .Others}}<h3>Where the other browsers differ from {{.Story.Profile}}</h3>
{{range .Others}}{{if .Same}}<p>{{.Profile}}: the same as {{$.Story.Profile}} at every step — {{if .OK}}<span class="pass">pass</span>{{else}}<span class="fail">fail</span>{{end}}.</p>
<details><summary>{{.Profile}}'s sequence diagram</summary><div class="diagram">{{.SVG}}</div></details>
{{else}}{{template "run" .}}{{end}}{{end}}{{end}}
{{if .Table}}<h3>Verdicts</h3>
<table><caption class="meta">Each fetch's outcome per browser; ✗ where the scenario expected otherwise; - where the command does not run under that browser.</caption>
{{range $i, $row := .Table}}<tr>{{range $row}}{{if eq $i 0}}<th scope="col">{{.}}</th>{{else}}<td>{{.}}</td>{{end}}{{end}}</tr>
{{end}}</table>{{end}}
{{if .Fixes}}<h3>What would change the outcome, for every browser at once</h3>
{{range .Fixes}}<p>line {{.Line}} <code>{{.Command}}</code> (failed in {{.Browsers}}){{if not .Fixes}}: corsim found no change it could confirm.{{end}}</p>
{{if .Fixes}}<ol class="fix">{{range .Fixes}}<li>{{.Scope}}:<ul>{{range .Changes}}<li>{{.Text}} <a href="{{.Spec}}">spec</a></li>{{end}}</ul></li>{{end}}</ol>{{end}}{{end}}{{end}}
</article>
{{end}}
{{define "run"}}<section aria-label="{{.Profile}}">
<h3>{{.Profile}} — {{if .OK}}<span class="pass">pass</span>{{else}}<span class="fail">fail</span>{{end}}</h3>
{{if .Failures}}<ul class="fail">{{range .Failures}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
<div class="diagram">{{.SVG}}</div>
{{range .Items}}{{if .Prose}}<div class="prose">{{range .Prose}}{{.}}<br>{{end}}</div>
{{end}}{{with .Step}}<div class="step">{{if .Why}}<p class="why">line {{.Line}}: {{.Why}}</p>{{end}}<span class="meta">line {{.Line}}</span> <code>{{.Text}}</code>{{if .Failure}} <span class="fail">✗ {{.Failure}}</span>{{else if .Check}} <span class="pass">✓</span>{{end}}
{{with .Fetch}}
<ol class="trace">
{{range .Events}}<li{{if .Fail}} class="bad"{{end}}>{{.Text}}{{if .Spec}} <a href="{{.Spec}}">spec</a>{{end}}{{if .Wire}}<pre>{{.Wire}}</pre>{{end}}</li>
{{end}}</ol>
<p class="verdict">⇒ {{.Verdict}}</p>
{{if .JSError}}<p class="console">script: <code>{{.JSError}}</code></p>{{end}}
{{range .Console}}<p class="console">console {{.}}</p>{{end}}{{range .Cookies}}
<p class="cookie">cookie {{.Text}}</p>{{end}}
{{if .Fixes}}<p class="fix">What would make it work:</p><ol class="fix">{{range .Fixes}}<li>{{.Scope}}:<ul>{{range .Changes}}<li>{{.Text}} <a href="{{.Spec}}">spec</a></li>{{end}}</ul></li>{{end}}</ol>{{end}}
{{end}}
</div>
{{end}}{{end}}
</section>
{{end}}`))
