package fuzz

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/server"
)

// TestRealBugSeeds pins what the real-bug seeds show, so a seed that stops
// exercising its bug is noticed.
func TestRealBugSeeds(t *testing.T) {
	cfgs := seedFiles(t, "fuzz/config/*.conf")
	get := func(name string) []byte {
		b, ok := cfgs[filepath.Join("..", "testdata", "fuzz", "config", name)]
		if !ok {
			t.Fatalf("no seed %s", name)
		}
		return b
	}
	if _, err := server.ParseConfig("x", get("rs-cors-197-h-star.conf")); err == nil {
		t.Error(`"origins h*" parsed`)
	}
	c, err := server.ParseConfig("x", get("ghsa-vhxv-fg4m-p2w8-suffix-sharing.conf"))
	if err != nil {
		t.Fatal(err)
	}
	o, _ := policy.ParseOrigin("https://barfoo.com")
	req, _ := fetch.NewRequest(fetch.Client{Origin: o}, fetch.RequestInit{URL: "https://api.test/", Credentials: fetch.CredentialsInclude})
	if res := (&fetch.Fetcher{Profile: browser.Chromium, Transport: c.Server()}).Fetch(context.Background(), req); read(res) {
		t.Error("https://barfoo.com reads from a server allowing foo.com and bar.com")
	}

	canned := seedFiles(t, "fuzz/canned/*.txtar")
	app, _ := policy.ParseOrigin("https://app.example")
	for name, want := range map[string]bool{"rs-cors-184-split-acah.txtar": true, "duplicate-acao.txtar": false, "acac-case.txtar": false, "cve-2025-47908-comma-heavy.txtar": true} {
		src := canned[filepath.Join("..", "testdata", "fuzz", "canned", name)]
		cs, err := server.ParseCanned(name, src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		init := fetch.RequestInit{Method: "GET", URL: "https://api.test/x", Credentials: fetch.CredentialsInclude}
		if name == "rs-cors-184-split-acah.txtar" || name == "cve-2025-47908-comma-heavy.txtar" {
			init.Method = "PUT"
			init.Header = policy.HeaderList{{Name: "X-A", Value: "1"}}
			if name == "rs-cors-184-split-acah.txtar" {
				init.Header = append(init.Header, policy.Header{Name: "X-B", Value: "1"})
			} else {
				init.Credentials = fetch.CredentialsOmit
			}
		}
		req, err := fetch.NewRequest(fetch.Client{Origin: app}, init)
		if err != nil {
			t.Fatal(err)
		}
		res := (&fetch.Fetcher{Transport: cs}).Fetch(context.Background(), req)
		if read(res) != want {
			t.Errorf("%s: read %v, want %v (err %v)", name, read(res), want, res.Err)
		}
	}

	for name, src := range seedFiles(t, "fuzz/scenario/*.txtar") {
		if res := sim.RunSource(context.Background(), name, src, sim.Options{}); res.Err != nil {
			t.Errorf("%s: %v", name, res.Err)
		}
	}

	// The documented-difference seeds do make the profiles differ.
	for _, name := range []string{"chromium-client-hint.seed", "acah-wildcard-authorization.seed"} {
		var data []byte
		for _, s := range pipelineSeedsNamed(t) {
			if filepath.Base(s.name) == name {
				data = s.data
			}
		}
		st := decodeScript(data)[0]
		req, err := fetch.NewRequest(clientOf(st.client), st.init)
		if err != nil {
			t.Fatal(err)
		}
		tr := fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
			if r.Preflight {
				return st.pre.respond(r), nil
			}
			return st.act.respond(r), nil
		})
		spec := read((&fetch.Fetcher{Profile: browser.Spec, Transport: tr}).Fetch(context.Background(), req))
		chr := read((&fetch.Fetcher{Profile: browser.Chromium, Transport: tr}).Fetch(context.Background(), req))
		if spec == chr || !mayDiffer(browser.Chromium, req) {
			t.Errorf("%s: spec read %v, chromium read %v, mayDiffer %v: want a documented difference", name, spec, chr, mayDiffer(browser.Chromium, req))
		}
	}
}
