package audit

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
)

// causeOrder is the order a report lists the causes of unanswered
// requests in (package server names them).
var causeOrder = []server.Cause{server.CauseUnreachable, server.CauseTimeout, server.CauseTLS,
	server.CausePanic, server.CauseBroken, server.CauseInterrupted}

// Failure counts the requests of one cause that got no answer.
type Failure struct {
	// Cause says why.
	Cause server.Cause `json:"cause"`
	// Count is how many distinct requests failed so.
	Count int `json:"count"`
	// Example is the first such error, for people.
	Example string `json:"example"`
}

// errAborted is what a request gets once its endpoint was given up.
var errAborted = errors.New("not sent: the endpoint was given up after repeated unanswered requests")

// errUnsafeNotSent is what an actual request with an unsafe method gets
// when Options.Unsafe is off.
var errUnsafeNotSent = errors.New("not sent: the method is not GET, HEAD or OPTIONS and sending unsafe methods is off")

// probeTransport stands between the profiles and the server for one
// endpoint. It answers a repeated wire request from memory (the profiles
// send the same bytes for most probes, and a server is taken to be a
// function of the request), so the server is called once per distinct
// request and that answer is judged under every profile. It drops
// response bodies (the verdict never needs them), enforces the safety
// rule for unsafe methods and the per-request timeout, counts the
// requests that got no answer by cause, and gives the endpoint up after
// maxConsecutive unanswered requests in a row.
type probeTransport struct {
	next           fetch.Transport
	auditCtx       context.Context
	unsafe         bool
	timeout        time.Duration
	maxConsecutive int
	extra          func(req *fetch.WireRequest) // adds the user's headers; may be nil
	onSent         func(failed bool)            // called after each request sent; may be nil
	// reads are the request headers the server's answer depends on
	// (fetch.HeaderReader); the memo keys on these only. nil: all.
	reads []string

	mu          sync.Mutex
	m           map[string]memoEntry
	sent        int
	heldBack    int // actual requests with unsafe methods not sent
	failed      map[server.Cause]*Failure
	consecutive int
	aborted     bool
	keyBuf      []byte
	// acao records that an answer since the last resetACAO carried an
	// Access-Control-Allow-Origin line (see epAudit.try).
	acao bool
}

type memoEntry struct {
	resp *fetch.WireResponse
	err  error
}

func newProbeTransport(ctx context.Context, next fetch.Transport, reads []string, o *Options) *probeTransport {
	return &probeTransport{next: next, reads: reads, auditCtx: ctx, unsafe: o.Unsafe, timeout: o.Timeout,
		maxConsecutive: o.maxConsecutive(), extra: o.extraHeaders(),
		m: map[string]memoEntry{}, failed: map[server.Cause]*Failure{}}
}

