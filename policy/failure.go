package policy

// Code is a stable, machine-readable name for why a rule failed. Codes are
// part of corsim's contract (JSON reports, scenario assertions): once
// published, a code keeps its meaning. Messages may change; codes do not.
type Code string

// Failure explains why a request, header or response does not satisfy a
// rule. It is the error type of every fallible decision in corsim (package
// fetch reuses it for its own steps), so callers can use errors.As to get at
// the code.
type Failure struct {
	// Code names the failed rule.
	Code Code
	// Spec is the URL of the spec step that failed, with its anchor.
	Spec string
	// Subject is the offending input as received (a header name, a value, a
	// method, an Access-Control-Allow-Origin value), or "" when none applies.
	Subject string
	// Message says in a sentence, for people, what failed and why.
	Message string
}

// Error returns the message for people.
func (f *Failure) Error() string { return f.Message }

// Failure codes produced by package policy. Each names one rule; the Spec
// field of the Failure carries the anchor of the exact step.
const (
	// CodeInvalidURL: the input is not an absolute URL the URL standard's
	// parser accepts (https://url.spec.whatwg.org/#concept-url-parser).
	CodeInvalidURL Code = "invalid-url"
	// CodeInvalidHost: the URL's host fails the host parser (forbidden code
	// point, bad IPv4/IPv6 address, IDNA error)
	// (https://url.spec.whatwg.org/#concept-host-parser).
	CodeInvalidHost Code = "invalid-host"
	// CodeInvalidOrigin: the string is not byte-for-byte the ASCII
	// serialization of an origin, nor "null"
	// (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin).
	CodeInvalidOrigin Code = "invalid-origin"
	// CodeInvalidMethod: the method is not an RFC 9110 token
	// (https://fetch.spec.whatwg.org/#concept-method).
	CodeInvalidMethod Code = "invalid-method"

	// CodeHeaderNotSafelisted: the header name is not one the safelist
	// knows (https://fetch.spec.whatwg.org/#cors-safelisted-request-header).
	CodeHeaderNotSafelisted Code = "header-not-safelisted"
	// CodeValueTooLong: a safelisted header's value is over 128 bytes
	// (https://fetch.spec.whatwg.org/#cors-safelisted-request-header step 1).
	CodeValueTooLong Code = "value-too-long"
	// CodeUnsafeByte: an Accept or Content-Type value contains a CORS-unsafe
	// request-header byte (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte).
	CodeUnsafeByte Code = "unsafe-byte"
	// CodeLanguageByte: an Accept-Language or Content-Language value contains
	// a byte outside 0-9 A-Z a-z SP * , - . ; =
	// (https://fetch.spec.whatwg.org/#cors-safelisted-request-header).
	CodeLanguageByte Code = "language-byte"
	// CodeContentTypeUnparsable: the Content-Type value is not a MIME type
	// (https://mimesniff.spec.whatwg.org/#parsing-a-mime-type).
	CodeContentTypeUnparsable Code = "content-type-unparsable"
	// CodeContentTypeNotSafelisted: the Content-Type essence is not
	// application/x-www-form-urlencoded, multipart/form-data or text/plain.
	CodeContentTypeNotSafelisted Code = "content-type-not-safelisted"
	// CodeRangeNotSimple: the Range value is not a single "bytes=N-[M]"
	// (https://fetch.spec.whatwg.org/#simple-range-header-value).
	CodeRangeNotSimple Code = "range-not-simple"
	// CodeRangeNoStart: the Range value is a suffix range ("bytes=-N"), which
	// has no start and is not safelisted.
	CodeRangeNoStart Code = "range-no-start"
	// CodeValueNotAllowed: a header a Safelist extension adds has a value its
	// ValueRule rejects.
	CodeValueNotAllowed Code = "value-not-allowed"
	// CodeSafelistTotalTooLong: the safelisted values of a request add up to
	// more than 1024 bytes, so all their names count as unsafe
	// (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names step 3).
	CodeSafelistTotalTooLong Code = "safelist-total-too-long"

	// CodeInvalidMIMEType: the string is not a MIME type
	// (https://mimesniff.spec.whatwg.org/#parsing-a-mime-type).
	CodeInvalidMIMEType Code = "invalid-mime-type"
	// CodeInvalidRange: the string is not a single range header value
	// (https://fetch.spec.whatwg.org/#simple-range-header-value).
	CodeInvalidRange Code = "invalid-range"
	// CodeInvalidHeaderList: a line of a #token list header (ACAM, ACAH,
	// ACEH, ACRH) has an element that is not a token
	// (https://fetch.spec.whatwg.org/#extract-header-list-values).
	CodeInvalidHeaderList Code = "invalid-header-list"

	// CodeMissingAllowOrigin: the response has no Access-Control-Allow-Origin
	// (https://fetch.spec.whatwg.org/#concept-cors-check step 2).
	CodeMissingAllowOrigin Code = "missing-allow-origin"
	// CodeWildcardOriginWithCredentials: ACAO is "*" but the request's
	// credentials mode is "include" (https://fetch.spec.whatwg.org/#concept-cors-check steps 3-4).
	CodeWildcardOriginWithCredentials Code = "wildcard-origin-with-credentials"
	// CodeAllowOriginMismatch: ACAO is not byte-for-byte the request's
	// serialized origin (https://fetch.spec.whatwg.org/#concept-cors-check step 4).
	CodeAllowOriginMismatch Code = "allow-origin-mismatch"
	// CodeAllowCredentialsNotTrue: the request includes credentials and
	// Access-Control-Allow-Credentials is not exactly "true"
	// (https://fetch.spec.whatwg.org/#concept-cors-check steps 6-7).
	CodeAllowCredentialsNotTrue Code = "allow-credentials-not-true"

	// CodeMethodNotAllowed: the preflight's Access-Control-Allow-Methods
	// does not list the request's method
	// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 step 7.5).
	CodeMethodNotAllowed Code = "method-not-allowed"
	// CodeWildcardMethodWithCredentials: ACAM has "*" but the request
	// includes credentials, so "*" matches only a method named "*".
	CodeWildcardMethodWithCredentials Code = "wildcard-method-with-credentials"
	// CodeAuthorizationNotAllowed: the request has an Authorization header
	// and ACAH does not name it ("*" never covers it)
	// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 step 7.6).
	CodeAuthorizationNotAllowed Code = "authorization-not-allowed"
	// CodeHeaderNotAllowed: ACAH does not list a CORS-unsafe request-header
	// name of the request (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 step 7.7).
	CodeHeaderNotAllowed Code = "header-not-allowed"
	// CodeWildcardHeaderWithCredentials: ACAH has "*" but the request
	// includes credentials, so "*" matches only a header named "*".
	CodeWildcardHeaderWithCredentials Code = "wildcard-header-with-credentials"
)

// Spec anchors used in Failures.
const (
	specFetch = "https://fetch.spec.whatwg.org/"
	specURL   = "https://url.spec.whatwg.org/"
	specHTML  = "https://html.spec.whatwg.org/multipage/browsers.html"
	specMIME  = "https://mimesniff.spec.whatwg.org/"
)

func fail(code Code, spec, subject, msg string) *Failure {
	return &Failure{Code: code, Spec: spec, Subject: subject, Message: msg}
}
