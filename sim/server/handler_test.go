package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

func TestFromHandlerRequest(t *testing.T) {
	var seen *http.Request
	var body string
	var ctxErr error
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, ctxErr = r, r.Context().Err()
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Add("X-B", "2")
		w.Header().Add("X-A", "1")
		w.Header().Add("Vary", "Origin")
		w.Header().Add("X-A", "0")
		w.WriteHeader(201)
		_, _ = io.WriteString(w, "<html>hi</html>")
	})
	r := req("POST", "https://api.example:8443/items?q=1",
		"Origin", "https://app.example", "x-token", "a", "Content-Type", "text/plain", "X-Token", "b")
	r.Body = []byte("payload")
	resp, err := FromHandler(h, WithRemoteAddr("198.51.100.7:1")).RoundTrip(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if seen.Method != "POST" || seen.Host != "api.example:8443" || seen.RequestURI != "/items?q=1" ||
		seen.URL.Path != "/items" || seen.URL.RawQuery != "q=1" || seen.RemoteAddr != "198.51.100.7:1" ||
		seen.TLS == nil || seen.ContentLength != 7 || body != "payload" {
		t.Errorf("handler saw %s %s host %s uri %s remote %s tls %v len %d body %q",
			seen.Method, seen.URL, seen.Host, seen.RequestURI, seen.RemoteAddr, seen.TLS != nil, seen.ContentLength, body)
	}
	if got := seen.Header.Values("X-Token"); !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("X-Token values = %q", got)
	}
	if _, ok := seen.Context().Deadline(); !ok || ctxErr != nil {
		t.Errorf("handler context: deadline %v, err %v", ok, ctxErr)
	}
	want := &fetch.WireResponse{
		Status: 201,
		Header: policy.HeaderList{
			{Name: "Content-Length", Value: "15"},
			{Name: "Content-Type", Value: "text/html; charset=utf-8"},
			{Name: "Vary", Value: "Origin"},
			{Name: "X-A", Value: "1"},
			{Name: "X-A", Value: "0"},
			{Name: "X-B", Value: "2"},
		},
		Body: []byte("<html>hi</html>"),
	}
	if d := cmp.Diff(want, resp); d != "" {
		t.Errorf("response (-want +got):\n%s", d)
	}
	raw, err := FromHandler(h, WithoutServerDefaults()).RoundTrip(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if raw.Header.Contains("Content-Length") || raw.Header.Contains("Content-Type") {
		t.Errorf("WithoutServerDefaults added lines: %v", raw.Header)
	}
}

func TestFromHandlerHeaderSnapshot(t *testing.T) {
	// Header changes after WriteHeader are not sent, as with a real server.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Before", "1")
		w.WriteHeader(204)
		w.Header().Set("X-After", "1")
	})
	resp, err := FromHandler(h).RoundTrip(context.Background(), req("GET", "http://x.test/"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 204 || resp.Header.Contains("X-After") || !resp.Header.Contains("X-Before") || resp.Header.Contains("Content-Length") {
		t.Errorf("got %d %v", resp.Status, resp.Header)
	}
	// No WriteHeader, no Write: 200 with Content-Length 0.
	empty := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	resp, err = FromHandler(empty).RoundTrip(context.Background(), req("GET", "http://x.test/"))
	if err != nil || resp.Status != 200 || hdr(resp, "Content-Length") != "0" {
		t.Errorf("empty handler: %v %+v", err, resp)
	}
	// Interim responses are skipped.
	early := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(103)
		w.WriteHeader(202)
	})
	resp, err = FromHandler(early).RoundTrip(context.Background(), req("GET", "http://x.test/"))
	if err != nil || resp.Status != 202 {
		t.Errorf("103 then 202: %v %+v", err, resp)
	}
}

