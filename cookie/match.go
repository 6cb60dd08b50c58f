package cookie

import (
	"net/url"
	"strings"
)

// domainMatch implements "domain-match" (RFC 6265bis §5.1.3): s
// domain-matches domain when they are identical, or when domain is a suffix
// of s preceded by "." and s is a host name, not an IP address. Both are
// canonical (lowercase ASCII).
func domainMatch(s, domain string) bool {
	if s == domain {
		return true
	}
	return isHostName(s) && strings.HasSuffix(s, domain) &&
		len(s) > len(domain) && s[len(s)-len(domain)-1] == '.'
}

// isHostName reports whether a canonical host is a domain rather than an IP
// address (a bracketed IPv6 address, or a name whose last label is numeric,
// which the URL parser has turned into dotted IPv4).
func isHostName(h string) bool {
	if h == "" || h[0] == '[' {
		return false
	}
	last := h[strings.LastIndexByte(h, '.')+1:]
	if last == "" {
		return true
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return true
		}
	}
	return false
}

// defaultPath implements "default-path" (RFC 6265bis §5.1.4): the request
// path up to, not including, its last "/", or "/" when that leaves nothing.
func defaultPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" || p[0] != '/' {
		return "/" // step 2
	}
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/" // step 3
	}
	return p[:i] // step 4
}

// pathMatch implements "path-match" (RFC 6265bis §5.1.4): the paths are
// identical, or cookiePath is a prefix of requestPath and either ends in
// "/" or is followed by "/" in requestPath.
func pathMatch(requestPath, cookiePath string) bool {
	if requestPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(requestPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || requestPath[len(cookiePath)] == '/'
}

// requestPath returns the path a retrieval matches against ("/" when empty).
func requestPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return p
}

// canonicalHost returns u's host without its port, lowercase (§5.1.2; the
// URL parser has already applied IDNA), and whether there is one.
func canonicalHost(u *url.URL) (string, bool) {
	h := u.Hostname()
	if h == "" {
		return "", false
	}
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	return strings.ToLower(h), true
}
