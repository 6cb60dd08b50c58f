package audit

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"testing"

	"github.com/corsim/corsim/sim/server"
)

func reflectingHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			w.Header().Set("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"secret":1}`))
	})
}

// BenchmarkAuditCatalogue runs the full catalogue plus the default
// mutations, with the four default profiles, against an in-process
// http.Handler (a reflecting CORS middleware: the worst case, every
// attempt reads). Goal: ≤ 100 ms/op.
func BenchmarkAuditCatalogue(b *testing.B) {
	t := Target{Transport: server.FromHandler(reflectingHandler()), Origins: own, Endpoints: []string{"https://api.target.example/data"}}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Audit(context.Background(), t, Options{})
		if err != nil || len(rep.Findings) == 0 {
			b.Fatal(err, rep)
		}
	}
}

// benchConfigs are the servers of BenchmarkAuditEndpoints: a correct
// exact list (nothing reads: every probe runs in the spec profile and in
// one engine, the other engines send the same bytes) and a
// reflecting one (everything reads).
var benchConfigs = map[string]string{
	"correct": "origins https://www.target.example\ncredentials true\nmethods GET PUT\n",
	"reflect": "origins https://www.target.example\ncredentials true\nmistake reflect-origin\n",
}

// BenchmarkAuditEndpoints audits n endpoints of a declarative server in
// process, with as many endpoints at once as there are CPUs; it reports
// the time per endpoint and the heap the finished report retains (after
// a collection, with the report alive: the per-endpoint state is released
// as it goes, so only the findings remain, a few hundred bytes per
// endpoint for a reflecting server and none for a correct one). Goal (issue 15): 10,000
// endpoints under 60 s on 2 cores and under 200 MB peak RSS; measure RSS
// with /usr/bin/time -v on the test binary:
//
//	go test -c -o /tmp/audit.test ./fuzz/audit
//	/usr/bin/time -v /tmp/audit.test -test.run '^$' -test.bench 'AuditEndpoints/correct/10000' -test.benchtime 1x
func BenchmarkAuditEndpoints(b *testing.B) {
	for _, name := range []string{"correct", "reflect"} {
		cfg, err := server.ParseConfig("bench.conf", []byte(benchConfigs[name]))
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{100, 1000, 10000} {
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				eps := make([]string, n)
				for i := range eps {
					eps[i] = fmt.Sprintf("https://api.target.example/items/%d", i)
				}
				t := Target{Transport: cfg.Server(), Origins: own, Endpoints: eps}
				var retained uint64
				for b.Loop() {
					rep, err := Audit(context.Background(), t, Options{Concurrency: runtime.GOMAXPROCS(0), Unsafe: true})
					if err != nil {
						b.Fatal(err)
					}
					if name == "reflect" && rep.Max() != SeverityCritical {
						b.Fatalf("reflecting server: max severity %s", rep.Max())
					}
					runtime.GC()
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					retained = max(retained, ms.HeapAlloc)
					runtime.KeepAlive(rep)
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n)/1000, "ms/endpoint")
				b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
			})
		}
	}
}
