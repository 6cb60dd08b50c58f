package report_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
)

// ExampleTextWriter tells a scenario's story while it runs and keeps no
// step once it is told, so memory stays flat however many fetches the
// scenario has ("corsim run FILE" does this).
func ExampleTextWriter() {
	sc, err := scenario.Parse("one.txtar", []byte(`# One allowed GET.
page https://app.example
server https://api.example config api.conf
fetch https://api.example/items
expect outcome allowed
-- api.conf --
origins https://app.example
`))
	if err != nil {
		panic(err)
	}
	var story strings.Builder // os.Stdout, a file: any io.Writer
	tw := report.NewTextWriter(&story)
	tw.Begin(sc.Name, sc)
	res := sim.Run(context.Background(), sc, sim.Options{Observer: tw, DropSteps: true})
	if err := tw.End(res); err != nil {
		panic(err)
	}
	// The story's command lines (the fetch's steps are left out here).
	for _, l := range strings.Split(story.String(), "\n") {
		if strings.HasPrefix(l, "line ") || strings.HasPrefix(l, "-- ") {
			fmt.Println(l)
		}
	}
	fmt.Println("steps kept:", len(res.Runs[0].Steps))
	// Output:
	// line 2   page https://app.example
	// line 3   server https://api.example config api.conf
	// line 4   fetch https://api.example/items
	// line 5   expect outcome allowed  ✓
	// -- chromium: PASS
	// steps kept: 0
}

// ExampleBook makes a lab book: one self-contained HTML page with an index
// and every scenario's story, diagram and per-browser results ("corsim run
// --format html -o labs.html testdata/labs").
func ExampleBook() {
	var results []*sim.Result
	for _, name := range []string{"a.txtar", "b.txtar"} {
		results = append(results, sim.RunSource(context.Background(), name, []byte(`# Lab: one allowed GET.
page https://app.example
server https://api.example config api.conf
fetch https://api.example/items
-- api.conf --
origins https://app.example
`), sim.Options{}))
	}
	var page strings.Builder
	if err := report.Book(&page, "two labs", results); err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(page.String(), "<article id="), "scenarios,", strings.Count(page.String(), "<svg"), "diagrams")
	// Output: 2 scenarios, 2 diagrams
}
