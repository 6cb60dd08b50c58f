package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCollectSymlinks pins issue 15: "corsim run DIR" followed a *.txtar
// symbolic link out of DIR (ln -s /proc/self/environ d/x.txtar).
func TestCollectSymlinks(t *testing.T) {
	dir := t.TempDir()
	d := filepath.Join(dir, "d")
	os.MkdirAll(filepath.Join(d, "sub"), 0o700)
	os.WriteFile(filepath.Join(d, "sub", "a.txtar"), []byte("x"), 0o600)
	outside := filepath.Join(dir, "secret.txt")
	os.WriteFile(outside, []byte("SECRET"), 0o600)
	if err := os.Symlink(filepath.Join("sub", "a.txtar"), filepath.Join(d, "in.txtar")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	got, err := Collect(d)
	if err != nil || len(got) != 2 {
		t.Fatalf("a link inside the directory: %v, %v", got, err)
	}
	// The directory named may itself be a link: it is entered.
	link := filepath.Join(dir, "link")
	os.Symlink(d, link)
	if got, err := Collect(link); err != nil || len(got) != 2 || got[0] != filepath.Join(link, "in.txtar") {
		t.Errorf("a link to the directory: %v, %v", got, err)
	}
	os.Symlink(outside, filepath.Join(d, "x.txtar"))
	got, err = Collect(d)
	if err == nil || !strings.Contains(err.Error(), "x.txtar: a symbolic link to "+outside+", outside "+d+": not followed") {
		t.Errorf("a link out of the directory: %v, %v", got, err)
	}
	os.Remove(filepath.Join(d, "x.txtar"))
	os.Symlink(filepath.Join(dir, "gone"), filepath.Join(d, "x.txtar"))
	if _, err = Collect(d); err == nil || !strings.Contains(err.Error(), "leads nowhere") {
		t.Errorf("a dangling link: %v", err)
	}
}
