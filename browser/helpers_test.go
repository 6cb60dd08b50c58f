package browser

import (
	"context"
	"testing"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

const (
	appOrigin = "https://app.example"
	apiOrigin = "https://api.example"
)

func hl(kv ...string) policy.HeaderList {
	var l policy.HeaderList
	for i := 0; i+1 < len(kv); i += 2 {
		l = append(l, policy.Header{Name: kv[i], Value: kv[i+1]})
	}
	return l
}

// server answers preflights with pre and other requests with act; a nil
// function answers 200 with no headers.
type server struct {
	pre func(*fetch.WireRequest) *fetch.WireResponse
	act func(*fetch.WireRequest) *fetch.WireResponse
}

func (s server) RoundTrip(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
	f := s.act
	if r.Preflight {
		f = s.pre
	}
	if f == nil {
		return &fetch.WireResponse{Status: 200}, nil
	}
	return f(r), nil
}

func fixed(status int, kv ...string) func(*fetch.WireRequest) *fetch.WireResponse {
	return func(*fetch.WireRequest) *fetch.WireResponse {
		return &fetch.WireResponse{Status: status, Header: hl(kv...)}
	}
}

// allowAll answers every preflight and request from any origin, with
// credentials, listing every method and header asked for.
func allowAll(maxAge string) server {
	echo := func(status int) func(*fetch.WireRequest) *fetch.WireResponse {
		return func(r *fetch.WireRequest) *fetch.WireResponse {
			o, _ := r.Header.Get("Origin")
			h := hl("Access-Control-Allow-Origin", o, "Access-Control-Allow-Credentials", "true")
			if m, ok := r.Header.Get("Access-Control-Request-Method"); ok {
				h.Append("Access-Control-Allow-Methods", m)
			}
			if v, ok := r.Header.Get("Access-Control-Request-Headers"); ok {
				h.Append("Access-Control-Allow-Headers", v)
			}
			if maxAge != "" {
				h.Append("Access-Control-Max-Age", maxAge)
			}
			return &fetch.WireResponse{Status: status, Header: h}
		}
	}
	return server{pre: echo(204), act: echo(200)}
}

func mustOpen(t testing.TB, b *Browser, origin string) *Page {
	t.Helper()
	p, err := b.Open(origin)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustServe(t testing.TB, b *Browser, origin string, tr fetch.Transport) {
	t.Helper()
	if err := b.Serve(origin, tr); err != nil {
		t.Fatal(err)
	}
}

// preflights counts the preflight exchanges of an outcome.
func preflights(o *Outcome) int {
	n := 0
	for _, e := range o.Wire() {
		if e.Preflight {
			n++
		}
	}
	return n
}

func code(o *Outcome) policy.Code {
	if o.RequestErr != nil {
		return o.RequestErr.Code
	}
	if o.Result == nil || o.Result.Err == nil {
		return ""
	}
	return o.Result.Err.Code
}
