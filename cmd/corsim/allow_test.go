package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// methodCounter is a loopback server that counts the requests it gets by
// method and answers with answer.
type methodCounter struct {
	mu     sync.Mutex
	counts map[string]int
	seen   []*http.Request
	answer http.HandlerFunc
}

func newCounter(t *testing.T, answer http.HandlerFunc) (*methodCounter, *httptest.Server) {
	t.Helper()
	mc := &methodCounter{counts: map[string]int{}, answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mc.mu.Lock()
		mc.counts[r.Method]++
		mc.seen = append(mc.seen, r.Clone(r.Context()))
		mc.mu.Unlock()
		mc.answer(w, r)
	}))
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", srv.URL)
	}
	t.Cleanup(srv.Close)
	return mc, srv
}

func (mc *methodCounter) count(method string) int {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	return mc.counts[method]
}

func TestAllowLoopback(t *testing.T) {
	tests := []struct {
		name     string
		answer   http.HandlerFunc
		code     int
		contains []string
	}{
		{
			name: "allow listed",
			answer: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Allow", "GET, HEAD, POST, OPTIONS")
				w.WriteHeader(http.StatusNoContent)
			},
			code:     0,
			contains: []string{"204 No Content", "Allowed methods: GET HEAD POST OPTIONS", "RFC 9110: ok"},
		},
		{
			name:     "405 without Allow",
			answer:   func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusMethodNotAllowed) },
			code:     1,
			contains: []string{"405 Method Not Allowed", "problem: 405 Method Not Allowed without an Allow header", "section-15.5.6"},
		},
		{
			name: "405 with Allow",
			answer: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Allow", "GET")
				w.WriteHeader(http.StatusMethodNotAllowed)
			},
			code:     0,
			contains: []string{"Allowed methods: GET", "note: 405"},
		},
		{
			name:     "no Allow on 200",
			answer:   func(w http.ResponseWriter, r *http.Request) {},
			code:     0,
			contains: []string{"Allowed methods: unknown (no Allow header)", "note: no Allow header"},
		},
		{
			name: "bad token",
			answer: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Allow", "GET, P(UT")
				w.WriteHeader(http.StatusNoContent)
			},
			code:     1,
			contains: []string{`problem: Allow lists "P(UT"`},
		},
		{
			name:     "501",
			answer:   func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotImplemented) },
			code:     0,
			contains: []string{"note: 501 Not Implemented"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mc, srv := newCounter(t, tt.answer)
			r := corsim(t, "", "allow", srv.URL+"/items")
			wantCode(t, r, tt.code)
			for _, want := range tt.contains {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
			if got := mc.count("OPTIONS"); got != 1 || len(mc.seen) != 1 {
				t.Fatalf("server got %d OPTIONS of %d requests, want exactly one OPTIONS", got, len(mc.seen))
			}
			// A capability check is not a CORS preflight: no Origin, no ACRM.
			req := mc.seen[0]
			for _, h := range []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"} {
				if v, ok := req.Header[h]; ok {
					t.Errorf("plain OPTIONS carried %s: %q", h, v)
				}
			}
		})
	}
}

func TestAllowJSONAndSimulated(t *testing.T) {
	r := corsim(t, "", "allow", "--json", "https://api.example/items/7", "--server", "cmd/corsim/testdata/api.conf")
	wantCode(t, r, 0)
	var rep struct {
		Request  struct{ Method, URL string }
		Response struct{ Status int }
		Allow    []string
		Problems []any
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if rep.Request.Method != "OPTIONS" || rep.Response.Status != 204 || strings.Join(rep.Allow, " ") != "GET HEAD PUT DELETE OPTIONS" || len(rep.Problems) != 0 {
		t.Errorf("report: %+v", rep)
	}
}

func TestAllowUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	r := corsim(t, "", "allow", url+"/")
	// Issue 15: no answer is not a finding (1) but an incomplete check (3).
	wantCode(t, r, exitIncomplete)
	if !strings.Contains(r.stdout, "no answer:") || !strings.HasPrefix(r.stderr, "corsim allow: incomplete: the server could not be reached:") || !strings.Contains(r.stderr, "(unreachable)") {
		t.Errorf("stdout: %s\nstderr: %s", r.stdout, r.stderr)
	}
	r = corsim(t, "", "allow", "--json", url+"/")
	wantCode(t, r, exitIncomplete)
	if !strings.Contains(r.stdout, `"noAnswer": "unreachable"`) {
		t.Errorf("JSON lacks the cause: %s", r.stdout)
	}
}
