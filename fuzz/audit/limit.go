package audit

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// rateLimited spaces the requests to a server at least 1/rate seconds
// apart, whichever endpoint sends them.
type rateLimited struct {
	next     fetch.Transport
	interval time.Duration
	mu       sync.Mutex
	at       time.Time // when the next request may go
}

func newRateLimited(next fetch.Transport, rate float64) *rateLimited {
	return &rateLimited{next: next, interval: time.Duration(float64(time.Second) / rate)}
}

// RoundTrip implements fetch.Transport; it waits for its turn or for the
// context to end.
func (r *rateLimited) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	r.mu.Lock()
	now := time.Now()
	slot := r.at
	if slot.Before(now) {
		slot = now
	}
	r.at = slot.Add(r.interval)
	r.mu.Unlock()
	if d := time.Until(slot); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	}
	return r.next.RoundTrip(ctx, req)
}

// MaskCookie returns a Cookie header value with every value replaced by
// "…", so that a report shows which cookies were sent but not the
// session itself: "sid=abc; theme=dark" becomes "sid=…; theme=…".
func MaskCookie(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		name, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[i] = name + "=…"
	}
	return strings.Join(parts, "; ")
}

// maskHeader returns the value of a user header line as a report shows
// it: credentials (Authorization, Proxy-Authorization, Cookie and names
// with "token", "key" or "secret") masked, anything else as is.
func maskHeader(h policy.Header) string {
	n := strings.ToLower(h.Name)
	switch {
	case n == "cookie":
		return MaskCookie(h.Value)
	case n == "authorization" || n == "proxy-authorization":
		scheme, _, ok := strings.Cut(h.Value, " ")
		if ok {
			return scheme + " …"
		}
		return "…"
	case strings.Contains(n, "token") || strings.Contains(n, "key") || strings.Contains(n, "secret"):
		return "…"
	}
	return h.Value
}
