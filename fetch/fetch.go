package fetch

import (
	"context"
	"net/url"
	"strconv"
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
}

func (f *Fetcher) now() time.Time {
	if f.Clock == nil {
		return time.Time{}
	}
	return f.Clock.Now()
}

// Redirect-taint levels (https://fetch.spec.whatwg.org/#concept-request-tainted-origin).
const (
	taintSameOrigin = iota
	taintSameSite
	taintCrossSite
)

// run is the state of one fetch: the spec's request as the algorithm
// mutates it, plus the Result being written.
type run struct {
	f   *Fetcher
	p   *Profile
	ctx context.Context
	req *Request
	res *Result
	buf *resultBuf

	method   string
	header   policy.HeaderList
	body     Body
	urls     []*url.URL
	cur      policy.Origin // origin of the current URL (the last of urls)
	tainting Tainting
	taint    int
	count    int // redirect count

	origin    policy.Origin // request's origin (the client's)
	originStr string
	creds     bool // credentials mode is include
	partition string
	havePart  bool
	opaqueRdr bool     // the response is an opaque-redirect
	names     []string // CORS-unsafe request-header names of this hop
	memo      *hopMemo // memoized names and reasons for hop 0, or nil
}

// Fetch runs fetch (https://fetch.spec.whatwg.org/#concept-fetch) for req
// and returns what happened. It never panics and never returns nil; a
// network error is reported in Result.Err with Result.Response nil.
func (f *Fetcher) Fetch(ctx context.Context, req *Request) *Result {
	if req == nil || len(req.URLList) == 0 || req.URL() == nil {
		res := &newResultBuf(0, false).res
		res.Request = req
		res.Err = failure(CodeInvalidRequest, anchorFetch, "", "the request has no URL")
		res.Trace = append(res.Trace, Event{Step: StepNetworkError, Spec: anchorFetch, Outcome: OutcomeFail, Err: res.Err})
		return res
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// fetch steps: append `Accept: */*` (destination is the empty string)
	// and, if the UA chooses, Accept-Language, when the author set none.
	addAccept := !req.Header.Contains("Accept")
	addLang := f.Profile.AcceptLanguage != "" && !req.Header.Contains("Accept-Language")
	// One allocation for the Result and the usual sizes of its slices.
	notes := len(req.DroppedHeaders) + b2i(req.DefaultContentType != "") + b2i(addAccept) + b2i(addLang)
	buf := newResultBuf(notes, likelyPreflight(req))
	res := &buf.res
	res.Request = req
	// The run state stays on the stack: only the Result outlives Fetch.
	r := &run{
		f: f, p: &f.Profile, ctx: ctx, req: req, res: res, buf: buf,
		method: req.Method, body: req.Body, tainting: TaintingBasic,
		origin: req.Client.Origin, creds: req.Credentials == CredentialsInclude,
		originStr: req.originString(),
	}
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

	// The fetch steps' Accept and Accept-Language (see above). The list
	// gets one more slot than it needs: the first send appends Origin in
	// place (see networkFetch).
	r.header = append(buf.headers(len(req.Header)+b2i(addAccept)+b2i(addLang)+1), req.Header...)
	if addAccept {
		r.header = append(r.header, policy.Header{Name: "Accept", Value: "*/*"})
		res.Trace = append(res.Trace, Event{Step: StepFetch, Spec: anchorFetch, Outcome: OutcomeOK, Detail: "Accept: */*"})
	}
	if addLang {
		r.header = append(r.header, policy.Header{Name: "Accept-Language", Value: r.p.AcceptLanguage})
		res.Trace = append(res.Trace, Event{Step: StepFetch, Spec: anchorFetch, Outcome: OutcomeOK, Detail: "Accept-Language: " + r.p.AcceptLanguage})
	}
	r.urls = append(buf.urls[:0], req.URLList...)
	for i, u := range r.urls {
		last := r.cur
		if i == 0 && u == req.urlFor {
			r.cur = req.urlOrigin // computed by NewRequest
		} else {
			r.cur = policy.OriginOf(u)
		}
		if i > 0 {
			r.taint = max(r.taint, r.hopTaint(last, r.cur))
		}
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
		res.Trace = append(res.Trace, Event{Step: StepFiltered, Spec: anchorFiltered, Hop: r.hop(), Outcome: string(TypeOpaqueRedirect)})
		return res
	}
	var exposed []string
	if r.tainting == TaintingCORS {
		exposed = policy.ExposedHeaderNames(wr.Header, r.creds)
	}
	res.Response = filter(buf, r.tainting, r.method, wr, r.urls, exposed)
	res.Trace = append(res.Trace, Event{Step: StepFiltered, Spec: anchorFiltered, Hop: r.hop(), Outcome: string(res.Response.Type)})
	return res
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (r *run) hop() int { return len(r.urls) - 1 }

func (r *run) event(e Event) {
	e.Hop = r.hop()
	r.res.Trace = append(r.res.Trace, e)
}

// hopTaint is one iteration of redirect-taint: last is the origin of the
// URL before cur's in the URL list.
// See https://fetch.spec.whatwg.org/#concept-request-tainted-origin.
func (r *run) hopTaint(last, cur policy.Origin) int {
	if !r.sameSite(cur, last) && !r.sameSite(r.origin, last) {
		return taintCrossSite
	}
	if !policy.SameOrigin(cur, last) && !policy.SameOrigin(r.origin, last) {
		return taintSameSite
	}
	return taintSameOrigin
}

// sameSite is policy.SameSite under the Fetcher's public suffix list, with
// the default list's sites memoized.
func (r *run) sameSite(a, b policy.Origin) bool {
	if r.f.PublicSuffixList != nil || a.IsOpaque() || b.IsOpaque() {
		return policy.SameSite(a, b, r.f.PublicSuffixList)
	}
	return defaultSite(a) == defaultSite(b)
}

// serializedOrigin is byte-serializing a request origin: "null" once the
// request is redirect-tainted (https://fetch.spec.whatwg.org/#serializing-a-request-origin).
func (r *run) serializedOrigin() string {
	if r.taint != taintSameOrigin {
		return "null"
	}
	return r.originStr
}

// mainFetch is main fetch (https://fetch.spec.whatwg.org/#concept-main-fetch)
// from step 12, the "if response is null" branch choice, on; the recursive call of
// HTTP-redirect fetch re-enters here for every hop.
func (r *run) mainFetch() (*WireResponse, *policy.Failure) {
	hop := r.hop()
	cur, curOrigin := r.urls[hop], r.cur
	r.event(Event{Step: StepMainFetch, Spec: anchorMainFetch, Outcome: OutcomeOK})
	switch {
	case (policy.SameOrigin(curOrigin, r.origin) && r.tainting == TaintingBasic) ||
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
	r.names, r.memo = r.unsafeNamesForHop(hop)
	if r.needsPreflightBranch() {
		// "request's use-CORS-preflight flag is set, or request's
		// unsafe-request flag is set and either its method is not a
		// CORS-safelisted method or CORS-unsafe request-header names with
		// its header list is not empty": HTTP fetch with makeCORSPreflight
		// true; on a network error, clear cache entries.
		wr, err := r.httpFetch(true)
		if err != nil {
			r.clearCache()
		}
		return wr, err
	}
	r.event(Event{Step: StepPreflightDecision, Spec: anchorMainFetch, Outcome: OutcomeNone})
	return r.httpFetch(false)
}

func (r *run) needsPreflightBranch() bool { return r.needsPreflightBranchFor(r.names) }

func (r *run) needsPreflightBranchFor(names []string) bool {
	if r.req.UseCORSPreflight {
		return true
	}
	return r.req.UnsafeRequest && (!policy.IsCORSSafelistedMethod(r.method) || len(names) > 0)
}

// schemeFetch is scheme fetch (https://fetch.spec.whatwg.org/#concept-scheme-fetch)
// for the schemes the simulator knows: http(s) go to HTTP fetch, data: and
// about:blank are answered locally.
func (r *run) schemeFetch() (*WireResponse, *policy.Failure) {
	cur := r.urls[r.hop()]
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

// cacheKey is the key of the cache entries for the request as it is now.
func (r *run) cacheKey() CacheKey {
	if !r.havePart {
		r.partition = r.partitionKey()
		r.havePart = true
	}
	origin := r.serializedOrigin()
	if r.p.KeyByUntaintedOrigin {
		origin = r.originStr
	}
	u := r.urls[r.hop()]
	us := ""
	if r.hop() == 0 && r.req.urlFor == u {
		us = r.req.urlStr
	} else {
		us = u.String()
	}
	return CacheKey{Partition: r.partition, Origin: origin, URL: us}
}

// partitionKey determines the network partition key from the client's
// top-level origin (https://fetch.spec.whatwg.org/#network-partition-keys).
func (r *run) partitionKey() string {
	top := r.req.Client.topLevel()
	switch r.p.Partition {
	case PartitionNone:
		return ""
	case PartitionTopLevelOrigin:
		return top.String()
	}
	if r.f.PublicSuffixList == nil {
		return defaultSite(top)
	}
	return policy.Site(top, r.f.PublicSuffixList)
}

func (r *run) clearCache() {
	if r.f.Cache == nil || r.p.KeepCacheOnFailure {
		return
	}
	k := r.cacheKey()
	r.f.Cache.ClearKey(k)
	r.event(Event{Step: StepCacheCleared, Spec: anchorCacheClear, Outcome: OutcomeOK, Detail: k.URL})
}
