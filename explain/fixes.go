package explain

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Fix is one way to make the request work: a complete set of changes,
// all needed together.
type Fix struct {
	// Changes are the changes, page first, then the server's answers in
	// the order the browser meets them (preflight before response).
	Changes []Change
	// Browsers are the browsers in which the fix makes the request work.
	Browsers []string
	// Confirmed reports that corsim ran the request again with every
	// change applied and script got the response in each of Browsers.
	// False only when the re-run stopped at a request whose answer corsim
	// does not have (ErrNotRecorded: a live server is not asked again, a
	// HAR lacks the response): the changes are then what is known to be
	// needed, not known to be enough.
	Confirmed bool
}

// Scope says where the fix works, for people: "confirmed in chromium,
// webkit", or for a fix corsim could not re-run "not confirmed: …". name,
// when not nil, spells each browser's name.
func (f *Fix) Scope(name func(string) string) string {
	names := make([]string, len(f.Browsers))
	for i, b := range f.Browsers {
		names[i] = b
		if name != nil {
			names[i] = name(b)
		}
	}
	if !f.Confirmed {
		return "not confirmed: the re-run needs an answer corsim does not have, from a live server it does not ask again or a recording that lacks it (derived for " + strings.Join(names, ", ") + ")"
	}
	return "confirmed in " + strings.Join(names, ", ")
}

// Change is one change of a fix: on the page's request, or on one answer
// of the server.
type Change struct {
	// Side is "page" or "server".
	Side string
	// Response names the server's answer: "preflight" or "response"
	// ("" for a page change).
	Response string
	// URL is the URL of the request the answer is for.
	URL string
	// Header is the response header to send ("" for a status change or a
	// page change); Need is its value, Sent the value the server sent
	// (several lines joined with ", ") and WasSent whether it sent one.
	Header  string
	Need    string
	Sent    string
	WasSent bool
	// Field is what a page change sets: "credentials", "mode", "redirect"
	// or "upload" (to Need), or "header" (Header to Need, or left out when
	// Need is "").
	Field string
	// Status is the status to answer with instead of SentStatus (0 when
	// the status stays).
	Status     int
	SentStatus int
	// Text says the change for people; Spec is the anchor of the rule it
	// satisfies.
	Text string
	Spec string
}

// Sides of a change.
const (
	SidePage   = "page"
	SideServer = "server"
)

// Answers a server change is for.
const (
	AnswerPreflight = "preflight"
	AnswerResponse  = "response"
)

// maxRounds bounds the repairs of one search: each round fixes the check
// that failed and runs the request again.
const maxRounds = 12

// findFixes computes the fixes for the subjects: a fix on the server
// alone first, then the page's alternatives (each with what the server
// still needs), each confirmed in every browser.
func findFixes(ctx context.Context, subjects []Subject) []*Fix {
	failing := false
	for i := range subjects {
		if subjects[i].Outcome != nil && !passes(&subjects[i], subjects[i].Outcome) {
			failing = true
		}
	}
	if !failing {
		return nil
	}
	var out []*Fix
	seenCodes := map[policy.Code]bool{}
	for i := range subjects {
		if f := failureOf(subjects[i].Outcome); f != nil {
			seenCodes[f.Code] = true
		}
	}
	try := func(p pageEdit) {
		var found, stalled []*remedy
		var stalledIn []string
		for i := range subjects {
			r, codes, ok := search(ctx, &subjects[i], newRemedy(p))
			for _, c := range codes {
				seenCodes[c] = true
			}
			switch {
			case ok:
				found = append(found, r)
			case r.stalled:
				stalled = append(stalled, r)
				stalledIn = append(stalledIn, subjects[i].Profile.Name)
			}
		}
		cands := []*remedy{}
		if len(found) > 0 {
			cands = append(cands, merge(p, found))
			cands = append(cands, found...)
		}
		for _, r := range cands {
			f := confirm(ctx, subjects, r)
			if f != nil && len(f.Changes) > 0 && !covered(out, f) {
				out = append(out, f)
			}
		}
		if len(stalled) > 0 {
			// Needed, as far as the recorded answers go; not known to
			// be enough.
			f := &Fix{Changes: merge(p, stalled).changes(), Browsers: stalledIn}
			if len(f.Changes) > 0 && !covered(out, f) {
				out = append(out, f)
			}
		}
	}
	try(pageEdit{})
	for _, p := range pageAlternatives(subjects, seenCodes) {
		try(p)
	}
	return out
}

