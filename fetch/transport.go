package fetch

import (
	"context"
	"net/url"

	"github.com/corsim/corsim/policy"
)

// WireRequest is a request as it leaves the browser: what a server receives.
type WireRequest struct {
	// Method is the request method, after normalization.
	Method string
	// URL is the request's current URL.
	URL *url.URL
	// Header holds the header lines in the order the browser sends them,
	// including the ones fetch adds (Content-Length, Origin,
	// Access-Control-Request-*).
	Header policy.HeaderList
	// Body is the request body, nil for none.
	Body []byte
	// Credentials reports whether the browser would attach credentials
	// (cookies, HTTP authentication) to this request: the spec's
	// includeCredentials in HTTP-network-or-cache fetch.
	// See https://fetch.spec.whatwg.org/#http-network-or-cache-fetch.
	Credentials bool
	// Preflight reports whether this is a CORS-preflight request.
	Preflight bool
}

// WireResponse is a response as a server sends it, before any filtering.
type WireResponse struct {
	// Status is the HTTP status code.
	Status int
	// StatusText is the reason phrase; "" means the standard one.
	StatusText string
	// Header holds the header lines in the order sent, duplicates kept.
	// Each value is as an HTTP parser yields it: leading and trailing
	// spaces and tabs removed (a field value excludes that whitespace,
	// RFC 9110 §5.5), nothing else changed — fetch reads the values as
	// given and does not trim them again. The transports of package
	// sim/server trim what a handler or a canned file wrote, as Go's
	// net/http and any HTTP/1.1 parser would on the way to the browser.
	Header policy.HeaderList
	// Body is the response body.
	Body []byte
}

// Transport sends one request to a server and returns its response. It is
// http.RoundTripper-shaped with an explicit context, so in-process handlers,
// canned responses and real HTTP all fit behind it. An error means the
// request failed at the network level (no response at all); the fetch
// algorithm turns it into a network error.
//
// Implementations must be safe for concurrent use and must not keep or
// modify req.
type Transport interface {
	RoundTrip(ctx context.Context, req *WireRequest) (*WireResponse, error)
}

// HeaderReader is a Transport that says which request headers its
// answers depend on: two requests with the same method, URL and values of
// these headers get the same answer, whatever their other headers hold.
// The auditor uses it to judge one answer under every profile whose
// requests differ only in headers the server never reads (SameAnswer).
type HeaderReader interface {
	Transport
	// RequestHeadersRead returns the header names, in any case.
	RequestHeadersRead() []string
}

// TransportFunc adapts a function to the Transport interface.
type TransportFunc func(ctx context.Context, req *WireRequest) (*WireResponse, error)

// RoundTrip calls f(ctx, req).
func (f TransportFunc) RoundTrip(ctx context.Context, req *WireRequest) (*WireResponse, error) {
	return f(ctx, req)
}
