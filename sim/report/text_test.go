package report

import (
	"strings"
	"testing"
)

func TestEscapeControls(t *testing.T) {
	for _, tc := range []struct {
		in   string
		sgr  bool
		want string
	}{
		{"plain text\n\tindented", false, "plain text\n\tindented"},
		{"café ✓", false, "café ✓"},
		{"\x1b]0;pwned\x07", false, `\x1b]0;pwned\a`},
		{"a\rb\bc\x7f", false, `a\rb\bc\x7f`},
		{"\u202eexe.gnp", false, `\u202eexe.gnp`},
		{"\u009b2J", false, `\u009b2J`},
		{"bad\xffutf8", false, `bad\xffutf8`},
		{"\x1b[1mVerdict:\x1b[0m ok", true, "\x1b[1mVerdict:\x1b[0m ok"},
		{"\x1b[1mVerdict:\x1b[0m ok", false, `\x1b[1mVerdict:\x1b[0m ok`},
		{"\x1b[8mhidden\x1b[2J", true, `\x1b[8mhidden\x1b[2J`},
	} {
		if got := EscapeControls(tc.in, tc.sgr); got != tc.want {
			t.Errorf("EscapeControls(%q, %v) = %q, want %q", tc.in, tc.sgr, got, tc.want)
		}
		if again := EscapeControls(EscapeControls(tc.in, tc.sgr), tc.sgr); again != tc.want {
			t.Errorf("not idempotent on %q: %q", tc.in, again)
		}
	}
	var b strings.Builder
	NewEscaper(&b, false).Write([]byte("x\x1by"))
	if b.String() != `x\x1by` {
		t.Errorf("NewEscaper wrote %q", b.String())
	}
}
