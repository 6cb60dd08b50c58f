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

	mu          sync.Mutex
	m           map[string]memoEntry
	sent        int
	failed      map[server.Cause]*Failure
	consecutive int
	aborted     bool
	keyBuf      []byte
}

type memoEntry struct {
	resp *fetch.WireResponse
	err  error
}

func newProbeTransport(ctx context.Context, next fetch.Transport, o *Options) *probeTransport {
	return &probeTransport{next: next, auditCtx: ctx, unsafe: o.Unsafe, timeout: o.Timeout,
		maxConsecutive: o.maxConsecutive(), extra: o.extraHeaders(),
		m: map[string]memoEntry{}, failed: map[server.Cause]*Failure{}}
}

// RoundTrip implements fetch.Transport.
func (m *probeTransport) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if !m.unsafe && !req.Preflight {
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
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
		k = append(append(append(append(k, '\n'), h.Name...), ':'), h.Value...)
	}
	m.keyBuf = k
	e, ok := m.m[string(k)]
	key := string(k)
	aborted := m.aborted
	m.mu.Unlock()
	if ok {
		return e.resp, e.err
	}
	if aborted {
		return nil, errAborted
	}
	if err := m.auditCtx.Err(); err != nil {
		return nil, err
	}
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

func cloneWire(req *fetch.WireRequest) *fetch.WireRequest {
	r := *req
	r.Header = slices.Clone(r.Header)
	return &r
}
