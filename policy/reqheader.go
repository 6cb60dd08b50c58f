package policy

import "strings"

// forbiddenRequestHeaderNames is the list of
// https://fetch.spec.whatwg.org/#forbidden-request-header step 1, lowercase.
var forbiddenRequestHeaderNames = [...]string{
	"accept-charset", "accept-encoding", "access-control-request-headers",
	"access-control-request-method", "connection", "content-length", "cookie",
	"cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin",
	"referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
}

// IsForbiddenRequestHeader reports whether (name, value) is a forbidden
// request-header, one script may not set
// (https://fetch.spec.whatwg.org/#forbidden-request-header):
//  1. name is one of Accept-Charset, Accept-Encoding,
//     Access-Control-Request-Headers, Access-Control-Request-Method,
//     Connection, Content-Length, Cookie, Cookie2, Date, DNT, Expect, Host,
//     Keep-Alive, Origin, Referer, Set-Cookie, TE, Trailer,
//     Transfer-Encoding, Upgrade, Via (any case);
//  2. name starts with "proxy-" or "sec-" (any case);
//  3. name is X-HTTP-Method, X-HTTP-Method-Override or X-Method-Override
//     and some item of the value, split as "get, decode, and split" does, is
//     a forbidden method.
func IsForbiddenRequestHeader(name, value string) bool {
	for _, n := range forbiddenRequestHeaderNames {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	if hasPrefixFold(name, "proxy-") || hasPrefixFold(name, "sec-") {
		return true
	}
	if strings.EqualFold(name, "X-HTTP-Method") || strings.EqualFold(name, "X-HTTP-Method-Override") ||
		strings.EqualFold(name, "X-Method-Override") {
		for _, m := range GetDecodeSplit(value) {
			if IsForbiddenMethod(m) {
				return true
			}
		}
	}
	return false
}

// IsForbiddenResponseHeaderName reports whether name is Set-Cookie or
// Set-Cookie2 (any case).
// See https://fetch.spec.whatwg.org/#forbidden-response-header-name.
func IsForbiddenResponseHeaderName(name string) bool {
	return equalFold(name, "Set-Cookie") || equalFold(name, "Set-Cookie2")
}

// IsRequestBodyHeaderName reports whether name is Content-Encoding,
// Content-Language, Content-Location or Content-Type (any case); these are
// dropped when a redirect changes the method.
// See https://fetch.spec.whatwg.org/#request-body-header-name.
func IsRequestBodyHeaderName(name string) bool {
	return strings.EqualFold(name, "Content-Encoding") || strings.EqualFold(name, "Content-Language") ||
		strings.EqualFold(name, "Content-Location") || strings.EqualFold(name, "Content-Type")
}

// IsCORSUnsafeRequestHeaderByte reports whether b is a CORS-unsafe
// request-header byte: a byte below 0x20 other than HT (0x09), or one of
// " ( ) : < > ? @ [ \ ] { } and DEL (0x7F).
// See https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte.
func IsCORSUnsafeRequestHeaderByte(b byte) bool { return unsafeByteTable[b] }

var unsafeByteTable = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = c != 0x09
	}
	for _, c := range "\"():<>?@[\\]{}\x7f" {
		t[c] = true
	}
	return t
}()

// IsCORSNonWildcardRequestHeaderName reports whether name is Authorization
// (any case), the one name "*" in Access-Control-Allow-Headers never covers.
// See https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name.
func IsCORSNonWildcardRequestHeaderName(name string) bool {
	return strings.EqualFold(name, "Authorization")
}

// IsNoCORSSafelistedRequestHeaderName reports whether name is Accept,
// Accept-Language, Content-Language or Content-Type (any case).
// See https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header-name.
func IsNoCORSSafelistedRequestHeaderName(name string) bool {
	return strings.EqualFold(name, "Accept") || strings.EqualFold(name, "Accept-Language") ||
		strings.EqualFold(name, "Content-Language") || strings.EqualFold(name, "Content-Type")
}

// IsNoCORSSafelistedRequestHeader reports whether name is a no-CORS-safelisted
// request-header name and (name, value) is a CORS-safelisted request-header.
// See https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header.
func IsNoCORSSafelistedRequestHeader(name, value string) bool {
	return IsNoCORSSafelistedRequestHeaderName(name) && IsCORSSafelistedRequestHeader(name, value)
}

// IsPrivilegedNoCORSRequestHeaderName reports whether name is Range (any
// case). See https://fetch.spec.whatwg.org/#privileged-no-cors-request-header-name.
func IsPrivilegedNoCORSRequestHeaderName(name string) bool {
	return strings.EqualFold(name, "Range")
}

// GetDecodeSplit splits a header value into items on commas outside quoted
// strings and strips HTTP tab or space around each item; empty items are
// kept. Quoted strings are kept as written, quotes included.
// See https://fetch.spec.whatwg.org/#header-value-get-decode-and-split.
func GetDecodeSplit(value string) []string {
	var values []string
	pos := 0
	for {
		start := pos
		for pos < len(value) {
			c := value[pos]
			if c == ',' {
				break
			}
			if c == '"' {
				// fetch#collect-an-http-quoted-string with extract-value false.
				pos++
				for pos < len(value) && value[pos] != '"' {
					if value[pos] == '\\' {
						pos++
					}
					pos++
				}
				if pos < len(value) {
					pos++
				}
				continue
			}
			pos++
		}
		if pos > len(value) {
			pos = len(value)
		}
		values = append(values, strings.Trim(value[start:pos], " \t"))
		if pos >= len(value) {
			return values
		}
		pos++ // the comma
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
