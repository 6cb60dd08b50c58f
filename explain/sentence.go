package explain

import (
	"fmt"
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
)

// Sentence says in plain words what a trace event means. res gives context
// (URLs, reasons); it may be nil.
func Sentence(ev fetch.Event, res *fetch.Result) string {
	errMsg := ""
	if ev.Err != nil {
		errMsg = ev.Err.Message
	}
	switch ev.Step {
	case fetch.StepRequestValidated:
		if ev.Outcome == fetch.OutcomeSkip {
			return fmt.Sprintf("The Headers guard drops %s: %s.", ev.Detail, trimDot(errMsg))
		}
		return fmt.Sprintf("The body's kind sets Content-Type: %s.", ev.Detail)
	case fetch.StepFetch:
		return fmt.Sprintf("Fetch adds the default header %s.", ev.Detail)
	case fetch.StepMainFetch:
		return fmt.Sprintf("Main fetch starts for %s.", hopURL(res, ev.Hop))
	case fetch.StepSameOrigin:
		switch ev.Outcome {
		case fetch.OutcomeBasic:
			return "The URL is same-origin with the page (or a data: URL or a navigation): no CORS, response tainting basic."
		case fetch.OutcomeOpaque:
			return "Mode no-cors: the request goes out without CORS and script will get an opaque response."
		case fetch.OutcomeCORS:
			return "The URL is cross-origin and the mode is cors: the CORS protocol applies (response tainting cors)."
		}
		return "Main fetch stops: " + trimDot(errMsg) + "."
	case fetch.StepMixedContent:
		switch {
		case ev.Outcome == fetch.OutcomeFail:
			return "Mixed content blocks the request before it is sent: " + trimDot(errMsg) + "."
		case ev.Outcome == fetch.OutcomeWarn:
			return "The http URL is mixed content, let through with a warning because the fetch declares a local network request (targetAddressSpace)."
		case ev.Detail == "upgraded":
			return "The http image is upgradeable mixed content: the browser fetches it over https instead."
		}
		return "Mixed content: the URL may be fetched from this page."
	case fetch.StepLocalNetwork:
		if ev.Outcome == fetch.OutcomeFail {
			return "Local Network Access stops the request before it is sent (the server is in the " + ev.Detail + " address space): " + trimDot(errMsg) + "."
		}
		return "Local Network Access: the server is in the more private " + ev.Detail + " address space and the permission is granted."
	case fetch.StepResponseSize:
		return "The response's header block (" + ev.Detail + " bytes) is larger than this browser reads: " + trimDot(errMsg) + "."
	case fetch.StepResponseHeaderBytes:
		return "The browser's network stack refuses the response: " + trimDot(errMsg) + "."
	case fetch.StepCORP:
		if ev.Outcome == fetch.OutcomeFail {
			return "The cross-origin resource policy check blocks the opaque response: " + trimDot(errMsg) + "."
		}
		return "The cross-origin resource policy check lets the opaque response through."
	case fetch.StepPreflightDecision:
		if ev.Outcome == fetch.OutcomeNone {
			return "The request is simple (safelisted method and headers): no preflight is needed."
		}
		return "The request is not simple, so a CORS-preflight is needed: " + reasonText(res, ev.Hop) + "."
	case fetch.StepCacheLookup:
		switch ev.Outcome {
		case fetch.OutcomeHit:
			return "The preflight cache has live entries for the method and every header: no preflight is sent."
		case fetch.OutcomeMiss:
			return "The preflight cache does not cover the request" + missingText(res, ev.Hop) + "."
		}
		return "The preflight cache is not consulted (" + ev.Detail + ")."
	case fetch.StepPreflightSent:
		return fmt.Sprintf("The browser sends a preflight: OPTIONS %s asking for %s.", hopURL(res, ev.Hop), ev.Detail)
	case fetch.StepPreflightChecked:
		if ev.Outcome == fetch.OutcomeOK {
			return "The preflight response passes: CORS check, ok status, method and headers allowed."
		}
		return "The preflight response fails: " + trimDot(errMsg) + "."
	case fetch.StepCacheStore:
		if ev.Outcome == fetch.OutcomeStored {
			return "The preflight result is stored in the cache for " + ev.Detail + "."
		}
		return "The preflight result is not cached (" + ev.Detail + ")."
	case fetch.StepCacheCleared:
		return "After the failure, the cache entries for " + ev.Detail + " are cleared."
	case fetch.StepOriginHeader:
		if ev.Outcome == fetch.OutcomeNone {
			return "No Origin header is sent."
		}
		return "The request carries Origin: " + ev.Detail + "."
	case fetch.StepActualSent:
		return fmt.Sprintf("The browser sends the request itself to %s.", hopURL(res, ev.Hop))
	case fetch.StepCORSCheck:
		if ev.Outcome == fetch.OutcomeOK {
			return "The response passes the CORS check (Access-Control-Allow-Origin, and -Credentials when needed)."
		}
		return "The response fails the CORS check: " + trimDot(errMsg) + "."
	case fetch.StepRedirect:
		if ev.Outcome == fetch.OutcomeOK {
			// Detail is the status; the hop after this one is the Location
			// the browser follows.
			to := "its Location"
			if res != nil && ev.Hop+1 < len(res.URLList) && res.URLList[ev.Hop+1] != nil {
				to = res.URLList[ev.Hop+1].String()
			}
			return fmt.Sprintf("The response is a %s redirect to %s; the browser follows it.", ev.Detail, to)
		}
		if errMsg == "" {
			return "The response is a redirect, which is not followed (" + ev.Detail + ")."
		}
		return "The redirect is refused: " + trimDot(errMsg) + "."
	case fetch.StepTaint:
		return "The redirect crossed origins: the request is now redirect-tainted, so its origin serializes as null."
	case fetch.StepFiltered:
		return "Script gets a " + ev.Outcome + " filtered response."
	case fetch.StepNetworkError:
		return "The fetch ends in a network error: " + trimDot(errMsg) + "."
	case browser.StepURLCredentialsStripped:
		return "XMLHttpRequest open() takes the URL " + ev.Detail + " with its credentials; the request goes out without them, and with no Authorization header made from them."
	case fetch.StepWarning:
		if errMsg != "" {
			return "Warning: " + trimDot(errMsg) + "."
		}
		return "Warning: " + ev.Detail + "."
	}
	s := string(ev.Step) + " " + ev.Outcome
	if ev.Detail != "" {
		s += ": " + ev.Detail
	}
	if errMsg != "" {
		s += " (" + errMsg + ")"
	}
	return s
}

