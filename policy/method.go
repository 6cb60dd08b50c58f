package policy

import "strings"

// IsMethod reports whether m is a method: a non-empty RFC 9110 token.
// See https://fetch.spec.whatwg.org/#concept-method and
// https://www.rfc-editor.org/rfc/rfc9110#section-9.1.
func IsMethod(m string) bool { return isToken(m) }

// IsCORSSafelistedMethod reports whether m is exactly GET, HEAD or POST
// (case-sensitive: normalize first).
// See https://fetch.spec.whatwg.org/#cors-safelisted-method.
func IsCORSSafelistedMethod(m string) bool {
	return m == "GET" || m == "HEAD" || m == "POST"
}

// IsForbiddenMethod reports whether m is a byte-case-insensitive match for
// CONNECT, TRACE or TRACK. See https://fetch.spec.whatwg.org/#forbidden-method.
func IsForbiddenMethod(m string) bool {
	return strings.EqualFold(m, "CONNECT") || strings.EqualFold(m, "TRACE") || strings.EqualFold(m, "TRACK")
}

// NormalizeMethod upper-cases m when it is a byte-case-insensitive match for
// DELETE, GET, HEAD, OPTIONS, POST or PUT, and returns every other method
// unchanged ("patch" stays "patch").
// See https://fetch.spec.whatwg.org/#concept-method-normalize.
func NormalizeMethod(m string) string {
	for _, n := range [...]string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"} {
		if strings.EqualFold(m, n) {
			return n
		}
	}
	return m
}

// tokenTable holds the RFC 9110 tchars:
// "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" /
// "`" / "|" / "~" / DIGIT / ALPHA (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2).
var tokenTable = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenTable[s[i]] {
			return false
		}
	}
	return true
}
