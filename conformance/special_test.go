package conformance

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/corsim/corsim/conformance/lab"
	"github.com/corsim/corsim/fuzz/audit"
)

// TestSpecialHostOrigins checks the auditor's record of which engines can
// have a page at an origin with a special byte in its host (the "special
// characters in the host" finding names them): for every byte the record
// says was observed, a page at http://www.target.example + byte +
// .attacker.example is loaded through the lab and fetches http://api.test;
// the engine accepts the byte when the page loads and the server gets
// exactly that Origin. An engine that refuses the name or the URL, or
// rewrites the host (Chromium writes "*" as "%2A"), never sends it. The
// observation must agree with audit.Accepts, which must call it measured.
func TestSpecialHostOrigins(t *testing.T) {
	var origins []string
	for _, c := range audit.ObservedHostBytes() {
		origins = append(origins, "http://www.target.example"+string(c)+".attacker.example")
	}
	const api = "http://api.test"
	for _, e := range Engines() {
		t.Run(e.Name(), func(t *testing.T) {
			if err := e.Find(); err != nil {
				if os.Getenv(requireEnv) != "" {
					t.Fatalf("%v (%s is set)", err, requireEnv)
				}
				t.Skipf("%v (or set %s=1 to fail instead)", err, requireEnv)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			b, err := e.Launch(ctx, e.Name(), append([]string{api}, origins...), LaunchOptions{})
			if err != nil {
				t.Fatalf("launch: %v", err)
			}
			defer b.Close()
			t.Logf("%s %s", e.Name(), b.Version())
			for _, o := range origins {
				sent, why := sendsOrigin(ctx, t, b, o, api)
				want := audit.Accepts(o, []string{e.Name()})[0]
				if want.Source != audit.SourceMeasured {
					t.Errorf("%s: the record's answer for %s is %s, not measured", o, e.Name(), want.Source)
				}
				if sent != want.Accepts {
					t.Errorf("%s: %s sends it: %v (%s); the auditor's record says %v", o, e.Name(), sent, why, want.Accepts)
				}
			}
		})
	}
}

// sendsOrigin opens a page at origin in a fresh session and fetches api
// from it: it reports whether the request carried exactly origin, and
// what happened instead.
func sendsOrigin(ctx context.Context, t *testing.T, b Browser, origin, api string) (bool, string) {
	t.Helper()
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("close session: %v", err)
		}
	}()
	if err := s.Serve(api, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write([]byte("ok"))
	})); err != nil {
		t.Fatal(err)
	}
	// A name the engine will not load fails at once in Firefox, and in
	// WebKit only by the page never arriving.
	octx, cancel := context.WithTimeout(ctx, 20*time.Second)
	err = s.Open(octx, origin)
	cancel()
	if err != nil {
		return false, "the page does not load: " + err.Error()
	}
	res, err := s.Fetch(ctx, lab.FetchRequest{URL: api + "/x"})
	if err != nil {
		t.Fatalf("%s: fetch: %v", origin, err)
	}
	if len(res.Requests) != 1 {
		return false, "the server got no single request"
	}
	if got := res.Requests[0].Origin; got != origin {
		return false, "the server got Origin: " + got
	}
	return true, "sent as is"
}
