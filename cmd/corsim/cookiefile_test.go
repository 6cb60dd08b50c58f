package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A cookie file holds one cookie a line, or a cookies.txt export; its
// mistakes are reported as file:line, without the cookie's value.
func TestCookieFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.txt", "# my session\n\nsid=abc123; SameSite=None; Secure\r\n"+
		"api.example\tFALSE\t/\tTRUE\t0\tcsrf\tx9\n"+
		"#HttpOnly_api.example\tFALSE\t/\tTRUE\t0\ttoken\tt0k\n")
	got, err := parseCookieFlags([]string{"a=1", "@" + good})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		names = append(names, c.name+"="+c.value)
	}
	if diff := cmp.Diff([]string{"a=1", "sid=abc123", "csrf=x9", "token=t0k"}, names); diff != "" {
		t.Errorf("cookies (-want +got):\n%s", diff)
	}
	h, err := auditCookieHeader([]string{"a=1; b=2", "@" + good})
	if err != nil || h != "a=1; b=2; sid=abc123; csrf=x9; token=t0k" {
		t.Errorf("audit Cookie header = %q, %v", h, err)
	}

	for _, tc := range []struct{ src, want string }{
		{"sid=ok\nnot a cookie secret123\n", "bad.txt:2: "},
		{"api.example\tFALSE\t/\n", "bad.txt:1: a cookies.txt line has 7 tab-separated fields, this one has 3"},
		{"# nothing\n\n", "bad.txt: no cookie in the file"},
	} {
		p := write("bad.txt", tc.src)
		_, err := parseCookieFlags([]string{"@" + p})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.src, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret123") {
			t.Errorf("%q: the error shows the cookie's value: %v", tc.src, err)
		}
	}
	if _, err := parseCookieFlags([]string{"@" + filepath.Join(dir, "missing.txt")}); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := parseCookieFlags([]string{"@/dev/zero"}); err == nil {
		t.Error("a cookie file at /dev/zero was read")
	}
}
