package policy

import (
	"net/url"
	"strings"
)

// parseCanonicalHTTP is ParseURL's fast path for the common case: an http
// or https URL already written the way ParseURL would normalize it. That
// is a lowercase scheme followed by "//"; a host of lowercase ASCII
// letters, digits, "-" and "." that the host parser keeps as it is (no
// "xn--" label, not ending in a number); a port only when it is not the
// scheme's default, without leading zeros; a path starting with "/"; and a
// path and query made only of bytes that no step of the URL parser
// percent-encodes and that net/url keeps verbatim (no "#", no "%" in the
// path). Every other input reports false and takes the full parser, which
// gives the same *url.URL for the inputs accepted here
// (FuzzParseURLFastPath checks that).
func parseCanonicalHTTP(s string) (*url.URL, bool) {
	var scheme, rest string
	switch {
	case strings.HasPrefix(s, "https://"):
		scheme, rest = "https", s[len("https://"):]
	case strings.HasPrefix(s, "http://"):
		scheme, rest = "http", s[len("http://"):]
	default:
		return nil, false
	}
	slash := strings.IndexByte(rest, '/')
	if slash <= 0 {
		return nil, false // no path, or an empty host
	}
	hostport, rest := rest[:slash], rest[slash:]
	host, port, hasPort := strings.Cut(hostport, ":")
	if !isCanonicalDomain(host) || hasPort && !isCanonicalPort(scheme, port) {
		return nil, false
	}
	path, query, hasQuery := strings.Cut(rest, "?")
	if !isPlainPath(path) || !isPlainQuery(query) {
		return nil, false
	}
	return &url.URL{
		Scheme: scheme, Host: hostport, Path: path,
		RawQuery: query, ForceQuery: hasQuery && query == "",
	}, true
}

// isCanonicalDomain reports whether the host parser returns host unchanged
// through domain to ASCII's ASCII fast path
// (https://url.spec.whatwg.org/#concept-host-parser, steps 5-8).
func isCanonicalDomain(host string) bool {
	if host == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || isDigit(c) || c == '-' || c == '.') {
			return false
		}
		if c == 'x' && (i == 0 || host[i-1] == '.') && strings.HasPrefix(host[i:], "xn--") {
			return false
		}
	}
	return !endsInANumber(host)
}

// isCanonicalPort reports whether port is how the URL serializer writes a
// port of scheme: digits without a leading zero, at most 65535, and not
// the default port, which the port state drops
// (https://url.spec.whatwg.org/#port-state).
func isCanonicalPort(scheme, port string) bool {
	if port == "" || port[0] == '0' {
		return false
	}
	for i := 0; i < len(port); i++ {
		if !isDigit(port[i]) {
			return false
		}
	}
	n, ok := parsePort(port)
	d, _ := defaultPort(scheme)
	return ok && n != d
}

// isPlainPath reports whether path holds only bytes that neither the path
// percent-encode set nor net/url's path escaping touch: ASCII letters,
// digits and -._~$&+,/:;=@.
func isPlainPath(path string) bool {
	for i := 0; i < len(path); i++ {
		if !isPlainURLByte(path[i]) {
			return false
		}
	}
	return true
}

// isPlainQuery reports whether query holds only the bytes isPlainPath
// allows, "?" and percent-escapes ("%" and two hex digits), none of which
// the special-query percent-encode set encodes; net/url keeps a query
// verbatim.
func isPlainQuery(query string) bool {
	for i := 0; i < len(query); i++ {
		switch c := query[i]; {
		case isPlainURLByte(c) || c == '?':
		case c == '%' && i+2 < len(query) && isHex(query[i+1]) && isHex(query[i+2]):
		default:
			return false
		}
	}
	return true
}

func isPlainURLByte(c byte) bool { return plainURLBytes[c] }

// plainURLBytes marks ASCII letters, digits and -._~$&+,/:;=@.
var plainURLBytes = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = isAlpha(byte(c)) || isDigit(byte(c)) || strings.IndexByte("-._~$&+,/:;=@", byte(c)) >= 0
	}
	return t
}()
