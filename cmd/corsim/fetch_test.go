package main

import (
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/corsim/corsim/sim/scenario"
	"github.com/google/go-cmp/cmp"
)

const apiConf = "cmd/corsim/testdata/api.conf"

// TestFetchGolden pins the story of representative one-shot fetches.
func TestFetchGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"fetch-put-json", []string{"fetch", "https://api.example/items/42", "-X", "PUT", "-H", "Content-Type: application/json", "-d", `{"done":true}`, "--from", "https://app.example", "--server", apiConf}, 0},
		{"fetch-simple-get", []string{"fetch", "--from", "https://app.example", "https://api.example/items", "--server", apiConf}, 0},
		{"fetch-same-origin", []string{"fetch", "https://api.example/items", "--from", "https://api.example", "--server", apiConf}, 0},
		{"fetch-evil-all", []string{"fetch", "https://api.example/items", "--from", "https://evil.example", "--server", apiConf, "--browser", "all"}, 0},
		{"explain-header", []string{"explain", "https://api.example/items/42", "-X", "PUT", "-H", "X-Trace: 1", "--from", "https://app.example", "--server", apiConf}, 0},
		{"explain-preflight-401", []string{"explain", "https://api.example/me", "-H", "Authorization: Bearer t", "--from", "https://app.example", "--server", "cmd/corsim/testdata/preflight-401.conf", "--browser", "all"}, 0},
		{"explain-canned", []string{"explain", "https://api.example/data", "--from", "https://app.example", "--server", "cmd/corsim/testdata/canned.txtar", "--credentials", "include"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := corsim(t, "", tt.args...)
			wantCode(t, r, tt.code)
			if r.stderr != "" {
				t.Errorf("stderr: %s", r.stderr)
			}
			if strings.Contains(r.stdout, "\x1b[") {
				t.Errorf("colour escapes in piped output")
			}
			golden(t, tt.name+".txt", r.stdout)
		})
	}
}

func TestFetchStoryContent(t *testing.T) {
	r := corsim(t, "", "explain", "https://api.example/items/42", "-X", "PATCH", "-H", "Content-Type: application/json", "--from", "https://app.example", "--server", apiConf)
	wantCode(t, r, 0)
	wantContains(t, "explain output", r.stdout,
		"cross-origin: https://app.example → https://api.example (host app.example ≠ api.example)",
		"PATCH is not a CORS-safelisted method",
		"→ preflight OPTIONS https://api.example/items/42",
		"Access-Control-Request-Method: PATCH",
		"Verdict: BLOCKED (method-not-allowed in the preflight)",
		"send Access-Control-Allow-Methods: GET, POST, PUT, DELETE, PATCH on the preflight (OPTIONS) response",
		"https://fetch.spec.whatwg.org/#cors-preflight-fetch-0",
		"Console:")
}

func TestFetchExpect(t *testing.T) {
	base := []string{"fetch", "https://api.example/items", "--from", "https://evil.example", "--server", apiConf}
	wantCode(t, corsim(t, "", append(base, "--expect", "blocked")...), 0)
	r := corsim(t, "", append(base, "--expect", "allowed")...)
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "--expect allowed: chromium got blocked") {
		t.Errorf("stderr: %q", r.stderr)
	}
}

