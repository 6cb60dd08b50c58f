package policy

import (
	"errors"
	"net/url"
	"testing"
)

func TestParseURLHosts(t *testing.T) {
	tests := []struct {
		in, origin string // origin "" means ParseURL must fail
	}{
		{"https://a.example/", "https://a.example"},
		{"HTTPS://A.EXAMPLE/x", "https://a.example"},
		{"https://a.example:443/", "https://a.example"},
		{"http://a.example:80", "http://a.example"},
		{"http://a.example:0080/", "http://a.example"},
		{"http://a.example:8080/", "http://a.example:8080"},
		{"http://a.example:0/", "http://a.example:0"},
		{"ws://a.example:80/", "ws://a.example"},
		{"wss://a.example:443/", "wss://a.example"},
		{"ftp://a.example:21/", "ftp://a.example"},
		{"https://a.example:80/", "https://a.example:80"},
		{"http://a.example:65536/", ""},
		{"http://a.example:8x/", ""},
		{"http://a.example:/", "http://a.example"},
		// IPv4 number forms (url#concept-ipv4-parser).
		{"http://0x7f.1/", "http://127.0.0.1"},
		{"http://127.1/", "http://127.0.0.1"},
		{"http://2130706433/", "http://127.0.0.1"},
		{"http://0177.0.0.1/", "http://127.0.0.1"},
		{"http://0x7F000001/", "http://127.0.0.1"},
		{"http://127.0.0.1./", "http://127.0.0.1"},
		{"http://1.2.3.4.5/", ""},
		{"http://256.0.0.1/", ""},
		{"http://1.2.3.256/", ""},
		{"http://1.2.65535/", "http://1.2.255.255"},
		{"http://1.2.65536/", ""},
		{"http://0x/", "http://0.0.0.0"},
		{"http://09.1/", ""},
		{"http://a.09/", ""},
		{"http://1.2.3.foo/", "http://1.2.3.foo"},
		// IPv6.
		{"http://[::1]/", "http://[::1]"},
		{"http://[0:0:0:0:0:0:0:1]:8080/", "http://[::1]:8080"},
		{"http://[2001:DB8::0:1]/", "http://[2001:db8::1]"},
		{"http://[1:0:0:2:0:0:0:3]/", "http://[1:0:0:2::3]"},
		{"http://[1:0:2:0:3:0:4:0]/", "http://[1:0:2:0:3:0:4:0]"},
		{"http://[::ffff:1.2.3.4]/", "http://[::ffff:102:304]"},
		{"http://[::1%25eth0]/", ""},
		{"http://[::1/", ""},
		{"http://[zz::1]/", ""},
		// IDNA and percent-decoding.
		{"https://EXAMPLE.com/", "https://example.com"},
		{"https://bücher.example/", "https://xn--bcher-kva.example"},
		{"https://B%C3%BCcher.example/", "https://xn--bcher-kva.example"},
		{"https://xn--bcher-kva.example/", "https://xn--bcher-kva.example"},
		{"https://XN--BCHER-KVA.example/", "https://xn--bcher-kva.example"},
		{"https://ｅｘａｍｐｌｅ.com/", "https://example.com"},
		{"https://faß.example/", "https://xn--fa-hia.example"},
		{"https://r3---sn-abc.example/", "https://r3---sn-abc.example"},
		{"https://a_b.example/", "https://a_b.example"},
		{"https://xn--ab.example/", ""},
		{"https://a%20b.example/", ""},
		{"https://a<b.example/", ""},
		{"https://a%25b/", ""},
		{"https://%00/", ""},
		// Parser leniencies of special URLs.
		{"  https://a.example/  ", "https://a.example"},
		{"ht\ttps://a.exa\nmple/", "https://a.example"},
		{"https:\\\\a.example\\x", "https://a.example"},
		{"https:a.example/", "https://a.example"},
		{"https:///a.example/", "https://a.example"},
		{"https://user:pw@a.example/", "https://a.example"},
		{"https://a.example?x", "https://a.example"},
		{"https://", ""},
		{"https://:443/", ""},
		{"//a.example/", ""},
		{"a.example", ""},
		{"", ""},
		// Opaque origins.
		{"data:text/plain,hi", "null"},
		{"file:///etc/passwd", "null"},
		{"about:blank", "null"},
		{"javascript:alert(1)", "null"},
		{"blob:https://a.example/0a1b", "https://a.example"},
		{"blob:https://a.example:443/0a1b", "https://a.example"},
		{"blob:data:text/plain,x", "null"},
		{"blob:foo", "null"},
		{"chrome-extension://abc/x", "null"},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.in)
		if tt.origin == "" {
			if err == nil {
				t.Errorf("ParseURL(%q) = %v, want error", tt.in, u)
			} else if f := (*Failure)(nil); !errors.As(err, &f) || (f.Code != CodeInvalidURL && f.Code != CodeInvalidHost) {
				t.Errorf("ParseURL(%q) error %v is not an invalid-url/invalid-host Failure", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.in, err)
			continue
		}
		if got := OriginOf(u).String(); got != tt.origin {
			t.Errorf("OriginOf(ParseURL(%q)) = %q, want %q (url %v)", tt.in, got, tt.origin, u)
		}
	}
}

