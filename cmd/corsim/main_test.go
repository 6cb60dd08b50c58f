package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// corsimBin is the corsim binary built once by TestMain.
var corsimBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "corsim-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	corsimBin = filepath.Join(dir, "corsim")
	if runtime.GOOS == "windows" {
		corsimBin += ".exe"
	}
	build := exec.Command("go", "build", "-o", corsimBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building corsim:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary produced.
type result struct {
	stdout, stderr string
	code           int
}

// corsim runs the binary with args in the module root (so that README
// paths work) with colour off by default (the streams are pipes anyway).
func corsim(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return corsimEnv(t, stdin, nil, args...)
}

func corsimEnv(t *testing.T, stdin string, extraEnv []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(corsimBin, args...)
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running corsim %q: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{out.String(), errb.String(), code}
}

// moduleRoot is the directory holding go.mod, two levels up.
func moduleRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(filepath.Dir(wd))
}

// wantCode fails the test unless r ended with code; it prints both
// streams to make the failure actionable.
func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

// wantOneLineError checks the bad-input convention: exit 2, nothing on
// stdout, one line on stderr containing want.
func wantOneLineError(t *testing.T, r result, want string) {
	t.Helper()
	wantCode(t, r, exitUsage)
	if r.stdout != "" {
		t.Errorf("stdout not empty on error:\n%s", r.stdout)
	}
	if n := strings.Count(r.stderr, "\n"); n != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr has %d lines, want exactly one:\n%s", n, r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not contain %q", r.stderr, want)
	}
	if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
		t.Errorf("stderr shows a panic:\n%s", r.stderr)
	}
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/corsim -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/corsim -update if the change is intended)\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing lines of want and got.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant: %q\n got: %q\n--- got in full:\n%s", i+1, w, g, got)
		}
	}
	return ""
}

func TestHelpAndVersion(t *testing.T) {
	r := corsim(t, "", "help")
	wantCode(t, r, 0)
	for _, c := range commands() {
		if !strings.Contains(r.stdout, c.name) {
			t.Errorf("corsim help does not list %s", c.name)
		}
	}
	for _, c := range commands() {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			r := corsim(t, "", args...)
			wantCode(t, r, 0)
			if !strings.Contains(r.stdout, "Usage: corsim "+c.name) {
				t.Errorf("corsim %s: no usage line:\n%s", strings.Join(args, " "), r.stdout)
			}
			if !strings.Contains(r.stdout, "corsim "+c.name) || !strings.Contains(r.stdout, "Example") {
				t.Errorf("corsim %s: help has no examples:\n%s", strings.Join(args, " "), r.stdout)
			}
			if r.stderr != "" {
				t.Errorf("corsim %s: stderr %q", strings.Join(args, " "), r.stderr)
			}
		}
	}
	r = corsim(t, "", "version")
	wantCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, "corsim ") || !strings.Contains(r.stdout, "go1.") {
		t.Errorf("version: %q", r.stdout)
	}
	// No command: the usage goes to stderr, exit 2, as with go(1).
	r = corsim(t, "")
	wantCode(t, r, exitUsage)
	if r.stdout != "" || !strings.Contains(r.stderr, "Usage:") {
		t.Errorf("bare corsim: stdout %q stderr %q", r.stdout, r.stderr)
	}
	wantOneLineError(t, corsim(t, "", "frobnicate"), `unknown command "frobnicate"`)
	wantOneLineError(t, corsim(t, "", "help", "frobnicate"), `unknown command "frobnicate"`)
}
