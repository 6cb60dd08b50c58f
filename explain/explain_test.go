package explain_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

const (
	app = "https://app.example"
	api = "https://api.example"
)

// authFirst is an API whose authentication runs before its CORS
// middleware: every request without Authorization, the preflight
// included, gets 401 without CORS headers; an authenticated request gets
// 200 with the CORS headers for the app.
func authFirst() fetch.Transport {
	return fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		if _, ok := r.Header.Get("Authorization"); !ok {
			return &fetch.WireResponse{Status: 401, Header: policy.HeaderList{{Name: "WWW-Authenticate", Value: "Bearer"}}}, nil
		}
		return &fetch.WireResponse{Status: 200, Header: policy.HeaderList{
			{Name: "Access-Control-Allow-Origin", Value: app},
			{Name: "Vary", Value: "Origin"},
		}}, nil
	})
}

// subjects runs init from a page at app in each profile against servers.
func subjects(t interface {
	Helper()
	Fatal(...any)
}, servers fetch.Transport, init fetch.RequestInit, profiles ...fetch.Profile) []explain.Subject {
	t.Helper()
	var out []explain.Subject
	for _, p := range profiles {
		b := browser.New(p)
		if err := b.Serve(api, servers); err != nil {
			t.Fatal(err)
		}
		page, err := b.Open(app)
		if err != nil {
			t.Fatal(err)
		}
		o := page.Fetch(context.Background(), "", init)
		out = append(out, explain.Subject{Profile: p, Client: page.Client(), Init: init, Outcome: o, Servers: b.Network().Snapshot()})
	}
	return out
}

// TestPreflightRejectedBeforeAuth: a preflight answered 401 before
// authentication fails on the missing Access-Control-Allow-Origin in
// Chromium, Firefox and the spec, and on the status in WebKit; the one fix
// listed for every browser answers the preflight with a 2xx and sends the
// preflight's CORS headers.
func TestPreflightRejectedBeforeAuth(t *testing.T) {
	init := fetch.RequestInit{URL: api + "/me", Header: policy.HeaderList{{Name: "Authorization", Value: "Bearer t"}}}
	e := explain.Fetch(context.Background(), subjects(t, authFirst(), init, browser.Profiles()...)...)
	if got := e.Run("webkit").Decided.Code; got != string(fetch.CodePreflightStatusNotOK) {
		t.Errorf("webkit decided by %s", got)
	}
	if got := e.Run("chromium").Decided.Code; got != string(policy.CodeMissingAllowOrigin) {
		t.Errorf("chromium decided by %s", got)
	}
	if len(e.Fixes) == 0 {
		t.Fatal("no fix")
	}
	f := e.Fixes[0]
	if !f.Confirmed || !slices.Equal(f.Browsers, e.Browsers()) {
		t.Errorf("first fix confirmed %v in %v, want every browser %v", f.Confirmed, f.Browsers, e.Browsers())
	}
	var texts []string
	for _, c := range f.Changes {
		texts = append(texts, c.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{
		"answer the preflight (OPTIONS) with a 2xx status before authentication",
		"send Access-Control-Allow-Origin: https://app.example on the preflight (OPTIONS) response",
		"send Access-Control-Allow-Headers: authorization on the preflight (OPTIONS) response",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("fix lacks %q:\n%s", want, all)
		}
	}
	if f.Changes[0].Status != 204 || f.Changes[0].SentStatus != 401 || f.Changes[0].Response != explain.AnswerPreflight {
		t.Errorf("first change %+v, want the preflight's status 401 -> 204", f.Changes[0])
	}
}

// TestUnconfirmedWithoutServers: without servers to ask again, a change
// needed for a request never sent is listed unconfirmed; one the recorded
// answers confirm is confirmed.
func TestUnconfirmedWithoutServers(t *testing.T) {
	init := fetch.RequestInit{URL: api + "/me", Header: policy.HeaderList{{Name: "Authorization", Value: "Bearer t"}}}
	ss := subjects(t, authFirst(), init, browser.Chromium)
	ss[0].Servers = nil
	e := explain.Fetch(context.Background(), ss...)
	if len(e.Fixes) != 1 || e.Fixes[0].Confirmed {
		t.Fatalf("fixes %+v, want one unconfirmed", e.Fixes)
	}
	simple := subjects(t, authFirst(), fetch.RequestInit{URL: api + "/me"}, browser.Chromium)
	simple[0].Servers = nil
	e = explain.Fetch(context.Background(), simple...)
	if len(e.Fixes) != 1 || !e.Fixes[0].Confirmed {
		t.Fatalf("fixes %+v, want one confirmed from the recorded answer", e.Fixes)
	}
}

// genServer draws a server: for the preflight and for the request, a
// status and a choice of each CORS header.
func genServer(t *rapid.T) fetch.Transport {
	type answer struct {
		status int
		h      policy.HeaderList
	}
	draw := func(label string, statuses []int) answer {
		a := answer{status: rapid.SampledFrom(statuses).Draw(t, label+".status")}
		opt := func(name string, values ...string) {
			if i := rapid.IntRange(0, len(values)).Draw(t, label+"."+name); i < len(values) {
				a.h = append(a.h, policy.Header{Name: name, Value: values[i]})
			}
		}
		opt("Access-Control-Allow-Origin", "*", app, "https://other.example", app+"/")
		opt("Access-Control-Allow-Credentials", "true", "True")
		opt("Access-Control-Allow-Methods", "*", "GET", "PUT", "put", "P(T")
		opt("Access-Control-Allow-Headers", "*", "x-a", "authorization", "x@b")
		if a.status >= 300 && a.status < 400 {
			a.h = append(a.h, policy.Header{Name: "Location", Value: api + "/elsewhere"})
		}
		return a
	}
	pre := draw("preflight", []int{200, 204, 302, 401, 404, 500})
	act := draw("response", []int{200, 201, 401, 500})
	return fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		a := act
		if r.Preflight {
			a = pre
		}
		return &fetch.WireResponse{Status: a.status, Header: a.h.Clone()}, nil
	})
}

