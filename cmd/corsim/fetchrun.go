package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
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
		live, err := o.liveFlags.newLive(o.sendUnsafe)
		if err != nil {
			return inputErr(e, c, err)
		}
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
		if o.serverAt != "" {
			space, err := scenario.ParseAddress(o.serverAt)
			if err != nil {
				return usageErr(e, c, "--server-at: %v", strings.TrimPrefix(err.Error(), "at "))
			}
			srv.Space = space
		}
	}
	sc := scenario.OneFetch(c.name, o.profiles, o.from, o.top, []*scenario.Server{srv}, o.init)
	seedCookies(sc, target.String()+"/", o.cookies)
	out := &maskingWriter{w: e.stdout, cs: o.cookies}
	defer out.flush()
	e2 := *e
	e2.stdout = out
	e = &e2
	stop := func() {}
	if o.live {
		start := time.Now()
		stop = startStatus(e, func() string {
			return fmt.Sprintf("corsim %s: waiting for %s (%ds of at most %v a request)…", c.name, target, int(time.Since(start).Seconds()), o.liveFlags.timeout)
		})
	}
	res := sim.Run(ctx, sc, opts)
	stop()
	if res.Err != nil {
		return inputErr(e, c, res.Err)
	}
	if res.Interrupted {
		fmt.Fprintf(e.stderr, "corsim %s: interrupted before the fetch finished: no verdict\n", c.name)
		return exitInterrupted
	}
	runs, err := explainedRuns(ctx, res)
	if err != nil {
		return inputErr(e, c, err)
	}
	missing := sayUnanswered(e, c, runs)
	if o.asJSON {
		if err := report.JSON(e.stdout, res); err != nil {
			return inputErr(e, c, err)
		}
	} else {
		// Server text is escaped: a header or body cannot drive the terminal.
		p := colours(e, e.stdoutTTY)
		if err := writeFetchStory(report.NewEscaper(e.stdout, p.on), runs, runs[0].explanation, o.explain, p); err != nil {
			return inputErr(e, c, err)
		}
	}
	if missing {
		return exitIncomplete
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

// unanswered returns the first request of runs that got no answer at all
// (report.Exchange.NoAnswer), nil when every request was answered or
// deliberately not sent, with how many got none of how many were sent.
// sayUnanswered says on stderr, before any story, that the live server
// could not be reached for some of the runs' requests, and reports whether
// it did: the simulated browser's network error for them is then not a
// verdict on the server, and the command's result is incomplete.
func sayUnanswered(e *env, c *command, runs []fetchRun) bool {
	missing, n, total := unanswered(runs)
	if missing == nil {
		return false
	}
	fmt.Fprintf(e.stderr, "corsim %s: incomplete: the live server could not be reached (%d of %d requests got no answer): %s; the network error below is not a CORS verdict\n",
		c.name, n, total, oneLine(missing.Error))
	return true
}

func unanswered(runs []fetchRun) (first *report.Exchange, n, total int) {
	for _, r := range runs {
		for _, x := range r.rep.Wire {
			if x.NotSent {
				continue
			}
			total++
			if x.NoAnswer != "" {
				n++
				if first == nil {
					first = x
				}
			}
		}
	}
	return first, n, total
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
