package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// The CORS response headers a fix sends.
const (
	hACAO = "Access-Control-Allow-Origin"
	hACAC = "Access-Control-Allow-Credentials"
	hACAM = "Access-Control-Allow-Methods"
	hACAH = "Access-Control-Allow-Headers"
)

// Anchors of the rules a change satisfies.
const (
	specACAO     = "https://fetch.spec.whatwg.org/#http-access-control-allow-origin"
	specACAC     = "https://fetch.spec.whatwg.org/#http-access-control-allow-credentials"
	specACAM     = "https://fetch.spec.whatwg.org/#http-access-control-allow-methods"
	specACAH     = "https://fetch.spec.whatwg.org/#http-access-control-allow-headers"
	specOKStatus = "https://fetch.spec.whatwg.org/#ok-status"
	specPreflt   = "https://fetch.spec.whatwg.org/#cors-preflight-fetch-0"
	specSafeMeth = "https://fetch.spec.whatwg.org/#cors-safelisted-method"
	specSafeHdr  = "https://fetch.spec.whatwg.org/#cors-safelisted-request-header"
	specCredMode = "https://fetch.spec.whatwg.org/#concept-request-credentials-mode"
	specMode     = "https://fetch.spec.whatwg.org/#concept-request-mode"
	specRedirect = "https://fetch.spec.whatwg.org/#concept-request-redirect-mode"
	specUpload   = "https://fetch.spec.whatwg.org/#use-cors-preflight-flag"
	// new Request() step 5.3: a URL that includes credentials throws.
	specRequestURL = "https://fetch.spec.whatwg.org/#dom-request"
)

var headerSpec = map[string]string{hACAO: specACAO, hACAC: specACAC, hACAM: specACAM, hACAH: specACAH, hCORP: specCORP}

// headerRank orders the headers of one answer as a reader checks them.
var headerRank = map[string]int{hACAO: 0, hACAC: 1, hACAM: 2, hACAH: 3}

// hCORP is the Cross-Origin-Resource-Policy response header.
const hCORP = "Cross-Origin-Resource-Policy"

// changes lists r's changes: the page's first, then each answer's status
// and headers, preflights before responses, skipping headers the server
// already sent with the needed value.
func (r *remedy) changes() []Change {
	out := pageChanges(r.page)
	order := slices.Clone(r.order)
	slices.SortStableFunc(order, func(a, b target) int {
		switch {
		case a.preflight == b.preflight:
			return 0
		case a.preflight:
			return -1
		}
		return 1
	})
	for _, t := range order {
		e := r.edits[t]
		sent := r.sent[t]
		answer := AnswerResponse
		if t.preflight {
			answer = AnswerPreflight
		}
		if e.status != 0 && (sent == nil || sent.Status != e.status) {
			c := Change{Side: SideServer, Response: answer, URL: t.url, Status: e.status}
			if sent != nil {
				c.SentStatus = sent.Status
			}
			c.Text, c.Spec = statusText(c, e.statusCode)
			out = append(out, c)
		}
		hs := slices.Clone(e.headers)
		slices.SortStableFunc(hs, func(a, b setHeader) int { return headerRank[a.name] - headerRank[b.name] })
		for _, h := range hs {
			c := Change{Side: SideServer, Response: answer, URL: t.url, Header: h.name, Need: h.value}
			if sent != nil {
				c.Sent, c.WasSent = sentHeader(sent.Header, h.name)
			}
			if c.WasSent && c.Sent == c.Need {
				continue
			}
			c.Text, c.Spec = headerText(c, h.code), headerSpec[h.name]
			out = append(out, c)
		}
	}
	return out
}

// answerName is how a change names the answer it is for.
func answerName(c Change) string {
	if c.Response == AnswerPreflight {
		return "the preflight (OPTIONS) response for " + c.URL
	}
	return "the response for " + c.URL
}

