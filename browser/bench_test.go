package browser

import (
	"context"
	"testing"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// benchAPI answers like fetch's benchmark server.
func benchAPI() fetch.Transport {
	pre := &fetch.WireResponse{Status: 204, Header: policy.HeaderList{
		{Name: "Access-Control-Allow-Origin", Value: appOrigin},
		{Name: "Access-Control-Allow-Methods", Value: "PUT, DELETE"},
		{Name: "Access-Control-Allow-Headers", Value: "X-Token, Content-Type"},
		{Name: "Access-Control-Max-Age", Value: "600"},
	}}
	act := &fetch.WireResponse{Status: 200, Header: policy.HeaderList{
		{Name: "Access-Control-Allow-Origin", Value: appOrigin},
		{Name: "Content-Type", Value: "application/json"},
		{Name: "X-Request-Id", Value: "42"},
	}, Body: []byte(`{"ok":true}`)}
	return fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		if r.Preflight {
			return pre, nil
		}
		return act, nil
	})
}

// BenchmarkBrowserFetchPreflightWarm: Page.Fetch of a PUT with a custom
// header served from a warm preflight cache — fetch's
// BenchmarkFetchPreflightWarm plus request construction, network routing
// and the Outcome.
func BenchmarkBrowserFetchPreflightWarm(b *testing.B) {
	br := New(Spec)
	if err := br.Serve("https://api.example", benchAPI()); err != nil {
		b.Fatal(err)
	}
	page, err := br.Open(appOrigin)
	if err != nil {
		b.Fatal(err)
	}
	init := fetch.RequestInit{Method: "PUT", URL: "https://api.example/items/1",
		Header: policy.HeaderList{{Name: "X-Token", Value: "abc"}}}
	ctx := context.Background()
	if o := page.Fetch(ctx, "", init); o.Blocked() {
		b.Fatal(o.Result.Err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if o := page.Fetch(ctx, "", init); o.Blocked() {
			b.Fatal(o.Result.Err)
		}
	}
}

// BenchmarkBrowserFetchBlocked: a blocked fetch, console rendering
// included (Chromium).
func BenchmarkBrowserFetchBlocked(b *testing.B) {
	br := New(Chromium)
	_ = br.Serve("https://api.example", server{act: fixed(200, acao, "https://other.example")})
	page, _ := br.Open(appOrigin)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if o := page.Fetch(ctx, "https://api.example/x", fetch.RequestInit{}); len(o.Console) != 2 {
			b.Fatal(o.Console)
		}
	}
}
