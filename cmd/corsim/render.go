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
			if err := report.Mermaid(w, r); err != nil {
				return err
			}
		}
		return nil
	case "html":
		if len(results) == 1 {
			return report.HTML(w, results[0])
		}
		return report.Book(w, fmt.Sprintf("corsim lab book: %d scenarios", len(results)), results)
	}
	return fmt.Errorf("unknown format %q", o.format)
}

// writeText prints, per scenario, its story (when verbose) and its verdict
// line, then a summary when there are several.
func writeText(w io.Writer, results []*sim.Result, o reportOpts) error {
	p := o.color
	failed := 0
	var b strings.Builder
	for _, r := range results {
		ok := r.OK()
		if !ok {
			failed++
		}
		if o.verbose && !o.quiet {
			if err := report.Text(&b, r); err != nil {
				return err
			}
			b.WriteString("\n")
		}
		if ok && o.quiet {
			continue
		}
		verdict := p.green("ok  ")
		if !ok {
			verdict = p.red("FAIL")
		}
		profiles := make([]string, len(r.Runs))
		for i, run := range r.Runs {
			profiles[i] = run.Profile
		}
		fmt.Fprintf(&b, "%s %s (%s)\n", verdict, r.Name, strings.Join(profiles, ", "))
		for _, f := range r.Failures() {
			fmt.Fprintf(&b, "     %s\n", f.Error())
		}
	}
	if len(results) > 1 {
		sum := fmt.Sprintf("%d scenarios, %d passed, %d failed", len(results), len(results)-failed, failed)
		if failed > 0 {
			sum = p.red(sum)
		}
		fmt.Fprintln(&b, sum)
	}
	_, err := io.WriteString(report.NewEscaper(w, p.on), b.String())
	return err
}
