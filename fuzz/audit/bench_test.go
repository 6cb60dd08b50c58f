package audit

import (
	"context"
	"net/http"
	"testing"

	"github.com/corsim/corsim/sim/server"
)

// BenchmarkAuditCatalogue runs the full catalogue plus the default
// mutations, with the four default profiles, against an in-process
// http.Handler (a reflecting CORS middleware: the worst case, every
// attempt reads). Goal: ≤ 100 ms/op.
func BenchmarkAuditCatalogue(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	t := Target{Transport: server.FromHandler(h), Origins: own, Endpoints: []string{"https://api.target.example/data"}}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Audit(context.Background(), t, Options{})
		if err != nil || len(rep.Findings) == 0 {
			b.Fatal(err, rep)
		}
	}
}
