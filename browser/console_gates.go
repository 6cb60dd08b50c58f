package browser

import (
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Console lines of the gates beside CORS (fetch/gates.go): mixed content,
// Local Network Access, the response header size limit, CORP. Chromium's
// were observed here (harness, docs/gates-and-cookies.md) unless marked;
// Firefox's and WebKit's are read from their sources and marked inferred.

// chromiumGate renders a gate's network error in Chromium's words; ok is
// false for a code that is not a gate's.
func chromiumGate(c *blockContext) (msgs []ConsoleMessage, ok bool) {
	cors := func(id, detail string) []ConsoleMessage {
		kind := "fetch"
		if c.initiator == fetch.InitiatorXHR {
			kind = "XMLHttpRequest"
		}
		return []ConsoleMessage{
			{Level: LevelError, Source: "javascript", ID: id,
				Text: "Access to " + kind + " at '" + c.url + "' from origin '" + c.origin + "' has been blocked by CORS policy: " + detail},
			chromiumNet("ERR_FAILED"),
		}
	}
	switch c.code {
	case policy.CodeMixedContentBlocked:
		// Harness: one line of source security, an Audits MixedContentIssue;
		// an XMLHttpRequest is "an insecure XMLHttpRequest endpoint"
		// (conformance suite, scenarios/mixed-content-xhr).
		what := "resource"
		if c.initiator == fetch.InitiatorXHR {
			what = "XMLHttpRequest endpoint"
		}
		return []ConsoleMessage{{Level: LevelError, Source: "security",
			Text: "Mixed Content: The page at '" + c.pageURL + "' was loaded over HTTPS, but requested an insecure " + what + " '" + c.url + "'. This request has been blocked; the content must be served over HTTPS."}}, true
	case policy.CodeLocalNetworkInsecureContext:
		return cors("InsecureLocalNetwork", "The request client is not a secure context and the resource is in more-private address space `"+c.space+"`."), true
	case policy.CodeLocalNetworkPermissionDenied, policy.CodeLocalNetworkPermissionUnanswered:
		return cors("LocalNetworkAccessPermissionDenied", "Permission was denied for this request to access the `"+c.space+"` address space."), true
	case policy.CodeLocalNetworkTargetMismatch:
		target := ""
		if c.req != nil {
			target = string(c.req.TargetAddressSpace)
		}
		return cors("InvalidLocalNetworkAccess", "Request had a target IP address space of `"+target+"` yet the resource is in address space `"+c.space+"`."), true
	case fetch.CodeResponseHeadersTooBig:
		// net_error_list.h RESPONSE_HEADERS_TOO_BIG [I: not observed].
		return []ConsoleMessage{chromiumNet("ERR_RESPONSE_HEADERS_TOO_BIG")}, true
	case fetch.CodeResponseHeaderByte:
		// Chromium keeps such a value (observed); a profile that refuses
		// it gets Chromium's line for an invalid response [I].
		return []ConsoleMessage{chromiumNet("ERR_INVALID_HTTP_RESPONSE")}, true
	case policy.CodeCORPSameOrigin:
		return []ConsoleMessage{chromiumNet("ERR_BLOCKED_BY_RESPONSE.NotSameOrigin")}, true
	case policy.CodeCORPSameSite:
		return []ConsoleMessage{chromiumNet("ERR_BLOCKED_BY_RESPONSE.NotSameSite")}, true
	}
	return nil, false
}

// chromiumMixedWarning is the warning Chromium 156 printed for mixed
// content it let through as a declared local network request (harness).
func chromiumMixedWarning(page, url string) ConsoleMessage {
	return ConsoleMessage{Level: LevelWarning, Source: "security",
		Text: "Mixed Content: The page at '" + page + "' was loaded over HTTPS, but requested an insecure resource '" + url + "'. This content should also be served over HTTPS."}
}

// firefoxGate: nsMixedContentBlocker::LogMixedContentMessage with the
// security.properties key BlockMixedActiveContent, category "Mixed Content
// Blocker", and CORPBlocked (category COEP), both observed in 153.8.0esr.
// Local Network Access failed with only the TypeError in 153.8.0esr
// (observed; its console was not captured); for an oversized header block
// corsim knows no line.
func firefoxGate(c *blockContext) (msgs []ConsoleMessage, ok bool) {
	switch fetch.GateOf(c.err) {
	case fetch.GateMixedContent:
		// Observed in 153.8.0esr (conformance suite).
		out := []ConsoleMessage{{Level: LevelError, Source: "Mixed Content Blocker",
			Text: "Blocked loading mixed active content “" + c.url + "”"}}
		if c.redirected && c.tainting == fetch.TaintingCORS {
			// The blocked redirect cancels the CORS channel, which
			// reports on the URL it was opened for (observed:
			// scenarios/mixed-content-redirect-to-http).
			first := *c
			first.url = c.initialURL
			out = append(out, firefoxLine(&first, "CORSDidNotSucceed2", "CORSDidNotSucceed", "(Reason: CORS request did not succeed). Status code: (null).")...)
		}
		return out, true
	case fetch.GateCORP:
		// security.properties CORPBlocked, category COEP; observed in
		// 153.8.0esr (conformance suite).
		return []ConsoleMessage{{Level: LevelError, Source: "COEP",
			Text: "The resource at “" + c.url + "” was blocked due to its Cross-Origin-Resource-Policy header (or lack thereof). See https://developer.mozilla.org/docs/Web/HTTP/Cross-Origin_Resource_Policy_(CORP)#"}}, true
	case fetch.GateLocalNetwork, fetch.GateResponseSize, fetch.GateResponseHeaders:
		return nil, true
	}
	return nil, false
}

// webkitGate: MixedContentChecker.cpp logs "[blocked] The page at … requested
// insecure content from …. This content was blocked and must be served over
// HTTPS." (security, warning), then the loader's "Not allowed to request
// resource" (security, error) and "Fetch API cannot load … due to access
// control checks."; on a redirect hop only the first and the last, and the
// last names the URL the fetch was made for. CORP: "Cancelled load to …
// because it violates the resource's Cross-Origin-Resource-Policy response
// header." (security), then the same last line. All observed in WebKitGTK
// 2.50 (conformance suite: scenarios/mixed-content-*, corp-*).
func webkitGate(c *blockContext) (msgs []ConsoleMessage, ok bool) {
	api := "Fetch API cannot load "
	if c.initiator == fetch.InitiatorXHR {
		api = "XMLHttpRequest cannot load "
	}
	switch fetch.GateOf(c.err) {
	case fetch.GateMixedContent:
		warn := ConsoleMessage{Level: LevelWarning, Source: "security", Text: "[blocked] The page at " + c.pageURL + " requested insecure content from " + c.url + ". This content was blocked and must be served over HTTPS."}
		if c.redirected {
			return []ConsoleMessage{warn,
				{Level: LevelError, Source: "javascript", Text: api + c.initialURL + " due to access control checks."},
			}, true
		}
		return []ConsoleMessage{warn,
			{Level: LevelError, Source: "security", Text: "Not allowed to request resource"},
			{Level: LevelError, Source: "javascript", Text: api + c.url + " due to access control checks."},
		}, true
	case fetch.GateResponseSize, fetch.GateResponseHeaders:
		// Observed in WebKitGTK 2.50: no console line (a failure of the
		// network stack goes to Web Inspector only).
		return nil, true
	case fetch.GateCORP:
		return []ConsoleMessage{
			{Level: LevelError, Source: "security", Text: "Cancelled load to " + c.url + " because it violates the resource's Cross-Origin-Resource-Policy response header."},
			{Level: LevelError, Source: "javascript", Text: api + c.url + " due to access control checks."},
		}, true
	}
	return nil, false
}

// mixedWarnings are the console warnings for mixed content a browser let
// through (a trace event StepMixedContent with outcome warn), Chromium only.
func mixedWarnings(p *Page, res *fetch.Result) []ConsoleMessage {
	if family(p.b.fetcher.Profile.Name) != NameChromium {
		return nil
	}
	var out []ConsoleMessage
	for _, e := range res.Trace {
		if e.Step == fetch.StepMixedContent && e.Outcome == fetch.OutcomeWarn {
			out = append(out, chromiumMixedWarning(p.client.Origin.String()+"/", e.Detail))
		}
	}
	return out
}

// lastSpace is the address space the last Local Network Access check saw.
func lastSpace(res *fetch.Result) string {
	for i := len(res.Trace) - 1; i >= 0; i-- {
		if res.Trace[i].Step == fetch.StepLocalNetwork {
			return res.Trace[i].Detail
		}
	}
	return ""
}
