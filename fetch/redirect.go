package fetch

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
)

// locationURL is response's location URL
// (https://fetch.spec.whatwg.org/#concept-response-location-url): nil with
// no error when there is no Location header; the current URL's fragment
// carries over when the location has none.
func locationURL(wr *WireResponse, cur *url.URL) (*url.URL, *policy.Failure) {
	var loc string
	n := 0
	for _, h := range wr.Header {
		if strings.EqualFold(h.Name, "Location") {
			if n > 0 && h.Value != loc {
				return nil, failure(CodeRedirectBadLocation, anchorRedirect, h.Value,
					"the redirect has several different Location values")
			}
			loc = h.Value
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	bad := func() (*url.URL, *policy.Failure) {
		return nil, failure(CodeRedirectBadLocation, anchorRedirect, loc,
			"the Location value \""+loc+"\" does not parse as a URL")
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return bad()
	}
	u, perr := policy.ParseURL(cur.ResolveReference(ref).String())
	if perr != nil {
		return bad()
	}
	if u.Fragment == "" && u.RawFragment == "" && !strings.Contains(loc, "#") {
		u.Fragment, u.RawFragment = cur.Fragment, cur.RawFragment
	}
	return u, nil
}

// includesCredentials is the URL standard's "includes credentials": a
// non-empty username or password (https://url.spec.whatwg.org/#include-credentials).
func includesCredentials(u *url.URL) bool {
	return u.User != nil && (u.User.Username() != "" || hasPassword(u.User))
}

// redirectFetch is HTTP-redirect fetch
// (https://fetch.spec.whatwg.org/#concept-http-redirect-fetch).
func (r *run) redirectFetch(wr *WireResponse) (*WireResponse, *policy.Failure) {
	cur := r.currentURL()
	fail := func(err *policy.Failure) (*WireResponse, *policy.Failure) {
		r.event(Event{Step: StepRedirect, Spec: err.Spec, Outcome: OutcomeFail, Err: err})
		return nil, err
	}
	// Steps 3–5: the location URL; null → the 3xx response itself;
	// failure → network error.
	loc, err := locationURL(wr, cur)
	if err != nil {
		return fail(err)
	}
	if loc == nil {
		r.event(Event{Step: StepRedirect, Spec: anchorRedirect, Outcome: OutcomeNone, Detail: "no Location"})
		return wr, nil
	}
	// Step 6: the location URL's scheme must be HTTP(S).
	if loc.Scheme != "http" && loc.Scheme != "https" {
		return fail(failure(CodeRedirectSchemeNotHTTP, anchorRedirect, loc.Scheme,
			"a redirect to a "+loc.Scheme+": URL is not followed"))
	}
	// Steps 7–8: the redirect count (20 → network error), then increment.
	if limit := r.p.redirectLimit(); r.count >= limit {
		return fail(failure(CodeRedirectLimit, anchorRedirect, strconv.Itoa(limit),
			"more than "+strconv.Itoa(limit)+" redirects"))
	}
	r.count++
	// Step 9: a CORS request to a location with credentials at another
	// origin; step 10: any CORS-tainted request to a location with
	// credentials.
	locOrigin := policy.OriginOf(loc)
	if includesCredentials(loc) {
		if r.req.Mode == ModeCORS && !policy.SameOrigin(r.origin(), locOrigin) {
			return fail(failure(CodeRedirectHasCredentials, anchorRedirect, loc.Redacted(),
				"a CORS request cannot follow a redirect to a cross-origin URL with credentials"))
		}
		if r.tainting == TaintingCORS {
			return fail(failure(CodeRedirectHasCredentials, anchorRedirect, loc.Redacted(),
				"a CORS-tainted request cannot follow a redirect to a URL with credentials"))
		}
	}
	// Step 11: a body that cannot be re-sent (stream) with a non-303.
	if wr.Status != 303 && r.body.Kind == BodyStream {
		return fail(failure(CodeRedirectStreamBody, anchorRedirect, strconv.Itoa(wr.Status),
			"a stream body cannot be re-sent on a "+strconv.Itoa(wr.Status)+" redirect"))
	}
	// Step 12: 301/302 with POST, or 303 with neither GET nor HEAD →
	// GET, no body, no request-body headers.
	if ((wr.Status == 301 || wr.Status == 302) && r.method == "POST") ||
		(wr.Status == 303 && r.method != "GET" && r.method != "HEAD") {
		r.method, r.body = "GET", Body{}
		r.header = slices.DeleteFunc(r.header, func(h policy.Header) bool {
			return policy.IsRequestBodyHeaderName(h.Name)
		})
	}
	// Step 13: a cross-origin hop removes the CORS non-wildcard
	// request-header names (Authorization).
	if !policy.SameOrigin(policy.OriginOf(cur), locOrigin) && r.header.Contains("Authorization") {
		r.header = slices.DeleteFunc(r.header, func(h policy.Header) bool {
			return policy.IsCORSNonWildcardRequestHeaderName(h.Name)
		})
	}
	// Step 18: append the location URL to the URL list; step 22: main
	// fetch with recursive true.
	r.event(Event{Step: StepRedirect, Spec: anchorRedirect, Outcome: OutcomeOK, Detail: strconv.Itoa(wr.Status)})
	// The URL list grew by one URL: its redirect-taint gains one pair.
	wasClean := r.taint == taintSameOrigin
	r.urls = append(r.urls, loc)
	r.taint = max(r.taint, r.hopTaint(cur, loc))
	if wasClean && r.taint != taintSameOrigin {
		r.event(Event{Step: StepTaint, Spec: anchorTaint, Outcome: OutcomeOK, Detail: "null"})
	}
	return r.mainFetch()
}
