package policy

import (
	"slices"
	"strconv"
	"strings"
)

// CORSCheck performs the CORS check of a response (the actual response, or
// a preflight response) for a request whose byte-serialized origin is
// requestOrigin ("null" when the request is redirect-tainted or its origin
// is opaque; https://fetch.spec.whatwg.org/#serializing-a-request-origin) and
// whose credentials mode is "include" exactly when includeCredentials is set.
// It returns nil on success or a *Failure with code
// CodeMissingAllowOrigin, CodeWildcardOriginWithCredentials,
// CodeAllowOriginMismatch (Subject: the ACAO value as received) or
// CodeAllowCredentialsNotTrue (Subject: the ACAC value).
// It does not allocate on success with a single ACAO line.
// See https://fetch.spec.whatwg.org/#concept-cors-check.
func CORSCheck(l HeaderList, requestOrigin string, includeCredentials bool) error {
	const spec = specFetch + "#concept-cors-check"
	// Step 1: get (several lines are joined by ", ").
	origin, ok := l.Get("Access-Control-Allow-Origin")
	if !ok { // Step 2.
		return fail(CodeMissingAllowOrigin, spec, "",
			"the response has no Access-Control-Allow-Origin header")
	}
	origin = trimHTTPWhitespace(origin)
	if origin == "*" {
		if !includeCredentials { // Step 3.
			return nil
		}
		return fail(CodeWildcardOriginWithCredentials, spec, origin,
			"Access-Control-Allow-Origin is * but the request's credentials mode is include")
	}
	if origin != requestOrigin { // Step 4: byte comparison.
		return fail(CodeAllowOriginMismatch, spec, origin,
			"Access-Control-Allow-Origin is "+strconv.Quote(origin)+" but the request's origin is "+
				strconv.Quote(requestOrigin)+mismatchHint(origin, requestOrigin))
	}
	if !includeCredentials { // Step 5.
		return nil
	}
	// Steps 6-7.
	acac, ok := l.Get("Access-Control-Allow-Credentials")
	acac = trimHTTPWhitespace(acac)
	if acac == "true" {
		return nil
	}
	msg := "the request's credentials mode is include but Access-Control-Allow-Credentials is "
	switch {
	case !ok:
		msg += "absent"
	case strings.EqualFold(acac, "true"):
		msg += strconv.Quote(acac) + ", which is not exactly \"true\" (the comparison is case-sensitive)"
	default:
		msg += strconv.Quote(acac) + ", not \"true\""
	}
	return fail(CodeAllowCredentialsNotTrue, spec, acac, msg)
}

// mismatchHint says why two origin strings that people may read as equal
// are not byte-equal.
func mismatchHint(acao, origin string) string {
	switch {
	case strings.Contains(acao, ","):
		return " (it lists several values, or several Access-Control-Allow-Origin lines were combined; only a single origin can match)"
	case acao == "null":
		return " (null matches only a request whose origin serializes to null: an opaque origin or a redirect-tainted request)"
	case origin == "null":
		return " (the request's origin serializes to null, because it is opaque or the request was redirect-tainted)"
	case strings.TrimRight(acao, "/") == origin:
		return " (the trailing \"/\" makes it differ)"
	case strings.EqualFold(acao, origin):
		return " (they differ only in letter case, and the comparison is byte-exact)"
	}
	if _, err := ParseOrigin(acao); err != nil {
		if u, uerr := ParseURL(acao); uerr == nil && OriginOf(u).String() == origin {
			return " (it names the same origin but is not its serialization: " + err.Error() + ")"
		}
	}
	return ""
}

// CheckPreflightMethod checks the request's method against the methods of a
// preflight response's Access-Control-Allow-Methods, as step 7.5 of
// CORS-preflight fetch does: it passes when the method is listed (exact
// bytes), is a CORS-safelisted method, or the list has "*" and credentials
// are not included. The caller applies step 7.4 (methods null and the
// use-CORS-preflight flag → « method ») first.
// See https://fetch.spec.whatwg.org/#cors-preflight-fetch-0.
func CheckPreflightMethod(method string, allowed []string, includeCredentials bool) error {
	const spec = specFetch + "#cors-preflight-fetch-0"
	if slices.Contains(allowed, method) || IsCORSSafelistedMethod(method) {
		return nil
	}
	star := slices.Contains(allowed, "*")
	if star && !includeCredentials {
		return nil
	}
	if star {
		return fail(CodeWildcardMethodWithCredentials, spec, method,
			"Access-Control-Allow-Methods has * but the request's credentials mode is include, so * does not cover "+method)
	}
	msg := "method " + method + " is not in Access-Control-Allow-Methods" + describeList(allowed)
	if len(allowed) > 0 {
		for _, a := range allowed {
			if strings.EqualFold(a, method) {
				msg += "; " + a + " differs only in case, and methods compare case-sensitively"
				break
			}
		}
	}
	return fail(CodeMethodNotAllowed, spec, method, msg)
}

// CheckPreflightHeaders checks a request's headers against a preflight
// response's Access-Control-Allow-Headers (allowed), as steps 7.6 and 7.7 of
// CORS-preflight fetch do:
//   - 7.6: every CORS non-wildcard request-header name (Authorization) in
//     requestHeaders must be listed by name; "*" does not cover it, unless
//     wildcardCoversAuthorization (a browser deviation) is set, in which case
//     Authorization is checked like any other name in 7.7;
//   - 7.7: every name in unsafeNames must be listed (any case), or the list
//     must have "*" and credentials must not be included.
//
// See https://fetch.spec.whatwg.org/#cors-preflight-fetch-0.
func CheckPreflightHeaders(requestHeaders HeaderList, unsafeNames, allowed []string, includeCredentials, wildcardCoversAuthorization bool) error {
	const spec = specFetch + "#cors-preflight-fetch-0"
	if !wildcardCoversAuthorization {
		for _, h := range requestHeaders {
			if IsCORSNonWildcardRequestHeaderName(h.Name) && !containsFold(allowed, h.Name) {
				msg := h.Name + " is not listed in Access-Control-Allow-Headers"
				if slices.Contains(allowed, "*") {
					msg += ", and * never covers Authorization"
				}
				return fail(CodeAuthorizationNotAllowed, spec, h.Name, msg)
			}
		}
	}
	star := slices.Contains(allowed, "*")
	for _, n := range unsafeNames {
		if containsFold(allowed, n) || (star && !includeCredentials) {
			continue
		}
		if star {
			return fail(CodeWildcardHeaderWithCredentials, spec, n,
				"Access-Control-Allow-Headers has * but the request's credentials mode is include, so * does not cover "+n)
		}
		return fail(CodeHeaderNotAllowed, spec, n,
			"request header "+n+" is not in Access-Control-Allow-Headers"+describeList(allowed))
	}
	return nil
}

// describeList shows a preflight response's allow-list in a failure
// message: its items, or that it is absent or empty.
func describeList(allowed []string) string {
	if len(allowed) == 0 {
		return " (which is absent or empty)"
	}
	return " (" + strings.Join(allowed, ", ") + ")"
}
