package policy

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// genTupleOrigin draws a valid serialized tuple origin.
func genTupleOrigin() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		scheme := rapid.SampledFrom([]string{"ftp", "http", "https", "ws", "wss"}).Draw(t, "scheme")
		var host string
		switch rapid.IntRange(0, 2).Draw(t, "hostKind") {
		case 0:
			labels := rapid.SliceOfN(rapid.StringMatching(`[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?`), 1, 4).Draw(t, "labels")
			host = strings.Join(labels, ".")
			if endsInANumber(host) {
				host += ".example"
			}
		case 1:
			b := rapid.SliceOfN(rapid.IntRange(0, 255), 4, 4).Draw(t, "ipv4")
			host = strconv.Itoa(b[0]) + "." + strconv.Itoa(b[1]) + "." + strconv.Itoa(b[2]) + "." + strconv.Itoa(b[3])
		default:
			var a [16]byte
			for i := range a {
				a[i] = byte(rapid.SampledFrom([]int{0, 0, 0, 1, 0xab, 0xff}).Draw(t, "b"))
			}
			host = "[" + serializeIPv6(a) + "]"
		}
		s := scheme + "://" + host
		if rapid.Bool().Draw(t, "hasPort") {
			p := rapid.IntRange(0, 65535).Draw(t, "port")
			if d, ok := defaultPort(scheme); !ok || int(d) != p {
				s += ":" + strconv.Itoa(p)
			}
		}
		return s
	})
}

func TestPropOriginRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genTupleOrigin().Draw(t, "origin")
		o, err := ParseOrigin(s)
		if err != nil {
			t.Fatalf("ParseOrigin(%q): %v", s, err)
		}
		if o.String() != s {
			t.Fatalf("ParseOrigin(%q).String() = %q", s, o.String())
		}
		// The origin of the URL s + "/" is the same origin.
		u, err := ParseURL(s + "/path")
		if err != nil {
			t.Fatalf("ParseURL(%q): %v", s, err)
		}
		if got := OriginOf(u); !SameOrigin(got, o) || got != o {
			t.Fatalf("OriginOf(%q) = %v, want %v", u, got, o)
		}
	})
}

func genOrigin() *rapid.Generator[Origin] {
	return rapid.Custom(func(t *rapid.T) Origin {
		if rapid.IntRange(0, 3).Draw(t, "kind") == 0 {
			return OpaqueOrigin(rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, "id"))
		}
		s := rapid.SampledFrom([]string{
			"https://a.example", "http://a.example", "https://a.example:8443",
			"https://b.example", "http://127.0.0.1", "http://[::1]",
		}).Draw(t, "origin")
		o, _ := ParseOrigin(s)
		return o
	})
}

func TestPropSameOriginEquivalence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := genOrigin().Draw(t, "a"), genOrigin().Draw(t, "b"), genOrigin().Draw(t, "c")
		// Reflexive on every origin but a fresh opaque one.
		if fresh := a.IsOpaque() && a.ID() == ""; SameOrigin(a, a) == fresh {
			t.Fatalf("SameOrigin(%v, itself) = %v", a, !fresh)
		}
		if SameOrigin(a, b) != SameOrigin(b, a) {
			t.Fatalf("not symmetric: %v %v", a, b)
		}
		if SameOrigin(a, b) && SameOrigin(b, c) && !SameOrigin(a, c) {
			t.Fatalf("not transitive: %v %v %v", a, b, c)
		}
		// Same origin implies same serialization and same site.
		if SameOrigin(a, b) && (a.String() != b.String() || !SameSite(a, b, nil)) {
			t.Fatalf("same origin but %q vs %q", a, b)
		}
	})
}

// genRequestHeader draws a header that is often, but not always, safelisted.
func genRequestHeader() *rapid.Generator[Header] {
	return rapid.Custom(func(t *rapid.T) Header {
		name := rapid.SampledFrom([]string{"Accept", "Accept-Language", "Content-Language", "Content-Type", "Range", "X-Custom", "Authorization"}).Draw(t, "name")
		var value string
		switch rapid.IntRange(0, 3).Draw(t, "valueKind") {
		case 0:
			value = rapid.SampledFrom([]string{"*/*", "en-US,en;q=0.9", "text/plain", "TEXT/Plain;charset=utf-8",
				"application/json", "bytes=0-", "bytes=-5", "bytes=1-2,3-4", "multipart/form-data; boundary=x"}).Draw(t, "v")
		case 1:
			value = rapid.StringMatching(`[a-z=;,\-/ *]{0,20}`).Draw(t, "v")
		case 2:
			value = strings.Repeat("a", rapid.IntRange(120, 135).Draw(t, "n"))
		default:
			value = rapid.Map(rapid.SliceOfN(rapid.Byte(), 0, 10), func(b []byte) string { return string(b) }).Draw(t, "v")
		}
		return Header{Name: name, Value: value}
	})
}

