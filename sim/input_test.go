package sim

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// TestReadInputFileRefuses pins issue 15: run and --server read a FIFO
// (hanging), /dev/zero (out of memory) and /proc/self/environ (echoing the
// environment). Only regular files of at most MaxInputSize are read.
func TestReadInputFileRefuses(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses /dev, /proc and mkfifo")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.txtar")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.txtar")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxInputSize + 1)
	f.Close()
	ok := filepath.Join(dir, "ok.txtar")
	os.WriteFile(ok, []byte("page https://a.example\n"), 0o600)
	for _, tc := range []struct{ path, want string }{
		{fifo, "a named pipe (FIFO); corsim reads only regular files"},
		{"/dev/zero", "a device; corsim reads only regular files"},
		{"/proc/self/environ", "not an ordinary file"},
		{dir, "a directory"},
		{big, "more than 16 MiB"},
		{filepath.Join(dir, "nope"), "no such file"},
	} {
		b, err := ReadInputFile(tc.path)
		if err == nil || !strings.HasPrefix(err.Error(), tc.path+": ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadInputFile(%s) = %d bytes, %v; want an error with %q", tc.path, len(b), err, tc.want)
		}
	}
	if b, err := ReadInputFile(ok); err != nil || string(b) != "page https://a.example\n" {
		t.Errorf("regular file: %q, %v", b, err)
	}
	if _, err := ReadInput("-", strings.NewReader(strings.Repeat("x", MaxInputSize+1))); err == nil {
		t.Error("ReadInput read more than MaxInputSize")
	}
}

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
