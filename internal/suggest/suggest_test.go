package suggest

import "testing"

func TestClosest(t *testing.T) {
	cmds := []string{"demo", "fetch", "explain", "run", "allow", "audit", "version", "help"}
	for _, tc := range []struct{ word, want string }{
		{"fetc", "fetch"},
		{"ftech", "fetch"},
		{"rnu", "run"},
		{"audti", "audit"},
		{"xyzzy", ""},
		{"r", ""},
		{"format", ""},
		{"formt", "format"},
	} {
		cands := cmds
		if tc.word == "formt" || tc.word == "format" {
			cands = []string{"format", "json", "o"}
			if tc.word == "format" {
				tc.want = ""
			}
		}
		if got := Closest(tc.word, cands); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}
