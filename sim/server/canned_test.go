package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

const cannedSrc = `Canned answers for a lab: the comment is ignored.
-- OPTIONS /items --
HTTP/1.1 204 No Content
Access-Control-Allow-Origin: https://app.example
Vary: Origin
access-control-allow-methods: PUT
Access-Control-Allow-Origin: https://evil.test
Access-Control-Allow-Headers:   x-token  

-- GET /items --
HTTP/1.1 200 OK
Content-Type: application/json
Content-Length: 2

{}
-- * /redirect --
HTTP/1.1 307 Temporary Redirect
Location: https://other.example/items
Access-Control-Allow-Origin: *

-- GET /items?page=2 --
HTTP/1.0 200
X-Page: 2

page two
-- GET * --
HTTP/2 418 I'm a teapot

-- POST /crlf --
` + "HTTP/1.1 201 Created\r\nX-A: 1\r\nX-B: 2\r\n\r\nline1\r\nline2\r\n"

func TestParseCanned(t *testing.T) {
	c, err := ParseCanned("lab.txtar", []byte(cannedSrc))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Keys(), []string{"OPTIONS /items", "GET /items", "* /redirect", "GET /items?page=2", "GET *", "POST /crlf"}; !cmp.Equal(got, want) {
		t.Errorf("Keys = %q, want %q", got, want)
	}
	tests := []struct {
		method, url string
		want        *fetch.WireResponse
	}{
		{"OPTIONS", "https://api.example/items", &fetch.WireResponse{Status: 204, StatusText: "No Content", Header: policy.HeaderList{
			{Name: "Access-Control-Allow-Origin", Value: "https://app.example"},
			{Name: "Vary", Value: "Origin"},
			{Name: "access-control-allow-methods", Value: "PUT"},
			{Name: "Access-Control-Allow-Origin", Value: "https://evil.test"},
			{Name: "Access-Control-Allow-Headers", Value: "x-token"},
		}}},
		// Content-Length 2: the txtar line ending after the body is dropped.
		{"GET", "https://api.example/items", &fetch.WireResponse{Status: 200, StatusText: "OK", Header: policy.HeaderList{
			{Name: "Content-Type", Value: "application/json"}, {Name: "Content-Length", Value: "2"}}, Body: []byte("{}")}},
		{"HEAD", "https://api.example/items", &fetch.WireResponse{Status: 200, StatusText: "OK", Header: policy.HeaderList{
			{Name: "Content-Type", Value: "application/json"}, {Name: "Content-Length", Value: "2"}}}},
		{"DELETE", "https://api.example/redirect", &fetch.WireResponse{Status: 307, StatusText: "Temporary Redirect", Header: policy.HeaderList{
			{Name: "Location", Value: "https://other.example/items"}, {Name: "Access-Control-Allow-Origin", Value: "*"}}}},
		{"GET", "https://api.example/items?page=2", &fetch.WireResponse{Status: 200, Header: policy.HeaderList{
			{Name: "X-Page", Value: "2"}}, Body: []byte("page two\n")}},
		{"GET", "https://api.example/elsewhere", &fetch.WireResponse{Status: 418, StatusText: "I'm a teapot"}},
		{"POST", "https://api.example/crlf", &fetch.WireResponse{Status: 201, StatusText: "Created", Header: policy.HeaderList{
			{Name: "X-A", Value: "1"}, {Name: "X-B", Value: "2"}}, Body: []byte("line1\r\nline2\r\n")}},
		{"POST", "https://api.example/none", &fetch.WireResponse{Status: 404, StatusText: "Not Found", Header: policy.HeaderList{
			{Name: "Content-Type", Value: "text/plain; charset=utf-8"}, {Name: "Content-Length", Value: "42"}},
			Body: []byte("corsim: no canned response for POST /none\n")}},
	}
	for _, tt := range tests {
		got, err := c.RoundTrip(context.Background(), req(tt.method, tt.url))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s %s (-want +got):\n%s", tt.method, tt.url, d)
		}
	}
	// Responses are copies.
	r1, _ := c.RoundTrip(context.Background(), req("OPTIONS", "https://api.example/items"))
	r1.Header[0].Value = "changed"
	r2, _ := c.RoundTrip(context.Background(), req("OPTIONS", "https://api.example/items"))
	if r2.Header[0].Value != "https://app.example" {
		t.Error("RoundTrip returned shared storage")
	}
	// Format parses back to the same answers.
	again, err := ParseCanned("formatted", c.Format())
	if err != nil {
		t.Fatalf("reparse: %v\n%s", err, c.Format())
	}
	if d := cmp.Diff(string(c.Format()), string(again.Format())); d != "" {
		t.Errorf("Format not stable:\n%s", d)
	}
}

