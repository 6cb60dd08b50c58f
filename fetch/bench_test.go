package fetch

import (
	"context"
	"testing"
	"time"

	"github.com/corsim/corsim/policy"
)

// benchServer answers every request with fixed headers, allowing the bench
// requests from page.
func benchServer() Transport {
	pre := &WireResponse{Status: 204, Header: policy.HeaderList{
		{Name: "Access-Control-Allow-Origin", Value: page},
		{Name: "Access-Control-Allow-Methods", Value: "PUT, DELETE"},
		{Name: "Access-Control-Allow-Headers", Value: "X-Token, Content-Type"},
		{Name: "Access-Control-Max-Age", Value: "600"},
	}}
	act := &WireResponse{Status: 200, Header: policy.HeaderList{
		{Name: "Access-Control-Allow-Origin", Value: page},
		{Name: "Content-Type", Value: "application/json"},
		{Name: "X-Request-Id", Value: "42"},
	}, Body: []byte(`{"ok":true}`)}
	return TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) {
		if r.Preflight {
			return pre, nil
		}
		return act, nil
	})
}

func benchFetch(b *testing.B, init RequestInit, cold bool) {
	c := Client{Origin: mustOrigin(b, page)}
	clk := NewVirtualClock(epoch)
	f := &Fetcher{Profile: Spec, Clock: clk, Cache: NewPreflightCache(Spec, 1), Transport: benchServer()}
	req := mustRequest(b, c, init)
	ctx := context.Background()
	if res := f.Fetch(ctx, req); res.Err != nil {
		b.Fatal(res.Err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if cold {
			// Past the 600 s max-age: the lookup misses, a preflight is
			// sent, evaluated and stored again.
			clk.Advance(601 * time.Second)
		}
		if res := f.Fetch(ctx, req); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
}

// BenchmarkFetchSimple: a cross-origin GET that needs no preflight.
func BenchmarkFetchSimple(b *testing.B) {
	benchFetch(b, RequestInit{URL: "https://api.example/items?id=1"}, false)
}

// BenchmarkFetchPreflightCold: a PUT with a custom header whose cache entry
// has always expired, so every fetch sends a preflight, evaluates it and
// stores the result.
func BenchmarkFetchPreflightCold(b *testing.B) {
	benchFetch(b, RequestInit{Method: "PUT", URL: "https://api.example/items/1",
		Header: policy.HeaderList{{Name: "X-Token", Value: "abc"}}}, true)
}

// BenchmarkFetchPreflightWarm: the same PUT served from a warm cache.
func BenchmarkFetchPreflightWarm(b *testing.B) {
	benchFetch(b, RequestInit{Method: "PUT", URL: "https://api.example/items/1",
		Header: policy.HeaderList{{Name: "X-Token", Value: "abc"}}}, false)
}

// BenchmarkFetchFresh: what a fresh simulated browser does for its first
// fetch (a conformance replay, a scenario run): a new preflight cache, the
// request built by NewRequest, then the fetch, cold. "simple" is a GET,
// "preflight" a PUT with a custom header.
func BenchmarkFetchFresh(b *testing.B) {
	inits := []struct {
		name string
		init RequestInit
	}{
		{"simple", RequestInit{URL: "https://api.example/items?id=1"}},
		{"preflight", RequestInit{Method: "PUT", URL: "https://api.example/items/1",
			Header: policy.HeaderList{{Name: "X-Token", Value: "abc"}}}},
	}
	for _, tt := range inits {
		b.Run(tt.name, func(b *testing.B) {
			c := Client{Origin: mustOrigin(b, page)}
			srv := benchServer()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				f := &Fetcher{Profile: Spec, Clock: NewVirtualClock(epoch), Cache: NewPreflightCache(Spec, 1), Transport: srv}
				req, err := NewRequest(c, tt.init)
				if err != nil {
					b.Fatal(err)
				}
				if res := f.Fetch(ctx, req); res.Err != nil {
					b.Fatal(res.Err)
				}
			}
		})
	}
}
