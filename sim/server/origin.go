package server

import (
	"strconv"
	"strings"

	"github.com/corsim/corsim/sim/internal/words"
)

// originRule is one compiled entry of Config.Origins that is neither "*"
// nor "null".
type originRule struct {
	raw    string // lowercased "scheme://host[:port]" as configured ("*." kept)
	scheme string
	host   string // without a leading "*."
	port   string // "" when absent
	sub    bool   // "scheme://*.host[:port]"
}

// splitOrigin splits "scheme://host[:port]" without validating it further.
// IPv6 hosts keep their brackets.
func splitOrigin(s string) (scheme, host, port string, ok bool) {
	scheme, hp, ok := strings.Cut(s, "://")
	if !ok || scheme == "" || hp == "" {
		return "", "", "", false
	}
	host = hp
	if i := strings.LastIndexByte(hp, ':'); i >= 0 && !strings.Contains(hp[i:], "]") {
		host, port = hp[:i], hp[i+1:]
	}
	return scheme, host, port, host != ""
}

// checkOrigin validates one Config.Origins entry and returns "" or what is
// wrong with it.
func checkOrigin(o string) string {
	if o == "*" || o == "null" {
		return ""
	}
	scheme, host, port, ok := splitOrigin(o)
	if !ok {
		return words.Msg("origin %q: want *, null, scheme://host[:port] or scheme://*.host[:port]", o)
	}
	if i := strings.IndexAny(host, "/?#"); i >= 0 || strings.ContainsAny(port, "/?#") {
		return words.Msg("origin %q has a path, query or fragment; an origin is scheme://host[:port], with no trailing slash", o)
	}
	if !validScheme(scheme) {
		return words.Msg("origin %q: bad scheme %q", o, scheme)
	}
	if strings.Contains(host, "@") {
		return words.Msg("origin %q has userinfo; an origin never does", o)
	}
	h := strings.TrimPrefix(host, "*.")
	if strings.Contains(h, "*") {
		return words.Msg(`origin %q: the only wildcard is a leading "*." in the host`, o)
	}
	if !validHost(h) {
		return words.Msg("origin %q: bad host %q", o, h)
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 || port[0] == '0' && len(port) > 1 || port[0] == '+' {
			return words.Msg("origin %q: bad port %q", o, port)
		}
	}
	return ""
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		switch {
		case 'a' <= c && c <= 'z':
		case i > 0 && ('0' <= s[i] && s[i] <= '9' || strings.IndexByte("+-.", s[i]) >= 0):
		default:
			return false
		}
	}
	return s != ""
}

func validHost(h string) bool {
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") || len(h) < 3 {
			return false
		}
		for i := 1; i < len(h)-1; i++ {
			c := h[i] | 0x20
			if !('0' <= h[i] && h[i] <= '9' || 'a' <= c && c <= 'f' || h[i] == ':' || h[i] == '.') {
				return false
			}
		}
		return true
	}
	if h == "" || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") || strings.Contains(h, "..") {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i] | 0x20
		if !('0' <= h[i] && h[i] <= '9' || 'a' <= c && c <= 'z' || h[i] == '-' || h[i] == '.' || h[i] == '_') {
			return false
		}
	}
	return true
}

// compileOrigin turns a valid entry into a rule; ok is false for "*",
// "null" and invalid entries.
func compileOrigin(o string) (originRule, bool) {
	if o == "*" || o == "null" || checkOrigin(o) != "" {
		return originRule{}, false
	}
	o = strings.ToLower(o)
	scheme, host, port, _ := splitOrigin(o)
	r := originRule{raw: o, scheme: scheme, host: host, port: port}
	if strings.HasPrefix(host, "*.") {
		r.sub, r.host = true, host[2:]
	}
	return r, true
}

// matchCorrect reports whether origin (as sent in the Origin header)
// matches r the way a correct server compares: the byte-exact
// serialization, or for a subdomain pattern, same scheme and port and a
// host with at least one more label.
func (r *originRule) matchCorrect(origin string, scheme, host, port string) bool {
	if !r.sub {
		return origin == r.raw
	}
	return scheme == r.scheme && port == r.port && len(host) > len(r.host)+1 &&
		strings.HasSuffix(host, r.host) && host[len(host)-len(r.host)-1] == '.'
}

// matchMistaken reports whether origin passes r under one of the deliberate
// matching mistakes in m.
func (r *originRule) matchMistaken(m mistakeSet, origin, scheme, host, port string) bool {
	hostPort := r.host
	if r.port != "" {
		hostPort += ":" + r.port
	}
	switch {
	case m.has(MistakeSuffixMatch) && strings.HasSuffix(origin, hostPort):
		// The classic endsWith(origin, "app.example") check.
		return true
	case m.has(MistakePrefixMatch) && !r.sub && strings.HasPrefix(origin, r.raw):
		// The classic startsWith(origin, "https://app.example") check.
		return true
	case m.has(MistakeUnescapedDot) && !r.sub && dotMatch(r.raw, origin):
		return true
	case m.has(MistakeSubstringMatch) && !r.sub && scheme == r.scheme && port == r.port && host != "" && strings.Contains(r.host, host):
		// The strings.Contains(allowedHost, host) check, arguments the
		// wrong way round for an "is it in my list" test.
		return true
	case m.has(MistakeAnySubdomain) && scheme == r.scheme && port == r.port &&
		(host == r.host || strings.HasSuffix(host, "."+r.host)):
		return true
	case m.has(MistakeHTTPSTrustHTTP) && r.scheme == "https" && scheme == "http":
		https := "https" + origin[len("http"):]
		return r.matchCorrect(https, "https", host, port) || r.matchMistaken(m&^bit(MistakeHTTPSTrustHTTP), https, "https", host, port)
	}
	return false
}

// dotMatch matches s against pattern read as an anchored regular expression
// whose only metacharacter is an unescaped ".".
func dotMatch(pattern, s string) bool {
	if len(pattern) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if pattern[i] != '.' && pattern[i] != s[i] {
			return false
		}
	}
	return true
}

// mistakeSet is a bit set of Mistakes.
type mistakeSet uint32

func bit(m Mistake) mistakeSet {
	for i, mi := range mistakeInfo {
		if mi.m == m {
			return 1 << i
		}
	}
	return 0
}

func (s mistakeSet) has(m Mistake) bool { return s&bit(m) != 0 }
