package fetch

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/corsim/corsim/policy"
)

// Fetcher runs the Fetch standard's fetch algorithm along its CORS path:
// main fetch, HTTP fetch, CORS-preflight fetch with its cache,
// HTTP-network-or-cache fetch (only the parts CORS sees) and HTTP-redirect
// fetch. See https://fetch.spec.whatwg.org/#fetching.
//
// A Fetcher is configuration only; it is safe for concurrent use (its
// Cache, if shared, synchronizes itself).
type Fetcher struct {
	// Profile holds every user-agent choice; the zero Profile is the spec.
	Profile Profile
	// Cache is the CORS-preflight cache; nil models a user agent without
	// one ("If the user agent does not provide for a cache"), which
	// preflights every non-simple request.
	Cache *PreflightCache
	// Clock gives the time for the cache; nil is a clock stopped at the
	// zero time. The algorithm never reads the system clock.
	Clock Clock
	// Transport is the server side; nil makes every request a
	// transport-error network error.
	Transport Transport
	// PublicSuffixList decides sites (redirect-taint, partition keys); nil
	// means policy.DefaultPublicSuffixList.
	PublicSuffixList policy.PublicSuffixList
	// AddressSpaces says which IP address space each server is in, for
	// Local Network Access; nil means DefaultAddressSpaces (IP literals and
	// localhost by their address, every other host public).
	AddressSpaces AddressSpaces
	// Cookies is the cookie store; nil models a user agent that neither
	// sends nor stores cookies (the wire then only says whether credentials
	// were included).
	Cookies CookieStore
}

func (f *Fetcher) now() time.Time {
	if f.Clock == nil {
		return time.Time{}
	}
	return f.Clock.Now()
}

// run is the state of one fetch: the spec's request as the algorithm
// mutates it, plus the Result being written. What the algorithm derives
// from the request (its CORS-unsafe request-header names, the origin of
// its current URL) is computed where a step needs it; its redirect-taint,
// which only its URL list decides, when the URL list grows.
type run struct {
	f   *Fetcher
	p   *Profile
	ctx context.Context
	req *Request
	res *Result

	originStr string // the request's origin, serialized (it never changes)
	method    string
	header    policy.HeaderList // the request's own copy; every send copies it again
	body      Body
	urls      []*url.URL
	tainting  Tainting
	taint     int  // redirect-taint of urls
	count     int  // redirect count
	opaqueRdr bool // the response is an opaque-redirect
	// corsCheckFailed: the failure is a response's failed CORS check
	// (HTTP fetch step 4.4), for ClearCacheOnCORSCheckFailure.
	corsCheckFailed bool

	// The request's referrer as main fetch step 8 last determined it.
	referrer    *url.URL // nil: no referrer
	referrerSet bool     // determined at least once
	// referrerOrigin is the origin of the referrer source (and of every
	// referrer determined from it).
	referrerOrigin      policy.Origin
	referrerTrustworthy bool
}

