package lab

import (
	"testing"
)

func TestParseOrigin(t *testing.T) {
	tests := []struct {
		in, origin, hostPort string
		bad                  bool
	}{
		{in: "https://api.test", origin: "https://api.test", hostPort: "api.test:443"},
		{in: "HTTP://App.Test:80", origin: "http://app.test", hostPort: "app.test:80"},
		{in: "http://api.test:8080/", origin: "http://api.test:8080", hostPort: "api.test:8080"},
		{in: "https://127.0.0.1:443", origin: "https://127.0.0.1", hostPort: "127.0.0.1:443"},
		{in: "http://[::1]:81", origin: "http://[::1]:81", hostPort: "[::1]:81"},
		{in: "ftp://x.test", bad: true},
		{in: "https://api.test/path", bad: true},
		{in: "https://u:p@api.test", bad: true},
		{in: "https://api.test?q", bad: true},
		{in: "https://", bad: true},
		{in: "::", bad: true},
	}
	for _, tc := range tests {
		spec, err := ParseOrigin(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseOrigin(%q) = %+v, want an error", tc.in, spec)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseOrigin(%q): %v", tc.in, err)
			continue
		}
		if spec.Serialized != tc.origin || spec.HostPort() != tc.hostPort {
			t.Errorf("ParseOrigin(%q) = %q, %q; want %q, %q", tc.in, spec.Serialized, spec.HostPort(), tc.origin, tc.hostPort)
		}
	}
}

func FuzzParseOrigin(f *testing.F) {
	for _, s := range []string{"https://api.test", "http://[::1]:81", "http://a:99999", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseOrigin(s)
		if err != nil {
			return
		}
		// A canonical origin parses to itself.
		again, err := ParseOrigin(spec.Serialized)
		if err != nil || again != spec {
			t.Fatalf("ParseOrigin(%q) = %+v; reparsing %q gives %+v, %v", s, spec, spec.Serialized, again, err)
		}
	})
}

func TestNewCertCoversHosts(t *testing.T) {
	c, err := NewCert([]string{"api.test", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"api.test", "127.0.0.1"} {
		if err := c.TLS.Leaf.VerifyHostname(h); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	if err := c.TLS.Leaf.VerifyHostname("other.test"); err == nil {
		t.Errorf("certificate covers other.test")
	}
	if len(c.SPKI) != 44 {
		t.Errorf("spki %q is not a base64 SHA-256", c.SPKI)
	}
}
