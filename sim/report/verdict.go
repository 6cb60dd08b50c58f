package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/sim"
)

// Verdict says in one line what script got, from the fetch's explanation.
func Verdict(fs *sim.FetchStep) string {
	x := fs.Explain(context.Background()).Runs[0]
	switch c := x.Decided; {
	case c != nil:
		s := fmt.Sprintf("%s: %s.", x.Headline(), trimDot(c.Message))
		if x.ReachedServer {
			s += " The request did reach the server: its side effects happened."
		}
		return s
	case x.Verdict == explain.Opaque:
		return fmt.Sprintf("opaque: script gets a %s response (status 0, no headers, no body).", x.Type)
	case x.Verdict == explain.Allowed:
		return fmt.Sprintf("allowed: script reads a %s response with status %d.", x.Type, x.Status)
	}
	return x.Verdict + "."
}

func trimDot(s string) string { return strings.TrimSuffix(s, ".") }