func genInit(t *rapid.T) fetch.RequestInit {
	init := fetch.RequestInit{
		Method: rapid.SampledFrom([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}).Draw(t, "method"),
		URL:    api + "/x",
	}
	if init.Method != "GET" {
		init.Body = fetch.Body{Kind: fetch.BodyText, Data: "x"}
	}
	for _, h := range []string{"X-A", "Authorization", "Content-Type"} {
		if rapid.Bool().Draw(t, "header "+h) {
			v := "1"
			if h == "Content-Type" {
				v = rapid.SampledFrom([]string{"application/json", "text/plain"}).Draw(t, "content-type")
			}
			init.Header = append(init.Header, policy.Header{Name: h, Value: v})
		}
	}
	if rapid.Bool().Draw(t, "credentials") {
		init.Credentials = fetch.CredentialsInclude
	}
	if rapid.Bool().Draw(t, "xhr") {
		init.Initiator = fetch.InitiatorXHR
	}
	return init
}

// TestFixesMakeTheFetchPass: every listed fix, applied as listed (Apply)
// to the request and the server, makes the fetch pass in a fresh browser
// of each profile it names; no two fixes list the same changes; and a
// fetch that failed a check a server can always satisfy gets a fix.
func TestFixesMakeTheFetchPass(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		servers := genServer(t)
		init := genInit(t)
		ss := subjects(t, servers, init, browser.Profiles()...)
		e := explain.Fetch(context.Background(), ss...)
		seen := map[string]int{}
		for i, f := range e.Fixes {
			key := changesText(f)
			if j, dup := seen[key]; dup {
				t.Fatalf("fixes %d and %d list the same changes:\n%s", j+1, i+1, key)
			}
			seen[key] = i
			if !f.Confirmed || len(f.Browsers) == 0 || len(f.Changes) == 0 {
				t.Fatalf("fix %d: confirmed %v in %v with %d changes", i+1, f.Confirmed, f.Browsers, len(f.Changes))
			}
			for _, name := range f.Browsers {
				p, _ := browser.ProfileByName(name)
				fixedInit, fixedServers := f.Apply(init, servers)
				b := browser.New(p)
				if err := b.Serve(api, fixedServers); err != nil {
					t.Fatal(err)
				}
				page, _ := b.Open(app)
				o := page.Fetch(context.Background(), "", fixedInit)
				if v := explain.Verdict(o); v != explain.Allowed {
					t.Fatalf("fix %d listed for %s, but with it the fetch is %s (%v):\n%s", i+1, name, v, o.Result.Err, changesText(f))
				}
			}
		}
		if e.Failed() && len(e.Fixes) == 0 {
			for _, r := range e.Runs {
				if r.Decided != nil && repairable(r.Decided.Code) {
					t.Fatalf("%s failed with %s and no fix was found", r.Browser, r.Decided.Code)
				}
			}
		}
	})
}

