package main

import (
	"fmt"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// hint is one thing that would change a fetch's outcome, for explain.
type hint struct {
	// Text says what to change, for people.
	Text string `json:"text"`
	// Spec is the anchor of the rule the change satisfies.
	Spec string `json:"spec,omitempty"`
}

const (
	specACAO     = "https://fetch.spec.whatwg.org/#http-access-control-allow-origin"
	specACAC     = "https://fetch.spec.whatwg.org/#http-access-control-allow-credentials"
	specACAM     = "https://fetch.spec.whatwg.org/#http-access-control-allow-methods"
	specACAH     = "https://fetch.spec.whatwg.org/#http-access-control-allow-headers"
	specOKStatus = "https://fetch.spec.whatwg.org/#ok-status"
	specPreflt   = "https://fetch.spec.whatwg.org/#cors-preflight-fetch-0"
	specSafeMeth = "https://fetch.spec.whatwg.org/#cors-safelisted-method"
	specSafeHdr  = "https://fetch.spec.whatwg.org/#cors-safelisted-request-header"
	specCredMode = "https://fetch.spec.whatwg.org/#concept-request-credentials-mode"
	specNonWild  = "https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name"
	specMode     = "https://fetch.spec.whatwg.org/#concept-request-mode"
)

// hints says what would change the outcome of res, a fetch made by a page
// at origin: for a blocked fetch, what the server (or the page) must do
// to let it through; for a preflighted one that passed, what would make it
// a simple request. It returns nil when it has nothing useful to say.
func hints(res *fetch.Result, origin string) []hint {
	if res == nil || res.Request == nil {
		return nil
	}
	req := res.Request
	on := "the response"
	if res.FailedInPreflight {
		on = "the preflight (OPTIONS) response"
	}
	creds := req.Credentials == fetch.CredentialsInclude
	if res.Err != nil {
		e := res.Err
		switch e.Code {
		case policy.CodeMissingAllowOrigin:
			return []hint{{fmt.Sprintf("make the server send Access-Control-Allow-Origin: %s on %s", allowOriginValue(origin, creds), on), specACAO}}
		case policy.CodeAllowOriginMismatch:
			return []hint{{fmt.Sprintf("the server sent Access-Control-Allow-Origin: %s; it must send exactly %s (one value, byte for byte: scheme, host, port, no trailing slash) on %s", e.Subject, allowOriginValue(origin, creds), on), specACAO}}
		case policy.CodeWildcardOriginWithCredentials:
			return []hint{
				{fmt.Sprintf("with credentials, * is not enough: make the server echo Access-Control-Allow-Origin: %s (and send Vary: Origin) on %s", origin, on), specACAO},
				{"or send the request without credentials (credentials: 'omit' or 'same-origin')", specCredMode},
			}
		case policy.CodeAllowCredentialsNotTrue:
			return []hint{
				{fmt.Sprintf("add Access-Control-Allow-Credentials: true to %s", on), specACAC},
				{"or send the request without credentials (credentials: 'omit' or 'same-origin')", specCredMode},
			}
		case policy.CodeMethodNotAllowed:
			return []hint{{fmt.Sprintf("add %s to Access-Control-Allow-Methods in the preflight response (methods are case-sensitive)", e.Subject), specACAM}}
		case policy.CodeWildcardMethodWithCredentials:
			return []hint{{fmt.Sprintf("with credentials, Access-Control-Allow-Methods: * is the literal method \"*\": list %s by name", e.Subject), specACAM}}
		case policy.CodeHeaderNotAllowed:
			return []hint{{fmt.Sprintf("add %s to Access-Control-Allow-Headers in the preflight response", e.Subject), specACAH}}
		case policy.CodeWildcardHeaderWithCredentials:
			return []hint{{fmt.Sprintf("with credentials, Access-Control-Allow-Headers: * is the literal name \"*\": list %s by name", e.Subject), specACAH}}
		case policy.CodeAuthorizationNotAllowed:
			return []hint{{"Access-Control-Allow-Headers: * does not cover Authorization: list Authorization by name", specNonWild}}
		case fetch.CodePreflightStatusNotOK:
			return []hint{{fmt.Sprintf("answer the preflight (OPTIONS, sent without cookies or Authorization) with a 2xx status, e.g. 204, before any authentication or routing rejects it (it got %s)", e.Subject), specOKStatus}}
		case fetch.CodePreflightRedirect:
			return []hint{{"answer the preflight at the requested URL itself: a preflight is never redirected, so point the page at the final URL", specPreflt}}
		case fetch.CodeInvalidAllowMethods:
			return []hint{{fmt.Sprintf("fix Access-Control-Allow-Methods: %q is not a comma-separated list of method tokens", e.Subject), specACAM}}
		case fetch.CodeInvalidAllowHeaders:
			return []hint{{fmt.Sprintf("fix Access-Control-Allow-Headers: %q is not a comma-separated list of header names", e.Subject), specACAH}}
		case fetch.CodeSameOriginModeCrossOrigin:
			return []hint{{"mode 'same-origin' never goes to another origin: use mode 'cors' (the default)", specMode}}
		}
		return nil
	}
	// Allowed or opaque: teach what made it preflighted, if it was.
	var out []hint
	for _, p := range res.Preflights {
		if p.Hop != 0 {
			continue
		}
		for _, r := range p.Reasons {
			switch r.Code {
			case fetch.CodeMethodNotSafelisted:
				out = append(out, hint{fmt.Sprintf("no preflight would be needed with GET, HEAD or POST instead of %s", r.Subject), specSafeMeth})
			case policy.CodeContentTypeNotSafelisted:
				out = append(out, hint{"no preflight would be needed for this header with Content-Type text/plain, application/x-www-form-urlencoded or multipart/form-data", specSafeHdr})
			case fetch.CodePreflightForced:
			default:
				if r.Subject != "" {
					out = append(out, hint{fmt.Sprintf("no preflight would be needed without the %s header (%s)", r.Subject, strings.TrimSuffix(r.Message, ".")), specSafeHdr})
				}
			}
		}
	}
	if res.Response != nil && res.Response.Type == fetch.TypeOpaque {
		out = append(out, hint{"the response is opaque because the mode is no-cors: use mode 'cors' and have the server allow the origin to read it", specMode})
	}
	return out
}

// allowOriginValue is the Access-Control-Allow-Origin value that would let
// a request from origin through.
func allowOriginValue(origin string, creds bool) string {
	if creds {
		return origin + " (and Access-Control-Allow-Credentials: true)"
	}
	return origin + " (or *)"
}
