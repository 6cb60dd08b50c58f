package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// Cause says why a request got no answer.
type Cause string

// The causes of a request without an answer. They are words a user reads
// ("incomplete: 3 probes got no answer (timeout)"); each is stable.
const (
	// CauseUnreachable: nothing answered at the address (connection
	// refused, no route, the name does not resolve).
	CauseUnreachable Cause = "unreachable"
	// CauseTimeout: the server did not answer in time.
	CauseTimeout Cause = "timeout"
	// CauseTLS: the TLS handshake failed (an untrusted or mismatched
	// certificate, a protocol mismatch).
	CauseTLS Cause = "TLS"
	// CauseBroken: the server answered with something that is not an HTTP
	// response, or dropped the connection mid-answer.
	CauseBroken Cause = "broken answer"
	// CausePanic: an in-process handler panicked.
	CausePanic Cause = "server panic"
	// CauseInterrupted: the caller cancelled the request (Ctrl-C).
	CauseInterrupted Cause = "interrupted"
)

// NoAnswerError reports that Live sent a request and got no HTTP answer.
// To the simulated browser it is a network error; to the user it means the
// check learned nothing about the server's CORS policy.
type NoAnswerError struct {
	// Cause says why there was no answer.
	Cause Cause
	// Method and URL identify the request.
	Method, URL string
	// Err is the underlying error from net/http.
	Err error
}

// Error says which request got no answer and why, without Go's wrapping
// ("Get \"http://…\": ").
func (e *NoAnswerError) Error() string {
	return fmt.Sprintf("%s %s got no answer (%s): %v", e.Method, e.URL, e.Cause, e.Err)
}

// Unwrap returns the underlying error.
func (e *NoAnswerError) Unwrap() error { return e.Err }

// NoAnswer reports whether err, returned by a Transport, means the request
// got no answer at all, and why: a *NoAnswerError from Live, or a
// *HandlerError from FromHandler (a panic, a timeout, an invalid answer).
// A *NotSentError is not a missing answer (nothing was asked), and a
// response is never one, whatever its status.
func NoAnswer(err error) (Cause, bool) {
	if err == nil {
		return "", false
	}
	var na *NoAnswerError
	if errors.As(err, &na) {
		return na.Cause, true
	}
	var he *HandlerError
	if errors.As(err, &he) {
		switch he.Kind {
		case KindPanic:
			return CausePanic, true
		case KindTimeout:
			return CauseTimeout, true
		}
		return CauseBroken, true
	}
	var ns *NotSentError
	if errors.As(err, &ns) {
		return "", false
	}
	return classify(err), true
}

// classify names the cause of a net/http client error.
func classify(err error) Cause {
	var (
		ne      net.Error
		dns     *net.DNSError
		op      *net.OpError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		verify  *tls.CertificateVerificationError
		record  tls.RecordHeaderError
		alert   tls.AlertError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return CauseInterrupted
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return CauseTimeout
	case errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &record), errors.As(err, &alert):
		return CauseTLS
	case errors.As(err, &dns), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.As(err, &op) && op.Op == "dial":
		return CauseUnreachable
	}
	return CauseBroken
}

// noAnswer wraps a net/http client error for req as a *NoAnswerError,
// dropping the *url.Error layer whose text repeats the method and URL.
func noAnswer(method, u string, err error) *NoAnswerError {
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	return &NoAnswerError{Cause: classify(err), Method: method, URL: u, Err: inner}
}
