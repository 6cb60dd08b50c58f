package words

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSplit: the quoting rules shared by scenario scripts and server
// configs.
func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"a b\tc", []string{"a", "b", "c"}},
		{"a 'b c' d", []string{"a", "b c", "d"}},
		{"'null' '*'", []string{"null", "*"}},
		{"a'b'c", []string{"abc"}},
		{"'it''s'", []string{"it's"}},
		{"a # comment 'x", []string{"a"}},
		{"a#b", []string{"a#b"}},
		{"''", []string{""}},
	} {
		ws, msg := Split(tc.in, nil)
		if msg != "" {
			t.Errorf("%q: %s", tc.in, msg)
			continue
		}
		var got []string
		for _, w := range ws {
			got = append(got, w.Text)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestMsgExcerpt pins issue 15: a parse error quoted a whole line of
// input (a link to /proc/self/environ printed the environment) and passed
// terminal escapes through.
func TestMsgExcerpt(t *testing.T) {
	long := strings.Repeat("SECRET=1;", 40)
	for _, tc := range []struct{ format, arg, want string }{
		{"unknown %q", "frobnicate", `unknown "frobnicate"`},
		{"unknown %q", long, `unknown "` + long[:MaxExcerpt] + `…"`},
		{"unknown %q", "A=1\x00B=2", `unknown "A=1\x00B=2"`},
		{"bad %s", "\x1b]0;pwned\x07x", `bad \x1b]0;pwned\ax`},
		{"ok %s", "café\tbar", "ok café\tbar"},
		{"bad %s", "a\xffb", `bad a\xffb`},
	} {
		if got := Msg(tc.format, tc.arg); got != tc.want {
			t.Errorf("Msg(%q, %q) = %q, want %q", tc.format, tc.arg, got, tc.want)
		}
	}
}
