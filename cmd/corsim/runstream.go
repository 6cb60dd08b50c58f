package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
)

// streamer is a report written while the scenario runs
// (report.TextWriter, report.JSONWriter).
type streamer interface {
	sim.Observer
	End(*sim.Result) error
}

// runStreaming runs one scenario and writes its text story or JSON
// document while it runs, keeping no step once it is written: memory stays
// flat however many fetches the scenario has.
func runStreaming(ctx context.Context, e *env, c *command, sc *scenario.Scenario, opts sim.Options, out string, ro reportOpts) int {
	w, finish, err := openOutput(e, out)
	if err != nil {
		return inputErr(e, c, err)
	}
	var st streamer
	if ro.format == "json" {
		if st, err = report.NewJSONWriter(w); err != nil {
			finish(false)
			return inputErr(e, c, err)
		}
	} else {
		tw := report.NewTextWriter(w)
		tw.Profiles = opts.Profiles
		tw.Begin(sc.Name, sc)
		st = tw
	}
	opts.Observer, opts.DropSteps = st, true
	res := sim.Run(ctx, sc, opts)
	werr := st.End(res)
	if werr == nil && !res.Interrupted && ro.format == "text" {
		ro.verbose = false // the story is told; add the verdict line
		if _, werr = io.WriteString(w, "\n"); werr == nil {
			werr = writeText(w, []*sim.Result{res}, ro)
		}
	}
	if cerr := finish(werr == nil); werr == nil {
		werr = cerr
	}
	switch {
	case werr != nil:
		return inputErr(e, c, werr)
	case res.Interrupted:
		fmt.Fprintf(e.stderr, "corsim run: interrupted: %s did not finish and has no verdict; its report stops where it was cut\n", sc.Name)
		return exitInterrupted
	case res.Err != nil:
		fmt.Fprintf(e.stderr, "corsim run: %s\n", oneLine(res.Err.Error()))
		return exitUsage
	case !res.OK():
		return exitFail
	}
	return exitOK
}

// runOrdered runs several scenarios in parallel and writes the text or
// JSON report in their order as they finish: a scenario's story (with -v)
// is told into its own buffer while it runs, or its JSON spooled to disk
// (report.JSONWriter), and written, with its verdict line, once every
// scenario before it is written. No step is kept, and a story is held only
// until its turn comes.
func runOrdered(ctx context.Context, e *env, c *command, scs []*scenario.Scenario, opts sim.Options, out string, ro reportOpts) int {
	w, finish, err := openOutput(e, out)
	if err != nil {
		return inputErr(e, c, err)
	}
	asJSON := ro.format == "json"
	story := !asJSON && ro.verbose && !ro.quiet
	stories := make([]*bytes.Buffer, len(scs))
	tellers := make([]*report.TextWriter, len(scs))
	spools := make([]*report.JSONWriter, len(scs))
	var spoolErr atomic.Value // the first error making a spool
	index := make(map[*scenario.Scenario]int, len(scs))
	for i, sc := range scs {
		index[sc] = i
	}
	switch {
	case asJSON:
		opts.ObserverFor = func(sc *scenario.Scenario) sim.Observer {
			jw, err := report.NewJSONWriter(nil)
			if err != nil {
				spoolErr.CompareAndSwap(nil, err)
				return nil
			}
			spools[index[sc]] = jw
			return jw
		}
	case story:
		opts.ObserverFor = func(sc *scenario.Scenario) sim.Observer {
			i := index[sc]
			stories[i] = new(bytes.Buffer)
			tellers[i] = report.NewTextWriter(stories[i])
			tellers[i].Profiles = opts.Profiles
			tellers[i].Begin(sc.Name, sc)
			return tellers[i]
		}
	}
	opts.DropSteps = true
	text := report.NewEscaper(w, ro.color.on)
	doc := report.NewJSONStream(w)

	var (
		mu        sync.Mutex
		finished  = make([]*sim.Result, len(scs))
		next      int
		reported  int
		failed    int
		cut       []string
		internal  error
		werr      error
		doneCount atomic.Int64
	)
	keep := func(err error) {
		if err != nil && werr == nil {
			werr = err
		}
	}
	// write writes the reports finished[next…] that are ready; mu is held.
	write := func() {
		for next < len(scs) && finished[next] != nil {
			r := finished[next]
			switch {
			case r.Interrupted:
				cut = append(cut, r.Name)
				if spools[next] != nil {
					spools[next].Discard()
				}
			case r.Err != nil && internal == nil:
				internal = r.Err
				if spools[next] != nil {
					spools[next].Discard()
				}
			case asJSON:
				reported++
				if spools[next] == nil {
					keep(fmt.Errorf("%s: no JSON spool", r.Name))
				} else if werr == nil {
					keep(doc.Write(spools[next]))
				}
			default:
				reported++
				if !r.OK() {
					failed++
				}
				var b strings.Builder
				if story && stories[next] != nil {
					b.Write(stories[next].Bytes())
					b.WriteString("\n")
				}
				writeVerdictLines(&b, r, ro)
				_, err := io.WriteString(text, b.String())
				keep(err)
			}
			if asJSON && !r.OK() && !r.Interrupted {
				failed++
			}
			finished[next], stories[next], tellers[next], spools[next] = nil, nil, nil, nil
			next++
		}
	}
	// The stories are the progress when they go to a terminal.
	stop := func() {}
	if !(story && e.stdoutTTY && out == "") {
		stop = startProgress(e, len(scs), &doneCount)
	}
	sim.RunEach(ctx, scs, opts, func(i int, r *sim.Result) {
		if tellers[i] != nil {
			tellers[i].End(r) // into its buffer: cannot fail
		}
		if spools[i] != nil {
			if err := spools[i].Finish(r); err != nil {
				spoolErr.CompareAndSwap(nil, err)
			}
		}
		doneCount.Add(1)
		mu.Lock()
		defer mu.Unlock()
		finished[i] = r
		write()
	})
	stop()
	switch {
	case asJSON:
		keep(doc.Close())
	case reported > 1:
		var b strings.Builder
		writeSummary(&b, reported, failed, ro)
		_, err := io.WriteString(text, b.String())
		keep(err)
	}
	if cerr := finish(werr == nil); werr == nil {
		werr = cerr
	}
	if err, _ := spoolErr.Load().(error); err != nil && werr == nil {
		werr = err
	}
	switch {
	case werr != nil:
		return inputErr(e, c, werr)
	case cut != nil:
		fmt.Fprintf(e.stderr, "corsim run: interrupted: %d of %d scenario(s) did not finish and have no verdict: %s\n",
			len(cut), len(scs), listSome(cut, 5))
		return exitInterrupted
	case internal != nil:
		fmt.Fprintf(e.stderr, "corsim run: %s\n", oneLine(internal.Error()))
		return exitUsage
	case failed > 0:
		return exitFail
	}
	return exitOK
}