// TestJSONSameSchema checks that fetch, run and demo print the same JSON
// document (sim/report's schema).
func TestJSONSameSchema(t *testing.T) {
	type doc struct {
		Schema    string `json:"schema"`
		Scenarios []struct {
			Name string `json:"name"`
			OK   bool   `json:"ok"`
			Runs []struct {
				Profile string `json:"profile"`
				Steps   []struct {
					Kind  string          `json:"kind"`
					Fetch json.RawMessage `json:"fetch"`
				} `json:"steps"`
			} `json:"runs"`
		} `json:"scenarios"`
	}
	decode := func(args ...string) doc {
		t.Helper()
		r := corsim(t, "", args...)
		if r.code > 1 {
			t.Fatalf("corsim %v: exit %d: %s", args, r.code, r.stderr)
		}
		var d doc
		if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
			t.Fatalf("corsim %v: not JSON: %v\n%s", args, err, r.stdout)
		}
		return d
	}
	f := decode("fetch", "--json", "https://api.example/items", "--from", "https://app.example", "--server", apiConf, "--browser", "chromium,firefox")
	d := decode("demo", "--json")
	s := decode("run", "--json", "cmd/corsim/demo.txtar")
	if f.Schema == "" || f.Schema != d.Schema || d.Schema != s.Schema {
		t.Fatalf("schemas differ: fetch %q demo %q run %q", f.Schema, d.Schema, s.Schema)
	}
	if len(f.Scenarios) != 1 || len(f.Scenarios[0].Runs) != 2 || f.Scenarios[0].Runs[1].Profile != "firefox" {
		t.Fatalf("fetch JSON: %+v", f)
	}
	var fetches int
	for _, st := range f.Scenarios[0].Runs[0].Steps {
		if st.Kind == "fetch" && len(st.Fetch) > 0 {
			fetches++
		}
	}
	if fetches != 1 {
		t.Errorf("fetch JSON has %d fetch steps, want 1", fetches)
	}
	if len(s.Scenarios) != 1 || len(d.Scenarios) != 1 || len(s.Scenarios[0].Runs[0].Steps) != len(d.Scenarios[0].Runs[0].Steps) {
		t.Errorf("demo and run of the demo file differ in shape")
	}
}

// TestLiveSendsNoUnsafeMethod is the safety rule of --live: an unsafe
// actual request is shown but not sent unless --send-unsafe is given.
func TestLiveSendsNoUnsafeMethod(t *testing.T) {
	cors := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "http://localhost:3000")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Write([]byte("done\n"))
	}
	for _, tt := range []struct {
		name    string
		args    []string
		counts  map[string]int
		outcome string
	}{
		{"delete not sent", []string{"-X", "DELETE"}, map[string]int{"OPTIONS": 1, "DELETE": 0}, "not sent:"},
		{"simple post not sent", []string{"-d", "x=1"}, map[string]int{"OPTIONS": 0, "POST": 0}, "not sent:"},
		{"put not sent", []string{"-X", "PUT", "-H", "Content-Type: application/json", "-d", "{}"}, map[string]int{"OPTIONS": 1, "PUT": 0}, "preflight passed; PUT not sent — add --send-unsafe to send it"},
		// Issue 15: an OPTIONS request with a body went out without --send-unsafe.
		{"options body not sent", []string{"-X", "OPTIONS", "-d", "drop table"}, map[string]int{"OPTIONS": 1}, "OPTIONS with a body not sent — add --send-unsafe"},
		{"delete sent on request", []string{"-X", "DELETE", "--send-unsafe"}, map[string]int{"OPTIONS": 1, "DELETE": 1}, "Verdict: ALLOWED"},
		{"get sent", []string{}, map[string]int{"OPTIONS": 0, "GET": 1}, "Verdict: ALLOWED"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mc, srv := newCounter(t, cors)
			args := append([]string{"fetch", srv.URL + "/items/1", "--from", "http://localhost:3000", "--live"}, tt.args...)
			r := corsim(t, "", args...)
			wantCode(t, r, 0)
			for m, n := range tt.counts {
				if got := mc.count(m); got != n {
					t.Errorf("server got %d %s requests, want %d", got, m, n)
				}
			}
			if !strings.Contains(r.stdout, tt.outcome) {
				t.Errorf("stdout lacks %q:\n%s", tt.outcome, r.stdout)
			}
			if strings.Contains(r.stdout, "SendUnsafe") {
				t.Errorf("stdout names a Go field:\n%s", r.stdout)
			}
			if !strings.Contains(tt.name, "sent on request") && !strings.Contains(tt.name, "get") {
				for m := range mc.counts {
					if m != "OPTIONS" && m != "GET" && m != "HEAD" {
						t.Errorf("live fetch without --send-unsafe sent %s", m)
					}
				}
			}
		})
	}
}

