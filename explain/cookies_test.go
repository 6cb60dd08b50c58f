package explain_test

import (
	"context"
	"sync"
	"testing"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
)

// TestRerunsCarryTheCookies: the re-runs that confirm fixes start from the
// jar as it was, so a server behind session auth sees the session cookie
// in every re-run, as it did in the fetch explained.
func TestRerunsCarryTheCookies(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	api := fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		v, _ := r.Header.Get("Cookie")
		mu.Lock()
		seen = append(seen, v)
		mu.Unlock()
		return &fetch.WireResponse{Status: 200}, nil // no CORS headers at all
	})
	b := browser.New(browser.WebKit)
	if err := b.SetCookie("https://api.example/", "sid=1"); err != nil {
		t.Fatal(err)
	}
	_ = b.Serve("https://api.example", api)
	page, _ := b.Open("https://app.example")
	before := b.Cookies()
	init := fetch.RequestInit{URL: "https://api.example/me", Credentials: fetch.CredentialsInclude}
	o := page.Fetch(context.Background(), "", init)
	ex := explain.Fetch(context.Background(), explain.Subject{Profile: browser.WebKit, Client: page.Client(), Init: init,
		Outcome: o, Servers: b.Network().Snapshot(), Cookies: before})
	if len(ex.Fixes) == 0 {
		t.Fatal("no fix found")
	}
	if len(seen) < 2 {
		t.Fatalf("the server saw %d requests, want the fetch and its re-runs", len(seen))
	}
	for i, v := range seen {
		if v != "sid=1" && !(v == "" && i > 0) {
			t.Errorf("request %d carried Cookie %q", i+1, v)
		}
	}
	withCookie := 0
	for _, v := range seen[1:] {
		if v == "sid=1" {
			withCookie++
		}
	}
	if withCookie == 0 {
		t.Errorf("no re-run carried the session cookie: %q", seen)
	}
}
