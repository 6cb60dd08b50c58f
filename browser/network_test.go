package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"pgregory.net/rapid"

	"github.com/corsim/corsim/fetch"
)

// TestNetworkModel: whatever origins are served, replaced and removed (few
// or more than indexFrom), a request reaches the server last registered for
// its origin, and a request to an origin without one fails with a DNS
// failure, or a refused connection when its host has other servers.
func TestNetworkModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := NewNetwork()
		model := map[string]int{} // origin → server id
		hostOf := map[string]string{}
		var origins []string
		for _, scheme := range []string{"http", "https"} {
			for h := range 4 {
				for _, port := range []string{"", ":8080", ":9000"} {
					o := fmt.Sprintf("%s://h%d.example%s", scheme, h, port)
					origins = append(origins, o)
					hostOf[o] = fmt.Sprintf("h%d.example", h)
				}
			}
		}
		ops := rapid.IntRange(1, 60).Draw(t, "ops")
		for i := range ops {
			o := rapid.SampledFrom(origins).Draw(t, "origin")
			if rapid.IntRange(0, 3).Draw(t, "remove") == 0 {
				if err := n.Serve(o, nil); err != nil {
					t.Fatal(err)
				}
				delete(model, o)
				continue
			}
			id := i
			err := n.Serve(o, fetch.TransportFunc(func(context.Context, *fetch.WireRequest) (*fetch.WireResponse, error) {
				return &fetch.WireResponse{Status: 200 + id}, nil
			}))
			if err != nil {
				t.Fatal(err)
			}
			model[o] = id
		}
		if got := len(n.Origins()); got != len(model) {
			t.Fatalf("Origins() has %d, want %d", got, len(model))
		}
		for _, o := range origins {
			// Spell the default port out half of the time: routing
			// compares origins, not spellings.
			raw := o + "/x"
			if u, _ := url.Parse(o); u.Port() == "" && rapid.Bool().Draw(t, "explicit port") {
				port := map[string]string{"http": ":80", "https": ":443"}[u.Scheme]
				raw = u.Scheme + "://" + u.Host + port + "/x"
			}
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			res, err := n.RoundTrip(context.Background(), &fetch.WireRequest{Method: "GET", URL: u})
			id, served := model[o]
			if served {
				if err != nil || res.Status != 200+id {
					t.Fatalf("%s: got %v, %v; want server %d", raw, res, err, id)
				}
				continue
			}
			want := ErrNameNotResolved
			for other := range model {
				if hostOf[other] == hostOf[o] {
					want = ErrConnectionRefused
				}
			}
			var ne *NetError
			if !errors.As(err, &ne) || ne.Kind != want {
				t.Fatalf("%s: got %v, %v; want %s", raw, res, err, want)
			}
		}
	})
}

// TestNetworkCatchAll pins Serve("*"): it answers origins without a
// server of their own, a named server wins, and nil removes it.
func TestNetworkCatchAll(t *testing.T) {
	reply := func(tag string) fetch.Transport {
		return fetch.TransportFunc(func(context.Context, *fetch.WireRequest) (*fetch.WireResponse, error) {
			return &fetch.WireResponse{Status: 200, Body: []byte(tag)}, nil
		})
	}
	n := NewNetwork()
	if err := n.Serve("https://api.example", reply("api")); err != nil {
		t.Fatal(err)
	}
	if err := n.Serve("*", reply("any")); err != nil {
		t.Fatal(err)
	}
	get := func(raw string) string {
		u, _ := url.Parse(raw)
		r, err := n.Snapshot().RoundTrip(context.Background(), &fetch.WireRequest{Method: "GET", URL: u})
		if err != nil {
			return "error"
		}
		return string(r.Body)
	}
	for raw, want := range map[string]string{"https://api.example/x": "api", "https://cdn.example/x": "any", "http://localhost:9/": "any"} {
		if got := get(raw); got != want {
			t.Errorf("%s: got %s, want %s", raw, got, want)
		}
	}
	if err := n.Serve("*", nil); err != nil {
		t.Fatal(err)
	}
	if got := get("https://cdn.example/x"); got != "error" {
		t.Errorf("after removing the catch-all: got %s, want a network error", got)
	}
}
