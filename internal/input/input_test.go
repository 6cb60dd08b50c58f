package input

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// TestReadFileRefuses pins issue 15: run and --server read a FIFO
// (hanging), /dev/zero (out of memory) and /proc/self/environ (echoing the
// environment). Only regular files of at most MaxSize are read.
func TestReadFileRefuses(t *testing.T) {
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
	f.Truncate(MaxSize + 1)
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
		b, err := ReadFile(tc.path)
		if err == nil || !strings.HasPrefix(err.Error(), tc.path+": ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadFile(%s) = %d bytes, %v; want an error with %q", tc.path, len(b), err, tc.want)
		}
	}
	if b, err := ReadFile(ok); err != nil || string(b) != "page https://a.example\n" {
		t.Errorf("regular file: %q, %v", b, err)
	}
	if _, err := Read("-", strings.NewReader(strings.Repeat("x", MaxSize+1))); err == nil {
		t.Error("Read read more than MaxSize")
	}
}
