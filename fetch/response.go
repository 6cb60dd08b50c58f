package fetch

import (
	"net/url"

	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/policy"
)

// ResponseType is the type of the response script sees.
// See https://fetch.spec.whatwg.org/#concept-response-type.
type ResponseType string

// Response types.
const (
	TypeBasic          ResponseType = "basic"
	TypeCORS           ResponseType = "cors"
	TypeOpaque         ResponseType = "opaque"
	TypeOpaqueRedirect ResponseType = "opaqueredirect"
	TypeError          ResponseType = "error"
)

// Tainting is a request's response tainting.
// See https://fetch.spec.whatwg.org/#concept-request-response-tainting.
type Tainting string

// Response taintings.
const (
	TaintingBasic  Tainting = "basic"
	TaintingCORS   Tainting = "cors"
	TaintingOpaque Tainting = "opaque"
)

// Response is the filtered response script sees
// (https://fetch.spec.whatwg.org/#concept-filtered-response).
type Response struct {
	Type       ResponseType
	Status     int
	StatusText string
	// Header holds only what script can read: for basic, everything but
	// Set-Cookie/Set-Cookie2; for cors, the CORS-safelisted response
	// headers and the exposed ones; nothing for opaque and opaqueredirect.
	Header policy.HeaderList
	// Body is nil for opaque responses, null-body statuses and HEAD.
	Body []byte
	// URL is the response's URL (the last of the URL list); nil for opaque.
	URL *url.URL
	// Redirected reports that the URL list has more than one URL.
	Redirected bool
	// Internal is the unfiltered response as the server sent it.
	Internal *WireResponse
}

// Exchange is one request that reached the Transport and what came back.
type Exchange struct {
	Request  *WireRequest
	Response *WireResponse // nil when Err is set
	Err      error
	// Preflight reports a CORS-preflight exchange.
	Preflight bool
	// Hop is the index in the URL list of the URL requested.
	Hop int
	// Cookies is what the Fetcher's CookieStore said about this request:
	// the cookies sent (the Cookie header) and those withheld, with
	// reasons; nil without a CookieStore and for preflights.
	Cookies *cookie.Retrieval
	// SetCookies is what the CookieStore did with each Set-Cookie line of
	// the response: stored, or rejected and why.
	SetCookies []cookie.StoreResult
}

// PreflightReport tells, for one hop of a request that takes main fetch's
// preflight branch, whether a CORS-preflight was needed, why, and what
// happened.
type PreflightReport struct {
	// Hop is the index in the URL list of the URL the hop requested.
	Hop int
	// Required is always true in a report: the hop is not a simple request
	// (main fetch step 12, "use-CORS-preflight flag set or unsafe request
	// with a non-safelisted method or unsafe header names").
	Required bool
	// Reasons says why the request is not simple: a Failure per cause
	// (non-safelisted method, each unsafe header entry, the forced flag).
	Reasons []*policy.Failure
	// Sent reports that a preflight request went to the server; FromCache
	// that the cache covered the request so none was sent.
	Sent      bool
	FromCache bool
	// Missing lists what the cache lacked: the method (if any) first, then
	// the header names. Empty when FromCache.
	Missing []string
	// Request and Response are the preflight exchange (nil if not sent).
	Request  *WireRequest
	Response *WireResponse
	// Err is why the preflight failed, nil on success.
	Err *policy.Failure
}

// Result is the outcome of Fetcher.Fetch.
type Result struct {
	// Request is the request as given to Fetch.
	Request *Request
	// Response is the filtered response script sees; nil on a network error.
	Response *Response
	// Err says why the fetch is a network error; nil otherwise.
	Err *policy.Failure
	// FailedInPreflight reports that Err came from a CORS-preflight (its
	// transport, its CORS check, status or Access-Control-Allow-* checks),
	// not from the actual response: browsers word the two differently.
	FailedInPreflight bool
	// ReachedServer reports that an actual (non-preflight) request got a
	// response from the server, so its side effects happened — even when
	// script is then blocked by the CORS check.
	ReachedServer bool
	// Preflights has one report per hop that took the preflight branch.
	Preflights []PreflightReport
	// Wire is every request that reached the Transport, in order.
	Wire []Exchange
	// Trace is the story of the fetch, step by step.
	Trace []Event
	// URLList is the final redirect chain.
	URLList []*url.URL
	// Tainted reports that the request ended redirect-tainted (its Origin
	// serialized as "null").
	Tainted bool
	// Tainting is the final response tainting.
	Tainting Tainting
}

// Blocked reports that the fetch ended in a network error.
func (r *Result) Blocked() bool { return r.Err != nil }

// filter wraps the internal response in the filtered response for the
// tainting; a cors filtered response keeps the CORS-safelisted response
// headers and those the response exposes to a request whose credentials
// mode is include or not (creds). See
// https://fetch.spec.whatwg.org/#concept-filtered-response and main fetch
// step 14.
func filter(t Tainting, method string, wr *WireResponse, urls []*url.URL, creds bool) *Response {
	r := &Response{Status: wr.Status, StatusText: wr.StatusText, Internal: wr}
	if len(urls) > 0 {
		r.URL = urls[len(urls)-1]
	}
	r.Redirected = len(urls) > 1
	switch t {
	case TaintingOpaque:
		// Opaque filtered response: URL list « », status 0, no headers,
		// null body (https://fetch.spec.whatwg.org/#concept-filtered-response-opaque).
		r.Type, r.Status, r.StatusText, r.URL, r.Redirected = TypeOpaque, 0, "", nil, false
		return r
	case TaintingCORS:
		r.Type = TypeCORS
		r.Header = policy.FilterCORSResponseHeaders(wr.Header, policy.ExposedHeaderNames(wr.Header, creds))
	default:
		r.Type = TypeBasic
		r.Header = policy.FilterBasicResponseHeaders(wr.Header)
	}
	// Null body for HEAD/CONNECT and null-body statuses (main fetch step 20).
	if method != "HEAD" && method != "CONNECT" && !policy.IsNullBodyStatus(wr.Status) {
		r.Body = wr.Body
	}
	return r
}

// opaqueRedirect is the opaque-redirect filtered response: status 0, no
// headers, null body, URL list kept.
func opaqueRedirect(wr *WireResponse, urls []*url.URL) *Response {
	return &Response{Type: TypeOpaqueRedirect, URL: urls[len(urls)-1], Redirected: len(urls) > 1, Internal: wr}
}
