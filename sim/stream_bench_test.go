package sim_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
)

// manyFetches returns a scenario of n fetch lines (a check every tenth),
// the shape of issue 15's "run with 100,000 fetch lines takes 1 GB".
func manyFetches(n int) []byte {
	var b strings.Builder
	b.WriteString("page https://app.example\nserver https://api.example config api.conf\n")
	for i := range n {
		fmt.Fprintf(&b, "fetch https://api.example/items/%d\n", i)
		if i%10 == 0 {
			b.WriteString("expect outcome allowed\n")
		}
	}
	b.WriteString("-- api.conf --\norigins https://app.example\n")
	return []byte(b.String())
}

// heapSampler is a sim.Observer that records the peak live heap above a
// base every few steps (a GC first, so the figure is what is kept, not
// garbage waiting to be collected).
type heapSampler struct {
	next  sim.Observer
	every int
	base  uint64
	peak  uint64
	n     int
}

func (h *heapSampler) sample() {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > h.base && m.HeapAlloc-h.base > h.peak {
		h.peak = m.HeapAlloc - h.base
	}
}

func (h *heapSampler) Step(run *sim.ProfileRun, st *sim.Step) {
	if h.next != nil {
		h.next.Step(run, st)
	}
	if h.n++; h.n%h.every == 0 {
		h.sample()
	}
}

func (h *heapSampler) ProfileDone(run *sim.ProfileRun) {
	if h.next != nil {
		h.next.ProfileDone(run)
	}
	h.sample()
}

// BenchmarkRunFetchLines runs scenarios of 1,000 to 100,000 fetch lines
// (parsed beforehand: the scenario is the input) and reports the peak
// live heap of the run itself, "peak-heap-B", and that per fetch line.
// Streamed (a report.TextWriter as the run's Observer, DropSteps, as
// "corsim run FILE" does), the peak stays flat in the number of fetch
// lines; kept (every step held for a report written afterwards, as before
// issue 15), it grows by about 3 KB per fetch line:
//
//	go test ./sim -run '^$' -bench RunFetchLines -benchtime 1x
func BenchmarkRunFetchLines(b *testing.B) {
	for _, mode := range []string{"streamed", "kept"} {
		for _, n := range []int{1000, 10000, 100000} {
			b.Run(fmt.Sprintf("%s/fetches=%d", mode, n), func(b *testing.B) {
				sc, err := scenario.Parse("many.txtar", manyFetches(n))
				if err != nil {
					b.Fatal(err)
				}
				var peak uint64
				for b.Loop() {
					h := &heapSampler{every: max(n/20, 1)}
					opts := sim.Options{Observer: h}
					if mode == "streamed" {
						h.next = report.NewTextWriter(io.Discard)
						opts.DropSteps = true
					}
					runtime.GC()
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					h.base = m.HeapAlloc
					res := sim.Run(context.Background(), sc, opts)
					if !res.OK() {
						b.Fatal(res.Failures(), res.Err)
					}
					if mode == "kept" {
						// Writing the report afterwards needs every step.
						if err := report.Text(io.Discard, res); err != nil {
							b.Fatal(err)
						}
					}
					runtime.KeepAlive(res)
					peak = max(peak, h.peak)
				}
				b.ReportMetric(float64(peak), "peak-heap-B")
				b.ReportMetric(float64(peak)/float64(n), "peak-heap-B/fetch")
			})
		}
	}
}