func TestFromHandlerFailures(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	tests := []struct {
		name   string
		h      http.HandlerFunc
		opts   []HandlerOption
		kind   HandlerErrorKind
		detail string
	}{
		{"panic", func(http.ResponseWriter, *http.Request) { panic("boom") }, nil, KindPanic, "boom"},
		{"abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }, nil, KindPanic, "ErrAbortHandler"},
		{"timeout", func(http.ResponseWriter, *http.Request) { <-block }, []HandlerOption{WithTimeout(20 * time.Millisecond)}, KindTimeout, "no response within 20ms"},
		{"bad name", func(w http.ResponseWriter, r *http.Request) { w.Header()["Bad Name"] = []string{"x"} }, nil, KindInvalidHeader, `header name "Bad Name" is not a token`},
		{"CRLF value", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "https://a.test\r\nSet-Cookie: x=1")
		}, nil, KindInvalidHeader, "value of Access-Control-Allow-Origin contains byte 0x0d at offset 14"},
		{"NUL value", func(w http.ResponseWriter, r *http.Request) { w.Header().Set("X-A", "a\x00") }, nil, KindInvalidHeader, "0x00"},
		{"status", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(42) }, nil, KindInvalidStatus, "WriteHeader(42)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := FromHandler(tt.h, tt.opts...).RoundTrip(context.Background(), req("GET", "https://api.example/x"))
			var he *HandlerError
			if !errors.As(err, &he) {
				t.Fatalf("got %v, %v; want a *HandlerError", resp, err)
			}
			if he.Kind != tt.kind || !strings.Contains(he.Detail, tt.detail) {
				t.Errorf("got %s %q, want %s containing %q", he.Kind, he.Detail, tt.kind, tt.detail)
			}
			if !strings.Contains(err.Error(), "GET https://api.example/x") {
				t.Errorf("error does not name the request: %v", err)
			}
			if (tt.kind == KindPanic) != (he.Stack != nil) {
				t.Errorf("stack present = %v", he.Stack != nil)
			}
		})
	}
}

func TestFromHandlerContextDeadline(t *testing.T) {
	// The caller's deadline applies even with no adapter timeout, and the
	// handler sees its context cancelled.
	gotDone := make(chan bool, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		gotDone <- true
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := FromHandler(h, WithTimeout(0)).RoundTrip(ctx, req("GET", "http://x.test/"))
	var he *HandlerError
	if !errors.As(err, &he) || he.Kind != KindTimeout {
		t.Fatalf("err = %v, want a timeout", err)
	}
	select {
	case <-gotDone:
	case <-time.After(5 * time.Second):
		t.Error("handler's context was not cancelled")
	}
}

func TestFromHandlerHostLine(t *testing.T) {
	var host string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { host = r.Host })
	_, err := FromHandler(h).RoundTrip(context.Background(), req("GET", "http://x.test/", "Host", "y.test"))
	if err != nil || host != "y.test" {
		t.Errorf("host = %q, err %v", host, err)
	}
	if _, err := FromHandler(h).RoundTrip(context.Background(), &fetch.WireRequest{Method: "GET"}); err == nil {
		t.Error("no error for a request without URL")
	}
}

// TestFromHandlerBodyCap pins issue 15: FromHandler kept the whole body (a
// 1 GB response took 2.1 GB); now it keeps DefaultHandlerMaxBody bytes, as
// Live reads.
func TestFromHandlerBodyCap(t *testing.T) {
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	var werr error
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 64 { // 4 MiB
			if _, err := w.Write(chunk); err != nil {
				werr = err
				return
			}
		}
	})
	for _, tc := range []struct {
		opts []HandlerOption
		want int
	}{
		{nil, DefaultHandlerMaxBody},
		{[]HandlerOption{WithMaxBody(1000)}, 1000},
		{[]HandlerOption{WithMaxBody(8 << 20)}, 4 << 20},
	} {
		resp, err := FromHandler(h, tc.opts...).RoundTrip(context.Background(), req("GET", "https://api.example/big"))
		if err != nil || werr != nil {
			t.Fatal(err, werr)
		}
		if len(resp.Body) != tc.want {
			t.Errorf("kept %d bytes, want %d", len(resp.Body), tc.want)
		}
	}
}

// TestFromHandlerStopsBufferingAfterTimeout pins issue 15: a handler that
// ignores its context kept buffering after the timeout. Its writes now
// fail once the RoundTrip has given up.
func TestFromHandlerStopsBufferingAfterTimeout(t *testing.T) {
	release := make(chan struct{})
	wrote := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // ignores r.Context()
		_, err := w.Write([]byte("late"))
		wrote <- err
	})
	_, err := FromHandler(h, WithTimeout(time.Millisecond)).RoundTrip(context.Background(), req("GET", "https://api.example/slow"))
	var he *HandlerError
	if !errors.As(err, &he) || he.Kind != KindTimeout {
		t.Fatalf("err = %v, want a timeout", err)
	}
	close(release)
	if err := <-wrote; !errors.Is(err, http.ErrHandlerTimeout) {
		t.Errorf("a write after the timeout returned %v, want http.ErrHandlerTimeout", err)
	}
}