// covered reports whether f adds nothing to fixes: an earlier fix with the
// same changes works in every browser f works in.
func covered(fixes []*Fix, f *Fix) bool {
	for _, g := range fixes {
		if slices.Equal(changeKeys(g.Changes), changeKeys(f.Changes)) {
			for _, b := range f.Browsers {
				if !slices.Contains(g.Browsers, b) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// changeKeys names each change by what it sets (not by its words, which
// vary with the failure that asked for it).
func changeKeys(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s|%s|%s|%s|%s|%s|%d", c.Side, c.Field, c.Response, c.URL, c.Header, c.Need, c.Status)
	}
	return out
}

// confirm runs the request again with r in each browser and returns the
// fix with the browsers where it passed; nil when it passed nowhere.
func confirm(ctx context.Context, subjects []Subject, r *remedy) *Fix {
	f := &Fix{Confirmed: true}
	for i := range subjects {
		s := &subjects[i]
		probe := r.clone()
		if passes(s, rerun(ctx, s, probe)) {
			f.Browsers = append(f.Browsers, s.Profile.Name)
		}
	}
	if len(f.Browsers) == 0 {
		return nil
	}
	f.Changes = r.changes()
	return f
}

// search repairs, one failed check at a time, what stops the request in
// one browser, starting from r. It returns the remedy, the failure codes
// met on the way and whether the request then passes.
func search(ctx context.Context, s *Subject, r *remedy) (*remedy, []policy.Code, bool) {
	var codes []policy.Code
	for range maxRounds {
		o := rerun(ctx, s, r)
		if passes(s, o) {
			return r, codes, true
		}
		if notRecorded(o) {
			r.stalled = true
			return r, codes, false
		}
		if o.RequestErr != nil || o.Result == nil || o.Result.Err == nil {
			return r, codes, false
		}
		codes = append(codes, o.Result.Err.Code)
		if !r.repair(o.Result) {
			return r, codes, false
		}
	}
	return r, codes, false
}

// failureOf is why the outcome is not a response: the request that could
// not be built, or the network error; nil otherwise.
func failureOf(o *browser.Outcome) *policy.Failure {
	switch {
	case o == nil:
		return nil
	case o.RequestErr != nil:
		return o.RequestErr
	case o.Result != nil:
		return o.Result.Err
	}
	return nil
}

// failedExchange is the exchange whose answer failed the check: the last
// preflight for a preflight failure, else the last response to the
// request itself.
func failedExchange(res *fetch.Result) *fetch.Exchange {
	for i := len(res.Wire) - 1; i >= 0; i-- {
		if x := &res.Wire[i]; x.Preflight == res.FailedInPreflight && x.Response != nil && x.Request != nil && x.Request.URL != nil {
			return x
		}
	}
	return nil
}

// repair changes the answer that failed res's check so that the check
// passes, and reports whether it could.
func (r *remedy) repair(res *fetch.Result) bool {
	x := failedExchange(res)
	if x == nil || res.Request == nil {
		return false
	}
	t := target{x.Preflight, x.Request.URL.String()}
	creds := res.Request.Credentials == fetch.CredentialsInclude
	origin, _ := x.Request.Header.Get("Origin")
	code := res.Err.Code
	switch code {
	case policy.CodeMissingAllowOrigin, policy.CodeAllowOriginMismatch, policy.CodeWildcardOriginWithCredentials:
		changed := r.set(t, hACAO, origin, code)
		if creds {
			changed = r.set(t, hACAC, "true", code) || changed
		}
		return changed
	case policy.CodeAllowCredentialsNotTrue:
		return r.set(t, hACAC, "true", code)
	case fetch.CodePreflightStatusNotOK, fetch.CodePreflightRedirect:
		return r.setStatus(t, 204, code)
	case policy.CodeMethodNotAllowed, policy.CodeWildcardMethodWithCredentials, fetch.CodeInvalidAllowMethods:
		have, _ := sentHeader(x.Response.Header, hACAM)
		if code == fetch.CodeInvalidAllowMethods {
			have = ""
		}
		return r.set(t, hACAM, ListValue(have, []string{res.Request.Method}, creds, true), code)
	case policy.CodeHeaderNotAllowed, policy.CodeWildcardHeaderWithCredentials, policy.CodeAuthorizationNotAllowed, fetch.CodeInvalidAllowHeaders:
		have, _ := sentHeader(x.Response.Header, hACAH)
		if code == fetch.CodeInvalidAllowHeaders {
			have = ""
		}
		acrh, _ := x.Request.Header.Get("Access-Control-Request-Headers")
		v := ListValue(have, splitList(acrh), creds, false)
		if code == policy.CodeAuthorizationNotAllowed && !hasToken(v, "authorization") {
			v = joinTokens(v, "Authorization")
		}
		return r.set(t, hACAH, v, code)
	case policy.CodeCORPSameOrigin, policy.CodeCORPSameSite:
		// The resource owner allows other sites to embed it.
		return r.set(t, hCORP, "cross-origin", code)
	}
	return false
}

// pageAlternatives are the changes to the page's request worth trying,
// given the failure codes met: without credentials, without the headers
// that made it preflighted, in mode cors, following redirects.
func pageAlternatives(subjects []Subject, codes map[policy.Code]bool) []pageEdit {
	var out []pageEdit
	s := &subjects[0]
	init := s.Init
	if init.Credentials == fetch.CredentialsInclude && (codes[policy.CodeWildcardOriginWithCredentials] || codes[policy.CodeAllowCredentialsNotTrue] ||
		codes[policy.CodeWildcardMethodWithCredentials] || codes[policy.CodeWildcardHeaderWithCredentials]) {
		out = append(out, pageEdit{omitCredentials: true})
	}
	if p, ok := simpler(subjects); ok {
		out = append(out, p)
	}
	if codes[fetch.CodeSameOriginModeCrossOrigin] {
		out = append(out, pageEdit{modeCORS: fetch.ModeSameOrigin})
	}
	if codes[fetch.CodeNoCORSUnsafeMethod] {
		out = append(out, pageEdit{modeCORS: fetch.ModeNoCORS})
	}
	if codes[fetch.CodeURLHasCredentials] {
		if u, err := policy.ParseURL(init.URL); err == nil && u.User != nil {
			u.User = nil
			out = append(out, pageEdit{url: u.String()})
		}
	}
	if codes[fetch.CodeRedirectModeError] {
		out = append(out, pageEdit{follow: true})
	}
	// Gates beside CORS.
	if codes[policy.CodeMixedContentBlocked] {
		if u, err := policy.ParseURL(init.URL); err == nil && u.Scheme == "http" {
			u.Scheme = "https"
			out = append(out, pageEdit{https: u.String()})
			if space := serverSpace(s, u); space != policy.AddressSpacePublic {
				// A server on a private network: Chromium lets the http
				// URL through when the fetch says so and the user allows.
				out = append(out, pageEdit{targetSpace: space, grant: true})
			}
		}
	}
	if codes[policy.CodeLocalNetworkPermissionDenied] || codes[policy.CodeLocalNetworkPermissionUnanswered] {
		out = append(out, pageEdit{grant: true})
	}
	if codes[policy.CodeLocalNetworkTargetMismatch] {
		if u, err := policy.ParseURL(init.URL); err == nil {
			out = append(out, pageEdit{targetSpace: serverSpace(s, u), grant: true})
		}
	}
	return out
}

// serverSpace is the address space the subject's network puts u's server in.
func serverSpace(s *Subject, u *url.URL) policy.AddressSpace {
	if as, ok := s.Servers.(fetch.AddressSpaces); ok {
		return as.AddressSpaceOf(u)
	}
	return fetch.DefaultAddressSpaces{}.AddressSpaceOf(u)
}

// simpler is the change that makes a preflighted request simple when only
// its headers (or upload listeners) made it preflighted, and a preflight
// failed somewhere. Authorization is never left out.
func simpler(subjects []Subject) (pageEdit, bool) {
	var p pageEdit
	preflightFailed := false
	for i := range subjects {
		res := subjects[i].Outcome.Result
		if res == nil {
			continue
		}
		preflightFailed = preflightFailed || res.FailedInPreflight
		for _, why := range firstHopReasons(res) {
			switch why.Code {
			case fetch.CodeMethodNotSafelisted:
				return pageEdit{}, false
			case fetch.CodePreflightForced:
				if subjects[i].Init.UploadListeners {
					p.noUpload = true
				} else {
					return pageEdit{}, false
				}
			case policy.CodeContentTypeNotSafelisted:
				p.textPlain = true
			default:
				if strings.EqualFold(why.Subject, "Authorization") {
					// Without it the request is another one: the
					// server no longer knows who asks.
					return pageEdit{}, false
				}
				if why.Subject != "" && !slices.ContainsFunc(p.drop, func(n string) bool { return strings.EqualFold(n, why.Subject) }) {
					p.drop = append(p.drop, why.Subject)
				}
			}
		}
	}
	return p, preflightFailed && !p.empty()
}

// merge joins the remedies the browsers need into one that asks for all of
// it: every answer each changes, list headers united.
func merge(p pageEdit, rs []*remedy) *remedy {
	m := newRemedy(p)
	for _, r := range rs {
		for _, t := range r.order {
			e := r.edits[t]
			if e.status != 0 {
				m.setStatus(t, e.status, e.statusCode)
			} else {
				m.edit(t)
			}
			for _, h := range e.headers {
				v := h.value
				if old, ok := m.header(t, h.name); ok && isList(h.name) {
					v = ListValue(old, splitList(h.value), true, h.name == hACAM)
				}
				m.set(t, h.name, v, h.code)
			}
			if s, ok := r.sent[t]; ok {
				if _, have := m.sent[t]; !have {
					m.sent[t] = s
				}
			}
		}
		m.stalled = m.stalled || r.stalled
	}
	return m
}

func (r *remedy) header(t target, name string) (string, bool) {
	if e := r.edits[t]; e != nil {
		for _, h := range e.headers {
			if strings.EqualFold(h.name, name) {
				return h.value, true
			}
		}
	}
	return "", false
}

// clone copies r, so that a re-run records its own answers.
func (r *remedy) clone() *remedy {
	c := newRemedy(r.page)
	c.order = slices.Clone(r.order)
	for t, e := range r.edits {
		ec := *e
		ec.headers = slices.Clone(e.headers)
		c.edits[t] = &ec
	}
	for t, s := range r.sent {
		c.sent[t] = s
	}
	c.stalled = r.stalled
	return c
}

func isList(name string) bool { return name == hACAM || name == hACAH }

// ListValue is the value a list header (Access-Control-Allow-Methods,
// -Allow-Headers, -Expose-Headers) needs to cover tokens: sent when it
// already covers every one, else sent with the missing ones added. Methods
// compare case-sensitively (caseSensitive), header names not; "*" covers
// everything only without credentials (creds false), and is dropped from
// the value when credentials make it a literal name.
func ListValue(sent string, tokens []string, creds, caseSensitive bool) string {
	have := splitList(sent)
	if creds {
		have = slices.DeleteFunc(have, func(s string) bool { return s == "*" })
	}
	var missing []string
	for _, t := range tokens {
		found := slices.ContainsFunc(have, func(h string) bool {
			return h == t || (!caseSensitive && strings.EqualFold(h, t)) || (h == "*" && !creds)
		})
		if !found && !slices.Contains(missing, t) {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 && !creds {
		return sent
	}
	return strings.Join(append(have, missing...), ", ")
}

func hasToken(v, tok string) bool {
	return slices.ContainsFunc(splitList(v), func(s string) bool { return strings.EqualFold(s, tok) })
}

func joinTokens(v, tok string) string {
	if strings.TrimSpace(v) == "" {
		return tok
	}
	return v + ", " + tok
}

// splitList splits a comma-separated header value into trimmed, non-empty
// elements.
func splitList(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
