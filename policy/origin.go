package policy

import (
	"net/url"
	"strconv"
)

// Origin is an origin as the HTML standard defines it: either a tuple
// (scheme, host, port) or an opaque origin.
// See https://html.spec.whatwg.org/multipage/browsers.html#concept-origin.
//
// Origin values are comparable with ==, so they can be map keys; use
// SameOrigin for the standard's comparison, which differs for fresh opaque
// origins. The zero Origin is a fresh opaque origin.
type Origin struct {
	tuple   bool
	scheme  string
	host    string // serialized host: lowercase ASCII domain, dotted IPv4, or [IPv6]
	port    uint16
	hasPort bool   // false: the port is null (absent or the scheme's default)
	id      string // opaque origins only: "" means a fresh opaque origin
}

// OpaqueOrigin returns an opaque origin. Two opaque origins are same origin
// when their ids are equal and non-empty; id "" is a fresh opaque origin,
// same origin with nothing, not even itself (the URL standard's "new opaque
// origin", https://html.spec.whatwg.org/multipage/browsers.html#concept-origin-opaque).
func OpaqueOrigin(id string) Origin { return Origin{id: id} }

// TupleOrigin returns the tuple origin (scheme, host, port) after checking
// that it is one ParseURL could produce: scheme and host are normalized the
// way the URL parser does, and port 0 or the scheme's default port means a
// null port. See https://html.spec.whatwg.org/multipage/browsers.html#concept-origin-tuple.
func TupleOrigin(scheme, host string, port int) (Origin, error) {
	s := scheme + "://" + host
	if port != 0 {
		s += ":" + strconv.Itoa(port)
	}
	u, err := ParseURL(s + "/")
	if err != nil {
		return Origin{}, err
	}
	o := OriginOf(u)
	if o.IsOpaque() {
		return Origin{}, fail(CodeInvalidOrigin, specURL+"#concept-url-origin", s,
			"scheme "+strconv.Quote(scheme)+" has no tuple origins")
	}
	return o, nil
}

// IsOpaque reports whether o is an opaque origin.
// See https://html.spec.whatwg.org/multipage/browsers.html#concept-origin-opaque.
func (o Origin) IsOpaque() bool { return !o.tuple }

// Scheme returns the scheme of a tuple origin, or "" for an opaque one.
func (o Origin) Scheme() string { return o.scheme }

// Host returns the serialized host of a tuple origin (lowercase ASCII
// domain, dotted-decimal IPv4 or bracketed IPv6), or "" for an opaque one.
// See https://url.spec.whatwg.org/#concept-host-serializer.
func (o Origin) Host() string { return o.host }

// Port returns the port of a tuple origin, or 0 when the port is null (the
// scheme's default, or an opaque origin). Use HasPort to tell an explicit
// port 0 from a null port.
func (o Origin) Port() int { return int(o.port) }

// HasPort reports whether the origin's port is non-null, i.e. whether its
// serialization ends in ":port".
func (o Origin) HasPort() bool { return o.hasPort }

// ID returns the id of an opaque origin given to OpaqueOrigin ("" for a
// fresh one or for a tuple origin).
func (o Origin) ID() string { return o.id }

// String returns the ASCII serialization of o: "null" for an opaque origin,
// else scheme "://" host, then ":" port when the port is non-null.
// See https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin.
func (o Origin) String() string {
	if !o.tuple {
		return "null"
	}
	s := o.scheme + "://" + o.host
	if o.hasPort {
		s += ":" + strconv.Itoa(int(o.port))
	}
	return s
}

// SameOrigin reports whether a and b are same origin: the same opaque
// origin (equal non-empty ids), or tuple origins with identical scheme,
// host and port. See https://html.spec.whatwg.org/multipage/browsers.html#same-origin.
func SameOrigin(a, b Origin) bool {
	if a.tuple != b.tuple {
		return false
	}
	if !a.tuple {
		return a.id != "" && a.id == b.id
	}
	return a.scheme == b.scheme && a.host == b.host && a.hasPort == b.hasPort && a.port == b.port
}

// OriginOf returns the origin of a URL that ParseURL produced (other URLs
// are normalized first; a URL that does not parse has an opaque origin).
// See https://url.spec.whatwg.org/#concept-url-origin:
//   - ftp, http, https, ws, wss: the tuple (scheme, host, port);
//   - blob: the origin of the URL in its path when that parses and its scheme
//     is http, https or file (blob URL entries are not modelled), else a new
//     opaque origin;
//   - file: a new opaque origin (the standard leaves it to implementations and
//     says "when in doubt, return a new opaque origin");
//   - anything else (data:, about:, javascript:, …): a new opaque origin.
func OriginOf(u *url.URL) Origin {
	if u == nil {
		return Origin{}
	}
	scheme := asciiLower(u.Scheme)
	switch scheme {
	case "ftp", "http", "https", "ws", "wss":
		host, port, hasPort, err := parseAuthorityHostPort(scheme, u.Host)
		if err != nil || host == "" {
			return Origin{}
		}
		return Origin{tuple: true, scheme: scheme, host: host, port: port, hasPort: hasPort}
	case "blob":
		// url#concept-url-origin, blob: step 2-3: parse the path.
		inner := u.Opaque
		if inner == "" {
			inner = u.Path
		}
		iu, err := ParseURL(inner)
		if err != nil {
			return Origin{}
		}
		switch iu.Scheme {
		case "http", "https", "file":
			return OriginOf(iu)
		}
		return Origin{}
	}
	return Origin{}
}

