package webkit

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestMaxAgeCap observes WebKitGTK's cap on Access-Control-Max-Age
// (maxPreflightCacheTimeout, 600 s in CrossOriginPreflightResultCache.cpp)
// with MiniBrowser's clocks running 100 times faster (libfaketime): a
// preflight answered with max-age 100000 still covers a PUT 585 s later
// (in the page's clock) and no longer covers one 615 s later.
func TestMaxAgeCap(t *testing.T) {
	if err := FindBinaries(); err != nil {
		t.Skip(err)
	}
	cert := testCert(t, "app.test", "api.test")
	var preflights atomic.Int32
	app := serveTLS(t, cert, http.NotFoundHandler())
	api := serveTLS(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
		if r.Method == http.MethodOptions {
			preflights.Add(1)
			w.Header().Set("Access-Control-Allow-Methods", "PUT")
			w.Header().Set("Access-Control-Max-Age", strings.TrimPrefix(r.URL.Path, "/"))
		}
	}))
	const rate = 100
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := Launch(ctx, Options{Routes: map[string]string{"app.test:443": app, "api.test:443": api}, Cert: cert, ClockRate: rate})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(ctx, "https://app.test/page"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	put := func() (sent bool, now int64) {
		before := preflights.Load()
		out, _, err := s.Eval(ctx, `fetch("https://api.test/100000", {method: "PUT"}).then(r => r.status + " " + Date.now(), e => String(e))`)
		if err != nil {
			t.Fatal(err)
		}
		status, ms, _ := strings.Cut(out, " ")
		if status != "200" {
			t.Fatalf("PUT: %s", out)
		}
		now, _ = strconv.ParseInt(ms, 10, 64)
		return preflights.Load() > before, now
	}
	sent, t0 := put()
	if !sent {
		t.Fatal("the first PUT sent no preflight")
	}
	for _, c := range []struct {
		at   time.Duration // after the first PUT, in the browser's clock
		sent bool
	}{{585 * time.Second, false}, {615 * time.Second, true}} {
		// Real time to wait: what is left of c.at, at the clock's rate.
		time.Sleep(time.Until(start.Add(c.at / rate)))
		sent, now := put()
		at := time.Duration(now-t0) * time.Millisecond
		t.Logf("PUT %v after the first (browser clock): preflight sent %v", at.Round(time.Second), sent)
		if sent != c.sent {
			t.Errorf("PUT %v after a preflight with max-age 100000: preflight sent = %v, want %v (WebKit caps max-age at 600 s)", at.Round(time.Second), sent, c.sent)
		}
	}
}
