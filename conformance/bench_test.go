package conformance

import (
	"context"
	"testing"
	"time"
)

// BenchmarkCorpusFetchSteps replays every corpus scenario (under each
// Chromium profile it names) with RunCorsim, as TestConformance does for
// its timing, and reports the time RunCorsim measures per fetch step
// (ns/fetch: Page.Fetch or Page.XHR, the server's answer and the console
// lines included) next to the whole replay per step (ns/step-wall:
// browser, servers and pages included). No browser is needed.
func BenchmarkCorpusFetchSteps(b *testing.B) {
	corpus := loadCorpus(b, corpusDirs)
	if len(corpus) == 0 {
		b.Skip("no scenarios")
	}
	type job struct {
		l       loaded
		profile string
	}
	var jobs []job
	for _, l := range corpus {
		if l.sc.Skip != "" {
			continue
		}
		for _, p := range variantProfiles("chromium", l.sc) {
			if Check(l.sc, p, LaunchOptions{}) == nil {
				jobs = append(jobs, job{l, p})
			}
		}
	}
	ctx := context.Background()
	var fetchTime, wall time.Duration
	steps := 0
	b.ReportAllocs()
	for b.Loop() {
		for _, j := range jobs {
			run, err := RunCorsim(ctx, j.l.sc, j.profile, testHandlers)
			if err != nil {
				b.Fatalf("%s: %v", j.l.path, err)
			}
			fetchTime += run.FetchTime
			wall += run.Wall
			steps += len(run.Steps)
		}
	}
	if steps > 0 {
		b.ReportMetric(float64(fetchTime.Nanoseconds())/float64(steps), "ns/fetch")
		b.ReportMetric(float64(wall.Nanoseconds())/float64(steps), "ns/step-wall")
		b.ReportMetric(float64(steps)/float64(b.N), "fetches/op")
	}
}
