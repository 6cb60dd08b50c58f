package words

import (
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