func statusText(c Change, code policy.Code) (string, string) {
	if code == fetch.CodePreflightRedirect || (c.SentStatus >= 300 && c.SentStatus < 400) {
		return fmt.Sprintf("answer the preflight (OPTIONS) for %s itself with a 2xx status, e.g. %d, instead of redirecting it (it got %d): a preflight is never redirected", c.URL, c.Status, c.SentStatus), specPreflt
	}
	return fmt.Sprintf("answer the preflight (OPTIONS) with a 2xx status before authentication or routing rejects it: %d instead of %d for %s (a preflight carries no cookies and no Authorization)", c.Status, c.SentStatus, c.URL), specOKStatus
}

func headerText(c Change, code policy.Code) string {
	sent := "it sent none"
	if c.WasSent {
		sent = "it sent " + c.Sent
	}
	s := fmt.Sprintf("send %s: %s on %s (%s", c.Header, c.Need, answerName(c), sent)
	switch {
	case c.Header == hACAO && c.Need == "null":
		s += "; the redirect crossed origins, so the request's Origin is null"
	case code == policy.CodeWildcardOriginWithCredentials && c.Header == hACAO:
		s += "; with credentials * is not enough: echo the origin, and send Vary: Origin"
	case code == policy.CodeAllowOriginMismatch:
		s += "; one origin, byte for byte: scheme, host, port, no trailing slash"
	case code == policy.CodeWildcardMethodWithCredentials || code == policy.CodeWildcardHeaderWithCredentials:
		s += "; with credentials * is the literal name \"*\", so list each by name"
	case code == policy.CodeAuthorizationNotAllowed:
		s += "; * does not cover Authorization: list it by name"
	case code == fetch.CodeInvalidAllowMethods || code == fetch.CodeInvalidAllowHeaders:
		s += ", which is not a comma-separated list of tokens"
	case c.Header == hACAM && caseOnly(c.Sent, c.Need):
		s += "; methods are case-sensitive"
	}
	return s + ")"
}

// pageChanges says the page's changes.
func pageChanges(p pageEdit) []Change {
	var out []Change
	add := func(c Change) { c.Side = SidePage; out = append(out, c) }
	if p.omitCredentials {
		add(Change{Field: FieldCredentials, Need: string(fetch.CredentialsSameOrigin), Spec: specCredMode,
			Text: "send the request without credentials, if it does not need the user's cookies (fetch: credentials 'same-origin' or 'omit'; XMLHttpRequest: withCredentials false)"})
	}
	for _, n := range p.drop {
		add(Change{Field: FieldHeader, Header: n, Spec: specSafeHdr, Text: fmt.Sprintf("leave out the %s header, so that the request needs no preflight", n)})
	}
	if p.textPlain {
		add(Change{Field: FieldHeader, Header: "Content-Type", Need: "text/plain", Spec: specSafeHdr,
			Text: "send Content-Type text/plain (or application/x-www-form-urlencoded, multipart/form-data), so that the request needs no preflight"})
	}
	if p.noUpload {
		add(Change{Field: FieldUpload, Need: "none", Spec: specUpload, Text: "register no listener on xhr.upload, which forces a preflight"})
	}
	switch p.modeCORS {
	case fetch.ModeSameOrigin:
		add(Change{Field: FieldMode, Need: string(fetch.ModeCORS), Spec: specMode, Text: "use mode 'cors' (the default): mode 'same-origin' never goes to another origin"})
	case fetch.ModeNoCORS:
		add(Change{Field: FieldMode, Need: string(fetch.ModeCORS), Spec: specMode, Text: "use mode 'cors' (the default): mode 'no-cors' allows only GET, HEAD and POST"})
	}
	if p.url != "" {
		add(Change{Field: FieldURL, Need: p.url, Spec: specRequestURL,
			Text: "take the user name and password out of the URL (request " + p.url + "); send credentials in an Authorization header or a cookie instead"})
	}
	if p.follow {
		add(Change{Field: FieldRedirect, Need: string(fetch.RedirectFollow), Spec: specRedirect, Text: "use redirect 'follow' (the default): redirect 'error' turns any redirect into a network error"})
	}
	if p.https != "" {
		add(Change{Field: FieldURL, Need: p.https, Spec: specMixedContent,
			Text: "serve the API over https and request " + p.https + ": an https page may not fetch an http URL (mixed content)"})
	}
	if p.targetSpace != "" {
		add(Change{Field: FieldTargetAddressSpace, Need: string(p.targetSpace), Spec: specTargetSpace,
			Text: "pass targetAddressSpace: '" + string(p.targetSpace) + "' to fetch(), which says the server is on the " + string(p.targetSpace) + " network (Chromium)"})
	}
	if p.grant {
		add(Change{Field: FieldPermission, Need: string(policy.PermissionGranted), Spec: specLNAPermission,
			Text: "the user grants the page the local network access permission when the browser asks (a headless browser denies it, or never answers)"})
	}
	return out
}

