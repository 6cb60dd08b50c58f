package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
)

// Text writes the plain-text story of a result: each profile's run step by
// step, every step of every fetch in words with its spec link, the
// requests on the wire, what script got and what the console printed, and
// each expectation with ✓ or ✗. The text is for people and may change
// between versions; programs should read the JSON report.
func Text(w io.Writer, r *sim.Result) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("Scenario %s\n", r.Name)
	if sc := r.Scenario; sc != nil {
		if sc.Title != "" {
			p("  %s\n", sc.Title)
		}
		if sc.Spec != "" {
			p("  spec: %s\n", sc.Spec)
		}
		if sc.Skip != "" {
			p("  (not replayed in a real browser: %s)\n", sc.Skip)
		}
		for _, e := range scenario.Engines {
			if why := sc.SkipFor[e]; why != "" {
				p("  (not replayed in %s: %s)\n", e, why)
			}
		}
	}
	if r.Err != nil {
		p("\nERROR %v\n", r.Err)
	}
	for _, run := range r.Runs {
		p("\n== %s ==\n", run.Profile)
		for _, st := range run.Steps {
			textStep(bw, st)
		}
		if run.OK() {
			p("-- %s: PASS\n", run.Profile)
		} else {
			p("-- %s: FAIL (%d)\n", run.Profile, len(run.Failures))
		}
	}
	return bw.Flush()
}

func textStep(w *bufio.Writer, st *sim.Step) {
	cmd := st.Command
	mark := ""
	if cmd.Expect != nil {
		mark = "  ✓"
	}
	if st.Failure != nil {
		mark = "  ✗ " + st.Failure.Msg
	}
	fmt.Fprintf(w, "line %-3d %s%s\n", cmd.Line, cmd.Text, mark)
	const ind = "         "
	switch {
	case cmd.Name == "advance":
		fmt.Fprintf(w, "%sThe clock now reads %s (+%s since the start).\n", ind, st.Clock.Format("15:04:05.000"), st.Clock.Sub(browser.Epoch).String())
	case st.Fetch != nil:
		textFetch(w, st.Fetch, ind)
	}
}

func textFetch(w *bufio.Writer, fs *sim.FetchStep, ind string) {
	res := fs.Result
	if fs.RequestErr != nil {
		e := fs.RequestErr
		fmt.Fprintf(w, "%s1. Building the request fails: %s.\n%s   <%s>\n", ind, trimDot(e.Message), ind, e.Spec)
	}
	wire := 0
	if res != nil {
		n := 0
		for _, ev := range res.Trace {
			n++
			fmt.Fprintf(w, "%s%d. %s\n%s   <%s>\n", ind, n, explain.Sentence(ev, res), ind, ev.Spec)
			if ev.Step == fetch.StepPreflightSent || ev.Step == fetch.StepActualSent {
				if wire < len(res.Wire) {
					textExchange(w, res.Wire[wire], ind+"   ")
					wire++
				}
			}
		}
		for ; wire < len(res.Wire); wire++ {
			textExchange(w, res.Wire[wire], ind+"   ")
		}
	}
	fmt.Fprintf(w, "%s=> %s\n", ind, Verdict(fs))
	if fs.JSError != "" {
		fmt.Fprintf(w, "%s   script: %s\n", ind, fs.JSError)
	}
	for _, c := range fs.Console {
		fmt.Fprintf(w, "%s   console %s: %s\n", ind, c.Level, c.Text)
	}
	ex := fs.Explain(context.Background())
	for _, n := range ex.Cookies() {
		fmt.Fprintf(w, "%s   cookie: %s\n", ind, n.Text)
	}
	textFixes(w, ex, ind+"   ")
}

// textFixes lists the fixes of an explanation: each a numbered set of
// changes, with the browsers it was confirmed in.
func textFixes(w *bufio.Writer, e *explain.Explanation, ind string) {
	for i, f := range e.Fixes {
		fmt.Fprintf(w, "%sfix %d, %s:\n", ind, i+1, f.Scope(nil))
		for _, c := range f.Changes {
			fmt.Fprintf(w, "%s  - %s\n%s    <%s>\n", ind, c.Text, ind, c.Spec)
		}
	}
}

func textExchange(w *bufio.Writer, x fetch.Exchange, ind string) {
	if x.Request != nil {
		fmt.Fprintf(w, "%s> %s\n", ind, sim.RequestLine(x.Request))
		textHeaders(w, x.Request.Header, ind+"> ")
	}
	switch {
	case x.Err != nil:
		fmt.Fprintf(w, "%s< (no response: %v)\n", ind, x.Err)
	case x.Response != nil:
		fmt.Fprintf(w, "%s< %s\n", ind, statusLine(x.Response))
		textHeaders(w, x.Response.Header, ind+"< ")
	}
}

func textHeaders(w *bufio.Writer, h policy.HeaderList, ind string) {
	for _, l := range h {
		fmt.Fprintf(w, "%s%s: %s\n", ind, l.Name, l.Value)
	}
}

func statusLine(r *fetch.WireResponse) string {
	text := r.StatusText
	if text == "" {
		text = http.StatusText(r.Status)
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, text))
}
