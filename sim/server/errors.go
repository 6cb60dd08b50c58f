package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"syscall"
)

// ParseError is one problem found while parsing a declarative config or a
// canned-response archive. Parsers collect every ParseError they find and
// return them joined with errors.Join; use errors.As (or a type switch on
// the Unwrap() []error list) to get at them.
type ParseError struct {
	// File is the name given to the parser (usually a file name).
	File string
	// Line is the 1-based line number in File, or 0 when the problem is
	// not tied to one line.
	Line int
	// Msg says what is wrong, for people.
	Msg string
}

// Error formats the problem as "file:line: msg".
func (e *ParseError) Error() string {
	if e.Line <= 0 {
		return e.File + ": " + e.Msg
	}
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
}

// HandlerErrorKind says how an in-process handler failed.
type HandlerErrorKind string

// The ways an in-process handler can fail. Each becomes a network error in
// the simulated browser: a real server that did this would have dropped
// the connection or sent bytes no browser accepts.
const (
	// KindPanic: the handler panicked (including http.ErrAbortHandler).
	KindPanic HandlerErrorKind = "panic"
	// KindTimeout: the handler did not return before the context was done
	// or the adapter's timeout elapsed.
	KindTimeout HandlerErrorKind = "timeout"
	// KindInvalidHeader: the handler wrote a header name that is not a
	// token, or a value containing CR, LF or NUL.
	KindInvalidHeader HandlerErrorKind = "invalid-header"
	// KindInvalidStatus: the handler called WriteHeader with a code
	// outside 100-999, which net/http's server rejects with a panic.
	KindInvalidStatus HandlerErrorKind = "invalid-status"
)

// HandlerError reports that an in-process http.Handler did not produce a
// usable response. See FromHandler.
type HandlerError struct {
	// Kind says what went wrong.
	Kind HandlerErrorKind
	// Method and URL identify the request being served.
	Method, URL string
	// Detail explains the failure: the panic value, the offending header,
	// the elapsed timeout.
	Detail string
	// Stack is the handler goroutine's stack for a panic, nil otherwise.
	Stack []byte
}

// Error describes the failure in a sentence, without a package prefix: it
// is shown as it is in stories and reports ("← no response: handler
// panicked serving GET …").
func (e *HandlerError) Error() string {
	var what string
	switch e.Kind {
	case KindPanic:
		what = "handler panicked"
	case KindTimeout:
		what = "handler did not respond in time"
	case KindInvalidHeader:
		what = "handler wrote an invalid header"
	case KindInvalidStatus:
		what = "handler wrote an invalid status code"
	default:
		what = "handler failed (" + string(e.Kind) + ")"
	}
	return fmt.Sprintf("%s serving %s %s: %s", what, e.Method, e.URL, e.Detail)
}

// NotSentError reports that Live did not send a request because it could
// change the server's data (a method other than GET, HEAD and OPTIONS, or
// an OPTIONS request with a body) and the caller did not set
// Live.SendUnsafe: checking a staging server must never change its data.
type NotSentError struct {
	// Method and URL identify the request that was not sent.
	Method, URL string
	// Body reports that the request was held back for its body (an
	// OPTIONS request with one), not for its method.
	Body bool
}

// Error says, in the user's words, what was held back and why.
func (e *NotSentError) Error() string {
	if e.Body {
		return fmt.Sprintf("%s %s with a body not sent: a request body goes to a live server only when unsafe requests may be sent", e.Method, e.URL)
	}
	return fmt.Sprintf("%s %s not sent: only preflights and GET, HEAD and OPTIONS requests go to a live server unless unsafe requests may be sent (%s could change the server's data)", e.Method, e.URL, e.Method)
}

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
