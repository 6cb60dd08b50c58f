package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/corsim/corsim/sim"
)

// Mermaid writes one Mermaid sequence diagram per profile run of a result
// (https://mermaid.js.org/syntax/sequenceDiagram.html), each in a fenced
// ```mermaid block under a "## profile" heading, so the output renders on
// GitHub and in most Markdown viewers. Lanes: the page, the browser, the
// preflight cache, and one per server origin; arrows: the preflight, cache
// lookups and stores, the actual request, the response or the block.
func Mermaid(w io.Writer, r *sim.Result) error {
	bw := bufio.NewWriter(w)
	title := r.Name
	if r.Scenario != nil && r.Scenario.Title != "" {
		title += ": " + r.Scenario.Title
	}
	fmt.Fprintf(bw, "# %s\n", title)
	if r.Err != nil {
		fmt.Fprintf(bw, "\nError: %v\n", r.Err)
	}
	for _, run := range r.Runs {
		fmt.Fprintf(bw, "\n## %s\n\n```mermaid\n", run.Profile)
		writeMermaid(bw, buildSequence(run))
		bw.WriteString("```\n")
		if len(r.Runs) == 1 {
			mermaidFixes(bw, run)
		}
	}
	if len(r.Runs) > 1 {
		mermaidMerged(bw, r)
	}
	return bw.Flush()
}

// mermaidMerged lists, after the diagrams of several profiles, every fix
// of each failed fetch for every profile it failed in, once.
func mermaidMerged(w *bufio.Writer, r *sim.Result) {
	profiles := make([]string, len(r.Runs))
	for i, run := range r.Runs {
		profiles[i] = run.Profile
	}
	c := newComparison(profiles)
	for i, run := range r.Runs {
		for _, st := range run.Steps {
			c.record(i, st)
		}
	}
	all, _ := c.merged()
	if len(all) == 0 {
		return
	}
	w.WriteString("\n## What would change the outcome, for every browser at once\n")
	for _, lf := range all {
		for i, f := range lf.Fixes {
			fmt.Fprintf(w, "\nLine %d, fix %d, %s:\n\n", lf.Line, i+1, f.Scope(nil))
			for _, ch := range f.Changes {
				fmt.Fprintf(w, "- %s ([spec](%s))\n", ch.Text, ch.Spec)
			}
		}
	}
}

// mermaidFixes lists, under the diagram, the fixes of each fetch that
// failed, as Markdown.
func mermaidFixes(w *bufio.Writer, run *sim.ProfileRun) {
	for _, st := range run.Steps {
		if st.Fetch == nil {
			continue
		}
		for i, f := range st.Fetch.Explain(context.Background()).Fixes {
			fmt.Fprintf(w, "\nLine %d, fix %d, %s:\n\n", st.Command.Line, i+1, f.Scope(nil))
			for _, c := range f.Changes {
				fmt.Fprintf(w, "- %s ([spec](%s))\n", c.Text, c.Spec)
			}
		}
	}
}

func writeMermaid(w *bufio.Writer, s *sequence) {
	w.WriteString("sequenceDiagram\n")
	ids := map[string]string{}
	for i, l := range s.lanes {
		var id string
		switch l.id {
		case lanePage:
			id = "P"
		case laneBrowser:
			id = "B"
		case laneCache:
			id = "C"
		default:
			id = fmt.Sprintf("S%d", i-2)
		}
		ids[l.id] = id
		fmt.Fprintf(w, "    participant %s as %s\n", id, mermaidText(l.label))
	}
	for _, a := range s.arrows {
		from, to, text := ids[a.from], ids[a.to], mermaidText(a.text)
		switch a.kind {
		case arrowCall:
			fmt.Fprintf(w, "    %s->>%s: %s\n", from, to, text)
		case arrowReply:
			fmt.Fprintf(w, "    %s-->>%s: %s\n", from, to, text)
		case arrowBlock:
			fmt.Fprintf(w, "    %s--x%s: %s\n", from, to, text)
		case arrowNote:
			fmt.Fprintf(w, "    Note over %s: %s\n", from, text)
		}
	}
}

// mermaidText makes s safe as a Mermaid label: "#" and ";" (which would
// start an entity code and end the statement) and "<" and ">" (which a
// renderer's HTML sanitizer could eat: "<img crossorigin src=…>") are
// written as Mermaid entity codes, line breaks become spaces. A ":" needs
// nothing: a message's text is everything after the first one.
func mermaidText(s string) string {
	r := strings.NewReplacer("#", "#35;", ";", "#59;", "<", "#60;", ">", "#62;", "\n", " ", "\r", " ")
	return r.Replace(s)
}
