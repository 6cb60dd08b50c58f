package fetch

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/corsim/corsim/policy"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func mustOrigin(t testing.TB, s string) policy.Origin {
	t.Helper()
	o, err := policy.ParseOrigin(s)
	if err != nil {
		t.Fatalf("ParseOrigin(%q): %v", s, err)
	}
	return o
}

func hl(kv ...string) policy.HeaderList {
	var l policy.HeaderList
	for i := 0; i+1 < len(kv); i += 2 {
		l = append(l, policy.Header{Name: kv[i], Value: kv[i+1]})
	}
	return l
}

// server answers preflights with pre and actual requests with act; a nil
// answer is a 200 with no headers.
type server struct {
	pre func(*WireRequest) *WireResponse
	act func(*WireRequest) *WireResponse
}

func (s server) RoundTrip(_ context.Context, r *WireRequest) (*WireResponse, error) {
	f := s.act
	if r.Preflight {
		f = s.pre
	}
	if f == nil {
		return &WireResponse{Status: 200}, nil
	}
	return f(r), nil
}

func fixed(status int, kv ...string) func(*WireRequest) *WireResponse {
	return func(*WireRequest) *WireResponse { return &WireResponse{Status: status, Header: hl(kv...)} }
}

// echoOrigin answers with ACAO = the request's Origin (and ACAC true).
func echoOrigin(status int, kv ...string) func(*WireRequest) *WireResponse {
	return func(r *WireRequest) *WireResponse {
		o, _ := r.Header.Get("Origin")
		h := hl(kv...)
		h = append(h, policy.Header{Name: "Access-Control-Allow-Origin", Value: o},
			policy.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
		return &WireResponse{Status: status, Header: h}
	}
}

const page = "https://app.example"

func newClient(t testing.TB) Client { return Client{Origin: mustOrigin(t, page)} }

func newFetcher(p Profile, tr Transport) (*Fetcher, *VirtualClock) {
	clk := NewVirtualClock(epoch)
	return &Fetcher{Profile: p, Cache: NewPreflightCache(p, 1), Clock: clk, Transport: tr}, clk
}

func mustRequest(t testing.TB, c Client, init RequestInit) *Request {
	t.Helper()
	r, err := NewRequest(c, init)
	if err != nil {
		t.Fatalf("NewRequest(%+v): %v", init, err)
	}
	return r
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := policy.ParseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func steps(res *Result) []Step {
	var out []Step
	for _, e := range res.Trace {
		out = append(out, e.Step)
	}
	return out
}

func code(f *policy.Failure) policy.Code {
	if f == nil {
		return ""
	}
	return f.Code
}
