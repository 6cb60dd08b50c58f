package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
)

// TestRunCorpus runs the scenario corpus and the labs through the binary:
// every expectation holds (exit 0) and the summary counts every file.
func TestRunCorpus(t *testing.T) {
	for _, dir := range []string{"testdata/scenarios", "testdata/labs"} {
		t.Run(dir, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(moduleRoot(t), dir, "*.txtar"))
			sub, _ := filepath.Glob(filepath.Join(moduleRoot(t), dir, "*", "*.txtar"))
			files = append(files, sub...)
			if len(files) == 0 {
				t.Skipf("no scenarios under %s yet", dir)
			}
			r := corsim(t, "", "run", dir)
			wantCode(t, r, 0)
			if len(files) > 1 && !strings.Contains(r.stdout, " 0 failed") {
				t.Errorf("summary: %s", lastLine(r.stdout))
			}
			if r.stderr != "" {
				t.Errorf("stderr on a pipe (no progress line expected): %q", r.stderr)
			}
			// The same corpus as JSON: one scenario object per file.
			j := corsim(t, "", "run", "--json", dir)
			wantCode(t, j, 0)
			if n := strings.Count(j.stdout, `"schema"`); n != 1 {
				t.Errorf("JSON has %d schema fields, want 1", n)
			}
		})
	}
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func TestRunFailingExpectation(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "wrong.txtar")
	src := "# Expects the wrong thing on purpose.\npage https://app.example\nserver https://api.example config api.conf\nfetch https://api.example/x\nexpect outcome blocked\n-- api.conf --\norigins https://app.example\n"
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := corsim(t, "", "run", f)
	wantCode(t, r, 1)
	if !strings.Contains(r.stdout, "FAIL "+filepath.ToSlash(f)) || !strings.Contains(r.stdout, f+":5:") || !strings.Contains(r.stdout, "expect outcome blocked") {
		t.Errorf("failure not reported with file:line:\n%s", r.stdout)
	}
	// The demo passes; one failing file among several fails the run.
	r = corsim(t, "", "run", "-q", f, "cmd/corsim/demo.txtar")
	wantCode(t, r, 1)
	if strings.Contains(r.stdout, "ok   cmd/corsim/demo.txtar") || !strings.Contains(r.stdout, "2 scenarios, 1 passed, 1 failed") {
		t.Errorf("-q output:\n%s", r.stdout)
	}
}

func TestRunFormats(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.html")
	r := corsim(t, "", "run", "--format", "html", "-o", out, "cmd/corsim/demo.txtar")
	wantCode(t, r, 0)
	if r.stdout != "" {
		t.Errorf("stdout with -o: %q", r.stdout)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("<svg")) || !bytes.Contains(page, []byte("</html>")) || bytes.Contains(page, []byte("<script")) {
		t.Errorf("html report is not a self-contained page with an SVG diagram")
	}
	m := corsim(t, "", "demo", "--format", "mermaid")
	wantCode(t, m, 0)
	if !strings.Contains(m.stdout, "```mermaid") || !strings.Contains(m.stdout, "sequenceDiagram") {
		t.Errorf("mermaid output:\n%s", m.stdout)
	}
	s := corsim(t, "", "demo", "--script")
	wantCode(t, s, 0)
	if s.stdout != string(demoScenario) {
		t.Errorf("demo --script does not print the embedded scenario")
	}
}

