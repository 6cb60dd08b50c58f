package webkit

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestMaxAgeCap observes WebKitGTK's cap on Access-Control-Max-Age
// (maxPreflightCacheTimeout, 600 s in CrossOriginPreflightResultCache.cpp)
// with MiniBrowser's clocks running 20 times faster (libfaketime): a
// preflight answered with max-age 100000 still covers a PUT 560 s later
// (in the page's clock) and no longer covers one 640 s later.
func TestMaxAgeCap(t *testing.T) {
	needBrowser(t)
	const rate = 20
	var preflights atomic.Int32
	b := labWith(t, rate, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
		if r.Method == http.MethodOptions {
			preflights.Add(1)
			w.Header().Set("Access-Control-Allow-Methods", "PUT")
			w.Header().Set("Access-Control-Max-Age", "100000")
		}
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(ctx, "https://app.test/page"); err != nil {
		t.Fatal(err)
	}
	// put waits in the page until its clock reads notBefore (ms), then
	// sends a PUT to path, and returns whether a preflight reached the
	// server, and the browser's clock when the fetch began and ended.
	put := func(path string, notBefore int64) (sent bool, began, ended int64) {
		before := preflights.Load()
		out, _, err := s.Eval(ctx, fmt.Sprintf(`new Promise((ok) => { const tick = () => Date.now() >= %d ? ok() : setTimeout(tick, 2); tick(); }).then(() => {
  const t = Date.now();
  return fetch("https://api.test/%s", {method: "PUT"}).then(r => r.status + " " + t + " " + Date.now(), e => String(e));
})`, notBefore, path))
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(out)
		if len(f) != 3 || f[0] != "200" {
			t.Fatalf("PUT: %s", out)
		}
		began, _ = strconv.ParseInt(f[1], 10, 64)
		ended, _ = strconv.ParseInt(f[2], 10, 64)
		return preflights.Load() > before, began, ended
	}
	// Two entries, one per probe, stored at about the same time: each
	// probe finds its own entry as the first preflight left it.
	var t0 int64
	for _, path := range []string{"a", "b"} {
		sent, _, ended := put(path, 0)
		if !sent {
			t.Fatalf("the first PUT to /%s sent no preflight", path)
		}
		t0 = max(t0, ended) // the later entry's time: both are older
	}
	for _, c := range []struct {
		path string
		at   time.Duration // after the entries were stored, browser clock
		sent bool
	}{{"a", 560 * time.Second, false}, {"b", 640 * time.Second, true}} {
		sent, began, _ := put(c.path, t0+c.at.Milliseconds())
		at := time.Duration(began-t0) * time.Millisecond
		t.Logf("PUT %v after the preflight (browser clock): preflight sent %v", at.Round(time.Second), sent)
		// A PUT that began before 595 s must find its entry; one that
		// began after 605 s must not.
		if (c.sent && at > 605*time.Second && !sent) || (!c.sent && at < 595*time.Second && sent) {
			t.Errorf("PUT %v after a preflight with max-age 100000: preflight sent = %v, want %v (WebKit caps max-age at 600 s)", at.Round(time.Second), sent, c.sent)
		}
		if (c.sent && at <= 605*time.Second) || (!c.sent && at >= 595*time.Second) {
			t.Errorf("the probe began at %v, too late or too early to tell (a loaded machine); run it again", at.Round(time.Second))
		}
	}
}
