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
	respond:        nil,
	constructError: genericConstructError,
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

func firefoxConsole(c *blockContext) []ConsoleMessage {
	if msgs, ok := firefoxGate(c); ok {
		return msgs
	}
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
	case fetch.CodeSchemeNotHTTP, fetch.CodeRedirectSchemeNotHTTP:
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
	}
	// Aborts, same-origin mode, redirect mode error, redirect limit, a
	// redirect URL with credentials (NS_ERROR_DOM_BAD_URI): no CORS line
	// (browsers.md §2.7).
	return nil
}

// firefoxWarn is CORSAllowHeaderFromPreflightDeprecation, logged when "*"
// covers Authorization (browsers.md §2.4, §2.8).
func firefoxWarn(p *Page, res *fetch.Result) ([]ConsoleMessage, []Issue) {
	var out []ConsoleMessage
	for _, e := range res.Trace {
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