// ParseOrigin parses a serialized origin as it appears in an Origin or
// Access-Control-Allow-Origin header. It is strict: s must be byte-for-byte
// the ASCII serialization of a tuple origin (lowercase scheme of ftp, http,
// https, ws or wss; a host as the URL host serializer writes it; a port only
// when it is not the scheme's default, without leading zeros; no path, not
// even "/") or exactly "null", which yields a fresh opaque origin.
// "https://a.example/", "HTTPS://A.EXAMPLE" and "https://a.example:443" are
// errors, matching how the CORS check compares bytes
// (https://fetch.spec.whatwg.org/#concept-cors-check step 4).
// See https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin.
func ParseOrigin(s string) (Origin, error) {
	if s == "null" {
		return Origin{}, nil
	}
	i := 0
	for i < len(s) && s[i] != ':' {
		i++
	}
	scheme := s[:i]
	switch scheme {
	case "ftp", "http", "https", "ws", "wss":
	default:
		return Origin{}, originError(s, "the scheme must be one of ftp, http, https, ws, wss in lowercase")
	}
	if len(s) < i+3 || s[i+1] != '/' || s[i+2] != '/' {
		return Origin{}, originError(s, "the scheme must be followed by \"://\"")
	}
	rest := s[i+3:]
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '/', '?', '#', '\\':
			return Origin{}, originError(s, "a serialized origin has no path, query or fragment (not even a trailing \"/\")")
		case '@':
			return Origin{}, originError(s, "a serialized origin has no userinfo")
		}
	}
	host, port, hasPort, ok := splitHostPort(rest)
	if !ok {
		return Origin{}, originError(s, "the port is not all digits")
	}
	if hasPort {
		if len(port) > 1 && port[0] == '0' {
			return Origin{}, originError(s, "the port has a leading zero")
		}
		n, ok := parsePort(port)
		if !ok {
			return Origin{}, originError(s, "the port is over 65535")
		}
		if d, isDefault := defaultPort(scheme); isDefault && d == n {
			return Origin{}, originError(s, "the port "+port+" is the default port of "+scheme+" and is never serialized")
		}
		o := Origin{tuple: true, scheme: scheme, port: n, hasPort: true}
		return checkOriginHost(o, s, host)
	}
	if port == "" && len(rest) > len(host) {
		return Origin{}, originError(s, "an empty port is never serialized")
	}
	return checkOriginHost(Origin{tuple: true, scheme: scheme}, s, host)
}

func checkOriginHost(o Origin, s, host string) (Origin, error) {
	if host == "" {
		return Origin{}, originError(s, "the host is empty")
	}
	h, err := parseHost(host)
	if err != nil {
		return Origin{}, originError(s, "the host is not valid: "+err.Error())
	}
	if h != host {
		return Origin{}, originError(s, "the host is not serialized the way the URL standard does (expected "+strconv.Quote(h)+")")
	}
	o.host = host
	return o, nil
}

func originError(s, why string) error {
	return fail(CodeInvalidOrigin, specHTML+"#ascii-serialisation-of-an-origin", s,
		strconv.Quote(s)+" is not a serialized origin: "+why)
}

// defaultPort returns the scheme's default port and whether it has one.
// See https://url.spec.whatwg.org/#default-port.
func defaultPort(scheme string) (uint16, bool) {
	switch scheme {
	case "ftp":
		return 21, true
	case "http", "ws":
		return 80, true
	case "https", "wss":
		return 443, true
	}
	return 0, false
}

// splitHostPort splits "host[:port]" where host may be a bracketed IPv6
// address. hasPort reports a non-empty port; ok is false when the port has
// a non-digit.
func splitHostPort(s string) (host, port string, hasPort, ok bool) {
	end := len(s)
	colon := -1
	if len(s) > 0 && s[0] == '[' {
		for i := 0; i < len(s); i++ {
			if s[i] == ']' {
				if i+1 < len(s) && s[i+1] == ':' {
					colon = i + 1
				} else if i+1 < len(s) {
					return s, "", false, false
				}
				break
			}
		}
	} else {
		for i := 0; i < len(s); i++ {
			if s[i] == ':' {
				colon = i
				break
			}
		}
	}
	if colon < 0 {
		return s[:end], "", false, true
	}
	host, port = s[:colon], s[colon+1:]
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return host, port, false, false
		}
	}
	return host, port, port != "", true
}

func parsePort(p string) (uint16, bool) {
	n := 0
	for i := 0; i < len(p); i++ {
		n = n*10 + int(p[i]-'0')
		if n > 65535 {
			return 0, false
		}
	}
	return uint16(n), true
}
