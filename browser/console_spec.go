package browser

import (
	"github.com/corsim/corsim/fetch"
)

// The spec profile's console is corsim's own: the standard prescribes no
// message, only a network error that rejects fetch() with a TypeError. One
// line names the failure code, says what failed and cites the spec step.
//
// A response with an error status is still a response: the standard
// logs nothing.
var specDialect = dialect{
	typeError:      "TypeError: network error",
	abortError:     "AbortError: the fetch was aborted",
	render:         specConsole,
	warn:           specWarn,
	respond:        nil,
	constructError: genericConstructError,
}

func specConsole(c *blockContext) []ConsoleMessage {
	if c.code == fetch.CodeAborted {
		return nil
	}
	stage := ""
	if c.preflight {
		stage = "CORS-preflight: "
	}
	text := "network error fetching " + c.url + ": " + stage + c.err.Message
	if c.err.Spec != "" {
		text += " (" + c.err.Spec + ")"
	}
	return []ConsoleMessage{{Level: LevelError, Source: "corsim", Text: text, ID: string(c.code)}}
}

func specWarn(p *Page, res *fetch.Result) ([]ConsoleMessage, []Issue) {
	var out []ConsoleMessage
	for _, e := range res.Trace {
		if e.Step == fetch.StepWarning {
			out = append(out, ConsoleMessage{Level: LevelWarning, Source: "corsim", Text: hopURL(res, e.Hop) + ": " + e.Detail, ID: "warning"})
		}
	}
	return out, nil
}
