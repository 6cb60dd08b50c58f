package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// DefaultHandlerTimeout is how long FromHandler waits for a handler when
// the request's context has no earlier deadline.
const DefaultHandlerTimeout = 5 * time.Second

// DefaultHandlerMaxBody is how many response body bytes FromHandler keeps
// unless WithMaxBody says otherwise: as much as Live reads.
const DefaultHandlerMaxBody = DefaultLiveMaxBody

// DefaultRemoteAddr is the http.Request.RemoteAddr FromHandler sets, an
// address from TEST-NET-1 (RFC 5737).
const DefaultRemoteAddr = "192.0.2.1:49152"

// HandlerOption configures FromHandler.
type HandlerOption func(*handlerTransport)

// WithTimeout sets how long a handler may run; d <= 0 means no timeout
// beyond the request context's own deadline.
func WithTimeout(d time.Duration) HandlerOption {
	return func(t *handlerTransport) { t.timeout = d }
}

// WithMaxBody caps the response body bytes FromHandler keeps; n <= 0
// means DefaultHandlerMaxBody. A longer body is cut, as Live cuts one; the
// handler's further writes succeed and are discarded.
func WithMaxBody(n int64) HandlerOption {
	return func(t *handlerTransport) {
		if n > 0 {
			t.maxBody = n
		}
	}
}

// WithRemoteAddr sets the http.Request.RemoteAddr the handler sees.
func WithRemoteAddr(addr string) HandlerOption {
	return func(t *handlerTransport) { t.remoteAddr = addr }
}

// WithoutServerDefaults stops FromHandler from adding the Content-Type
// (sniffed) and Content-Length lines a net/http server would add to the
// handler's response.
func WithoutServerDefaults() HandlerOption {
	return func(t *handlerTransport) { t.raw = true }
}

// FromHandler returns a Transport that serves each request by calling h
// in-process, without sockets.
//
// The handler sees an *http.Request built as a net/http server would build
// it: the method, the request target (path and query) in URL and
// RequestURI, Host from the URL (or from a Host header line), the header
// lines in order (names canonicalized, as net/textproto does), the body,
// RemoteAddr (DefaultRemoteAddr unless WithRemoteAddr), a non-nil TLS
// field for https URLs, and a context derived from the RoundTrip context
// with the adapter's timeout (DefaultHandlerTimeout unless WithTimeout).
//
// The response's header lines are sorted by name with the values of one
// name in order, which is the order a net/http server sends them. Unless
// WithoutServerDefaults is given, a Content-Type sniffed from the body and
// a Content-Length are added when the handler set neither, as net/http's
// server does; Date is never added.
//
// A handler that panics, is still running when the context is done, calls
// WriteHeader with a code outside 100-999 or writes a header name that is
// not a token or a value containing CR, LF or NUL yields a *HandlerError
// (a network error to the browser). A real net/http server would drop the
// connection on a panic, and would silently drop or rewrite such header
// lines; corsim reports them so they get noticed. A handler that ignores
// its context keeps running in its goroutine after the timeout, but its
// writes from then on fail with http.ErrHandlerTimeout and are not kept.
//
// The response body is cut after DefaultHandlerMaxBody bytes (WithMaxBody),
// so a handler that writes a gigabyte costs a megabyte.
func FromHandler(h http.Handler, opts ...HandlerOption) fetch.Transport {
	t := &handlerTransport{h: h, timeout: DefaultHandlerTimeout, remoteAddr: DefaultRemoteAddr, maxBody: DefaultHandlerMaxBody}
	for _, o := range opts {
		o(t)
	}
	return t
}

type handlerTransport struct {
	h          http.Handler
	timeout    time.Duration
	remoteAddr string
	raw        bool
	maxBody    int64
}

// RoundTrip implements fetch.Transport.
func (t *handlerTransport) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("server: request without a URL")
	}
	if t.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
		defer cancel()
	}
	hr, err := t.newRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	rec := &recorder{header: make(http.Header), maxBody: t.maxBody}
	done := make(chan *HandlerError, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				detail := fmt.Sprint(v)
				if v == http.ErrAbortHandler {
					detail = "http.ErrAbortHandler: the handler aborted the response"
				}
				done <- t.fail(req, KindPanic, detail, debug.Stack())
				return
			}
			done <- nil
		}()
		t.h.ServeHTTP(rec, hr)
	}()
	select {
	case herr := <-done:
		if herr != nil {
			return nil, herr
		}
	case <-ctx.Done():
		rec.close()
		detail := "context done: " + context.Cause(ctx).Error()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && t.timeout > 0 {
			detail = fmt.Sprintf("no response within %v (%v)", t.timeout, context.Cause(ctx))
		}
		return nil, t.fail(req, KindTimeout, detail, nil)
	}
	// The handler has returned: the recorder is ours alone now.
	return t.response(req, rec)
}