// TestBadInput: every kind of bad input is one line on stderr and exit 2,
// never a panic.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	badConf := filepath.Join(dir, "bad.conf")
	if err := os.WriteFile(badConf, []byte("origins https://app.example\nmethods P(UT\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badScenario := filepath.Join(dir, "bad.txtar")
	if err := os.WriteFile(badScenario, []byte("page https://app.example\nfetch https://api.example/\nexpect frobnicate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "secret.conf")
	if err := os.WriteFile(unreadable, []byte("origins *\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	ok := []string{"--from", "https://app.example", "--server", apiConf}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"demo json and html", []string{"demo", "--json", "--format", "html"}, "--json and --format html exclude each other"},
		{"run json and mermaid", []string{"run", "--json", "--format", "mermaid", "cmd/corsim/demo.txtar"}, "--json and --format mermaid exclude each other"},
		{"bad URL", append([]string{"fetch", "https://exa mple/"}, ok...), `bad URL "https://exa mple/"`},
		{"relative URL", append([]string{"fetch", "/items"}, ok...), `bad URL "/items"`},
		{"non-http URL", append([]string{"fetch", "ftp://api.example/"}, ok...), "want an http:// or https:// URL"},
		{"bad origin slash", []string{"fetch", "https://api.example/", "--from", "https://app.example/", "--server", apiConf}, "did you mean https://app.example?"},
		{"bad origin", []string{"fetch", "https://api.example/", "--from", "app.example", "--server", apiConf}, `bad origin --from "app.example"`},
		{"missing origin", []string{"fetch", "https://api.example/", "--server", apiConf}, "missing --from ORIGIN"},
		{"bad header line", append([]string{"fetch", "https://api.example/", "-H", "X-No-Colon"}, ok...), `-H "X-No-Colon": want 'Name: value'`},
		{"bad header name", append([]string{"fetch", "https://api.example/", "-H", "Bad Name: 1"}, ok...), `bad header "Bad Name: 1"`},
		{"missing file", []string{"fetch", "https://api.example/", "--from", "https://app.example", "--server", "nope.conf"}, "nope.conf: no such file"},
		{"directory as file", []string{"fetch", "https://api.example/", "--from", "https://app.example", "--server", dir}, dir + ":"},
		{"bad config", []string{"fetch", "https://api.example/", "--from", "https://app.example", "--server", badConf}, badConf + ":2:"},
		{"unknown browser", append([]string{"fetch", "https://api.example/", "--browser", "netscape"}, ok...), `unknown browser "netscape"`},
		{"misspelt browser", append([]string{"fetch", "https://api.example/", "--browser", "firfox"}, ok...), `unknown browser "firfox"; did you mean firefox?`},
		{"misspelt command", []string{"fecth", "https://api.example/"}, `unknown command "fecth"; did you mean fetch?`},
		{"unknown flag", append([]string{"fetch", "https://api.example/", "--frobnicate"}, ok...), "unknown flag --frobnicate"},
		{"misspelt flag", append([]string{"fetch", "https://api.example/", "--sever", "x"}, ok...), "unknown flag --sever; did you mean --server?"},
		{"no server", []string{"fetch", "https://api.example/", "--from", "https://app.example"}, "no server"},
		{"send-unsafe without live", append([]string{"fetch", "https://api.example/", "--send-unsafe"}, ok...), "--send-unsafe needs --live"},
		{"forbidden method", append([]string{"fetch", "https://api.example/", "-X", "TRACE"}, ok...), "the browser would refuse this request"},
		{"element with a header", append([]string{"fetch", "https://api.example/", "--initiator", "element", "-H", "X-A: 1"}, ok...), "an element request has no author headers"},
		{"element with PUT", append([]string{"fetch", "https://api.example/", "--initiator", "element", "-X", "PUT"}, ok...), "an element request is a GET"},
		{"xhr and element", append([]string{"fetch", "https://api.example/", "--initiator", "element", "--xhr"}, ok...), "--xhr and --initiator element contradict each other"},
		{"data-type without data", append([]string{"fetch", "https://api.example/", "--data-type", "blob"}, ok...), "--body (--data-type) needs -d DATA"},
		{"bad mode", append([]string{"fetch", "https://api.example/", "--mode", "sideways"}, ok...), `--mode "sideways"`},
		{"bad expect", append([]string{"fetch", "https://api.example/", "--expect", "maybe"}, ok...), `--expect "maybe"`},
		{"explain bad URL", append([]string{"explain", "::"}, ok...), `bad URL "::"`},
		{"run missing file", []string{"run", "nope.txtar"}, "nope.txtar: no such file"},
		{"run bad scenario", []string{"run", badScenario}, badScenario + ":3: expect"},
		{"run unknown browser", []string{"run", "--browser", "lynx", "cmd/corsim/demo.txtar"}, `unknown browser "lynx"`},
		{"run bad format", []string{"run", "--format", "pdf", "cmd/corsim/demo.txtar"}, `--format "pdf"`},
		{"run nothing", []string{"run"}, "no scenario"},
		{"demo extra arg", []string{"demo", "now"}, `unexpected argument "now"`},
		{"allow bad URL", []string{"allow", "not a url"}, `bad URL "not a url"`},
		{"allow missing file", []string{"allow", "https://api.example/", "--server", "nope.conf"}, "nope.conf: no such file"},
	}
	if os.Geteuid() != 0 { // root reads any file
		tests = append(tests, struct {
			name string
			args []string
			want string
		}{"unreadable file", []string{"fetch", "https://api.example/", "--from", "https://app.example", "--server", unreadable}, "permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOneLineError(t, corsim(t, "", tt.args...), tt.want)
		})
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	a := corsim(t, "", "fetch", "https://api.example/items", "--from", "https://app.example", "--server", apiConf)
	b := corsim(t, "", "fetch", "--from", "https://app.example", "--server", apiConf, "https://api.example/items")
	c := corsim(t, "", "fetch", "--from", "https://app.example", "--server", apiConf, "--", "https://api.example/items")
	wantCode(t, a, 0)
	if a.stdout != b.stdout || a.stdout != c.stdout {
		t.Errorf("flag position changed the output:\n%s\n---\n%s\n---\n%s", a.stdout, b.stdout, c.stdout)
	}
}

func TestColour(t *testing.T) {
	// Piped output never has colour, whatever TERM says; NO_COLOR is
	// checked by the palette, tested directly.
	r := corsimEnv(t, "", []string{"TERM=xterm-256color"}, "fetch", "https://api.example/items", "--from", "https://evil.example", "--server", apiConf)
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour on a pipe")
	}
	e := &env{getenv: func(k string) string {
		if k == "NO_COLOR" {
			return "1"
		}
		return ""
	}}
	if colours(e, true).on {
		t.Errorf("colour despite NO_COLOR")
	}
	e.getenv = func(string) string { return "" }
	if !colours(e, true).on || colours(e, false).on {
		t.Errorf("colour decision wrong for a terminal / a pipe")
	}
}

// TestRequestFlagsShared checks that fetch and explain accept exactly the
// request flags of a scenario file's fetch line (scenario.FetchFlags and
// their aliases) and pass them on unchanged: the init the command builds
// equals the one scenario.ParseFetchArgs builds from the same words.
func TestRequestFlagsShared(t *testing.T) {
	c := fetchCommand(false)
	fs := newFlagSet(c)
	registerRequestFlags(fs)
	var got []string
	fs.VisitAll(func(f *flag.Flag) { got = append(got, "-"+f.Name) })
	dash := func(name string) string { return "-" + strings.TrimLeft(name, "-") }
	var want []string
	for _, u := range scenario.FetchFlags {
		want = append(want, dash(u.Name))
	}
	for alias := range scenario.FetchFlagAliases {
		want = append(want, dash(alias))
	}
	for alias := range requestFlagAliases {
		want = append(want, dash(alias))
	}
	slices.Sort(want)
	if !slices.Equal(got, want) { // VisitAll is in lexical order
		t.Errorf("request flags %q, want %q", got, want)
	}
	// The same words through the command line and through the scenario
	// parser give the same init.
	words := []string{"https://api.example/items/1", "-X", "PATCH", "-H", "Content-Type: application/json", "--data", `{"a":1}`,
		"--credentials", "include", "--xhr", "--upload-listeners"}
	wantInit, err := scenario.ParseFetchArgs(words)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	o, code, ok := parseFetchArgs(e, c, append(slices.Clone(words), "--from", "https://app.example", "--server", apiConf))
	if !ok {
		t.Fatalf("parseFetchArgs: exit %d", code)
	}
	if diff := cmp.Diff(wantInit, o.init); diff != "" {
		t.Errorf("command line init differs from scenario's (-scenario +cmd):\n%s", diff)
	}
}

// TestInitiatorAndNavigate: --initiator element makes an <img crossorigin>
// request (never preflighted, an error event rather than a rejection), and
// --mode navigate is accepted and shows fetch()'s TypeError.
func TestInitiatorAndNavigate(t *testing.T) {
	r := corsim(t, "", "fetch", "https://api.example/items", "--initiator", "element", "--from", "https://evil.example", "--server", apiConf)
	wantCode(t, r, 0)
	wantContains(t, "element story", r.stdout,
		"<img crossorigin> GET https://api.example/items",
		"never preflighted",
		"Verdict: BLOCKED (missing-allow-origin)",
		"the element fires its error event",
		"Access to image at 'https://api.example/items'")
	// A non-simple header would force a preflight from fetch(); an element
	// cannot send one, and its GET is never preflighted even cross-origin
	// with credentials.
	r = corsim(t, "", "fetch", "https://api.example/items", "--initiator", "element", "--credentials", "include", "--from", "https://app.example", "--server", apiConf, "--json")
	wantCode(t, r, 0)
	if strings.Contains(r.stdout, `"OPTIONS"`) {
		t.Errorf("an element request sent a preflight:\n%s", r.stdout)
	}
	r = corsim(t, "", "fetch", "https://api.example/items", "--xhr", "--from", "https://evil.example", "--server", apiConf)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "XMLHttpRequest GET") || !strings.Contains(r.stdout, "the XMLHttpRequest fires error") {
		t.Errorf("xhr story:\n%s", r.stdout)
	}
	r = corsim(t, "", "fetch", "https://api.example/items", "--mode", "navigate", "--from", "https://app.example", "--server", apiConf)
	wantCode(t, r, 0)
	wantContains(t, "navigate story", r.stdout, "mode navigate\n", "NETWORK-ERROR (navigate-mode)", "the promise rejects with TypeError")
	h := corsim(t, "", "fetch", "--help")
	if !strings.Contains(h.stdout, "--initiator fetch|xhr|element") || !strings.Contains(h.stdout, "fetch() throws a TypeError") {
		t.Errorf("help does not document --initiator or navigate's TypeError:\n%s", h.stdout)
	}
}

// wantContains reports each of wants that out (named what) lacks.
func wantContains(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, out)
		}
	}
}

// TestLiveSendsBrowserHeaders: --live sends the browser's header lines, and
// Go's transport adds no Accept-Encoding a browser's fetch would not have
// carried (it would also hide Content-Encoding from the story).
func TestLiveSendsBrowserHeaders(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Accept-Encoding"))
		mu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", "http://localhost:3000")
	}))
	t.Cleanup(srv.Close)
	r := corsim(t, "", "fetch", srv.URL+"/items", "--from", "http://localhost:3000", "--live")
	wantCode(t, r, 0)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != "" {
		t.Errorf("Accept-Encoding lines the server saw: %q, want one request without it", got)
	}
}
