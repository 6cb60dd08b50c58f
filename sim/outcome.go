package sim

import (
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/scenario"
)

// networkCodes are the failures that are network errors for reasons other
// than the CORS protocol: no connection, a broken redirect, a scheme the
// simulator cannot fetch. Every other failure of a fetch is a CORS block
// (the browser logs a CORS error for it).
var networkCodes = map[policy.Code]bool{
	fetch.CodeTransportError:        true,
	fetch.CodeAborted:               true,
	fetch.CodeRedirectLimit:         true,
	fetch.CodeRedirectModeError:     true,
	fetch.CodeRedirectBadLocation:   true,
	fetch.CodeRedirectStreamBody:    true,
	fetch.CodeSchemeNotSupported:    true,
	fetch.CodeInvalidRequest:        true,
	fetch.CodeNoCORSRedirectMode:    true,
	fetch.CodeRedirectSchemeNotHTTP: true,
}

// Classify says what script got from a fetch: allowed (a basic or cors
// response it can read), opaque (an opaque or opaque-redirect response),
// blocked (a network error caused by the CORS protocol: a failed CORS
// check, a failed preflight, a cross-origin request in same-origin mode)
// or network-error (any other network error). A nil result is a
// network-error.
func Classify(res *fetch.Result) string {
	switch {
	case res == nil:
		return scenario.OutcomeNetworkError
	case res.Err != nil:
		if networkCodes[res.Err.Code] {
			return scenario.OutcomeNetworkError
		}
		return scenario.OutcomeBlocked
	case res.Response == nil:
		return scenario.OutcomeNetworkError
	}
	switch res.Response.Type {
	case fetch.TypeOpaque, fetch.TypeOpaqueRedirect:
		return scenario.OutcomeOpaque
	case fetch.TypeError:
		return scenario.OutcomeNetworkError
	}
	return scenario.OutcomeAllowed
}