func (t *handlerTransport) fail(req *fetch.WireRequest, kind HandlerErrorKind, detail string, stack []byte) *HandlerError {
	return &HandlerError{Kind: kind, Method: req.Method, URL: req.URL.String(), Detail: detail, Stack: stack}
}

// newRequest builds the server-side view of req.
func (t *handlerTransport) newRequest(ctx context.Context, req *fetch.WireRequest) (*http.Request, error) {
	target := req.URL.RequestURI()
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, fmt.Errorf("server: request target %q: %w", target, err)
	}
	hr := &http.Request{
		Method:     req.Method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, len(req.Header)),
		Host:       req.URL.Host,
		RemoteAddr: t.remoteAddr,
		RequestURI: target,
	}
	// The values share one backing array, as net/textproto's reader does;
	// a repeated name appends to its own (full) slice, which copies.
	vals := make([]string, len(req.Header))
	for i, l := range req.Header {
		name := http.CanonicalHeaderKey(l.Name)
		if name == "Host" {
			hr.Host = l.Value
			continue
		}
		if vs, ok := hr.Header[name]; ok {
			hr.Header[name] = append(vs, l.Value)
			continue
		}
		vals[i] = l.Value
		hr.Header[name] = vals[i : i+1 : i+1]
	}
	hr.Body = http.NoBody
	if len(req.Body) > 0 {
		hr.Body = io.NopCloser(bytes.NewReader(req.Body))
		hr.ContentLength = int64(len(req.Body))
	}
	if req.URL.Scheme == "https" {
		hr.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true, ServerName: req.URL.Hostname()}
	}
	return hr.WithContext(ctx), nil
}

// response validates what the handler wrote and converts it.
func (t *handlerTransport) response(req *fetch.WireRequest, rec *recorder) (*fetch.WireResponse, error) {
	if rec.badStatus != 0 {
		return nil, t.fail(req, KindInvalidStatus, "WriteHeader("+strconv.Itoa(rec.badStatus)+"): a status code has three digits, 100-999 (RFC 9110 §15)", nil)
	}
	if !rec.wroteHeader {
		// The handler returned without writing: its header map is final.
		rec.status, rec.final = http.StatusOK, headerLines(rec.header, serverDefaultLines)
	}
	h := rec.final
	for i, l := range h {
		// Go's net/http trims a value's surrounding whitespace when it
		// writes it (textproto.TrimString), and a browser's parser drops
		// OWS anyway: fetch.WireResponse.Header holds trimmed values.
		h[i].Value = strings.Trim(l.Value, " \t")
		l = h[i]
		if !isToken(l.Name) {
			return nil, t.fail(req, KindInvalidHeader, fmt.Sprintf("header name %q is not a token (RFC 9110 §5.1)", l.Name), nil)
		}
		if i := badValueByte(l.Value); i >= 0 {
			return nil, t.fail(req, KindInvalidHeader, fmt.Sprintf("value of %s contains byte %#02x at offset %d; CR, LF and NUL may not appear in a field value (RFC 9110 §5.5)", l.Name, l.Value[i], i), nil)
		}
	}
	body := rec.body.Bytes()
	if !bodyAllowed(rec.status) || req.Method == http.MethodHead {
		body = nil
	}
	if !t.raw {
		h = addServerDefaults(h, req.Method, rec.status, rec.body.Bytes())
		sortLines(h)
	}
	return &fetch.WireResponse{Status: rec.status, Header: h, Body: body}, nil
}

// recorder is the http.ResponseWriter FromHandler gives a handler. Unlike
// httptest.ResponseRecorder it snapshots the header map when the final
// status is written, as a real server does, and it records an invalid
// status instead of panicking.
type recorder struct {
	header      http.Header
	final       policy.HeaderList // the header map when the status was written
	status      int
	badStatus   int
	wroteHeader bool
	maxBody     int64

	mu     sync.Mutex // guards body and closed, shared with a timed-out RoundTrip
	body   bytes.Buffer
	closed bool
}

// close stops the recorder from keeping anything more: the RoundTrip gave
// up on the handler.
func (r *recorder) close() {
	r.mu.Lock()
	r.closed = true
	r.body = bytes.Buffer{}
	r.mu.Unlock()
}

var _ http.Flusher = (*recorder)(nil)

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.wroteHeader {
		return // net/http logs "superfluous WriteHeader call" and ignores it
	}
	if code < 100 || code > 999 {
		if r.badStatus == 0 {
			r.badStatus = code
		}
		return
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		return // an interim response; the final one follows
	}
	r.status, r.final, r.wroteHeader = code, headerLines(r.header, serverDefaultLines), true
}

// Write keeps p up to the body cap and discards the rest; after the
// RoundTrip gave up it fails, as a write to a closed connection does.
func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, http.ErrHandlerTimeout
	}
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	if room := r.maxBody - int64(r.body.Len()); room < int64(len(p)) {
		r.body.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return r.body.Write(p)
}

// Flush implements http.Flusher; there is nothing to flush.
func (r *recorder) Flush() {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
}
