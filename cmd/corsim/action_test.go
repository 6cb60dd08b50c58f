package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// actionScript returns the shell script of action.yml's last step, the
// one that runs corsim with the action's inputs.
func actionScript(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(moduleRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "run: |" {
			start = i + 1 // the last "run: |" block wins
		}
	}
	if start < 0 {
		t.Fatal("action.yml has no run: | block")
	}
	indent := len(lines[start]) - len(strings.TrimLeft(lines[start], " "))
	var b strings.Builder
	for _, l := range lines[start:] {
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) < indent {
			break
		}
		b.WriteString(strings.TrimPrefix(l, strings.Repeat(" ", indent)) + "\n")
	}
	return b.String()
}

// TestActionScript runs the action's script as the runner would (bash,
// the inputs in the environment, the corsim it installed on PATH).
func TestActionScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := actionScript(t)
	out := filepath.Join(t.TempDir(), "report")
	run := func(command, args, output string) (string, int) {
		t.Helper()
		cmd := exec.Command(bash, "-e", "-c", script)
		cmd.Dir = moduleRoot(t)
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(corsimBin)+string(os.PathListSeparator)+os.Getenv("PATH"),
			"CORSIM_COMMAND="+command, "CORSIM_ARGS="+args, "CORSIM_OUTPUT="+output)
		b, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(b), code
	}
	log, code := run("check", "--openapi testdata/openapi/api.yaml --from https://app.example --server testdata/openapi/api.conf --skip 'DELETE /items/{id}' --format junit", out)
	if code != 0 {
		t.Fatalf("check without the blocked operation: exit %d\n%s", code, log)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `<testsuites name="corsim check" tests="20" failures="0"`) {
		t.Errorf("check report:\n%.300s", b)
	}
	log, code = run("audit", "--format sarif --origin https://www.target.example --server testdata/audit/vulnerable/reflect_origin.conf https://api.target.example/data", out)
	if code != 1 {
		t.Errorf("audit of a vulnerable server: exit %d, want 1\n%s", code, log)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `"version": "2.1.0"`) {
		t.Errorf("audit report:\n%.300s", b)
	}
	if log, code = run("run", "cmd/corsim/demo.txtar", ""); code != 0 || !strings.Contains(log, "ok   cmd/corsim/demo.txtar") {
		t.Errorf("run to the log: exit %d\n%s", code, log)
	}
	if log, code = run("fetch", "https://api.example/ --from https://app.example --server x", ""); code != 2 || !strings.Contains(log, `command "fetch": want run, check, audit or replay`) {
		t.Errorf("a command the action does not run: exit %d\n%s", code, log)
	}
}