// RoundTrip implements fetch.Transport.
func (m *probeTransport) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if !m.unsafe && !req.Preflight {
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			m.mu.Lock()
			m.heldBack++
			m.mu.Unlock()
			return nil, errUnsafeNotSent
		}
	}
	m.mu.Lock()
	k := m.keyBuf[:0]
	k = append(k, req.Method...)
	k = append(k, ' ')
	k = append(k, req.URL.String()...)
	if req.Credentials {
		k = append(k, " +cred"...)
	}
	for _, h := range req.Header {
		if m.reads != nil && !slices.ContainsFunc(m.reads, func(r string) bool { return strings.EqualFold(r, h.Name) }) {
			continue // the server answers the same whatever it holds
		}
		k = append(append(append(append(k, '\n'), h.Name...), ':'), h.Value...)
	}
	m.keyBuf = k
	e, ok := m.m[string(k)] // no allocation for a lookup
	aborted := m.aborted
	var key string
	if !ok {
		key = string(k)
	}
	m.mu.Unlock()
	if ok {
		m.noteACAO(e.resp)
		return e.resp, e.err
	}
	if aborted {
		return nil, errAborted
	}
	if err := m.auditCtx.Err(); err != nil {
		return nil, err
	}
	req = withReferer(req)
	if m.extra != nil {
		req = cloneWire(req)
		m.extra(req)
	}
	if m.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.timeout)
		defer cancel()
	}
	resp, err := m.next.RoundTrip(ctx, req)
	if resp != nil && resp.Body != nil {
		r := *resp
		r.Body = nil
		resp = &r
	}
	m.noteACAO(resp)
	if m.onSent != nil {
		_, failed := server.NoAnswer(err)
		defer m.onSent(failed && !isInjectionRefusal(err, req))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent++
	cause, failed := server.NoAnswer(err)
	switch {
	case !failed:
		// An answer, or a request the live client held back by its own
		// safety rule (nothing was asked): not a failure.
		m.consecutive = 0
	case isInjectionRefusal(err, req):
		// The answer is the finding (the Origin's CR/LF came back in a
		// header); the server did answer.
		m.consecutive = 0
	default:
		if m.auditCtx.Err() != nil {
			cause = server.CauseInterrupted
		}
		f := m.failed[cause]
		if f == nil {
			f = &Failure{Cause: cause, Example: err.Error()}
			m.failed[cause] = f
		}
		f.Count++
		m.consecutive++
		if m.maxConsecutive > 0 && m.consecutive >= m.maxConsecutive {
			m.aborted = true
		}
		if cause == server.CauseInterrupted {
			return resp, err // not memoized: it says nothing about the server
		}
	}
	m.m[key] = memoEntry{resp, err}
	return resp, err
}

func (m *probeTransport) noteACAO(resp *fetch.WireResponse) {
	if resp == nil {
		return
	}
	if _, ok := resp.Header.Get("Access-Control-Allow-Origin"); ok {
		m.mu.Lock()
		m.acao = true
		m.mu.Unlock()
	}
}

// sawACAO reports whether an answer since the last resetACAO carried
// Access-Control-Allow-Origin.
func (m *probeTransport) sawACAO() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.acao
}

// resetACAO clears the record of answers with Access-Control-Allow-Origin.
func (m *probeTransport) resetACAO() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.acao = false
}

// isInjectionRefusal reports an in-process handler that wrote CR or LF
// into a header because the request's Origin carried them: that is the
// header-injection finding, not a failure to answer.
func isInjectionRefusal(err error, req *fetch.WireRequest) bool {
	var he *server.HandlerError
	if !errors.As(err, &he) || he.Kind != server.KindInvalidHeader {
		return false
	}
	o, _ := req.Header.Get("Origin")
	return strings.ContainsAny(o, "\r\n")
}

// failures returns the counts in report order.
func (m *probeTransport) failures() []Failure {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Failure
	for _, c := range causeOrder {
		if f := m.failed[c]; f != nil {
			out = append(out, *f)
		}
	}
	return out
}

func (m *probeTransport) gaveUp() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.aborted
}

// withReferer adds the Referer a browser page at the request's Origin
// sends with the default referrer policy, strict-origin-when-cross-origin:
// the page's origin and "/" (https://w3c.github.io/webappsec-referrer-policy/#referrer-policy-strict-origin-when-cross-origin).
// Package fetch leaves Referer out; a server that derives
// Access-Control-Allow-Origin from it must see what a browser sends. A
// request that already has one, or whose Origin is "null" or absent, is
// left as is; so is an https page's request to an http URL, which gets no
// Referer under that policy.
func withReferer(req *fetch.WireRequest) *fetch.WireRequest {
	o, ok := req.Header.Get("Origin")
	if !ok || o == "null" || !strings.Contains(o, "://") || strings.ContainsAny(o, "\r\n") {
		return req
	}
	if _, has := req.Header.Get("Referer"); has {
		return req
	}
	if strings.HasPrefix(o, "https:") && req.URL.Scheme == "http" {
		return req
	}
	r := cloneWire(req)
	r.Header = append(r.Header, policy.Header{Name: "Referer", Value: o + "/"})
	return r
}

func cloneWire(req *fetch.WireRequest) *fetch.WireRequest {
	r := *req
	r.Header = slices.Clone(r.Header)
	return &r
}
