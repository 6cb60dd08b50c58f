package policy

import (
	"strconv"
	"strings"
)

// ExtractHeaderListValues extracts the values of a "#token" list header
// (Access-Control-Allow-Methods, -Allow-Headers, -Expose-Headers,
// -Request-Headers) from l. Each line with the name is parsed on its own as
// RFC 9110's #rule: elements separated by "," with optional spaces and tabs
// around them, empty elements ignored, every other element a token. The
// values of all lines are returned in order. present is false when no line
// has the name. One invalid element in any line makes the whole extraction
// fail: err is then a *Failure with code CodeInvalidHeaderList and Subject
// the offending line.
// See https://fetch.spec.whatwg.org/#extract-header-list-values and
// https://fetch.spec.whatwg.org/#http-new-header-syntax.
func ExtractHeaderListValues(l HeaderList, name string) (values []string, present bool, err error) {
	for _, h := range l {
		if !strings.EqualFold(h.Name, name) {
			continue
		}
		present = true
		rest := h.Value
		for {
			elem, more, found := strings.Cut(rest, ",")
			elem = strings.Trim(elem, " \t")
			if elem != "" {
				if !isToken(elem) {
					return nil, true, fail(CodeInvalidHeaderList, specFetch+"#extract-header-list-values", h.Value,
						name+" value "+strconv.Quote(h.Value)+" has the element "+strconv.Quote(elem)+
							", which is not a token, so the whole header is ignored")
				}
				values = append(values, elem)
			}
			if !found {
				break
			}
			rest = more
		}
	}
	return values, present, nil
}

// ExposedHeaderNames computes a CORS response's CORS-exposed header-name
// list from its Access-Control-Expose-Headers lines: with "*" and a request
// whose credentials mode is not "include", every distinct header name of
// the response (first spelling kept, in order); otherwise the listed names
// (where "*" only matches a header named "*"). An ACEH that fails to parse
// exposes nothing. It returns nil when nothing is exposed.
// See https://fetch.spec.whatwg.org/#concept-response-cors-exposed-header-name-list
// and main fetch (https://fetch.spec.whatwg.org/#main-fetch).
func ExposedHeaderNames(l HeaderList, includeCredentials bool) []string {
	names, present, err := ExtractHeaderListValues(l, "Access-Control-Expose-Headers")
	if !present || err != nil {
		return nil
	}
	if !includeCredentials {
		for _, n := range names {
			if n == "*" {
				var all []string
				for _, h := range l {
					if !containsFold(all, h.Name) {
						all = append(all, h.Name)
					}
				}
				return all
			}
		}
	}
	return names
}

// IsCORSSafelistedResponseHeaderName reports whether script may read a
// response header named name from a CORS response whose exposed list is
// exposed: Cache-Control, Content-Language, Content-Length, Content-Type,
// Expires, Last-Modified, Pragma, or any name in exposed (any case) that is
// not a forbidden response-header name (Set-Cookie, Set-Cookie2).
// See https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name.
func IsCORSSafelistedResponseHeaderName(name string, exposed []string) bool {
	// The fixed names, by length: at most two comparisons per name.
	switch len(name) {
	case 6:
		if equalFold(name, "Pragma") {
			return true
		}
	case 7:
		if equalFold(name, "Expires") {
			return true
		}
	case 12:
		if equalFold(name, "Content-Type") {
			return true
		}
	case 13:
		if equalFold(name, "Cache-Control") || equalFold(name, "Last-Modified") {
			return true
		}
	case 14:
		if equalFold(name, "Content-Length") {
			return true
		}
	case 16:
		if equalFold(name, "Content-Language") {
			return true
		}
	}
	return len(exposed) > 0 && !IsForbiddenResponseHeaderName(name) && containsFold(exposed, name)
}

// FilterCORSResponseHeaders returns the header list of a CORS filtered
// response: the lines of l whose name is a CORS-safelisted response-header
// name given exposed. l is not modified.
// See https://fetch.spec.whatwg.org/#concept-filtered-response-cors.
func FilterCORSResponseHeaders(l HeaderList, exposed []string) HeaderList {
	var out HeaderList
	for _, h := range l {
		if IsCORSSafelistedResponseHeaderName(h.Name, exposed) {
			out = append(out, h)
		}
	}
	return out
}

// FilterBasicResponseHeaders returns the header list of a basic filtered
// response: l without Set-Cookie and Set-Cookie2 lines. l is not modified.
// See https://fetch.spec.whatwg.org/#concept-filtered-response-basic.
func FilterBasicResponseHeaders(l HeaderList) HeaderList {
	var out HeaderList
	for _, h := range l {
		if !IsForbiddenResponseHeaderName(h.Name) {
			out = append(out, h)
		}
	}
	return out
}

// IsOKStatus reports whether status is in 200-299.
// See https://fetch.spec.whatwg.org/#ok-status.
func IsOKStatus(status int) bool { return status >= 200 && status <= 299 }

// IsRedirectStatus reports whether status is 301, 302, 303, 307 or 308.
// See https://fetch.spec.whatwg.org/#redirect-status.
func IsRedirectStatus(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// IsNullBodyStatus reports whether status is 101, 103, 204, 205 or 304.
// See https://fetch.spec.whatwg.org/#null-body-status.
func IsNullBodyStatus(status int) bool {
	switch status {
	case 101, 103, 204, 205, 304:
		return true
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if equalFold(x, s) {
			return true
		}
	}
	return false
}
