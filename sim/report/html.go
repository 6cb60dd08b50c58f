package report

import (
	"bufio"
	"bytes"
	"context"
	"html/template"
	"io"
	"strings"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim"
)

// HTML writes a self-contained HTML page for a result: no script, no
// external style sheet, font or image, so it reads the same offline. Each
// profile run gets an inline SVG sequence diagram and the step-by-step
// story with spec links, the wire exchanges and the console lines.
func HTML(w io.Writer, r *sim.Result) error {
	v := htmlView{Name: r.Name}
	if sc := r.Scenario; sc != nil {
		v.Title, v.Spec, v.Skip = sc.Title, sc.Spec, sc.Skip
	}
	if v.Title == "" {
		v.Title = r.Name
	}
	if r.Err != nil {
		v.Err = r.Err.Error()
	}
	for _, run := range r.Runs {
		hr := htmlRun{Profile: run.Profile, OK: run.OK()}
		for _, f := range run.Failures {
			hr.Failures = append(hr.Failures, f.Error())
		}
		var buf bytes.Buffer
		bw := bufio.NewWriter(&buf)
		writeSVG(bw, buildSequence(run))
		bw.Flush()
		hr.SVG = template.HTML(buf.String()) // built from escaped parts by writeSVG
		for _, st := range run.Steps {
			hs := htmlStep{Line: st.Command.Line, Text: st.Command.Text, Check: st.Command.Expect != nil}
			if st.Failure != nil {
				hs.Failure = st.Failure.Msg
			}
			if fs := st.Fetch; fs != nil {
				hs.Fetch = htmlFetchOf(fs)
			}
			hr.Steps = append(hr.Steps, hs)
		}
		v.Runs = append(v.Runs, hr)
	}
	return htmlTemplate.Execute(w, v)
}

type htmlView struct {
	Name, Title, Spec, Skip, Err string
	Runs                         []htmlRun
}

type htmlRun struct {
	Profile  string
	OK       bool
	Failures []string
	SVG      template.HTML
	Steps    []htmlStep
}

type htmlStep struct {
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

func htmlFetchOf(fs *sim.FetchStep) *htmlFetch {
	hf := &htmlFetch{Verdict: Verdict(fs), Outcome: fs.Outcome, JSError: fs.JSError}
	for _, c := range fs.Console {
		hf.Console = append(hf.Console, string(c.Level)+": "+c.Text)
	}
	hf.Cookies = fs.Explain(context.Background()).Cookies()
	for _, f := range fs.Explain(context.Background()).Fixes {
		hf.Fixes = append(hf.Fixes, htmlFix{Scope: f.Scope(nil), Changes: f.Changes})
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

var htmlTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>corsim: {{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70rem;margin:1.5rem auto;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.15rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
code,pre{font-family:ui-monospace,monospace;font-size:.85rem}
pre{background:#f5f5f5;padding:.5rem;overflow-x:auto;margin:.3rem 0}
.pass{color:#070}.fail{color:#b00}.meta{color:#555}
.step{margin:.4rem 0}.step>code{background:#eef;padding:.1rem .3rem}
ol.trace{margin:.3rem 0 .3rem 1rem}ol.trace li.bad{color:#b00}
ol.trace a{font-size:.75rem;color:#557}
.verdict{font-weight:600}.console{color:#733}
.diagram{overflow-x:auto;border:1px solid #ddd;padding:.5rem;margin:.5rem 0}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">Scenario <code>{{.Name}}</code>{{if .Spec}} · spec: <a href="{{.Spec}}">{{.Spec}}</a>{{end}}</p>
{{if .Skip}}<p class="meta">Not replayed in a real browser: {{.Skip}}</p>{{end}}
{{if .Err}}<pre class="fail">{{.Err}}</pre>{{end}}
{{range .Runs}}
<section>
<h2>{{.Profile}} — {{if .OK}}<span class="pass">pass</span>{{else}}<span class="fail">fail</span>{{end}}</h2>
{{if .Failures}}<ul class="fail">{{range .Failures}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
<div class="diagram">{{.SVG}}</div>
{{range .Steps}}
<div class="step"><span class="meta">line {{.Line}}</span> <code>{{.Text}}</code>{{if .Failure}} <span class="fail">✗ {{.Failure}}</span>{{else if .Check}} <span class="pass">✓</span>{{end}}
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
{{end}}
</section>
{{end}}
</body>
</html>
`))
