package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/corsim/corsim/fetch"
)

// DefaultLiveMaxBody is how many response body bytes Live reads when
// Live.MaxBody is 0.
const DefaultLiveMaxBody = 1 << 20

// Live sends requests to a real server through net/http, with the header
// lines the simulated browser would send.
//
// By default only CORS-preflight requests and GET, HEAD and OPTIONS
// requests without a body are sent; any other actual request returns a
// *NotSentError without touching the network, so that checking a staging
// server never changes its data. Set SendUnsafe to send them. A request
// that was sent but got no HTTP answer (connection refused, a timeout, a
// failed TLS handshake) returns a *NoAnswerError naming the cause.
//
// # What goes on the wire
//
// Live builds the request itself and never follows redirects (the fetch
// algorithm does that). The header lines of the WireRequest are sent with
// their values and their names canonicalized as net/http does (x-token
// becomes X-Token; names are case-insensitive); lines with the same name
// keep their order, but
// net/http's client writes the lines of different names sorted by name, so
// the order across names is not kept. Go's client still adds:
//
//   - Host, first, from the URL (or from a Host line in the request);
//   - Content-Length for a request with a body, and "Content-Length: 0"
//     for one without a body unless its method is GET or HEAD (so a
//     preflight, an OPTIONS request, carries "Content-Length: 0", which
//     browsers do not send);
//   - Accept-Encoding: gzip, unless the request has an Accept-Encoding or
//     Range line or the client's Transport disables compression (the
//     default client Live makes when Client is nil does);
//   - Connection: close, only when the transport is set to close
//     connections.
//
// It does not add User-Agent: Live suppresses Go's default one, so the
// request carries a User-Agent only if the browser sent one. Cookies come
// from Client.Jar only when the WireRequest says credentials are included.
// Over HTTP/2 names are lowercased, as that protocol requires.
//
// The response's header lines come out sorted by name (net/http gives them
// as a map), values of one name in order.
type Live struct {
	// Client sends the requests; nil means a client with a 30 s timeout,
	// no cookie jar and compression disabled. Its CheckRedirect is never
	// used: Live always returns redirect responses as they are.
	Client *http.Client
	// SendUnsafe lets actual requests with methods other than GET, HEAD
	// and OPTIONS, and OPTIONS requests with a body, go out.
	SendUnsafe bool
	// MaxBody caps the response body bytes read; 0 means
	// DefaultLiveMaxBody. A longer body is cut, as if truncated.
	MaxBody int64
}

var defaultLiveClient = NewLiveClient(30 * time.Second)

// NewLiveClient returns the kind of client Live uses when its Client is nil:
// the given timeout, no cookie jar, and compression disabled, so that Go's
// transport adds no Accept-Encoding line a browser's request would not have
// (and does not strip Content-Encoding from what the browser would see).
func NewLiveClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, DisableCompression: true, ForceAttemptHTTP2: true},
	}
}

// safeToSend reports whether Live may send req without SendUnsafe.
func safeToSend(req *fetch.WireRequest) bool {
	if req.Preflight {
		return true
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// RoundTrip implements fetch.Transport.
func (l *Live) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("server: request without a URL")
	}
	if !l.SendUnsafe && !safeToSend(req) {
		return nil, &NotSentError{Method: req.Method, URL: req.URL.String()}
	}
	if !l.SendUnsafe && !req.Preflight && len(req.Body) > 0 {
		// An OPTIONS request may carry a body, which the server may act on.
		return nil, &NotSentError{Method: req.Method, URL: req.URL.String(), Body: true}
	}
	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL.String(), body)
	if err != nil {
		return nil, fmt.Errorf("server: live: %w", err)
	}
	hr.Header = make(http.Header, len(req.Header)+1)
	for _, h := range req.Header {
		if strings.EqualFold(h.Name, "Host") {
			hr.Host = h.Value
			continue
		}
		hr.Header.Add(h.Name, h.Value)
	}
	if _, ok := hr.Header["User-Agent"]; !ok {
		// An empty User-Agent entry stops net/http from adding its own.
		hr.Header["User-Agent"] = []string{""}
	}
	client := l.Client
	if client == nil {
		client = defaultLiveClient
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if !req.Credentials {
		c.Jar = nil
	}
	resp, err := c.Do(hr)
	if err != nil {
		return nil, noAnswer(req.Method, req.URL.String(), err)
	}
	defer resp.Body.Close()
	limit := l.MaxBody
	if limit <= 0 {
		limit = DefaultLiveMaxBody
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, noAnswer(req.Method, req.URL.String(), fmt.Errorf("reading the body: %w", err))
	}
	if len(b) == 0 {
		b = nil
	}
	text := strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode))
	return &fetch.WireResponse{
		Status:     resp.StatusCode,
		StatusText: strings.TrimPrefix(text, " "),
		Header:     headerFromMap(resp.Header),
		Body:       b,
	}, nil
}
