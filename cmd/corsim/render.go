package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
)

// reportOpts say how to render results.
type reportOpts struct {
	format  string
	verbose bool // tell each scenario's story
	quiet   bool // only failures
	color   palette
}

// writeRunReport renders the results of corsim run.
func writeRunReport(w io.Writer, results []*sim.Result, o reportOpts) error {
	switch o.format {
	case "text":
		return writeText(w, results, o)
	case "json":
		return report.JSON(w, results...)
	case "mermaid":
		for i, r := range results {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			if err := escaped(w, func(b io.Writer) error { return report.Mermaid(b, r) }); err != nil {
				return err
			}
		}
		return nil
	case "junit":
		return writeJUnit(w, runJUnit(results))
	case "html":
		return escaped(w, func(b io.Writer) error {
			if len(results) == 1 {
				return report.HTML(b, results[0])
			}
			return report.Book(b, fmt.Sprintf("corsim lab book: %d scenarios", len(results)), results)
		})
	}
	return fmt.Errorf("unknown format %q", o.format)
}

// escaped writes what render writes with report.EscapeControls applied to
// the whole of it: a diagram or a page can be printed on a terminal, and
// server text in it must not drive the terminal.
func escaped(w io.Writer, render func(io.Writer) error) error {
	var b strings.Builder
	if err := render(&b); err != nil {
		return err
	}
	_, err := io.WriteString(w, report.EscapeControls(b.String(), false))
	return err
}

// writeText prints, per scenario, its story (when verbose) and its verdict
// line, then a summary when there are several.
func writeText(w io.Writer, results []*sim.Result, o reportOpts) error {
	var b strings.Builder
	failed := 0
	for _, r := range results {
		if !r.OK() {
			failed++
		}
		if o.verbose && !o.quiet {
			if err := report.Text(&b, r); err != nil {
				return err
			}
			b.WriteString("\n")
		}
		writeVerdictLines(&b, r, o)
	}
	if len(results) > 1 {
		writeSummary(&b, len(results), failed, o)
	}
	_, err := io.WriteString(report.NewEscaper(w, o.color.on), b.String())
	return err
}

// writeVerdictLines prints a scenario's "ok" or "FAIL" line and its
// failures (nothing for a pass with -q).
func writeVerdictLines(b *strings.Builder, r *sim.Result, o reportOpts) {
	p := o.color
	ok := r.OK()
	if ok && o.quiet {
		return
	}
	verdict := p.green("ok  ")
	if !ok {
		verdict = p.red("FAIL")
	}
	profiles := make([]string, len(r.Runs))
	for i, run := range r.Runs {
		profiles[i] = run.Profile
	}
	fmt.Fprintf(b, "%s %s (%s)\n", verdict, r.Name, strings.Join(profiles, ", "))
	for _, f := range r.Failures() {
		fmt.Fprintf(b, "     %s\n", f.Error())
	}
}

// writeSummary prints the last line of a report of several scenarios.
func writeSummary(b *strings.Builder, n, failed int, o reportOpts) {
	sum := fmt.Sprintf("%d scenarios, %d passed, %d failed", n, n-failed, failed)
	if failed > 0 {
		sum = o.color.red(sum)
	}
	fmt.Fprintln(b, sum)
}