// TestLabBook: --format html with many scenarios makes one page with an
// index and every scenario, and the -o file is replaced only when the
// report is complete: a run that stops on bad input leaves it as it was,
// and no temporary file stays behind.
func TestLabBook(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "labs.html")
	if err := os.WriteFile(out, []byte("the old book"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.txtar")
	if err := os.WriteFile(bad, []byte("fetch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := corsim(t, "", "run", "--format", "html", "-o", out, "testdata/labs", bad)
	wantCode(t, r, 2)
	if b, _ := os.ReadFile(out); string(b) != "the old book" {
		t.Errorf("a failed run changed the -o file: %.60q", b)
	}
	r = corsim(t, "", "run", "--format", "html", "-o", out, "testdata/labs")
	wantCode(t, r, 0)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	labs, _ := filepath.Glob(filepath.Join(moduleRoot(t), "testdata", "labs", "*.txtar"))
	for i := range labs {
		if !strings.Contains(page, fmt.Sprintf(`<a href="#s%d">`, i+1)) || !strings.Contains(page, fmt.Sprintf(`<article id="s%d">`, i+1)) {
			t.Errorf("the lab book lacks scenario %d in its index or body", i+1)
		}
	}
	for _, want := range []string{"corsim lab book: ", "Now the API opts in for the shop", "<svg", "Verdicts"} {
		if !strings.Contains(page, want) {
			t.Errorf("the lab book lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<link", " src=", "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("the lab book is not self-contained: it has %q", bad)
		}
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 2 {
		t.Errorf("the directory holds %d files after the runs, want labs.html and bad.txtar", len(left))
	}
}

// TestDemoScenarioParses keeps the embedded demo valid and passing under
// every profile.
func TestDemoScenarioParses(t *testing.T) {
	r := corsim(t, "", "demo", "--browser", "all")
	wantCode(t, r, 0)
	for _, p := range []string{"chromium", "firefox", "webkit", "spec"} {
		if !strings.Contains(r.stdout, "-- "+p+": PASS") {
			t.Errorf("demo does not pass under %s", p)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProgressLine: on a terminal, a run that takes longer than the delay
// shows a progress line and clears it; on a pipe it shows nothing.
func TestProgressLine(t *testing.T) {
	old := progressDelay
	progressDelay = 10 * time.Millisecond
	t.Cleanup(func() { progressDelay = old })
	var done atomic.Int64
	done.Store(3)
	for _, tty := range []bool{true, false} {
		var errb syncBuffer
		e := &env{stderr: &errb, stderrTTY: tty, getenv: func(string) string { return "" }}
		stop := startProgress(e, 5, &done)
		time.Sleep(150 * time.Millisecond)
		stop()
		got := errb.String()
		if tty && (!strings.Contains(got, "running scenarios 3/5") || !strings.HasSuffix(got, "\r\x1b[K")) {
			t.Errorf("terminal progress: %q", got)
		}
		if !tty && got != "" {
			t.Errorf("progress on a pipe: %q", got)
		}
	}
	// A fast run on a terminal shows nothing.
	progressDelay = time.Hour
	var errb syncBuffer
	stop := startProgress(&env{stderr: &errb, stderrTTY: true}, 1, &done)
	stop()
	if errb.String() != "" {
		t.Errorf("progress for a fast run: %q", errb.String())
	}
}

// TestNoPanicOnOddInput feeds odd arguments to the in-process entry point:
// it must answer with an exit status, never a panic.
func TestNoPanicOnOddInput(t *testing.T) {
	odd := [][]string{
		{"fetch", ""}, {"fetch", "--from", "null", "--server", "/dev/null", "https://a.example/"},
		{"fetch", "-H", ":", "--from", "https://a.example", "--server", "/dev/null", "https://b.example/"},
		{"fetch", "https://[::1/", "--from", "https://a.example", "--server", "/dev/null"},
		{"explain", "--from", "https://a.example", "--in", "https://b.example", "--server", "/dev/null", "https://c.example/", "-d", "", "--data-type", "stream"},
		{"run", "/dev/null"}, {"allow"}, {"allow", "--server", "/dev/null", "http://x/", "--json"},
		{"audit", "--origin", "null", "--server", "/dev/null", "https://x.example/"},
		{"fetch", "--", "--from"}, {"run", "--", "-"},
	}
	for _, args := range odd {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		code := runMain(context.Background(), e, args)
		if code < 0 || code > 2 || strings.Contains(errb.String(), "internal error") {
			t.Errorf("corsim %q: exit %d, stderr %q", args, code, errb.String())
		}
	}
}

// TestRunOrderedSameReport: the text report written in order while the
// scenarios run (runOrdered, no step kept) is the report writeText makes
// of the kept results, with -v, without, and with -q.
func TestRunOrderedSameReport(t *testing.T) {
	t.Chdir(moduleRoot(t))
	files, err := sim.Collect("testdata/scenarios", "testdata/labs")
	if err != nil {
		t.Fatal(err)
	}
	var scs []*scenario.Scenario
	for _, f := range files {
		src, err := sim.ReadInputFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := scenario.Parse(f, src)
		if err != nil {
			t.Fatal(err)
		}
		scs = append(scs, sc)
	}
	opts := sim.Options{Profiles: []string{"chromium", "firefox"}}
	kept := sim.RunAll(context.Background(), scs, opts, nil)
	for _, ro := range []reportOpts{{format: "text", verbose: true}, {format: "text"}, {format: "text", quiet: true}} {
		var want strings.Builder
		if err := writeText(&want, kept, ro); err != nil {
			t.Fatal(err)
		}
		var got, errb strings.Builder
		e := &env{stdout: &got, stderr: &errb, getenv: func(string) string { return "" }}
		runOrdered(context.Background(), e, runCommand(), scs, opts, "", ro)
		if d := cmp.Diff(want.String(), got.String()); d != "" {
			t.Errorf("verbose %v, quiet %v: (-kept +ordered):\n%s", ro.verbose, ro.quiet, d)
		}
	}
	var want, got, errb strings.Builder
	if err := report.JSON(&want, kept...); err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: &got, stderr: &errb, getenv: func(string) string { return "" }}
	runOrdered(context.Background(), e, runCommand(), scs, opts, "", reportOpts{format: "json"})
	if d := cmp.Diff(want.String(), got.String()); d != "" {
		t.Errorf("json (-kept +ordered):\n%s", d)
	}
}
