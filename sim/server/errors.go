package server

import (
	"fmt"
	"strconv"
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
