package main

import (
	"context"
	"errors"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
)

// runOneFetch makes one request from a page at page in every profile of
// opts, each in a fresh browser, against servers, and returns the runs in
// the form the stories are told from. It is replay's and check's way
// into the runner, the one fetch and explain use.
func runOneFetch(ctx context.Context, name string, page policy.Origin, servers []*scenario.Server, init fetch.RequestInit, opts sim.Options) ([]fetchRun, error) {
	sc := scenario.OneFetch(name, opts.Profiles, page, page, servers, init)
	res := sim.Run(ctx, sc, opts)
	if res.Err != nil {
		return nil, res.Err
	}
	var runs []fetchRun
	for _, run := range res.Runs {
		for _, f := range run.Failures {
			if isSetupFailure(f) {
				return nil, f
			}
		}
		for _, st := range run.Steps {
			if st.Fetch != nil {
				runs = append(runs, fetchRun{profile: run.Profile, step: st.Fetch, rep: report.BuildFetch(st.Fetch)})
			}
		}
	}
	if len(runs) == 0 {
		return nil, errors.New("the simulation ran no fetch")
	}
	return runs, nil
}

// blockReason says why a run was blocked and what would change that, for
// replay, check and their CI reports. It is the one place these commands
// ask the explanation code, so that a new explanation model replaces this
// body only.
func blockReason(r *fetchRun, page string) (why string, change []hint) {
	if r.rep != nil && r.rep.Error != nil {
		why = r.rep.Error.Message
	}
	if r.step != nil {
		change = hints(r.step.Result, page)
	}
	return why, change
}
