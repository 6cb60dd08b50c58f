package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/har"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
)

// This file holds what replay and check share: running one request in
// every profile, the verdict of a run, and the words for it.

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
	return explainedRuns(ctx, res)
}

// explainedRuns collects the fetches of a simulation's runs, one per
// profile and fetch, and explains them together (explain.Fetch): what
// fetch, explain, replay and check tell their stories from. A setup
// failure of a run (a server that could not be built) is its error.
func explainedRuns(ctx context.Context, res *sim.Result) ([]fetchRun, error) {
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
	subjects := make([]explain.Subject, len(runs))
	for i, r := range runs {
		subjects[i] = r.step.Subject()
	}
	ex := explain.Fetch(ctx, subjects...)
	for i := range runs {
		runs[i].ex = ex.Runs[i]
		runs[i].explanation = ex
	}
	return runs, nil
}

// hint is one thing that would change a run's outcome, in words.
type hint struct {
	Text string
}

// tellStory tells the whole story of one request in each of its runs,
// the explain view, for replay -v, check -v and check's JUnit failures.
// With blockReason it is the one place these commands reach the story
// code, so that a new explanation model replaces these two bodies only.
func tellStory(b *strings.Builder, runs []fetchRun, p palette) {
	if len(runs) == 0 {
		return
	}
	e := runs[0].explanation
	if len(runs) == 1 || e == nil {
		// One browser's run out of several: its own explanation.
		e = &explain.Explanation{Runs: []*explain.Run{runs[0].ex}}
		if x := runs[0].explanation; x != nil {
			e.Notes = x.Notes
			for _, f := range x.Fixes {
				if slices.Contains(f.Browsers, runs[0].profile) {
					e.Fixes = append(e.Fixes, f)
				}
			}
		}
	}
	_ = writeFetchStory(b, runs, e, true, p) // a strings.Builder does not fail
}

// blockReason says why a run was blocked and what would change that, for
// replay, check and their CI reports. It is the one place these commands
// ask the explanation code, so that a new explanation model replaces this
// body only.
func blockReason(r *fetchRun, _ string) (why string, change []hint) {
	if r.rep != nil && r.rep.Error != nil {
		why = r.rep.Error.Message
	}
	if r.explanation == nil {
		return why, nil
	}
	for _, f := range r.explanation.Fixes {
		if !slices.Contains(f.Browsers, r.profile) {
			continue
		}
		for _, c := range f.Changes {
			change = append(change, hint{Text: c.Text})
		}
		if !f.Confirmed {
			change = append(change, hint{Text: "(" + f.Scope(nil) + ": needed, maybe not enough)"})
		}
		break // the best fix for this browser
	}
	return why, change
}

// missing returns the response the HAR lacked in a run, if one did.
func missing(r *fetchRun) *har.MissingError {
	if r.step == nil || r.step.Result == nil {
		return nil
	}
	for _, x := range r.step.Result.Wire {
		var me *har.MissingError
		if errors.As(x.Err, &me) {
			return me
		}
	}
	return nil
}

// verdictOf is a run's verdict for the table: its outcome, or "unknown"
// when the HAR lacked a response the browser needed.
func verdictOf(r *fetchRun) string {
	switch {
	case missing(r) != nil:
		return "unknown"
	case notSent(r.step) != nil:
		return "not sent"
	}
	return r.step.Outcome
}

func isBlocked(verdict string) bool {
	return verdict == scenario.OutcomeBlocked || verdict == scenario.OutcomeNetworkError
}

// browserName is a profile's name for people.
func browserName(profile string) string {
	switch profile {
	case "chromium":
		return "Chromium"
	case "firefox":
		return "Firefox"
	case "webkit":
		return "Safari (WebKit)"
	case "spec":
		return "the Fetch standard"
	}
	return profile
}

func joinAnd(l []string) string {
	if len(l) < 2 {
		return strings.Join(l, "")
	}
	return strings.Join(l[:len(l)-1], ", ") + " and " + l[len(l)-1]
}

// plural is "1 request", "2 requests", "1 entry", "3 entries".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func colourVerdict(p palette, v string) string {
	switch {
	case v == scenario.OutcomeAllowed:
		return p.green(strings.ToUpper(v))
	case v == "unknown", v == "not sent", v == scenario.OutcomeOpaque:
		return p.yellow(strings.ToUpper(v))
	}
	return p.red(strings.ToUpper(v))
}
