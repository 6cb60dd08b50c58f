package fetch

import "github.com/corsim/corsim/policy"

// Failure codes produced by package fetch. Failures from package policy
// (missing-allow-origin, method-not-allowed, …) pass through unchanged; a
// Failure from a preflight step is marked by Result.FailedInPreflight and by
// the Preflight flag of the trace Event that carries it.
const (
	// Request construction (https://fetch.spec.whatwg.org/#dom-request):
	// these are the TypeErrors new Request() / XHR open() would throw.

	// CodeForbiddenMethod: the method is CONNECT, TRACE or TRACK.
	CodeForbiddenMethod policy.Code = "forbidden-method"
	// CodeNoCORSUnsafeMethod: mode is no-cors and the method is not GET,
	// HEAD or POST.
	CodeNoCORSUnsafeMethod policy.Code = "no-cors-unsafe-method"
	// CodeURLHasCredentials: the URL has a username or password.
	CodeURLHasCredentials policy.Code = "url-has-credentials"
	// CodeBodyWithGetOrHead: a fetch() request with method GET or HEAD has
	// a body.
	CodeBodyWithGetOrHead policy.Code = "body-with-get-or-head"
	// CodeStreamBodyMode: a ReadableStream body with a mode other than
	// same-origin or cors.
	CodeStreamBodyMode policy.Code = "stream-body-mode"
	// CodeOnlyIfCachedMode: cache mode only-if-cached with a mode other than
	// same-origin.
	CodeOnlyIfCachedMode policy.Code = "only-if-cached-mode"
	// CodeInvalidHeader: an author header name is not a token or its value
	// is not a header value (https://fetch.spec.whatwg.org/#concept-header-value).
	CodeInvalidHeader policy.Code = "invalid-header"
	// CodeInvalidRequest: a request field has a value outside its enum.
	CodeInvalidRequest policy.Code = "invalid-request"

	// Dropped headers (not errors: the request proceeds without them).

	// CodeForbiddenHeader: the author set a forbidden request-header; the
	// Headers guard "request" ignored it.
	CodeForbiddenHeader policy.Code = "forbidden-header"
	// CodeNoCORSHeader: in no-cors mode the author set a header that is not
	// a no-CORS-safelisted request-header; the guard "request-no-cors"
	// ignored it.
	CodeNoCORSHeader policy.Code = "no-cors-header"

	// Main fetch (https://fetch.spec.whatwg.org/#concept-main-fetch).

	// CodeSameOriginModeCrossOrigin: mode same-origin and the URL is
	// cross-origin.
	CodeSameOriginModeCrossOrigin policy.Code = "same-origin-mode-cross-origin"
	// CodeNoCORSRedirectMode: mode no-cors with a redirect mode other than
	// follow.
	CodeNoCORSRedirectMode policy.Code = "no-cors-redirect-mode"
	// CodeSchemeNotHTTP: a CORS request to a URL whose scheme is not http(s).
	CodeSchemeNotHTTP policy.Code = "scheme-not-http"
	// CodeSchemeNotSupported: scheme fetch has nothing for this scheme.
	CodeSchemeNotSupported policy.Code = "scheme-not-supported"

	// CORS-preflight fetch (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0).

	// CodePreflightStatusNotOK: the preflight response's status is not
	// 200–299.
	CodePreflightStatusNotOK policy.Code = "preflight-status-not-ok"
	// CodePreflightRedirect: the preflight response is a redirect, which is
	// never followed.
	CodePreflightRedirect policy.Code = "preflight-redirect"
	// CodeInvalidAllowMethods: Access-Control-Allow-Methods did not parse.
	CodeInvalidAllowMethods policy.Code = "invalid-allow-methods"
	// CodeInvalidAllowHeaders: Access-Control-Allow-Headers did not parse.
	CodeInvalidAllowHeaders policy.Code = "invalid-allow-headers"

	// HTTP fetch and HTTP-redirect fetch.

	// CodeRedirectModeError: a redirect with redirect mode error.
	CodeRedirectModeError policy.Code = "redirect-mode-error"
	// CodeRedirectLimit: the redirect count reached the limit (20).
	CodeRedirectLimit policy.Code = "redirect-limit"
	// CodeRedirectBadLocation: the Location header does not parse as a URL.
	CodeRedirectBadLocation policy.Code = "redirect-bad-location"
	// CodeRedirectSchemeNotHTTP: the Location URL's scheme is not http(s).
	CodeRedirectSchemeNotHTTP policy.Code = "redirect-scheme-not-http"
	// CodeRedirectHasCredentials: the Location URL includes credentials
	// where a CORS request may not follow it (HTTP-redirect fetch steps
	// 9–10).
	CodeRedirectHasCredentials policy.Code = "redirect-has-credentials"
	// CodeRedirectStreamBody: a non-303 redirect of a request whose body is
	// a stream (it cannot be re-sent).
	CodeRedirectStreamBody policy.Code = "redirect-stream-body"

	// Transport.

	// CodeTransportError: the Transport returned an error (no response).
	CodeTransportError policy.Code = "transport-error"
	// CodeAborted: the context was done before the request was sent.
	CodeAborted policy.Code = "aborted"
)

func failure(code policy.Code, spec, subject, msg string) *policy.Failure {
	return &policy.Failure{Code: code, Spec: spec, Subject: subject, Message: msg}
}

// asFailure turns an error from package policy into a *policy.Failure.
func asFailure(err error, code policy.Code, spec string) *policy.Failure {
	if err == nil {
		return nil
	}
	if f, ok := err.(*policy.Failure); ok {
		return f
	}
	return failure(code, spec, "", err.Error())
}
