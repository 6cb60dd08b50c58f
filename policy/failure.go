package policy

// Code is a stable, machine-readable name for why a rule failed. Codes are
// part of corsim's contract (JSON reports, scenario assertions): once
// published, a code keeps its meaning. Messages may change; codes do not.
type Code string

// Failure explains why a request, header or response does not satisfy a
// rule. It is the error type of every fallible decision in corsim (package
// fetch reuses it for its own steps), so callers can use errors.As to get at
// the code.
type Failure struct {
	// Code names the failed rule.
	Code Code
	// Spec is the URL of the spec step that failed, with its anchor.
	Spec string
	// Subject is the offending input as received (a header name, a value, a
	// method, an Access-Control-Allow-Origin value), or "" when none applies.
	Subject string
	// Message says in a sentence, for people, what failed and why.
	Message string
}

// Error returns the message for people.
func (f *Failure) Error() string { return f.Message }
