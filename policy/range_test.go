package policy

import "testing"

// TestRangeUnitIgnoresCase: the standard's unit "bytes" is case-sensitive;
// a Safelist with RangeUnitIgnoresCase (WebKit) accepts any ASCII case,
// and still refuses what is not a simple range.
func TestRangeUnitIgnoresCase(t *testing.T) {
	folded := Safelist{RangeUnitIgnoresCase: true}
	for _, tc := range []struct {
		value          string
		standard, fold bool
	}{
		{"bytes=0-1", true, true},
		{"BYTES=0-1", false, true},
		{"Bytes=5-", false, true},
		{"BYTES=-5", false, false}, // a suffix range has no start
		{"BYTES=0-1,2-3", false, false},
		{"bytez=0-1", false, false},
	} {
		if got := IsCORSSafelistedRequestHeader("Range", tc.value); got != tc.standard {
			t.Errorf("standard safelist, Range %q: %v, want %v", tc.value, got, tc.standard)
		}
		if got := folded.IsSafelisted("Range", tc.value); got != tc.fold {
			t.Errorf("RangeUnitIgnoresCase, Range %q: %v, want %v", tc.value, got, tc.fold)
		}
	}
}
