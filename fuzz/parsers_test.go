package fuzz

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/server"
)

// matchMistakes are the mistakes that change which origins a declarative
// server allows; without them its allow-list is exact.
var matchMistakes = []server.Mistake{
	server.MistakeReflectOrigin, server.MistakeWildcardWithCredentials, server.MistakeSuffixMatch,
	server.MistakePrefixMatch, server.MistakeTrustNull, server.MistakeHTTPSTrustHTTP,
	server.MistakeUnescapedDot, server.MistakeAnySubdomain,
}

// allowedByConfig is an independent model of a correct declarative
// server's allow-list (sim/server CONFIG.md): exact serializations, "null",
// "*" (uncredentialed reads only), and "scheme://*.host[:port]" (one or
// more labels in front, same scheme and port).
func allowedByConfig(c *server.Config, origin string, creds bool) bool {
	for _, o := range c.Origins {
		o = strings.ToLower(o)
		switch {
		case o == "*":
			if !creds {
				return true
			}
		case o == origin:
			return !creds || c.Credentials
		case strings.Contains(o, "://*."):
			scheme, rest, _ := strings.Cut(o, "://*.")
			oo, err := policy.ParseOrigin(origin)
			if err != nil || oo.IsOpaque() || oo.Scheme() != scheme {
				continue
			}
			host, port, _ := strings.Cut(rest, ":")
			gotPort := ""
			if oo.HasPort() {
				gotPort = strconv.Itoa(oo.Port())
			}
			if gotPort == port && strings.HasSuffix(oo.Host(), "."+host) {
				return !creds || c.Credentials
			}
		}
	}
	return false
}

// FuzzServerConfig parses a fuzzed declarative server config. When it
// parses: String gives text that parses back to the same config, the
// compiled server answers without panicking, and — unless a matching
// mistake is switched on — a browser reads a response from the fuzzed
// origin exactly when the allow-list model says so, with and without
// credentials (GHSA-vhxv-fg4m-p2w8: no origin the list does not name).
func FuzzServerConfig(f *testing.F) {
	for _, sd := range seedList(f, "fuzz/config/*.conf") {
		src := sd.src
		f.Add(src, header(src, "probe-origin"), true)
	}
	for _, sd := range seedList(f, "audit/*/*.conf") {
		src := sd.src
		f.Add(src, "https://www.target.example.evil.example", true)
	}
	f.Fuzz(func(t *testing.T, src []byte, origin string, creds bool) {
		c, err := server.ParseConfig("fuzz.conf", src)
		if err != nil {
			return
		}
		text := c.String()
		c2, err := server.ParseConfig("again.conf", []byte(text))
		if err != nil {
			t.Fatalf("String() does not parse back: %v\n%s", err, text)
		}
		if again := c2.String(); again != text {
			t.Fatalf("round trip changed the config:\n%s\n---\n%s", text, again)
		}
		client := fetch.Client{Origin: policy.OpaqueOrigin("")}
		if origin != "null" {
			o, err := policy.ParseOrigin(origin)
			if err != nil {
				return
			}
			client.Origin = o
		}
		mode := fetch.CredentialsOmit
		if creds {
			mode = fetch.CredentialsInclude
		}
		req, err := fetch.NewRequest(client, fetch.RequestInit{Method: "GET", URL: "https://api.test/data", Credentials: mode})
		if err != nil {
			t.Fatalf("NewRequest: %v", err)
		}
		fr := &fetch.Fetcher{Profile: browser.Chromium, Transport: c.Server()}
		res := fr.Fetch(context.Background(), req)
		checkInvariants(t, "chromium", req, res)
		for _, m := range c.Mistakes {
			for _, mm := range matchMistakes {
				if m == mm {
					return
				}
			}
		}
		if want := allowedByConfig(c, origin, creds); read(res) != want {
			t.Fatalf("origin %q (credentials %v): read %v, the allow-list model says %v; err %v\nconfig:\n%s",
				origin, creds, read(res), want, res.Err, text)
		}
	})
}

// FuzzCannedResponses parses a fuzzed txtar of canned responses and, when
// it parses, sends a fuzzed request to it with each browser profile,
// checking the pipeline invariants (checkInvariants) on raw answers with
// duplicated, split and odd header lines.
func FuzzCannedResponses(f *testing.F) {
	for _, sd := range seedList(f, "fuzz/canned/*.txtar") {
		src := sd.src
		p := strings.Fields(header(src, "probe"))
		for len(p) < 4 {
			p = append(p, "")
		}
		f.Add(src, p[0], p[1], p[2], p[3] == "include")
	}
	for _, sd := range seedList(f, "audit/*/*.txtar") {
		src := sd.src
		f.Add(src, "GET", "null", "-", true)
	}
	profiles := browser.Profiles()
	f.Fuzz(func(t *testing.T, src []byte, method, origin, headers string, creds bool) {
		c, err := server.ParseCanned("fuzz.txtar", src)
		if err != nil {
			return
		}
		if _, err := server.ParseCanned("again.txtar", c.Format()); err != nil {
			t.Fatalf("Format() does not parse back: %v\n%s", err, c.Format())
		}
		client := fetch.Client{Origin: policy.OpaqueOrigin("")}
		if origin != "null" {
			o, err := policy.ParseOrigin(origin)
			if err != nil {
				return
			}
			client.Origin = o
		}
		init := fetch.RequestInit{Method: method, URL: "https://api.test/x", Credentials: fetch.CredentialsOmit}
		if creds {
			init.Credentials = fetch.CredentialsInclude
		}
		for _, n := range strings.Split(headers, ",") {
			if n != "" && n != "-" {
				init.Header = append(init.Header, policy.Header{Name: n, Value: "1"})
			}
		}
		req, err := fetch.NewRequest(client, init)
		if err != nil {
			return
		}
		for _, p := range profiles {
			res := (&fetch.Fetcher{Profile: p, Transport: c}).Fetch(context.Background(), req)
			checkInvariants(t, p.Name, req, res)
		}
	})
}

// FuzzScenario parses and runs a fuzzed scenario file with package sim:
// the runner must return a result and never hit an internal error (it
// recovers panics and reports them as "internal error").
func FuzzScenario(f *testing.F) {
	for _, sd := range seedList(f, "fuzz/scenario/*.txtar") {
		src := sd.src
		f.Add(src)
	}
	for _, sd := range seedList(f, "scenarios/*.txtar") {
		src := sd.src
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		res := sim.RunSource(context.Background(), "fuzz.txtar", src, sim.Options{})
		if res == nil {
			t.Fatal("nil result")
		}
		if res.Err != nil && strings.Contains(res.Err.Error(), "internal error") {
			t.Fatalf("runner panicked: %v", res.Err)
		}
	})
}
