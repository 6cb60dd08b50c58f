package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestInterruptLiveFetch pins issue 15: Ctrl-C during a live request
// stops the command at once, says so, and exits 130 (not 0 with a
// simulated network error).
func TestInterruptLiveFetch(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done() // hangs until the client goes away
	}))
	defer srv.Close()
	cmd := exec.Command(corsimBin, "fetch", srv.URL+"/x", "--from", "http://localhost:3000", "--live", "--timeout", "1h")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-arrived
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want status %d\nstdout:\n%s\nstderr:\n%s", err, exitInterrupted, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "corsim fetch: interrupted") || strings.Contains(out.String(), "Verdict:") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
}

// TestInterruptRun: an interrupted run reports the scenarios that finished
// and names the ones that did not, with status 130.
func TestInterruptRun(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errInterrupted)
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	t.Chdir(moduleRoot(t))
	code := runMain(ctx, e, []string{"run", "testdata/scenarios"})
	if code != exitInterrupted {
		t.Fatalf("status %d, want %d\nstderr: %s", code, exitInterrupted, errb.String())
	}
	if !strings.HasPrefix(errb.String(), "corsim run: interrupted: ") || !strings.Contains(errb.String(), " scenario(s) did not finish and have no verdict: testdata/scenarios/") || strings.Contains(out.String(), "ok ") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	if n := strings.Count(errb.String(), "\n"); n != 1 {
		t.Errorf("stderr has %d lines, want 1: %s", n, errb.String())
	}
}
