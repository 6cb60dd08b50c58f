package sim_test

import (
	"context"
	"testing"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
)

// typical is a typical 5-step scenario: a page, a server, a preflighted
// fetch, a clock advance and a second fetch served from the cache, with
// checks.
var typical = []byte(`# A JSON POST is preflighted once, then served from the cache.
# spec: https://fetch.spec.whatwg.org/#cors-preflight-cache
page https://app.example
server https://api.example config api.conf
fetch POST https://api.example/items -H 'Content-Type: application/json' -d '{}'
expect preflight sent header
advance 1s
fetch POST https://api.example/items -H 'Content-Type: application/json' -d '{}'
expect preflight cached
-- api.conf --
origins https://app.example
headers Content-Type
max-age 3
`)

// BenchmarkScenarioRun parses and runs a typical 5-step scenario under one
// profile.
func BenchmarkScenarioRun(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res := sim.RunSource(ctx, "typical.txtar", typical, sim.Options{})
		if !res.OK() {
			b.Fatal(res.Failures(), res.Err)
		}
	}
}

// BenchmarkCorpus runs every scenario and lab once per iteration.
func BenchmarkCorpus(b *testing.B) {
	files, err := sim.Collect(corpus...)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		for _, r := range sim.RunFiles(ctx, files, sim.Options{}) {
			if !r.OK() {
				b.Fatal(r.Name, r.Failures(), r.Err)
			}
		}
	}
}

// BenchmarkScenarioParse parses the typical scenario only.
func BenchmarkScenarioParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scenario.Parse("typical.txtar", typical); err != nil {
			b.Fatal(err)
		}
	}
}
