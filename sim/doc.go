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
package sim
