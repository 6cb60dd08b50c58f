package browser

import (
	"context"
	"fmt"
	"testing"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"pgregory.net/rapid"
)

// wireOf fetches req with profile p against a server whose answers never
// carry Access-Control-Allow-Origin, and returns what went on the wire.
func wireOf(p fetch.Profile, req *fetch.Request, status int) []string {
	var out []string
	tr := fetch.TransportFunc(func(_ context.Context, w *fetch.WireRequest) (*fetch.WireResponse, error) {
		out = append(out, fmt.Sprintf("%s %s cred=%v %v", w.Method, w.URL, w.Credentials, w.Header))
		h := policy.HeaderList{{Name: "Content-Type", Value: "text/plain"}}
		if policy.IsRedirectStatus(status) {
			h = append(h, policy.Header{Name: "Location", Value: "https://elsewhere.example/"})
		}
		return &fetch.WireResponse{Status: status, Header: h}, nil
	})
	(&fetch.Fetcher{Profile: p, Cache: fetch.NewPreflightCache(p, 1), Transport: tr}).Fetch(context.Background(), req)
	return out
}

// When fetch.SameWire says two of the shipped profiles send the same
// requests, they do: the wire of each, against a server that never
// allows the origin, is the same, for requests across every gate.
func TestSameWireHoldsForProfiles(t *testing.T) {
	profiles := Profiles()
	rapid.Check(t, func(t *rapid.T) {
		page := rapid.SampledFrom([]string{"https://www.attacker.example", "http://www.attacker.example", "null", "http://localhost:3000", "https://api.target.example"}).Draw(t, "page")
		init := fetch.RequestInit{
			Method:      rapid.SampledFrom([]string{"GET", "POST", "PUT", "HEAD"}).Draw(t, "method"),
			URL:         rapid.SampledFrom([]string{"https://api.target.example/x", "http://api.target.example/x", "http://127.0.0.1:8080/x", "http://192.168.1.1/x", "https://localhost:8443/x"}).Draw(t, "url"),
			Mode:        fetch.ModeCORS,
			Credentials: rapid.SampledFrom([]fetch.CredentialsMode{fetch.CredentialsOmit, fetch.CredentialsInclude}).Draw(t, "creds"),
		}
		for i, h := range []policy.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "DPR", Value: "2"}, {Name: "X-Api-Key", Value: "k"}, {Name: "Accept-Language", Value: "de"}} {
			if rapid.Bool().Draw(t, fmt.Sprint("header", i)) {
				init.Header = append(init.Header, h)
			}
		}
		c := fetch.Client{Origin: policy.OpaqueOrigin("")}
		if page != "null" {
			o, err := policy.ParseOrigin(page)
			if err != nil {
				t.Fatal(err)
			}
			c.Origin = o
		}
		if rapid.Bool().Draw(t, "granted") {
			c.LocalNetworkPermission = policy.PermissionGranted
		}
		req, err := fetch.NewRequest(c, init)
		if err != nil {
			t.Skip(err)
		}
		status := rapid.SampledFrom([]int{200, 204, 302, 404}).Draw(t, "status")
		a, b := profiles[rapid.IntRange(0, len(profiles)-1).Draw(t, "a")], profiles[rapid.IntRange(0, len(profiles)-1).Draw(t, "b")]
		if !fetch.SameWire(&fetch.Fetcher{Profile: a}, &fetch.Fetcher{Profile: b}, req) {
			return
		}
		wa, wb := wireOf(a, req, status), wireOf(b, req, status)
		if fmt.Sprint(wa) != fmt.Sprint(wb) {
			t.Fatalf("SameWire(%s, %s) but the wires differ:\n%s\n%s", a.Name, b.Name, wa, wb)
		}
	})
}

// SameWire is not vacuous: the engines send the same requests to an
// https API from an https page, and the spec profile (no Fetch metadata)
// does not.
func TestSameWireEngines(t *testing.T) {
	o, _ := policy.ParseOrigin("https://www.attacker.example")
	req, err := fetch.NewRequest(fetch.Client{Origin: o}, fetch.RequestInit{Method: "GET", URL: "https://api.target.example/x", Mode: fetch.ModeCORS,
		Credentials: fetch.CredentialsInclude, Header: policy.HeaderList{{Name: "Content-Type", Value: "application/json"}}})
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b fetch.Profile) bool {
		return fetch.SameWire(&fetch.Fetcher{Profile: a}, &fetch.Fetcher{Profile: b}, req)
	}
	if !same(Chromium, Firefox) || !same(Firefox, WebKit) {
		t.Errorf("Chromium, Firefox and WebKit should send the same requests here")
	}
	if same(Spec, Chromium) {
		t.Errorf("the spec profile sends no Sec-Fetch-* headers; SameWire says it sends what Chromium sends")
	}
}

// SameAnswer: for a server that reads only Origin and the
// Access-Control-Request-* headers, the spec profile (no Fetch metadata,
// no Accept-Language) gets Chromium's answers; for one that reads
// Sec-Fetch-Mode it does not, and a preflight decision that differs still
// counts whatever the server reads.
func TestSameAnswerSpecAndEngines(t *testing.T) {
	o, _ := policy.ParseOrigin("https://www.attacker.example")
	build := func(init fetch.RequestInit) *fetch.Request {
		r, err := fetch.NewRequest(fetch.Client{Origin: o}, init)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	get := build(fetch.RequestInit{Method: "GET", URL: "https://api.target.example/x", Mode: fetch.ModeCORS, Credentials: fetch.CredentialsInclude})
	cors := []string{"Origin", "Access-Control-Request-Method", "access-control-request-headers"}
	f, g := &fetch.Fetcher{Profile: Spec}, &fetch.Fetcher{Profile: Chromium}
	if !fetch.SameAnswer(f, g, cors, get) {
		t.Error("a server reading only the CORS request headers answers the spec profile as Chromium")
	}
	if fetch.SameAnswer(f, g, append(cors, "Sec-Fetch-Mode"), get) {
		t.Error("a server reading Sec-Fetch-Mode may answer Chromium (which sends it) and the spec profile (which does not) differently")
	}
	// Chromium safelists DPR (a client hint); the spec does not, so only
	// the spec profile preflights.
	dpr := build(fetch.RequestInit{Method: "GET", URL: "https://api.target.example/x", Mode: fetch.ModeCORS,
		Header: policy.HeaderList{{Name: "DPR", Value: "2"}}})
	if fetch.SameAnswer(f, g, cors, dpr) {
		t.Error("one profile preflights and the other does not: not the same answers")
	}
}
