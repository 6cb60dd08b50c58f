package scenario

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// ParseFile reads as the command does (issue 15): a named pipe would hang
// it, /dev/zero would fill the memory, and a huge file is refused before
// it is read; each error names the file.
func TestParseFileRefuses(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses /dev/zero and mkfifo")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.txtar")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.txtar")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 16<<20+1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{fifo, "a named pipe (FIFO)"},
		{"/dev/zero", "a device"},
		{big, "more than 16 MiB"},
		{filepath.Join(dir, "nope.txtar"), "no such file"},
	} {
		sc, err := ParseFile(tc.path)
		if err == nil || !strings.HasPrefix(err.Error(), tc.path+": ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFile(%s) = %v, %v; want an error %q naming the file", tc.path, sc, err, tc.want)
		}
	}
	ok := filepath.Join(dir, "ok.txtar")
	if err := os.WriteFile(ok, []byte("page https://app.example\nfetch https://api.example/x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(ok); err != nil {
		t.Errorf("a regular scenario file: %v", err)
	}
}
