package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
	"github.com/corsim/corsim/sim/server"
)

// liveName is the handler name the one-shot scenario gives a live server.
const liveName = "live"

// runFetch runs a one-shot fetch through the scenario runner (so that the
// JSON is the same document corsim run prints) and tells its story.
func runFetch(ctx context.Context, e *env, c *command, o *fetchOpts) int {
	u, err := policy.ParseURL(o.init.URL)
	if err != nil {
		return inputErr(e, c, err)
	}
	target := policy.OriginOf(u)
	opts := sim.Options{Profiles: o.profiles}
	var srv *scenario.Server
	if o.live {
		live := &server.Live{SendUnsafe: o.sendUnsafe, Client: server.NewLiveClient(30 * time.Second)}
		opts.Transports = map[string]fetch.Transport{liveName: live}
		srv = &scenario.Server{Origin: target, Kind: scenario.ServerHandler, Source: liveName}
	} else {
		t, kind, err := loadServer(o.serverFile)
		if err != nil {
			return inputErr(e, c, err)
		}
		k := scenario.ServerConfig
		if kind == kindCanned {
			k = scenario.ServerCanned
		}
		srv = &scenario.Server{Origin: target, Kind: k, Source: o.serverFile, Transport: t}
	}
	sc := scenario.OneFetch(c.name, o.profiles, o.from, o.top, []*scenario.Server{srv}, o.init)
	seedCookies(sc, target.String()+"/", o.cookies)
	out := &maskingWriter{w: e.stdout, cs: o.cookies}
	defer out.flush()
	e2 := *e
	e2.stdout = out
	e = &e2
	res := sim.Run(ctx, sc, opts)
	if res.Err != nil {
		return inputErr(e, c, res.Err)
	}
	runs := make([]fetchRun, 0, len(res.Runs))
	for _, run := range res.Runs {
		for _, st := range run.Steps {
			if st.Fetch != nil {
				runs = append(runs, fetchRun{profile: run.Profile, step: st.Fetch, rep: report.BuildFetch(st.Fetch)})
			}
		}
		for _, f := range run.Failures {
			if isSetupFailure(f) {
				return inputErr(e, c, f)
			}
		}
	}
	if len(runs) == 0 {
		return inputErr(e, c, fmt.Errorf("the simulation ran no fetch"))
	}
	subjects := make([]explain.Subject, len(runs))
	for i, r := range runs {
		subjects[i] = r.step.Subject()
	}
	ex := explain.Fetch(ctx, subjects...)
	for i := range runs {
		runs[i].ex = ex.Runs[i]
	}
	if o.asJSON {
		if err := report.JSON(e.stdout, res); err != nil {
			return inputErr(e, c, err)
		}
	} else if err := writeFetchStory(e.stdout, runs, ex, o.explain, colours(e, e.stdoutTTY)); err != nil {
		return inputErr(e, c, err)
	}
	if o.expect != "" {
		for _, r := range runs {
			if r.step.Outcome != o.expect {
				fmt.Fprintf(e.stderr, "corsim %s: --expect %s: %s got %s\n", c.name, o.expect, r.profile, r.step.Outcome)
				return exitFail
			}
		}
	}
	return exitOK
}

// seedCookies puts a cookie command for each of cs before the scenario's
// fetch: the user has them, set first-party by url's server.
func seedCookies(sc *scenario.Scenario, url string, cs []userCookie) {
	if len(cs) == 0 {
		return
	}
	var seeds []*scenario.Command
	for _, c := range cs {
		seeds = append(seeds, &scenario.Command{Name: "cookie", Args: []string{url, maskLine(c.line)},
			Text: "cookie " + url + " '" + maskLine(c.line) + "'", Cookie: &scenario.Cookie{URL: url, Line: c.line}})
	}
	i := slices.IndexFunc(sc.Commands, func(c *scenario.Command) bool { return c.Fetch != nil })
	if i < 0 {
		i = len(sc.Commands)
	}
	sc.Commands = slices.Insert(sc.Commands, i, seeds...)
}

// isSetupFailure reports whether a runner failure is about the setup (a server that
// could not be attached) rather than the fetch's demand, which a one-shot
// fetch does not make ("?" prefix).
func isSetupFailure(f *sim.Failure) bool {
	return strings.HasPrefix(f.Command, "server ") || strings.HasPrefix(f.Command, "cookie ")
}
