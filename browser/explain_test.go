package browser_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/explain"
)

// TestExplainGolden explains every console situation under every profile
// the console goldens cover and compares with
// testdata/explain/<profile>.golden (go test -update rewrites them): the
// verdict, the check that decided it, what script sees and every
// confirmed fix.
func TestExplainGolden(t *testing.T) {
	for _, p := range browser.GoldenProfiles() {
		t.Run(p.Name, func(t *testing.T) {
			var b strings.Builder
			for _, c := range browser.ConsoleSituations(t, p) {
				e := explain.Fetch(c.Ctx, explain.Subject{Profile: p, Client: c.Client, Init: c.Init, Outcome: c.Outcome, Servers: c.Servers})
				fmt.Fprintf(&b, "== %s\n%s\n", c.Name, renderExplanation(e))
			}
			browser.CheckGolden(t, filepath.Join("testdata", "explain", p.Name+".golden"), b.String())
		})
	}
}

// renderExplanation writes the parts of an explanation a golden pins.
func renderExplanation(e *explain.Explanation) string {
	var b strings.Builder
	for _, r := range e.Runs {
		fmt.Fprintf(&b, "verdict: %s\n", r.Headline())
		if c := r.Decided; c != nil {
			fmt.Fprintf(&b, "decided by: %s <%s>\n", c.Message, c.Spec)
		}
		for _, s := range r.Script {
			fmt.Fprintf(&b, "script: %s\n", s)
		}
	}
	for i, f := range e.Fixes {
		state := "confirmed"
		if !f.Confirmed {
			state = "not confirmed"
		}
		fmt.Fprintf(&b, "fix %d (%s in %s):\n", i+1, state, strings.Join(f.Browsers, ", "))
		for _, c := range f.Changes {
			fmt.Fprintf(&b, "  - %s <%s>\n", c.Text, c.Spec)
		}
	}
	for _, n := range e.Notes {
		fmt.Fprintf(&b, "note: %s\n", n.Text)
	}
	return b.String()
}
