package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionRevision builds corsim from a fresh git repository holding
// this module's Go files, with VCS stamping on, and checks that version
// names the commit, then that it says so when the checkout has
// uncommitted changes.
func TestVersionRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds corsim twice")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root, dir := moduleRoot(t), t.TempDir()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "conformance", "examples", "docs":
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		// Every file: the binary embeds the labs and the playground page.
		if rel == "go.work" || rel == "go.work.sum" || d.Name() == ".git" { // in a linked worktree .git is a file
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=true",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("git", "init", "-q")
	run("git", "add", ".")
	run("git", "commit", "-q", "-m", "snapshot")
	rev := run("git", "rev-parse", "HEAD")
	bin := filepath.Join(dir, "corsim-vcs")
	run("go", "build", "-o", bin, "./cmd/corsim")
	got := run(bin, "version")
	if !strings.HasPrefix(got, "corsim v0.0.0-") || !strings.Contains(got, ", revision "+rev+" (") || strings.Contains(got, "uncommitted") {
		t.Errorf("version %q, want a pseudo-version and revision %s", got, rev)
	}
	if err := os.WriteFile(filepath.Join(dir, "cmd", "corsim", "zz_test.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("go", "build", "-o", bin, "./cmd/corsim")
	if got := run(bin, "version"); !strings.Contains(got, "revision "+rev+" with uncommitted changes") {
		t.Errorf("version of a modified checkout: %q", got)
	}
}