// flipCase changes the case of the name's letters by a drawn mask.
func flipCase(t *rapid.T, name string) string {
	b := []byte(name)
	for i := range b {
		if isAlpha(b[i]) && rapid.Bool().Draw(t, "flip") {
			b[i] ^= 0x20
		}
	}
	return string(b)
}

func TestPropSafelistCaseInsensitiveNames(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := genRequestHeader().Draw(t, "h")
		n2 := flipCase(t, h.Name)
		if IsCORSSafelistedRequestHeader(h.Name, h.Value) != IsCORSSafelistedRequestHeader(n2, h.Value) {
			t.Fatalf("verdict differs for %q and %q (value %q)", h.Name, n2, h.Value)
		}
		if failCode(CheckCORSSafelistedRequestHeader(h.Name, h.Value)) != failCode(CheckCORSSafelistedRequestHeader(n2, h.Value)) {
			t.Fatalf("code differs for %q and %q", h.Name, n2)
		}
	})
}

func TestPropUnsafeNames(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := HeaderList(rapid.SliceOfN(genRequestHeader(), 0, 12).Draw(t, "l"))
		names := UnsafeRequestHeaderNames(l)
		// Sorted, lowercase, unique.
		for i, n := range names {
			if n != strings.ToLower(n) {
				t.Fatalf("not lowercase: %q", n)
			}
			if i > 0 && names[i-1] >= n {
				t.Fatalf("not sorted and unique: %q", names)
			}
			if !l.Contains(n) {
				t.Fatalf("%q is not a name of the list", n)
			}
		}
		// Every entry that is not safelisted has its name listed.
		for _, h := range l {
			if !IsCORSSafelistedRequestHeader(h.Name, h.Value) && !slices.Contains(names, strings.ToLower(h.Name)) {
				t.Fatalf("%q is unsafe but not listed in %q", h.Name, names)
			}
		}
		// Case of the names does not change the result.
		l2 := l.Clone()
		for i := range l2 {
			l2[i].Name = flipCase(t, l2[i].Name)
		}
		if !slices.Equal(names, UnsafeRequestHeaderNames(l2)) {
			t.Fatalf("names depend on case: %q vs %q", names, UnsafeRequestHeaderNames(l2))
		}
		// Explain gives at least one failure per unsafe name and none otherwise.
		if fs := (Safelist{}).Explain(l); (len(fs) == 0) != (len(names) == 0) {
			t.Fatalf("Explain %v vs names %q", fs, names)
		}
	})
}

func TestPropRemovingKeepsSafelisted(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := HeaderList(rapid.SliceOfN(genSafelistedHeader(), 1, 12).Draw(t, "l"))
		if UnsafeRequestHeaderNames(l) != nil {
			t.Skip("list is not safelisted")
		}
		i := rapid.IntRange(0, len(l)-1).Draw(t, "i")
		l2 := slices.Delete(l.Clone(), i, i+1)
		if got := UnsafeRequestHeaderNames(l2); got != nil {
			t.Fatalf("removing entry %d made %q unsafe", i, got)
		}
	})
}

// genSafelistedHeader draws a CORS-safelisted header with a value of 0 to
// 128 bytes, so that lists of them sometimes cross the 1024-byte total.
func genSafelistedHeader() *rapid.Generator[Header] {
	return rapid.Custom(func(t *rapid.T) Header {
		name := flipCase(t, rapid.SampledFrom([]string{"Accept", "Accept-Language", "Content-Language", "Content-Type", "Range"}).Draw(t, "name"))
		var v string
		switch strings.ToLower(name) {
		case "content-type":
			v = "text/plain;" + strings.Repeat("x", rapid.IntRange(0, 117).Draw(t, "n"))
		case "range":
			v = "bytes=" + strconv.Itoa(rapid.IntRange(0, 1000).Draw(t, "start")) + "-"
		default:
			v = rapid.StringMatching(`[a-z0-9 ,;=*.-]{0,128}`).Draw(t, "v")
		}
		if !IsCORSSafelistedRequestHeader(name, v) {
			t.Fatalf("generator drew unsafe (%q, %q)", name, v)
		}
		return Header{Name: name, Value: v}
	})
}
