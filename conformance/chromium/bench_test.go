package chromium

import (
	"net/http"
	"testing"
	"time"
)

// benchFetch runs req b.N times in one page and reports, besides ns/op (the
// whole step, including a rejection's console wait), browser-ms/op: the
// wall time from sending the script to its result.
func benchFetch(b *testing.B, h http.Handler, req FetchRequest, wantResolved bool) {
	br := browserFor(b)
	ctx := b.Context()
	s, err := br.NewSession(ctx, Plan{Servers: map[string]http.Handler{"https://api.test": h}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(ctx, "https://app.test"); err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	b.ResetTimer()
	for b.Loop() {
		res, err := s.Fetch(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if res.Resolved != wantResolved {
			b.Fatalf("resolved = %v (%s)", res.Resolved, res.Error)
		}
		total += res.Duration
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "browser-ms/op")
}

func BenchmarkFetchAllowed(b *testing.B) {
	benchFetch(b, acao("https://app.test"), FetchRequest{URL: "https://api.test/a"}, true)
}

func BenchmarkFetchPreflighted(b *testing.B) {
	// max-age 0: every PUT preflights again.
	h := preflighting(map[string]string{"Access-Control-Allow-Methods": "PUT", "Access-Control-Max-Age": "0"})
	benchFetch(b, h, FetchRequest{URL: "https://api.test/p", Method: "PUT"}, true)
}

func BenchmarkFetchRejected(b *testing.B) {
	benchFetch(b, acao(""), FetchRequest{URL: "https://api.test/r"}, false)
}

// BenchmarkScenario is one whole short scenario on the warm browser: new
// browser context, open a page, one preflighted fetch, close.
func BenchmarkScenario(b *testing.B) {
	br := browserFor(b)
	ctx := b.Context()
	h := preflighting(map[string]string{"Access-Control-Allow-Methods": "PUT"})
	for b.Loop() {
		s, err := br.NewSession(ctx, Plan{Servers: map[string]http.Handler{"https://api.test": h}})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Open(ctx, "https://app.test"); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Fetch(ctx, FetchRequest{URL: "https://api.test/s", Method: "PUT"}); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
