package report

import (
	"fmt"
	"strings"

	"github.com/corsim/corsim/sim"
)

// Verdict says in one line what script got.
func Verdict(fs *sim.FetchStep) string {
	switch fs.Outcome {
	case "allowed", "opaque":
		if fs.Result != nil && fs.Result.Response != nil {
			r := fs.Result.Response
			if fs.Outcome == "opaque" {
				return fmt.Sprintf("opaque: script gets a %s response (status 0, no headers, no body).", r.Type)
			}
			return fmt.Sprintf("allowed: script reads a %s response with status %d.", r.Type, r.Status)
		}
	}
	err := fs.Err()
	if err == nil {
		return fs.Outcome + "."
	}
	where := ""
	if fs.RequestErr != nil {
		where = " before anything was sent"
	} else if fs.Result != nil && fs.Result.FailedInPreflight {
		where = " in the preflight"
	}
	reached := ""
	if fs.Result != nil && fs.Result.ReachedServer {
		reached = " The request did reach the server: its side effects happened."
	}
	return fmt.Sprintf("%s%s (%s): %s.%s", fs.Outcome, where, err.Code, trimDot(err.Message), reached)
}

func trimDot(s string) string { return strings.TrimSuffix(s, ".") }
