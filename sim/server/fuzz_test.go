package server

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/fetch"
)

// FuzzParseConfig: ParseConfig never panics; what it accepts is valid,
// formats to text it accepts again with the same meaning, and the
// compiled server answers any request without panicking.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(baseCfg))
	f.Add([]byte("origins * null 'https://*.a.example:8443'\nmethods *\nheaders *\nmistake reflect-origin no-vary\nvary false\n"))
	f.Add([]byte("credentialed\norigins https://a.example\nmax-age ''\nresponse-header X-A: 'b  c'\nroute / GET\n"))
	f.Add([]byte("origins https://app.example/\nbogus 'x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := ParseConfig("fuzz", src)
		if err != nil {
			checkMessages(t, err)
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted but invalid: %v\n%s", err, src)
		}
		text := c.String()
		c2, err := ParseConfig("formatted", []byte(text))
		if err != nil {
			t.Fatalf("String() not accepted: %v\n%s", err, text)
		}
		if d := cmp.Diff(c, c2); d != "" {
			t.Fatalf("ParseConfig(String()) differs:\n%s", d)
		}
		if c2.String() != text {
			t.Fatalf("String not idempotent:\n%s\n---\n%s", text, c2.String())
		}
		s := c.Server()
		for _, r := range fuzzRequests {
			if _, err := s.RoundTrip(context.Background(), r); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// checkMessages: every parse error is one line without control
// characters, quoting only short excerpts of the input (issue 15: --server
// FILE must not echo a file of garbage, or secrets, at length).
func checkMessages(t *testing.T, err error) {
	t.Helper()
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			checkMessages(t, e)
		}
		return
	}
	msg := err.Error()
	for _, r := range msg {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			t.Fatalf("control character %U in %q", r, msg)
		}
	}
	if len(msg) > 1200 { // two excerpts of 48 escaped characters and the text
		t.Fatalf("a %d-byte message: %q", len(msg), msg)
	}
}

var fuzzRequests = append([]*fetch.WireRequest{
	req("GET", "https://api.example/items", "Origin", "https://app.example"),
	req("OPTIONS", "https://api.example/a/b", "Origin", "null", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x"),
	req("OPTIONS", "https://api.example/"),
	req("FOO", "https://api.example/x", "Origin", "http://[::1]:80"),
	req("GET", "https://api.example", "Origin", "://"),
}, nil...)

// FuzzParseCanned: ParseCanned never panics, and Format of what it
// accepts parses back to an archive that formats identically.
func FuzzParseCanned(f *testing.F) {
	f.Add([]byte(cannedSrc))
	f.Add([]byte("-- GET /a --\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx\r\n"))
	f.Add([]byte("-- * * --\nHTTP/2 302\nLocation: /\nLocation: /b\n"))
	f.Add([]byte("-- GET /a --\n\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := ParseCanned("fuzz", src)
		if err != nil {
			checkMessages(t, err)
			return
		}
		out := c.Format()
		c2, err := ParseCanned("formatted", out)
		if err != nil {
			t.Fatalf("Format() not accepted: %v\n%q", err, out)
		}
		if out2 := c2.Format(); string(out2) != string(out) {
			t.Fatalf("Format not stable:\n%q\n%q", out, out2)
		}
		for _, r := range fuzzRequests {
			if _, err := c.RoundTrip(context.Background(), r); err != nil {
				t.Fatal(err)
			}
		}
	})
}
