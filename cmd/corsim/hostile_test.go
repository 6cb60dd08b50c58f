package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRunHostileInput pins issue 15: "ln -s /proc/self/environ d/x.txtar;
// corsim run d" printed the environment, and a line of garbage was echoed
// whole, terminal escapes included.
func TestRunHostileInput(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses /proc")
	}
	dir := t.TempDir()
	d := filepath.Join(dir, "d")
	os.Mkdir(d, 0o700)
	if err := os.Symlink("/proc/self/environ", filepath.Join(d, "x.txtar")); err != nil {
		t.Skip(err)
	}
	const secret = "CORSIM_TEST_SECRET=hunter2"
	r := corsimEnv(t, "", []string{secret}, "run", d)
	wantOneLineError(t, r, "x.txtar: a symbolic link to /proc/")
	r = corsimEnv(t, "", []string{secret}, "run", "/proc/self/environ")
	wantCode(t, r, exitUsage)
	r2 := corsimEnv(t, "", []string{secret}, "fetch", "--server", "/dev/zero", "https://a.example/", "--from", "https://b.example")
	wantOneLineError(t, r2, "/dev/zero: a device")
	for _, out := range []string{r.stdout, r.stderr, r2.stderr} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("the environment leaked:\n%s", out)
		}
	}

	garbage := filepath.Join(dir, "g.txtar")
	line := "A=1\x00B=2\x1b]0;pwned\x07" + strings.Repeat("x", 500)
	os.WriteFile(garbage, []byte("page https://a.example\n"+line+"\nfetch https://a.example/\n"), 0o600)
	r = corsim(t, "", "run", garbage)
	wantCode(t, r, exitUsage)
	if strings.ContainsAny(r.stderr, "\x00\x1b\x07") || len(r.stderr) > 300 || !strings.Contains(r.stderr, `g.txtar:2: "A=1\x00B=2\x1b]0;pwned\axxx`) {
		t.Errorf("stderr echoes the input (%d bytes): %q", len(r.stderr), r.stderr)
	}
	conf := filepath.Join(dir, "g.conf")
	os.WriteFile(conf, []byte("origins "+strings.Repeat("q", 500)+"\n\x1b]0;pwned\x07 x\n"), 0o600)
	r = corsim(t, "", "fetch", "--server", conf, "https://a.example/", "--from", "https://b.example")
	wantCode(t, r, exitUsage)
	if strings.ContainsAny(r.stderr, "\x00\x1b\x07") || len(r.stderr) > 400 {
		t.Errorf("stderr echoes the input (%d bytes): %q", len(r.stderr), r.stderr)
	}
}

// TestTerminalEscapesShownEscaped pins issue 15: terminal escapes in a
// canned (or live) server's headers and body reached the terminal raw.
func TestTerminalEscapesShownEscaped(t *testing.T) {
	dir := t.TempDir()
	canned := filepath.Join(dir, "evil.txtar")
	os.WriteFile(canned, []byte("-- GET /x --\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\nX-Title: \x1b]0;pwned\x07\x1b[2J\u202egnp.exe\n\n\x1b[8mhidden\x1b[0m body\n-- OPTIONS /x --\nHTTP/1.1 204 No Content\nAllow: GET\nX-Title: \x1b]0;pwned\x07\n\n"), 0o600)
	scen := filepath.Join(dir, "evil-run.txtar")
	os.WriteFile(scen, []byte("page https://app.example\nserver https://api.example canned c\nfetch https://api.example/x\nexpect header X-Title nope\n-- c/GET /x --\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Expose-Headers: X-Title\nX-Title: \x1b]0;pwned\x07\n\n\x1b[2Jbody\n"), 0o600)
	for _, tty := range []bool{false, true} {
		for _, args := range [][]string{
			{"fetch", "https://api.example/x", "--from", "https://app.example", "--server", canned},
			{"explain", "https://api.example/x", "--from", "https://app.example", "--server", canned},
			{"allow", "https://api.example/x", "--server", canned},
			{"run", scen},
			{"run", "--format", "mermaid", scen},
			{"run", "--format", "html", scen},
		} {
			var out, errb strings.Builder
			e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, stdoutTTY: tty}
			runMain(t.Context(), e, args)
			got := out.String()
			for _, seq := range []string{"\x1b]", "\x07", "\x1b[2J", "\x1b[8m", "\u202e"} {
				if strings.Contains(got, seq) {
					t.Errorf("%s (terminal %v): output carries %q raw:\n%s", args[0], tty, seq, got)
				}
			}
			if args[1] != "--format" && !strings.Contains(got, `\x1b]0;pwned\a`) {
				t.Errorf("%s (terminal %v): the header is not shown escaped:\n%s", args[0], tty, got)
			}
			if tty && args[1] != "--format" && !strings.Contains(got, "\x1b[1m") && !strings.Contains(got, "\x1b[31m") {
				t.Errorf("%s on a terminal lost its own colours", args[0])
			}
		}
	}
}