// Spec anchors of the gates' fixes.
const (
	specMixedContent  = "https://w3c.github.io/webappsec-mixed-content/#should-block-fetch"
	specTargetSpace   = "https://wicg.github.io/local-network-access/#fetch-api"
	specLNAPermission = "https://wicg.github.io/local-network-access/#permissions"
	specCORP          = "https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header"
)

// What a page change sets (Change.Field).
const (
	FieldCredentials = "credentials"
	FieldHeader      = "header"
	FieldUpload      = "upload"
	FieldMode        = "mode"
	FieldRedirect    = "redirect"
	FieldURL         = "url"
	// FieldTargetAddressSpace sets fetch()'s targetAddressSpace to Need.
	FieldTargetAddressSpace = "targetAddressSpace"
	// FieldPermission is the user's answer to the local network access
	// prompt (Need: granted); nothing the page's code can set.
	FieldPermission = "permission"
)

// notes teaches what would change an outcome that is not a failure: what
// made an allowed request preflighted, why a response is opaque.
func notes(s *Subject) []Note {
	o := s.Outcome
	if o == nil || o.Result == nil || o.Result.Err != nil {
		return nil
	}
	res := o.Result
	var out []Note
	for _, r := range firstHopReasons(res) {
		switch r.Code {
		case fetch.CodeMethodNotSafelisted:
			out = append(out, Note{fmt.Sprintf("no preflight would be needed with GET, HEAD or POST instead of %s", r.Subject), specSafeMeth})
		case policy.CodeContentTypeNotSafelisted:
			out = append(out, Note{"no preflight would be needed for this header with Content-Type text/plain, application/x-www-form-urlencoded or multipart/form-data", specSafeHdr})
		case fetch.CodePreflightForced:
		default:
			if r.Subject != "" {
				out = append(out, Note{fmt.Sprintf("no preflight would be needed without the %s header (%s)", r.Subject, strings.TrimSuffix(r.Message, ".")), specSafeHdr})
			}
		}
	}
	if res.Response != nil && res.Response.Type == fetch.TypeOpaque {
		out = append(out, Note{"the response is opaque because the mode is no-cors: use mode 'cors' and have the server allow the origin to read it", specMode})
	}
	return out
}

// caseOnly reports whether need lists a method that sent has only in
// another case.
func caseOnly(sent, need string) bool {
	have := splitList(sent)
	for _, n := range splitList(need) {
		if !slices.Contains(have, n) && hasToken(sent, n) {
			return true
		}
	}
	return false
}

// firstHopReasons are the reasons the script's own request (the first
// hop) needed a preflight.
func firstHopReasons(res *fetch.Result) []*policy.Failure {
	var out []*policy.Failure
	for _, p := range res.Preflights {
		if p.Hop == 0 {
			out = append(out, p.Reasons...)
		}
	}
	return out
}
