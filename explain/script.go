package explain

import (
	"fmt"
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// scriptView says what script sees: the exception or error event, or the
// response and what of it script can read, in the terms of the API that
// made the request (fetch(), XMLHttpRequest, an element).
func scriptView(o *browser.Outcome) []string {
	if o.Response == nil {
		switch {
		case o.Initiator == fetch.InitiatorXHR && o.JSError != "":
			return []string{"send() throws " + o.JSError}
		case o.Initiator == fetch.InitiatorXHR:
			s := "the XMLHttpRequest fires error: status 0, no response headers, no responseText"
			if o.XHR != nil && len(o.XHR.Events) > 0 {
				s += " (events " + strings.Join(o.XHR.Events, ", ") + ")"
			}
			return []string{s}
		case o.Initiator == fetch.InitiatorElement:
			return []string{"the element fires its error event (no exception)"}
		}
		return []string{"the promise rejects with " + o.JSError}
	}
	res := o.Response
	redirected := res.Redirected
	final := ""
	if res.URL != nil {
		final = res.URL.String()
	}
	var head string
	switch o.Initiator {
	case fetch.InitiatorElement:
		return []string{fmt.Sprintf("the element loads the response (type %q, status %d); script reads none of it", res.Type, res.Status)}
	case fetch.InitiatorXHR:
		head = fmt.Sprintf("xhr.status %d", res.Status)
		if redirected {
			head += ", xhr.responseURL " + final
		}
	default:
		head = fmt.Sprintf("response.type %q, status %d", res.Type, res.Status)
		if redirected {
			head += ", redirected to " + final
		}
	}
	return []string{head, "readable headers: " + readable(res.Header)}
}

func readable(l policy.HeaderList) string {
	if len(l) == 0 {
		return "none"
	}
	parts := make([]string, len(l))
	for i, h := range l {
		parts[i] = h.Name + ": " + h.Value
	}
	return strings.Join(parts, "; ")
}
