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