func TestParseCannedErrors(t *testing.T) {
	src := "comment\n" + // 1
		"-- GET /a --\n" + // 2
		"HTTP/1.1 200 OK\n" + // 3
		"X-Good: 1\n" + // 4
		"Bad Name: x\n" + // 5
		"NoColon\n" + // 6
		" folded\n" + // 7
		"\n" + // 8
		"-- GET /a --\n" + // 9
		"HTTP/1.1 200 OK\n" + // 10
		"-- FETCH --\n" + // 11
		"-- GET b --\n" + // 12
		"-- GET /c --\n" + // 13
		"HTTP/1.1 2000 Big\n" + // 14
		"-- GET /d --\n" + // 15
		"\n" + // 16
		"-- GET /e --\n" + // 17
		"HTTX/1.1 200 OK\n" + // 18
		"-- GET /f --\n" + // 19
		"HTTP/1.1 200 OK\n" + // 20
		"Content-Length: 10\n" + // 21
		"\n" + // 22
		"short\n" // 23
	_, err := ParseCanned("bad.txtar", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`bad.txtar:5: header name "Bad Name" is not a token`,
		`bad.txtar:6: header line "NoColon" has no colon`,
		`bad.txtar:7: header line " folded" starts with white space: obsolete line folding`,
		`bad.txtar:9: "GET /a" given twice (first at line 2)`,
		`bad.txtar:11: file name "FETCH": want "METHOD /path"`,
		`bad.txtar:12: file name "GET b": path "b": want * or /path`,
		`bad.txtar:14: status line "HTTP/1.1 2000 Big": want a three-digit final status code`,
		`bad.txtar:16: empty response`,
		`bad.txtar:18: status line "HTTX/1.1 200 OK": want HTTP/1.1`,
		`bad.txtar:20: Content-Length is 10 but the body has 6 bytes`,
	}
	got := strings.Split(err.Error(), "\n")
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i := range min(len(got), len(want)) {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Error("not a *ParseError")
	}
}