func trimDot(s string) string { return strings.TrimSuffix(s, ".") }

func hopURL(res *fetch.Result, hop int) string {
	if res != nil && hop >= 0 && hop < len(res.URLList) && res.URLList[hop] != nil {
		return res.URLList[hop].String()
	}
	if res != nil && res.Request != nil && res.Request.URL() != nil {
		return res.Request.URL().String()
	}
	return "the URL"
}

func preflightFor(res *fetch.Result, hop int) *fetch.PreflightReport {
	if res == nil {
		return nil
	}
	for i := range res.Preflights {
		if res.Preflights[i].Hop == hop {
			return &res.Preflights[i]
		}
	}
	return nil
}

func reasonText(res *fetch.Result, hop int) string {
	p := preflightFor(res, hop)
	if p == nil || len(p.Reasons) == 0 {
		return "the request is not a simple one"
	}
	parts := make([]string, len(p.Reasons))
	for i, r := range p.Reasons {
		parts[i] = trimDot(r.Message)
	}
	return strings.Join(parts, "; ")
}

func missingText(res *fetch.Result, hop int) string {
	p := preflightFor(res, hop)
	if p == nil || len(p.Missing) == 0 {
		return ""
	}
	return " (no live entry for " + strings.Join(p.Missing, ", ") + ")"
}