// repairable are the codes a server change always repairs when the
// server can be changed freely.
func repairable(code string) bool {
	switch policy.Code(code) {
	case policy.CodeMissingAllowOrigin, policy.CodeAllowOriginMismatch, policy.CodeAllowCredentialsNotTrue,
		policy.CodeMethodNotAllowed, policy.CodeHeaderNotAllowed, fetch.CodePreflightStatusNotOK:
		return true
	}
	return false
}

func changesText(f *explain.Fix) string {
	var b strings.Builder
	for _, c := range f.Changes {
		fmt.Fprintf(&b, "  - %s\n", c.Text)
	}
	return b.String()
}

// An API that answers its preflight 401 before authentication: the
// explanation lists the one fix every browser needs.
func ExampleFetch() {
	servers := fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		if r.Preflight {
			return &fetch.WireResponse{Status: 401}, nil
		}
		return &fetch.WireResponse{Status: 200, Header: policy.HeaderList{{Name: "Access-Control-Allow-Origin", Value: "*"}}}, nil
	})
	init := fetch.RequestInit{Method: "PUT", URL: "https://api.example/items/1"}
	var ss []explain.Subject
	for _, p := range []fetch.Profile{browser.Chromium, browser.WebKit} {
		b := browser.New(p)
		_ = b.Serve("https://api.example", servers)
		page, _ := b.Open("https://app.example")
		ss = append(ss, explain.Subject{Profile: p, Client: page.Client(), Init: init, Outcome: page.Fetch(context.Background(), "", init), Servers: b.Network()})
	}
	e := explain.Fetch(context.Background(), ss...)
	for _, r := range e.Runs {
		fmt.Println(r.Browser+":", r.Headline())
	}
	for _, f := range e.Fixes {
		fmt.Println("fix for", strings.Join(f.Browsers, ", ")+":")
		for _, c := range f.Changes {
			fmt.Println("-", c.Text)
		}
	}
	// Output:
	// chromium: blocked in the preflight (missing-allow-origin)
	// webkit: blocked in the preflight (preflight-status-not-ok)
	// fix for chromium, webkit:
	// - answer the preflight (OPTIONS) with a 2xx status before authentication or routing rejects it: 204 instead of 401 for https://api.example/items/1 (a preflight carries no cookies and no Authorization)
	// - send Access-Control-Allow-Origin: https://app.example on the preflight (OPTIONS) response for https://api.example/items/1 (it sent none)
	// - send Access-Control-Allow-Methods: PUT on the preflight (OPTIONS) response for https://api.example/items/1 (it sent none)
}

// TestRequestErrorFixes: a request the browser refuses to build gets the
// page change that lets it be built, with what the server then needs.
func TestRequestErrorFixes(t *testing.T) {
	allowAll := fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		h := policy.HeaderList{{Name: "Access-Control-Allow-Origin", Value: "*"}}
		if m, ok := r.Header.Get("Access-Control-Request-Method"); ok {
			h = append(h, policy.Header{Name: "Access-Control-Allow-Methods", Value: m})
		}
		return &fetch.WireResponse{Status: 200, Header: h}, nil
	})
	for _, c := range []struct {
		name string
		init fetch.RequestInit
		want string // the page change's field and value
	}{
		{"url with credentials", fetch.RequestInit{URL: "https://user:pw@api.example/x"}, "url=https://api.example/x"},
		{"no-cors PUT", fetch.RequestInit{Method: "PUT", URL: api + "/x", Mode: fetch.ModeNoCORS}, "mode=cors"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := explain.Fetch(context.Background(), subjects(t, allowAll, c.init, browser.Chromium)...)
			if len(e.Fixes) != 1 {
				t.Fatalf("%d fixes, want 1", len(e.Fixes))
			}
			p := e.Fixes[0].Changes[0]
			if p.Side != explain.SidePage || p.Field+"="+p.Need != c.want {
				t.Errorf("first change %+v, want the page's %s", p, c.want)
			}
		})
	}
}