func TestCannedProgrammatic(t *testing.T) {
	c := NewCanned()
	if err := c.Add("PUT", "/x", &fetch.WireResponse{Status: 200, Header: policy.HeaderList{{Name: "X", Value: "1"}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddRaw("*", "*", []byte("HTTP/1.1 503 Busy\nRetry-After: 1\n")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []error{
		c.Add("P T", "/x", &fetch.WireResponse{Status: 200}),
		c.Add("GET", "x", &fetch.WireResponse{Status: 200}),
		c.Add("GET", "/x", &fetch.WireResponse{Status: 99}),
		c.Add("GET", "/x", &fetch.WireResponse{Status: 200, Header: policy.HeaderList{{Name: "X", Value: "a\nb"}}}),
		c.Add("GET", "/x", nil),
		c.AddRaw("GET", "/x", []byte("HTTP/1.1 200 OK\nX\n")),
	} {
		if bad == nil {
			t.Error("bad entry accepted")
		}
	}
	if err := c.AddRaw("GET", "/y", []byte("nonsense")); err == nil || !strings.HasPrefix(err.Error(), "GET /y:1: ") {
		t.Errorf("AddRaw error = %v", err)
	}
	r, _ := c.RoundTrip(context.Background(), req("PUT", "http://h.test/x"))
	r2, _ := c.RoundTrip(context.Background(), req("GET", "http://h.test/x"))
	if r.Status != 200 || r2.Status != 503 || r2.StatusText != "Busy" {
		t.Errorf("got %d and %d %q", r.Status, r2.Status, r2.StatusText)
	}
	resp, err := ParseRawResponse("f", 10, []byte("HTTP/1.1 200 OK\nX:1\nX: 2\n\nbody"))
	if err != nil || hdr(resp, "X") != "1, 2" || string(resp.Body) != "body" {
		t.Errorf("ParseRawResponse: %v %+v", err, resp)
	}
	if _, err := ParseRawResponse("f", 10, []byte("\nHTTP/1.1 200 OK\nX\n")); err == nil || !strings.HasPrefix(err.Error(), "f:12: ") {
		t.Errorf("ParseRawResponse error = %v, want f:12", err)
	}
}

// TestCannedServeHTTPRaw reads the bytes a real net/http server sends for
// a Canned: exact order, duplicates, spelling, nothing added.
func TestCannedServeHTTPRaw(t *testing.T) {
	c, err := ParseCanned("lab.txtar", []byte(cannedSrc))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n")
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	want := "HTTP/1.1 204 No Content\r\n" +
		"Access-Control-Allow-Origin: https://app.example\r\n" +
		"Vary: Origin\r\n" +
		"access-control-allow-methods: PUT\r\n" +
		"Access-Control-Allow-Origin: https://evil.test\r\n" +
		"Access-Control-Allow-Headers: x-token\r\n\r\n"
	if string(got) != want {
		t.Errorf("raw response:\n%q\nwant\n%q", got, want)
	}
	// A client reads the same thing through net/http, body delimited by
	// the close.
	resp, err := http.Get(srv.URL + "/items?page=2")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "page two\n" || resp.Header.Get("X-Page") != "2" || resp.Header.Get("Date") != "" {
		t.Errorf("GET: %d %q %v", resp.StatusCode, b, resp.Header)
	}
	// With UseHeaderMap net/http writes it (sorted, with Date).
	c.UseHeaderMap = true
	resp, err = http.DefaultClient.Do(mustRequest(t, "OPTIONS", srv.URL+"/items"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Values("Access-Control-Allow-Origin"); resp.StatusCode != 204 || !cmp.Equal(got, []string{"https://app.example", "https://evil.test"}) || resp.Header.Get("Date") == "" {
		t.Errorf("header map: %d %v", resp.StatusCode, resp.Header)
	}
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCannedServeHTTPBody: a POST body is read before the connection is
// taken over, so the client gets the response.
func TestCannedServeHTTPBody(t *testing.T) {
	c := NewCanned()
	if err := c.AddRaw("POST", "/up", []byte("HTTP/1.1 201 Created\nContent-Length: 2\n\nok")); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/up", "text/plain", strings.NewReader(strings.Repeat("x", 1<<20)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || string(b) != "ok" {
		t.Errorf("got %d %q", resp.StatusCode, b)
	}
}

// TestCannedNotOptions pins the "!OPTIONS" method key: every method but
// OPTIONS, after an exact method and before "*".
func TestCannedNotOptions(t *testing.T) {
	c, err := ParseCanned("t", []byte("-- !OPTIONS /x --\nHTTP/1.1 200 OK\n\nactual\n-- * /x --\nHTTP/1.1 204 No Content\n\n-- DELETE /x --\nHTTP/1.1 202 Accepted\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	for method, want := range map[string]int{"GET": 200, "PUT": 200, "HEAD": 200, "OPTIONS": 204, "DELETE": 202} {
		e, ok := c.lookup(method, "/x", "")
		if !ok || e.resp.Status != want {
			t.Errorf("%s /x: got %v %v, want %d", method, ok, e, want)
		}
	}
}