// Fetch runs fetch (https://fetch.spec.whatwg.org/#concept-fetch) for req
// and returns what happened. It never panics and never returns nil; a
// network error is reported in Result.Err with Result.Response nil.
func (f *Fetcher) Fetch(ctx context.Context, req *Request) *Result {
	if req == nil || len(req.URLList) == 0 || req.URL() == nil {
		err := failure(CodeInvalidRequest, anchorFetch, "", "the request has no URL")
		return &Result{Request: req, Err: err,
			Trace: []Event{{Step: StepNetworkError, Spec: anchorFetch, Outcome: OutcomeFail, Err: err}}}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	res := &Result{Request: req, Trace: newTrace()}
	r := &run{
		f: f, p: &f.Profile, ctx: ctx, req: req, res: res,
		originStr: req.Client.Origin.String(), method: req.Method, body: req.Body,
		urls: slices.Clone(req.URLList), tainting: TaintingBasic,
	}
	r.taint = r.redirectTaint()
	// What new Request() did to the header list, as notes in the trace.
	for i, h := range req.DroppedHeaders {
		var why *policy.Failure
		if i < len(req.DroppedReasons) {
			why = req.DroppedReasons[i]
		}
		res.Trace = append(res.Trace, Event{Step: StepRequestValidated, Spec: anchorHeadersGuard, Outcome: OutcomeSkip, Detail: h.Name, Err: why})
	}
	if req.DefaultContentType != "" {
		res.Trace = append(res.Trace, Event{Step: StepRequestValidated, Spec: anchorBodyExtract, Outcome: OutcomeOK, Detail: req.DefaultContentType})
	}
	// fetch steps: append `Accept: */*` (destination is the empty string)
	// and, if the user agent chooses, Accept-Language, when the author set
	// none, to a copy of the request's header list.
	r.header = slices.Clone(req.Header)
	if r.p.CombineDuplicateHeaders {
		r.header = combineDuplicates(r.header)
	}
	if !req.Header.Contains("Accept") {
		r.header = append(r.header, policy.Header{Name: "Accept", Value: "*/*"})
		res.Trace = append(res.Trace, Event{Step: StepFetch, Spec: anchorFetch, Outcome: OutcomeOK, Detail: "Accept: */*"})
	}
	if lang := r.p.AcceptLanguage; lang != "" && !req.Header.Contains("Accept-Language") {
		r.header = append(r.header, policy.Header{Name: "Accept-Language", Value: lang})
		res.Trace = append(res.Trace, Event{Step: StepFetch, Spec: anchorFetch, Outcome: OutcomeOK, Detail: "Accept-Language: " + lang})
	}

	wr, err := r.mainFetch()
	res.URLList = r.urls
	res.Tainted = r.taint != taintSameOrigin
	res.Tainting = r.tainting
	if err != nil {
		res.Err = err
		res.Trace = append(res.Trace, Event{Step: StepNetworkError, Spec: anchorNetworkError, Hop: r.hop(), Preflight: res.FailedInPreflight, Outcome: OutcomeFail, Err: err})
		return res
	}
	// main fetch step 14 (non-recursive): the filtered response for the
	// tainting, with the CORS-exposed header-name list for cors.
	if r.opaqueRdr {
		res.Response = opaqueRedirect(wr, r.urls)
	} else {
		res.Response = filter(r.tainting, r.method, wr, r.urls, r.credentialsInclude())
	}
	res.Trace = append(res.Trace, Event{Step: StepFiltered, Spec: anchorFiltered, Hop: r.hop(), Outcome: string(res.Response.Type)})
	return res
}

// mainFetch is main fetch (https://fetch.spec.whatwg.org/#concept-main-fetch)
// from step 12, the "if response is null" branch choice, on; the recursive call of
// HTTP-redirect fetch re-enters here for every hop.
func (r *run) mainFetch() (*WireResponse, *policy.Failure) {
	r.event(Event{Step: StepMainFetch, Spec: anchorMainFetch, Outcome: OutcomeOK})
	// Steps 6–7: upgrade, then block mixed content (every hop).
	if err := r.mixedContent(); err != nil {
		return nil, err
	}
	cur := r.currentURL()
	// Step 8: determine request's referrer, for this hop.
	r.determineReferrer()
	switch {
	case (policy.SameOrigin(policy.OriginOf(cur), r.origin()) && r.tainting == TaintingBasic) ||
		cur.Scheme == "data" || r.req.Mode == ModeNavigate:
		// "request's current URL's origin is same origin with request's
		// origin, and request's response tainting is basic; … scheme is
		// data; … mode is navigate": tainting basic, scheme fetch.
		r.tainting = TaintingBasic
		r.event(Event{Step: StepSameOrigin, Spec: anchorMainFetch, Outcome: OutcomeBasic})
		return r.schemeFetch()
	case r.req.Mode == ModeSameOrigin:
		err := failure(CodeSameOriginModeCrossOrigin, anchorMainFetch, cur.String(),
			"mode same-origin forbids the cross-origin URL "+cur.String())
		r.event(Event{Step: StepSameOrigin, Spec: anchorMainFetch, Outcome: OutcomeFail, Err: err})
		return nil, err
	case r.req.Mode == ModeNoCORS:
		// "request's mode is no-cors": redirect mode must be follow;
		// tainting opaque; scheme fetch.
		if r.req.Redirect != RedirectFollow {
			err := failure(CodeNoCORSRedirectMode, anchorMainFetch, string(r.req.Redirect),
				"mode no-cors requires redirect mode follow, not "+string(r.req.Redirect))
			r.event(Event{Step: StepSameOrigin, Spec: anchorMainFetch, Outcome: OutcomeFail, Err: err})
			return nil, err
		}
		r.tainting = TaintingOpaque
		r.event(Event{Step: StepSameOrigin, Spec: anchorMainFetch, Outcome: OutcomeOpaque})
		return r.schemeFetch()
	case cur.Scheme != "http" && cur.Scheme != "https":
		err := failure(CodeSchemeNotHTTP, anchorMainFetch, cur.Scheme,
			"a CORS request cannot go to a "+cur.Scheme+": URL")
		r.event(Event{Step: StepSameOrigin, Spec: anchorMainFetch, Outcome: OutcomeFail, Err: err})
		return nil, err
	}
	r.tainting = TaintingCORS
	r.event(Event{Step: StepSameOrigin, Spec: anchorMainFetch, Outcome: OutcomeCORS})
	// "request's use-CORS-preflight flag is set, or request's
	// unsafe-request flag is set and either request's method is not a
	// CORS-safelisted method or CORS-unsafe request-header names with
	// request's header list is not empty": HTTP fetch with
	// makeCORSPreflight true; on a network error, clear cache entries.
	if r.req.UseCORSPreflight || r.req.UnsafeRequest &&
		(!policy.IsCORSSafelistedMethod(r.method) || len(r.unsafeNames()) > 0) {
		wr, err := r.httpFetch(true)
		if err != nil {
			r.clearCache()
		}
		return wr, err
	}
	r.event(Event{Step: StepPreflightDecision, Spec: anchorMainFetch, Outcome: OutcomeNone})
	wr, err := r.httpFetch(false)
	if err != nil && r.corsCheckFailed && r.p.ClearCacheOnCORSCheckFailure {
		r.corsCheckFailed = false // once, not again in each hop's main fetch
		r.clearCache()
	}
	return wr, err
}

// schemeFetch is scheme fetch (https://fetch.spec.whatwg.org/#concept-scheme-fetch)
// for the schemes the simulator knows: http(s) go to HTTP fetch, data: and
// about:blank are answered locally.
func (r *run) schemeFetch() (*WireResponse, *policy.Failure) {
	cur := r.currentURL()
	switch cur.Scheme {
	case "http", "https":
		return r.httpFetch(false)
	case "data":
		if wr := dataResponse(cur); wr != nil {
			if r.p.DataURLContentLength {
				wr.Header = append(wr.Header, policy.Header{Name: "Content-Length", Value: strconv.Itoa(len(wr.Body))})
			}
			return wr, nil
		}
		err := failure(CodeSchemeNotSupported, anchorSchemeFetch, cur.String(), "the data: URL does not parse")
		r.event(Event{Step: StepSameOrigin, Spec: anchorSchemeFetch, Outcome: OutcomeFail, Err: err})
		return nil, err
	case "about":
		if cur.Opaque == "blank" {
			return &WireResponse{Status: 200, StatusText: "OK", Header: policy.HeaderList{{Name: "Content-Type", Value: "text/html;charset=utf-8"}}}, nil
		}
	}
	err := failure(CodeSchemeNotSupported, anchorSchemeFetch, cur.Scheme, "the simulator cannot fetch "+cur.Scheme+": URLs")
	r.event(Event{Step: StepSameOrigin, Spec: anchorSchemeFetch, Outcome: OutcomeFail, Err: err})
	return nil, err
}

// The request's own state, derived where the steps need it.

// hop is the index of the current URL in the URL list.
func (r *run) hop() int { return len(r.urls) - 1 }

// currentURL is the request's current URL (https://fetch.spec.whatwg.org/#concept-request-current-url).
func (r *run) currentURL() *url.URL { return r.urls[r.hop()] }

// origin is the request's origin: the client's.
func (r *run) origin() policy.Origin { return r.req.Client.Origin }

// credentialsInclude reports that the request's credentials mode is include.
func (r *run) credentialsInclude() bool { return r.req.Credentials == CredentialsInclude }

// unsafeNames is the CORS-unsafe request-header names of the request's
// header list under the profile's safelist
// (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names).
func (r *run) unsafeNames() []string { return r.p.Safelist.UnsafeNames(r.header) }

// event appends e to the trace, on the current hop.
func (r *run) event(e Event) {
	e.Hop = r.hop()
	r.res.Trace = append(r.res.Trace, e)
}

// Redirect-taint levels (https://fetch.spec.whatwg.org/#concept-request-tainted-origin).
const (
	taintSameOrigin = iota
	taintSameSite
	taintCrossSite
)

// redirectTaint is the request's redirect-taint
// (https://fetch.spec.whatwg.org/#concept-request-tainted-origin): the
// worst hopTaint over each pair of consecutive URLs of the URL list.
func (r *run) redirectTaint() int {
	taint := taintSameOrigin
	for i := 1; i < len(r.urls); i++ {
		taint = max(taint, r.hopTaint(r.urls[i-1], r.urls[i]))
	}
	return taint
}

// hopTaint is one iteration of redirect-taint, for url after lastURL in
// the URL list: cross-site when neither url's origin nor the request's
// origin is same site with lastURL's origin, else same-site when neither
// is same origin with it.
func (r *run) hopTaint(lastURL, url *url.URL) int {
	last, cur, origin := policy.OriginOf(lastURL), policy.OriginOf(url), r.origin()
	if !r.sameSite(cur, last) && !r.sameSite(origin, last) {
		return taintCrossSite
	}
	if !policy.SameOrigin(cur, last) && !policy.SameOrigin(origin, last) {
		return taintSameSite
	}
	return taintSameOrigin
}

// serializedOrigin is byte-serializing a request origin: "null" once the
// request is redirect-tainted (https://fetch.spec.whatwg.org/#serializing-a-request-origin).
func (r *run) serializedOrigin() string {
	if r.taint != taintSameOrigin {
		return "null"
	}
	return r.originStr
}

// combineDuplicates joins the values of entries with the same name
// (case-insensitively) with ", " into the first such entry
// (Profile.CombineDuplicateHeaders). l is not modified.
func combineDuplicates(l policy.HeaderList) policy.HeaderList {
	out := make(policy.HeaderList, 0, len(l))
	for _, h := range l {
		i := slices.IndexFunc(out, func(o policy.Header) bool { return strings.EqualFold(o.Name, h.Name) })
		if i < 0 {
			out = append(out, h)
			continue
		}
		out[i].Value += ", " + h.Value
	}
	return out
}
