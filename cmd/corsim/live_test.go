package main

import (
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFetchLiveNoAnswer pins issue 15: "corsim fetch --live" exited 0 on
// connection refused, a timeout and an untrusted certificate, after a
// simulated TypeError. Now it says first that the server could not be
// reached, with the cause, and exits 3.
func TestFetchLiveNoAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/x"
	ln.Close()
	block := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(block)
	tlsSrv := httptest.NewTLSServer(corsAll())
	defer tlsSrv.Close()

	for _, tc := range []struct {
		name  string
		args  []string
		cause string
	}{
		{"refused", []string{refused}, "(unreachable)"},
		{"timeout", []string{hung.URL + "/x", "--timeout", "100ms"}, "(timeout)"},
		{"untrusted certificate", []string{tlsSrv.URL + "/x"}, "(TLS)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := corsim(t, "", append([]string{"fetch", "--from", "http://localhost:3000", "--live"}, tc.args...)...)
			wantCode(t, r, exitIncomplete)
			if !strings.HasPrefix(r.stderr, "corsim fetch: incomplete: the live server could not be reached (1 of 1 requests got no answer): ") || !strings.Contains(r.stderr, tc.cause) {
				t.Errorf("stderr: %s", r.stderr)
			}
			r = corsim(t, "", append([]string{"fetch", "--from", "http://localhost:3000", "--live", "--browser", "chromium,firefox"}, tc.args...)...)
			wantCode(t, r, exitIncomplete)
			if !strings.Contains(r.stderr, "(2 of 2 requests got no answer)") {
				t.Errorf("two browsers: stderr %s", r.stderr)
			}
			r = corsim(t, "", append([]string{"fetch", "--from", "http://localhost:3000", "--live", "--json"}, tc.args...)...)
			wantCode(t, r, exitIncomplete)
			if !strings.Contains(r.stdout, `"noAnswer": "`+strings.Trim(tc.cause, "()")+`"`) {
				t.Errorf("JSON lacks the cause %s:\n%s", tc.cause, r.stdout)
			}
		})
	}
}

// TestLiveTLSFlags: --insecure and --cacert FILE reach a server whose
// certificate the system does not trust.
func TestLiveTLSFlags(t *testing.T) {
	srv := httptest.NewTLSServer(corsAll())
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(t.TempDir(), "ca.txt")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	for _, args := range [][]string{{"--insecure"}, {"-k"}, {"--cacert", ca}} {
		r := corsim(t, "", append([]string{"fetch", srv.URL + "/x", "--from", "http://localhost:3000", "--live"}, args...)...)
		wantCode(t, r, 0)
		wantContains(t, strings.Join(args, " "), r.stdout, "Verdict: ALLOWED")
		r = corsim(t, "", append([]string{"allow", srv.URL + "/x"}, args...)...)
		wantCode(t, r, 0)
	}
	r := corsim(t, "", "fetch", srv.URL+"/x", "--from", "http://localhost:3000", "--live", "--cacert", notPEM)
	wantOneLineError(t, r, "--cacert "+notPEM+": no PEM certificate in the file")
	r = corsim(t, "", "fetch", srv.URL+"/x", "--from", "http://localhost:3000", "--server", "cmd/corsim/testdata/api.conf", "-k")
	wantOneLineError(t, r, "-k needs --live")
}

func corsAll() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	})
}

// TestLiveFetchProgress: on a terminal, a live request that takes a while
// shows what it waits for on stderr, and clears the line; on a pipe it
// shows nothing.
func TestLiveFetchProgress(t *testing.T) {
	old := progressDelay
	progressDelay = 10 * time.Millisecond
	t.Cleanup(func() { progressDelay = old })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}))
	defer srv.Close()
	for _, tty := range []bool{true, false} {
		var out strings.Builder
		var errb syncBuffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, stderrTTY: tty}
		if code := runMain(t.Context(), e, []string{"fetch", srv.URL + "/x", "--from", "http://localhost:3000", "--live"}); code != 0 {
			t.Fatalf("status %d: %s", code, errb.String())
		}
		got := errb.String()
		if tty && (!strings.Contains(got, "corsim fetch: waiting for "+srv.URL) || !strings.HasSuffix(got, "\r\x1b[K")) {
			t.Errorf("terminal: %q", got)
		}
		if !tty && got != "" {
			t.Errorf("pipe: %q", got)
		}
	}
}

// check --live and replay --live against a server that is down are
// incomplete (exit 3), said first, not "blocked" (exit 1) from the
// simulated browser's network errors.
func TestCheckReplayLiveNoAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	for _, args := range [][]string{
		{"check", "--openapi", "testdata/openapi/api.yaml", "--from", "https://app.example", "--live", down},
		{"replay", "--live", "testdata/har/chromium.har"},
	} {
		r := corsim(t, "", args...)
		wantCode(t, r, exitIncomplete)
		if !strings.Contains(r.stderr, "incomplete: the live server could not be reached") {
			t.Errorf("corsim %s: stderr lacks the incomplete line:\n%s", args[0], r.stderr)
		}
	}
}