func TestParseURLShape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://a.example", "https://a.example/"},
		{"HTTPS://A.EXAMPLE:443?q#f", "https://a.example/?q#f"},
		{"http://0x7f.1:8080/p/q?x=1", "http://127.0.0.1:8080/p/q?x=1"},
		{"https://a.example/a b", "https://a.example/a%20b"},
		{"https://a.example/%zz", "https://a.example/%25zz"},
		{"https://u:p@a.example/", "https://u:p@a.example/"},
		{"DATA:text/plain,x", "data:text/plain,x"},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.in, err)
			continue
		}
		if got := u.String(); got != tt.want {
			t.Errorf("ParseURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseOrigin(t *testing.T) {
	valid := []string{
		"https://a.example", "http://a.example:8080", "http://127.0.0.1",
		"http://[::1]:8080", "https://xn--bcher-kva.example", "ws://a.example:0",
		"ftp://a.example", "wss://a.example:444", "http://a.example.",
	}
	for _, s := range valid {
		o, err := ParseOrigin(s)
		if err != nil {
			t.Errorf("ParseOrigin(%q): %v", s, err)
			continue
		}
		if o.String() != s || o.IsOpaque() {
			t.Errorf("ParseOrigin(%q) = %q (opaque %v)", s, o, o.IsOpaque())
		}
	}
	invalid := []string{
		"https://a.example/", "HTTPS://A.EXAMPLE", "https://A.example", "Https://a.example",
		"https://a.example:443", "http://a.example:80", "ws://a.example:80", "ftp://a.example:21",
		"http://a.example:08080", "http://a.example:", "http://a.example:65536",
		"https://a.example, https://b.example", "https://a.example?x", "https://a.example#x",
		"https://u@a.example", "http://0x7f.1", "http://127.1", "http://[0:0::1]",
		"https://bücher.example", "https://a..example:x", "*", "", "null ", "Null",
		"https:/a.example", "https://", "data:text/plain,x", "file://", "chrome-extension://abc",
		" https://a.example", "https://a example",
	}
	for _, s := range invalid {
		o, err := ParseOrigin(s)
		var f *Failure
		if err == nil {
			t.Errorf("ParseOrigin(%q) = %v, want error", s, o)
		} else if !errors.As(err, &f) || f.Code != CodeInvalidOrigin || f.Subject != s {
			t.Errorf("ParseOrigin(%q) error = %#v", s, err)
		}
	}
	o, err := ParseOrigin("null")
	if err != nil || !o.IsOpaque() || o.String() != "null" || SameOrigin(o, o) {
		t.Errorf(`ParseOrigin("null") = %v, %v; want a fresh opaque origin`, o, err)
	}
}

func TestOriginAccessors(t *testing.T) {
	o, err := ParseOrigin("http://[::1]:8080")
	if err != nil {
		t.Fatal(err)
	}
	if o.Scheme() != "http" || o.Host() != "[::1]" || o.Port() != 8080 || !o.HasPort() {
		t.Errorf("accessors of %v: %q %q %d %v", o, o.Scheme(), o.Host(), o.Port(), o.HasPort())
	}
	d, _ := ParseOrigin("https://a.example")
	if d.Port() != 0 || d.HasPort() {
		t.Errorf("default port: %d %v", d.Port(), d.HasPort())
	}
	to, err := TupleOrigin("HTTPS", "A.Example", 443)
	if err != nil || to != d {
		t.Errorf("TupleOrigin = %v, %v; want %v", to, err, d)
	}
	if o := OriginOf(&url.URL{Scheme: "HTTPS", Host: "A.Example:443", Path: "/"}); o != d {
		t.Errorf("OriginOf(net/url URL) = %v, want %v", o, d)
	}
	if o := OriginOf(&url.URL{Scheme: "https", Path: "/"}); !o.IsOpaque() {
		t.Errorf("OriginOf(URL without host) = %v, want opaque", o)
	}
	if _, err := TupleOrigin("data", "x", 0); err == nil {
		t.Error("TupleOrigin(data) succeeded")
	}
}

func TestSameOrigin(t *testing.T) {
	a, _ := ParseOrigin("https://a.example")
	u, _ := ParseURL("HTTPS://A.example:443/path?q")
	tests := []struct {
		a, b Origin
		want bool
	}{
		{a, OriginOf(u), true},
		{a, mustOrigin(t, "http://a.example"), false},
		{a, mustOrigin(t, "https://a.example:444"), false},
		{a, mustOrigin(t, "https://b.a.example"), false},
		{OpaqueOrigin("x"), OpaqueOrigin("x"), true},
		{OpaqueOrigin("x"), OpaqueOrigin("y"), false},
		{OpaqueOrigin(""), OpaqueOrigin(""), false},
		{OpaqueOrigin("x"), a, false},
		{Origin{}, Origin{}, false},
	}
	for _, tt := range tests {
		if got := SameOrigin(tt.a, tt.b); got != tt.want {
			t.Errorf("SameOrigin(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func mustOrigin(t testing.TB, s string) Origin {
	t.Helper()
	o, err := ParseOrigin(s)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestSiteAndSameSite(t *testing.T) {
	tests := []struct{ origin, site string }{
		{"https://www.example.co.uk", "https://example.co.uk"},
		{"https://example.co.uk:8443", "https://example.co.uk"},
		{"http://a.b.example.com", "http://example.com"},
		{"https://co.uk", "https://co.uk"},
		{"http://127.0.0.1:8080", "http://127.0.0.1"},
		{"http://[::1]", "http://[::1]"},
		{"https://user.github.io", "https://user.github.io"},
		{"http://localhost:3000", "http://localhost"},
	}
	for _, tt := range tests {
		if got := Site(mustOrigin(t, tt.origin), nil); got != tt.site {
			t.Errorf("Site(%s) = %q, want %q", tt.origin, got, tt.site)
		}
	}
	if Site(OpaqueOrigin("x"), nil) != "null" {
		t.Error("Site(opaque) != null")
	}
	same := []struct {
		a, b string
		want bool
	}{
		{"https://a.example.com", "https://b.example.com:8443", true},
		{"http://a.example.com", "https://a.example.com", false},
		{"https://a.github.io", "https://b.github.io", false},
		{"https://example.com", "https://example.org", false},
	}
	for _, tt := range same {
		if got := SameSite(mustOrigin(t, tt.a), mustOrigin(t, tt.b), DefaultPublicSuffixList); got != tt.want {
			t.Errorf("SameSite(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	if !SameSite(OpaqueOrigin("x"), OpaqueOrigin("x"), nil) || SameSite(OpaqueOrigin(""), OpaqueOrigin(""), nil) {
		t.Error("SameSite of opaque origins")
	}
}

type fakePSL struct{}

func (fakePSL) PublicSuffix(d string) string { return "example" }
func (fakePSL) String() string               { return "fake" }

func TestSiteCustomPSL(t *testing.T) {
	if got := Site(mustOrigin(t, "https://x.y.example"), fakePSL{}); got != "https://y.example" {
		t.Errorf("Site with custom list = %q", got)
	}
}
