// Package sim runs corsim scenarios: it drives a simulated browser under
// each profile a scenario names, attaches the scenario's servers, runs its
// fetches on a virtual clock and checks its expectations, and returns
// structured results that package sim/report renders as a story, JSON, a
// Mermaid diagram or an HTML page.
//
// The packages under sim each have one job: sim/scenario parses scenario
// files (the format is in docs/scenarios.md), sim/server provides the
// server models, sim/report renders results. This package is the runner:
//
//	sc, err := scenario.ParseFile("testdata/scenarios/preflight-json.txtar")
//	if err != nil { ... }
//	res := sim.Run(ctx, sc, sim.Options{})
//	for _, f := range res.Failures() { fmt.Println(f) }
//
// RunFiles runs many files in parallel. A scenario never panics the runner:
// an internal error is recovered and reported as the file's Result.Err.
//
// # Reports in flat memory
//
// A Result keeps every step of every fetch, about 3 KB per fetch line. To
// report a long scenario without keeping it, give an Observer (such as
// report.TextWriter or report.JSONWriter) and DropSteps: each step is told
// to the observer as it completes and dropped. RunEach hands results over
// as they finish, so a report of many scenarios is written in order while
// the rest run.
//
// # Input files and interruption
//
// ReadInputFile reads only regular files of at most MaxInputSize; Collect
// follows a symbolic link in a directory only to a file inside it. When
// the context is done the run stops between steps and Result.Interrupted
// says so: what ran is there, and none of it is a verdict.
package sim
