package browser

import (
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Firefox's console, from security.properties (en-US) and the order of
// nsCORSListenerProxy::CheckRequestApproved (browsers.md §2.6, §2.8): one
// line per blocked request, category "CORS", with typographic quotes and
// a link to the MDN page of the reason. fetch() and XMLHttpRequest print
// the same text.
//
// Firefox's web console prints nothing for a loaded response with an
// error status by default: the status shows only in the network
// panel (inferred, not observed here).
var firefoxDialect = dialect{
	typeError:      "TypeError: NetworkError when attempting to fetch resource.",
	abortError:     "AbortError: The operation was aborted. ",
	render:         firefoxConsole,
	warn:           firefoxWarn,
	cookies:        firefoxCookieLines,
	respond:        nil,
	constructError: firefoxConstructError,
}

// firefoxMDN is the MDN page of CORS errors (browsers.md §2.8).
const firefoxMDN = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/"

func firefoxLine(c *blockContext, id, page, reason string) []ConsoleMessage {
	url := c.url
	if id == "CORSNotSupportingCredentials" {
		url = "‘" + url + "’" // this one quotes the URL (browsers.md §2.8)
	}
	return []ConsoleMessage{{
		Level:  LevelError,
		Source: "CORS",
		Text:   "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at " + url + ". " + reason,
		ID:     id,
		Link:   firefoxMDN + page,
	}}
}

// firefoxConsole is the console of a blocked request: the line of the
// failed check (firefoxReason), then — after a failure in the preflight,
// or of a check on a redirect response, or of a redirect itself (the
// limit, a Location with credentials) — a second line, CORSDidNotSucceed2
// with status "(null)": observed in Firefox 153 ESR (conformance suite,
// every preflight failure of the corpus and labs/05-redirects,
// scenarios/redirect-limit, redirect-location-credentials,
// redirect-response-needs-acao). Gecko cancels the channel at such a
// failure, and nsCORSListenerProxy::OnStartRequest then fails the
// cancelled channel's check too (browsers.md §2.6 step 2). A failure of
// the final response's check gets one line.
func firefoxConsole(c *blockContext) []ConsoleMessage {
	if msgs, ok := firefoxGate(c); ok {
		return msgs
	}
	out := firefoxReason(c)
	if !firefoxCancelled(c) {
		return out
	}
	if c.preflight && c.code == fetch.CodePreflightRedirect {
		// The redirect line, then the preflight's own status failure
		// (observed: scenarios/preflight-redirect, "Status code: 301.").
		out = append(out, firefoxLine(c, "CORSPreflightDidNotSucceed3", "CORSPreflightDidNotSucceed", "(Reason: CORS preflight response did not succeed). Status code: "+c.status()+".")...)
	}
	if n := len(out); n > 0 && out[n-1].ID == "CORSDidNotSucceed2" {
		return out
	}
	return append(out, firefoxLine(c, "CORSDidNotSucceed2", "CORSDidNotSucceed", "(Reason: CORS request did not succeed). Status code: (null).")...)
}

// firefoxCancelled reports whether Firefox cancelled the channel at the
// failure (see firefoxConsole): a preflight failure, a failed check of a
// redirect response, or a failed redirect, in a CORS request.
func firefoxCancelled(c *blockContext) bool {
	if c.tainting != fetch.TaintingCORS && !c.preflight {
		return false
	}
	switch {
	case c.preflight:
		return true
	case c.code == fetch.CodeRedirectLimit || c.code == fetch.CodeRedirectHasCredentials:
		return true
	case c.resp != nil && policy.IsRedirectStatus(c.resp.Status):
		switch c.code {
		case policy.CodeMissingAllowOrigin, policy.CodeWildcardOriginWithCredentials, policy.CodeAllowOriginMismatch, policy.CodeAllowCredentialsNotTrue:
			return true
		}
	}
	return false
}

// firefoxReason is the line of the check that failed (nil for failures
// Firefox reports without a CORS line).
func firefoxReason(c *blockContext) []ConsoleMessage {
	switch c.code {
	case fetch.CodeTransportError:
		if c.tainting != fetch.TaintingCORS {
			return nil
		}
		// CORSDidNotSucceed2: the status is "(null)" when there is none.
		st := c.status()
		if st == "" {
			st = "(null)"
		}
		return firefoxLine(c, "CORSDidNotSucceed2", "CORSDidNotSucceed", "(Reason: CORS request did not succeed). Status code: "+st+".")
	case fetch.CodeRedirectSchemeNotHTTP:
		if target := c.redirectTarget(); urlScheme(target) == "data" {
			// Observed in Firefox 153 ESR (scenarios/redirect-errors-chromium):
			// Gecko refuses a redirect to a data: URL before CORS looks at
			// it (security.properties RedirectToDataURIBlocked under the
			// DATA_URI_BLOCKED category), and the cancelled channel then
			// fails its CORS check.
			return append([]ConsoleMessage{{Level: LevelWarning, Source: "DATA_URI_BLOCKED",
				Text: "Redirecting to data: URI not allowed (Blocked loading of: “" + target + "”)"}},
				firefoxLine(c, "CORSDidNotSucceed2", "CORSDidNotSucceed", "(Reason: CORS request did not succeed). Status code: (null).")...)
		}
		return firefoxLine(c, "CORSRequestNotHttp", "CORSRequestNotHttp", "(Reason: CORS request not http).")
	case fetch.CodeSchemeNotHTTP:
		return firefoxLine(c, "CORSRequestNotHttp", "CORSRequestNotHttp", "(Reason: CORS request not http).")
	case policy.CodeMissingAllowOrigin, policy.CodeWildcardOriginWithCredentials, policy.CodeAllowOriginMismatch, policy.CodeAllowCredentialsNotTrue:
		// CheckOriginHeader counts raw lines first: more than one →
		// CORSMultipleAllowOriginNotAllowed (browsers.md §2.6 step 5).
		if c.headerLines("Access-Control-Allow-Origin") > 1 {
			return firefoxLine(c, "CORSMultipleAllowOriginNotAllowed", "CORSMultipleAllowOriginNotAllowed", "(Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).")
		}
		switch c.code {
		case policy.CodeMissingAllowOrigin:
			return firefoxLine(c, "CORSMissingAllowOrigin2", "CORSMissingAllowOrigin", "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: "+c.status()+".")
		case policy.CodeWildcardOriginWithCredentials:
			return firefoxLine(c, "CORSNotSupportingCredentials", "CORSNotSupportingCredentials", "(Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).")
		case policy.CodeAllowOriginMismatch:
			return firefoxLine(c, "CORSAllowOriginNotMatchingOrigin", "CORSAllowOriginNotMatchingOrigin", "(Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘"+c.acao()+"’).")
		}
		return firefoxLine(c, "CORSMissingAllowCredentials", "CORSMissingAllowCredentials", "(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).")
	case fetch.CodePreflightStatusNotOK:
		return firefoxLine(c, "CORSPreflightDidNotSucceed3", "CORSPreflightDidNotSucceed", "(Reason: CORS preflight response did not succeed). Status code: "+c.status()+".")
	case fetch.CodePreflightRedirect:
		return firefoxLine(c, "CORSExternalRedirectNotAllowed", "CORSExternalRedirectNotAllowed", "(Reason: CORS request external redirect not allowed).")
	case fetch.CodeInvalidAllowMethods:
		return firefoxLine(c, "CORSInvalidAllowMethod", "CORSInvalidAllowMethod", "(Reason: invalid token ‘"+c.invalidToken("Access-Control-Allow-Methods")+"’ in CORS header ‘Access-Control-Allow-Methods’).")
	case fetch.CodeInvalidAllowHeaders:
		return firefoxLine(c, "CORSInvalidAllowHeader", "CORSInvalidAllowHeader", "(Reason: invalid token ‘"+c.invalidToken("Access-Control-Allow-Headers")+"’ in CORS header ‘Access-Control-Allow-Headers’).")
	case policy.CodeMethodNotAllowed, policy.CodeWildcardMethodWithCredentials:
		return firefoxLine(c, "CORSMethodNotFound", "CORSMethodNotFound", "(Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).")
	case policy.CodeHeaderNotAllowed, policy.CodeWildcardHeaderWithCredentials, policy.CodeAuthorizationNotAllowed:
		// The first missing name of the lower-cased, sorted list
		// (browsers.md §2.4), which is the failure's Subject.
		name := strings.ToLower(c.err.Subject)
		return firefoxLine(c, "CORSMissingAllowHeaderFromPreflight2", "CORSMissingAllowHeaderFromPreflight", "(Reason: header ‘"+name+"’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).")
	case fetch.CodeSameOriginModeCrossOrigin:
		// caps.properties CheckSameOriginError, category "SOP", with the
		// document's URL (the page at its origin's root): observed in
		// Firefox 153 ESR (scenarios/same-origin-mode).
		return []ConsoleMessage{{
			Level:  LevelError,
			Source: "SOP",
			Text:   "Security Error: Content at " + c.origin + "/ may not load data from " + c.url + ".",
		}}
	}
	// Aborts, redirect mode error, and the redirect limit and a redirect
	// URL with credentials (NS_ERROR_DOM_BAD_URI; their line is
	// firefoxConsole's second): no line of their own (browsers.md §2.7).
	return nil
}

// firefoxConstructError is the TypeError of a fetch() that fails before
// any request, as observed in Firefox 153 ESR (conformance suite:
// scenarios/forbidden-method, no-cors-unsafe-method, get-with-body,
// fetch-mode-navigate, url-with-credentials). Others, and XMLHttpRequest,
// keep the generic wording.
func firefoxConstructError(init fetch.Initiator, f *policy.Failure, rawURL string) string {
	if init == fetch.InitiatorXHR {
		return genericConstructError(init, f, rawURL)
	}
	const prefix = "TypeError: Window.fetch: "
	switch f.Code {
	case fetch.CodeForbiddenMethod, fetch.CodeNoCORSUnsafeMethod:
		return prefix + "Invalid request method " + f.Subject + "."
	case fetch.CodeBodyWithGetOrHead:
		return prefix + "HEAD or GET Request cannot have a body."
	case CodeNavigateMode:
		return prefix + "Invalid request mode navigate."
	case fetch.CodeURLHasCredentials:
		// The URL as the script wrote it, password included.
		u := rawURL
		if u == "" {
			u = f.Subject
		}
		return prefix + u + " is an url with embedded credentials."
	}
	return genericConstructError(init, f, rawURL)
}

// firefoxWarn is CORSAllowHeaderFromPreflightDeprecation, logged when "*"
// covers Authorization (browsers.md §2.4, §2.8), and
// ReferrerPolicyDisallowRelaxingMessage (category Security, an info line),
// logged when a less strict referrer policy is ignored for a cross-site
// request (observed in Firefox 153 ESR, scenarios/referrer-policy).
func firefoxWarn(p *Page, res *fetch.Result) ([]ConsoleMessage, []Issue) {
	var out []ConsoleMessage
	for _, e := range res.Trace {
		if e.Step == fetch.StepReferrerPolicy {
			out = append(out, ConsoleMessage{Level: LevelInfo, Source: "Security",
				Text: "Referrer Policy: Ignoring the less restricted referrer policy “" + string(res.Request.EffectiveReferrerPolicy()) +
					"” for the cross-site request: " + hopURL(res, e.Hop)})
			continue
		}
		if e.Step != fetch.StepWarning {
			continue
		}
		out = append(out, ConsoleMessage{
			Level:  LevelWarning,
			Source: "CORS",
			Text: "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at " + hopURL(res, e.Hop) +
				" soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. " +
				"To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`).",
			ID: "CORSAllowHeaderFromPreflightDeprecation",
		})
	}
	return out, nil
}
