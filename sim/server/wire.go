package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
)

// isToken reports whether s is an RFC 9110 token (§5.6.2): one or more
// tchar. Method names and field names are tokens.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

// isTchar reports whether c is an RFC 9110 tchar (§5.6.2).
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// badValueByte returns the index of the first byte of v that may not
// appear in a field value on the wire (CR, LF or NUL; RFC 9110 §5.5), or
// -1. Browsers reject responses carrying them.
func badValueByte(v string) int {
	return strings.IndexAny(v, "\r\n\x00")
}

// sortLines orders header lines by name, byte-wise, keeping the relative
// order of lines with the same name. This is the order in which net/http's
// server writes a response's header map (Header.Write sorts the keys).
func sortLines(l policy.HeaderList) {
	slices.SortStableFunc(l, func(a, b policy.Header) int { return strings.Compare(a.Name, b.Name) })
}

// bodyAllowed reports whether a response with this status may carry
// content (RFC 9110 §6.4.1: not 1xx, 204 or 304).
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// chunkingSize is how many body bytes a net/http server buffers before it
// gives up on sending a Content-Length and switches to chunked encoding.
const chunkingSize = 2048

// addServerDefaults adds what a net/http server adds to a finished
// handler's response when the handler did not set it: a Content-Type
// sniffed from the body (http.DetectContentType) and, for a small body, a
// Content-Length. body is what the handler wrote (for HEAD too: net/http
// counts it and then discards it). Date is left out on purpose, so that
// results are reproducible.
func addServerDefaults(h policy.HeaderList, method string, status int, body []byte) policy.HeaderList {
	if !bodyAllowed(status) || h.Contains("Transfer-Encoding") {
		return h
	}
	if len(body) > 0 && !h.Contains("Content-Type") {
		h = append(h, policy.Header{Name: "Content-Type", Value: http.DetectContentType(body)})
	}
	if len(body) < chunkingSize && !h.Contains("Content-Length") && (method != http.MethodHead || len(body) > 0) {
		h = append(h, policy.Header{Name: "Content-Length", Value: strconv.Itoa(len(body))})
	}
	return h
}

// headerFromMap turns a net/http header map into lines sorted by name,
// values of one name in order.
func headerFromMap(m http.Header) policy.HeaderList { return headerLines(m, 0) }

// serverDefaultLines is how many lines addServerDefaults may add.
const serverDefaultLines = 2

// headerLines is headerFromMap with room for extra more lines.
func headerLines(m http.Header, extra int) policy.HeaderList {
	n := extra
	for _, vs := range m {
		n += len(vs)
	}
	l := make(policy.HeaderList, 0, n)
	for k, vs := range m {
		for _, v := range vs {
			l = append(l, policy.Header{Name: k, Value: v})
		}
	}
	sortLines(l)
	return l
}
