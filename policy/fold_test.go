package policy

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestEqualFoldByteCaseInsensitive: header names match
// byte-case-insensitively (https://infra.spec.whatwg.org/#byte-case-insensitive):
// on ASCII the same as strings.EqualFold, but no Unicode folding.
func TestEqualFoldByteCaseInsensitive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alpha := rapid.SampledFrom([]rune("aAkKsSzZ-_0@[`{~\x7f"))
		a := string(rapid.SliceOfN(alpha, 0, 6).Draw(t, "a"))
		b := string(rapid.SliceOfN(alpha, 0, 6).Draw(t, "b"))
		if rapid.Bool().Draw(t, "swapCase") {
			b = strings.ToUpper(a)
		}
		if got, want := equalFold(a, b), strings.EqualFold(a, b); got != want {
			t.Fatalf("equalFold(%q, %q) = %v, strings.EqualFold %v", a, b, got, want)
		}
	})
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"Content-Type", "content-type", true},
		{"Content-Type", "Content-Length", false},
		{"k", "\u212a", false},              // Kelvin sign: strings.EqualFold says true
		{"Set-Cookie", "ſet-cookie", false}, // long s
		{"\u01c5", "\u01c6", false},         // same length, Unicode-fold equal
		{"", "", true},
	} {
		if got := equalFold(c.a, c.b); got != c.want {
			t.Errorf("equalFold(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		l := HeaderList{{Name: c.a, Value: "v"}}
		if _, got := l.Get(c.b); got != c.want || l.Contains(c.b) != c.want {
			t.Errorf("HeaderList{%q}.Get/Contains(%q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if IsForbiddenResponseHeaderName("Set-Coo\u212aie") {
		t.Error("a Kelvin sign is not a k: not Set-Cookie")
	}
}

// TestCORSSafelistedResponseHeaderNameTable checks the length-switched
// implementation against the definition's list, for every name of a
// sample in any case, with and without an exposed list.
func TestCORSSafelistedResponseHeaderNameTable(t *testing.T) {
	fixed := []string{"Cache-Control", "Content-Language", "Content-Length", "Content-Type", "Expires", "Last-Modified", "Pragma"}
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.SampledFrom(append(fixed, "Set-Cookie", "Set-Cookie2", "X-Request-Id", "Content-Types", "Pragm",
			"Last-Modifiee", "Cache-Contro1", "Vary", "", "Content-Location")).Draw(t, "name")
		if rapid.Bool().Draw(t, "upper") {
			name = strings.ToUpper(name)
		}
		exposed := rapid.SliceOfN(rapid.SampledFrom([]string{"x-request-id", "set-cookie", "vary", "*"}), 0, 3).Draw(t, "exposed")
		want := false
		for _, f := range fixed {
			want = want || strings.EqualFold(f, name)
		}
		if !want && !strings.EqualFold(name, "Set-Cookie") && !strings.EqualFold(name, "Set-Cookie2") {
			for _, e := range exposed {
				want = want || strings.EqualFold(e, name)
			}
		}
		if got := IsCORSSafelistedResponseHeaderName(name, exposed); got != want {
			t.Fatalf("IsCORSSafelistedResponseHeaderName(%q, %q) = %v, want %v", name, exposed, got, want)
		}
	})
}
