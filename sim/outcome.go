package sim

import (
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
)

// Classify says what script got from a fetch: allowed (a basic or cors
// response it can read), opaque (an opaque or opaque-redirect response),
// blocked (a network error caused by the CORS protocol: a failed CORS
// check, a failed preflight, a cross-origin request in same-origin mode)
// or network-error (any other network error). A nil result is a
// network-error. It is explain.Classify, whose verdicts the scenario
// outcomes (scenario.Outcome…) spell the same way.
func Classify(res *fetch.Result) string { return explain.Classify(res) }
