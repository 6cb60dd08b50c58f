package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recordingServer is a loopback server that records the requests it got.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	got  []*http.Request
	body []string
}

func newRecordingServer(t *testing.T, h http.Handler) *recordingServer {
	rs := &recordingServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(strings.Builder)
		_, _ = io.Copy(b, r.Body)
		rs.mu.Lock()
		rs.got = append(rs.got, r)
		rs.body = append(rs.body, b.String())
		rs.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *recordingServer) count() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return len(rs.got)
}

func TestLiveSafeMethodsOnly(t *testing.T) {
	cfg := mustConfig(t, "origins https://app.example\nmethods PUT\nheaders X-Token\n")
	rs := newRecordingServer(t, cfg.Handler())
	live := &Live{}
	ctx := context.Background()

	// A preflight goes out, with the browser's header lines and nothing else.
	pre := req("OPTIONS", rs.URL+"/items", "Origin", "https://app.example",
		"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-token")
	resp, err := live.RoundTrip(ctx, pre)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 204 || hdr(resp, acao, acam, acah) != "https://app.example|PUT|X-Token" || resp.StatusText != "No Content" {
		t.Errorf("preflight response: %d %q %v", resp.Status, resp.StatusText, resp.Header)
	}
	got := rs.got[0]
	var names []string
	for k := range got.Header {
		names = append(names, k)
	}
	if d := cmp.Diff([]string{"Access-Control-Request-Headers", "Access-Control-Request-Method", "Origin"}, sortedStrings(names)); d != "" {
		t.Errorf("header names the server got (-want +got):\n%s", d)
	}
	// net/http's server moves Content-Length out of the map.
	if got.ContentLength != 0 || got.UserAgent() != "" || got.Header.Get("Accept-Encoding") != "" {
		t.Errorf("unexpected lines: %v", got.Header)
	}

	// An unsafe actual request is not sent.
	put := req("PUT", rs.URL+"/items", "Origin", "https://app.example", "X-Token", "1")
	put.Body = []byte(`{"a":1}`)
	_, err = live.RoundTrip(ctx, put)
	var ns *NotSentError
	if !errors.As(err, &ns) || ns.Method != "PUT" || strings.Contains(err.Error(), "Live.SendUnsafe") {
		t.Fatalf("err = %v, want a *NotSentError", err)
	}
	if n := rs.count(); n != 1 {
		t.Errorf("server got %d requests, want 1 (the preflight)", n)
	}
	// A GET goes out.
	if _, err := live.RoundTrip(ctx, req("GET", rs.URL+"/items", "Origin", "https://app.example")); err != nil {
		t.Fatal(err)
	}
	// With SendUnsafe the PUT goes out, with its body.
	live.SendUnsafe = true
	resp, err = live.RoundTrip(ctx, put)
	if err != nil {
		t.Fatal(err)
	}
	if n := rs.count(); n != 3 || rs.got[2].Method != "PUT" || rs.body[2] != `{"a":1}` || rs.got[2].Header.Get("X-Token") != "1" {
		t.Errorf("server got %d requests; last %s %q", n, rs.got[n-1].Method, rs.body[n-1])
	}
	if resp.Status != 200 || hdr(resp, acao) != "https://app.example" {
		t.Errorf("PUT response %d %v", resp.Status, resp.Header)
	}
}

func TestLiveDoesNotFollowRedirects(t *testing.T) {
	rs := newRecordingServer(t, http.RedirectHandler("/elsewhere", http.StatusFound))
	resp, err := (&Live{Client: &http.Client{}}).RoundTrip(context.Background(), req("GET", rs.URL+"/start"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 302 || hdr(resp, "Location") != "/elsewhere" || rs.count() != 1 {
		t.Errorf("got %d %v after %d requests", resp.Status, resp.Header, rs.count())
	}
	// The caller's client is not modified.
	if (&http.Client{}).CheckRedirect != nil {
		t.Error("client modified")
	}
}

func TestLiveMatchesSimulatedServer(t *testing.T) {
	// The same Config over a real socket and in-process gives the same
	// answer, apart from Date.
	cfg := mustConfig(t, baseCfg+"credentials true\n")
	srv := httptest.NewServer(cfg.Handler())
	defer srv.Close()
	live := &Live{SendUnsafe: true}
	for _, r := range []struct{ method, path string }{{"GET", "/items"}, {"OPTIONS", "/items"}, {"DELETE", "/items"}, {"FOO", "/x"}, {"HEAD", "/items/1"}} {
		wr := req(r.method, srv.URL+r.path, "Origin", "https://app.example")
		if r.method == "OPTIONS" {
			wr.Header.Append("Access-Control-Request-Method", "PUT")
		}
		real, err := live.RoundTrip(context.Background(), wr)
		if err != nil {
			t.Fatal(err)
		}
		real.Header.Delete("Date")
		real.StatusText = ""
		sim, _ := cfg.Server().RoundTrip(context.Background(), wr)
		if d := cmp.Diff(sim, real); d != "" {
			t.Errorf("%s %s: simulated vs real (-sim +real):\n%s", r.method, r.path, d)
		}
	}
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
