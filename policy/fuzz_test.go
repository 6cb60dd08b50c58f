package policy

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func FuzzParseOrigin(f *testing.F) {
	for _, s := range []string{"https://a.example", "null", "http://[::1]:8080", "http://127.0.0.1", "https://a.example/", "HTTPS://A.EXAMPLE", "https://a.example:443", "ws://xn--bcher-kva.example:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOrigin(s)
		if err != nil {
			if failCode(err) != CodeInvalidOrigin {
				t.Fatalf("error is not an invalid-origin Failure: %#v", err)
			}
			return
		}
		// Strict: only the exact serialization parses.
		if o.String() != s {
			t.Fatalf("ParseOrigin(%q).String() = %q", s, o.String())
		}
		if s == "null" {
			return
		}
		u, err := ParseURL(s + "/")
		if err != nil {
			t.Fatalf("ParseURL(%q): %v", s+"/", err)
		}
		if got := OriginOf(u); got != o {
			t.Fatalf("OriginOf(ParseURL(%q)) = %v, want %v", s+"/", got, o)
		}
	})
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://a.example/", "http://0x7f.1/", "http://[::1]:80/x?y#z", "https://bücher.example/", "blob:https://a.example/x", "data:,x", "https:\\\\A.example\\p", "file:///x", "http://a%41.example/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			if c := failCode(err); c != CodeInvalidURL && c != CodeInvalidHost {
				t.Fatalf("error is not an invalid-url/invalid-host Failure: %#v", err)
			}
			return
		}
		o := OriginOf(u)
		if o.IsOpaque() {
			return
		}
		// Idempotence: the serialized origin parses back to the same origin,
		// and so does the normalized URL.
		o2, err := ParseOrigin(o.String())
		if err != nil || o2 != o {
			t.Fatalf("origin %q of %q does not round-trip: %v", o, s, err)
		}
		u2, err := ParseURL(u.String())
		if err != nil {
			t.Fatalf("ParseURL(%q) (normalized from %q): %v", u.String(), s, err)
		}
		if OriginOf(u2) != o {
			t.Fatalf("origin of %q changed on re-parse: %v vs %v", s, OriginOf(u2), o)
		}
	})
}

func FuzzParseMIMEType(f *testing.F) {
	for _, s := range []string{"text/plain", "TEXT/PLAIN;charset=utf-8", `a/b;x="q\"";y`, "text/plain, application/json", " a/b ;c=d;;e", "a/b;x=\"unterminated"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMIMEType(s)
		safe := IsCORSSafelistedRequestHeader("Content-Type", s)
		if err != nil {
			if safe {
				t.Fatalf("%q is safelisted but not a MIME type", s)
			}
			return
		}
		// Idempotence: serializing and re-parsing gives the same MIME type.
		m2, err := ParseMIMEType(m.String())
		if err != nil {
			t.Fatalf("ParseMIMEType(%q) (serialized from %q): %v", m.String(), s, err)
		}
		if diff := cmp.Diff(m, m2); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", s, diff)
		}
		e := m.Essence()
		wantSafe := len(s) <= 128 && firstUnsafeByte(s) < 0 &&
			(e == "text/plain" || e == "multipart/form-data" || e == "application/x-www-form-urlencoded")
		if safe != wantSafe {
			t.Fatalf("safelist verdict for %q = %v, want %v", s, safe, wantSafe)
		}
	})
}

func FuzzExtractHeaderListValues(f *testing.F) {
	for _, s := range []string{"PUT, DELETE", ",a, ,b,", "", "Bad method", "*", "x\t,\ty"} {
		f.Add(s, "GET")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		l := hl("Access-Control-Allow-Headers", a, "X", "y", "access-control-allow-headers", b)
		vs, present, err := ExtractHeaderListValues(l, "Access-Control-Allow-Headers")
		if !present {
			t.Fatal("not present")
		}
		if err != nil {
			if failCode(err) != CodeInvalidHeaderList || vs != nil {
				t.Fatalf("failure %#v with values %q", err, vs)
			}
			return
		}
		for _, v := range vs {
			if !isToken(v) {
				t.Fatalf("value %q is not a token", v)
			}
		}
		// Round trip: the values joined as one line extract to the same values.
		vs2, _, err := ExtractHeaderListValues(hl("Access-Control-Allow-Headers", strings.Join(vs, ", ")), "access-control-allow-headers")
		if err != nil || !cmp.Equal(vs, vs2, cmp.Comparer(func(x, y []string) bool { return strings.Join(x, ",") == strings.Join(y, ",") })) {
			t.Fatalf("round trip of %q: %q, %v", vs, vs2, err)
		}
	})
}

func FuzzParseMaxAge(f *testing.F) {
	for _, s := range []string{"600", "0", "-1", "+5", "1.5", "", "99999999999999999999", " 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := ParseMaxAgeValue(s)
		if m.Raw != s {
			t.Fatalf("Raw = %q, want %q", m.Raw, s)
		}
		if blank := strings.Trim(s, " \t") == ""; blank != (m.Kind == MaxAgeEmpty) {
			t.Fatalf("%q: kind %v, blank %v", s, m.Kind, blank)
		}
		if got := ParseMaxAge(hl("Access-Control-Max-Age", s)); got != m {
			t.Fatalf("ParseMaxAge = %+v, ParseMaxAgeValue = %+v", got, m)
		}
		if m.Seconds > MaxAgeOverflow || m.Seconds < -MaxAgeOverflow {
			t.Fatalf("Seconds %d not clamped", m.Seconds)
		}
		switch m.Kind {
		case MaxAgeInvalid, MaxAgeAbsent, MaxAgeEmpty:
			if m.Seconds != 0 || m.Kind == MaxAgeAbsent {
				t.Fatalf("%q: %+v", s, m)
			}
		default:
			// Idempotence: the number, printed, parses to the same kind and value.
			p := strconv.FormatInt(m.Seconds, 10)
			if m.Kind == MaxAgeNegative && m.Seconds == 0 {
				p = "-0"
			}
			if m2 := ParseMaxAgeValue(p); m2.Kind != m.Kind || m2.Seconds != m.Seconds {
				t.Fatalf("%q → %+v, but %q → %+v", s, m, p, m2)
			}
		}
	})
}

func FuzzParseSingleRange(f *testing.F) {
	for _, s := range []string{"bytes=0-", "bytes=-5", "bytes=0-1,2-3", "bytes=200-100", "bytes = 1 - 2", "bytes=99999999999999999999-"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, ws bool) {
		r, err := ParseSingleRange(s, ws)
		if !ws {
			safe := IsCORSSafelistedRequestHeader("Range", s)
			if safe != (err == nil && r.HasStart && len(s) <= 128) {
				t.Fatalf("safelist verdict %v for %q, parse %v %v", safe, s, r, err)
			}
		}
		if err != nil {
			if failCode(err) != CodeInvalidRange {
				t.Fatalf("error is not an invalid-range Failure: %#v", err)
			}
			return
		}
		if !r.HasStart && !r.HasEnd || r.HasStart && r.HasEnd && r.Start > r.End {
			t.Fatalf("%q parsed to impossible %+v", s, r)
		}
		if r.Start == math.MaxInt64 || r.End == math.MaxInt64 {
			return // saturated: the string form is not the input's number
		}
		r2, err := ParseSingleRange(r.String(), false)
		if err != nil || r2 != r {
			t.Fatalf("round trip of %q via %q: %+v, %v", s, r.String(), r2, err)
		}
	})
}
