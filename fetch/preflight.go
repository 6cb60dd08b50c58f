package fetch

import (
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
)

// Reasons a request is not simple (PreflightReport.Reasons), besides the
// header Failures of policy.Safelist.Explain.
const (
	// CodeMethodNotSafelisted: the method is not GET, HEAD or POST.
	CodeMethodNotSafelisted policy.Code = "method-not-safelisted"
	// CodePreflightForced: the use-CORS-preflight flag is set (XHR upload
	// listeners, a stream body).
	CodePreflightForced policy.Code = "preflight-forced"
)

// reasons says why the request takes main fetch's preflight branch.
func (r *run) reasons() []*policy.Failure {
	var out []*policy.Failure
	if r.req.UseCORSPreflight {
		out = append(out, failure(CodePreflightForced, specBase+"#use-cors-preflight-flag", "",
			"the use-CORS-preflight flag is set (upload listeners or a stream body)"))
	}
	if !policy.IsCORSSafelistedMethod(r.method) {
		out = append(out, failure(CodeMethodNotSafelisted, specBase+"#cors-safelisted-method", r.method,
			r.method+" is not a CORS-safelisted method"))
	}
	return append(out, r.p.Safelist.Explain(r.header)...)
}

// preflightIfNeeded is HTTP fetch step 4.1, "if makeCORSPreflight is true and
// one of these conditions is true": no method cache entry match for a
// method that needs one, or an unsafe header name without a header-name
// cache entry match — then CORS-preflight fetch.
func (r *run) preflightIfNeeded() *policy.Failure {
	rep := PreflightReport{Hop: r.hop(), Required: true, Reasons: r.reasons()}
	r.event(Event{Step: StepPreflightDecision, Spec: anchorMainFetch, Preflight: true, Outcome: OutcomeRequired})

	needMethod := r.req.UseCORSPreflight || !r.p.methodExempt(r.method)
	names := r.unsafeNames()
	if !needMethod && len(names) == 0 {
		// Only with a Profile whose CacheExemptMethods exempts an unsafe
		// method: nothing needs a cache entry, so nothing is preflighted.
		r.res.Preflights = append(r.res.Preflights, rep)
		return nil
	}
	methodOK, missing := !needMethod, names
	c := r.f.Cache
	switch {
	case c == nil:
		r.event(Event{Step: StepCacheLookup, Spec: anchorHTTPFetch, Preflight: true, Outcome: OutcomeSkip, Detail: "no cache"})
	case r.p.bypassesCache(r.req.Cache):
		r.event(Event{Step: StepCacheLookup, Spec: anchorHTTPFetch, Preflight: true, Outcome: OutcomeSkip, Detail: "cache mode " + string(r.req.Cache)})
	case r.p.OpaqueOriginBypassesCache && r.origin().IsOpaque():
		r.event(Event{Step: StepCacheLookup, Spec: anchorHTTPFetch, Preflight: true, Outcome: OutcomeSkip, Detail: "opaque origin"})
	default:
		methodOK, missing = c.lookup(r.cacheKey(), r.credentialsInclude(), r.method, needMethod, names, r.f.now())
		if methodOK && len(missing) == 0 {
			rep.FromCache = true
			r.event(Event{Step: StepCacheLookup, Spec: anchorCacheMatch, Preflight: true, Outcome: OutcomeHit})
			r.res.Preflights = append(r.res.Preflights, rep)
			return nil
		}
		r.event(Event{Step: StepCacheLookup, Spec: anchorCacheMatch, Preflight: true, Outcome: OutcomeMiss})
	}
	if !methodOK {
		rep.Missing = append(rep.Missing, r.method)
	}
	rep.Missing = append(rep.Missing, missing...)
	err := r.corsPreflightFetch(&rep, names)
	r.res.Preflights = append(r.res.Preflights, rep)
	if err != nil {
		r.res.FailedInPreflight = true
	}
	return err
}

// corsPreflightFetch is CORS-preflight fetch
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0); names are the
// request's CORS-unsafe request-header names.
func (r *run) corsPreflightFetch(rep *PreflightReport, names []string) *policy.Failure {
	// Steps 1–5: OPTIONS to the current URL, Accept: */*,
	// Access-Control-Request-Method, Access-Control-Request-Headers (the
	// CORS-unsafe names, lowercase, sorted, joined by "," without space).
	h := policy.HeaderList{
		{Name: "Accept", Value: "*/*"},
		{Name: "Access-Control-Request-Method", Value: r.method},
	}
	if len(names) > 0 {
		h = append(h, policy.Header{Name: "Access-Control-Request-Headers", Value: strings.Join(names, ",")})
	}
	if r.referrer != nil {
		// The preflight has request's referrer (CORS-preflight fetch step
		// 1), and HTTP-network-or-cache fetch step 12 sends it.
		h = append(h, policy.Header{Name: "Referer", Value: r.referrer.String()})
	}
	// Step 6, HTTP-network-or-cache fetch of the preflight: its tainting is
	// cors, so Origin is always appended; its credentials mode is the
	// default same-origin with cors tainting, so no credentials.
	h = append(h, policy.Header{Name: "Origin", Value: r.preflightOrigin()})
	h = append(h, r.fetchMetadata(true)...)
	wreq := &WireRequest{Method: "OPTIONS", URL: wireURL(r.currentURL()), Header: h, Preflight: true}
	rep.Request = wreq
	wr, err := r.send(wreq, true)
	if err != nil {
		rep.Err = err
		r.event(Event{Step: StepPreflightSent, Spec: anchorPreflight, Preflight: true, Outcome: OutcomeFail, Err: err})
		return err
	}
	rep.Sent, rep.Response = true, wr
	r.event(Event{Step: StepPreflightSent, Spec: anchorPreflight, Preflight: true, Outcome: OutcomeOK, Detail: r.method})

	methods, headerNames, err := r.checkPreflight(wr, names)
	if err != nil {
		rep.Err = err
		r.event(Event{Step: StepPreflightChecked, Spec: err.Spec, Preflight: true, Outcome: OutcomeFail, Err: err})
		return err
	}
	r.event(Event{Step: StepPreflightChecked, Spec: anchorPreflight, Preflight: true, Outcome: OutcomeOK})
	if !r.p.StoreBeforeMethodCheck {
		r.storePreflight(wr, methods, headerNames)
	}
	return nil
}

// preflightOrigin is the origin a preflight sends and is checked against:
// the byte-serialized request origin, or the untainted one under
// Profile.PreflightUntaintedOrigin.
func (r *run) preflightOrigin() string {
	if r.p.PreflightUntaintedOrigin {
		return r.origin().String()
	}
	return r.serializedOrigin()
}

func (r *run) statusFailure(wr *WireResponse) *policy.Failure {
	if policy.IsOKStatus(wr.Status) {
		return nil
	}
	st := strconv.Itoa(wr.Status)
	if policy.IsRedirectStatus(wr.Status) {
		return failure(CodePreflightRedirect, anchorPreflight, st,
			"the preflight response is a redirect ("+st+"), which is never followed")
	}
	return failure(CodePreflightStatusNotOK, anchorPreflight, st,
		"the preflight response's status "+st+" is not an ok status (200-299)")
}

// checkPreflight is CORS-preflight fetch steps 7–8: the CORS check and
// ok status (else step 8, network error), then the Access-Control-Allow-*
// checks (7.1–7.7). It returns the extracted methods and header names for
// storePreflight (7.8–7.15), which runs only once the checks passed
// (under Profile.StoreBeforeMethodCheck: here, before 7.5).
func (r *run) checkPreflight(wr *WireResponse, names []string) (methods, headerNames []string, _ *policy.Failure) {
	if r.p.PreflightRedirectFirst && policy.IsRedirectStatus(wr.Status) {
		return nil, nil, r.statusFailure(wr)
	}
	// "If a CORS check for request and response returns success and
	// response's status is an ok status" — the CORS check uses the actual
	// request's credentials mode.
	corsCheck := func() *policy.Failure {
		return asFailure(policy.CORSCheck(wr.Header, r.preflightOrigin(), r.credentialsInclude()), policy.CodeAllowOriginMismatch, anchorCORSCheck)
	}
	if r.p.PreflightStatusFirst {
		if err := r.statusFailure(wr); err != nil {
			return nil, nil, err
		}
		if err := corsCheck(); err != nil {
			return nil, nil, err
		}
	} else {
		if err := corsCheck(); err != nil {
			return nil, nil, err
		}
		if err := r.statusFailure(wr); err != nil {
			return nil, nil, err
		}
	}
	// 7.1–7.3: extract ACAM and ACAH; failure → network error.
	methods, _, err := policy.ExtractHeaderListValues(wr.Header, "Access-Control-Allow-Methods")
	if err != nil {
		f := asFailure(err, CodeInvalidAllowMethods, anchorPreflight)
		return nil, nil, failure(CodeInvalidAllowMethods, anchorPreflight, f.Subject, "Access-Control-Allow-Methods does not parse: "+f.Message)
	}
	headerNames, _, err = policy.ExtractHeaderListValues(wr.Header, "Access-Control-Allow-Headers")
	if err != nil {
		f := asFailure(err, CodeInvalidAllowHeaders, anchorPreflight)
		return nil, nil, failure(CodeInvalidAllowHeaders, anchorPreflight, f.Subject, "Access-Control-Allow-Headers does not parse: "+f.Message)
	}
	// 7.4: methods null and use-CORS-preflight flag → « request's method ».
	if methods == nil && r.req.UseCORSPreflight {
		methods = []string{r.method}
	}
	if r.p.StoreBeforeMethodCheck {
		r.storePreflight(wr, methods, headerNames)
	}
	// 7.5: the method check.
	if err := policy.CheckPreflightMethod(r.method, methods, r.credentialsInclude()); err != nil {
		return nil, nil, asFailure(err, policy.CodeMethodNotAllowed, anchorPreflight)
	}
	// 7.6–7.7: Authorization (non-wildcard name) and the unsafe names.
	if err := policy.CheckPreflightHeaders(r.header, names, headerNames, r.credentialsInclude(), r.p.WildcardCoversAuthorization); err != nil {
		return nil, nil, asFailure(err, policy.CodeHeaderNotAllowed, anchorPreflight)
	}
	if r.p.WildcardCoversAuthorization && r.p.WarnWildcardAuthorization && !r.credentialsInclude() &&
		r.header.Contains("Authorization") && slices.Contains(headerNames, "*") && !containsFold(headerNames, "authorization") {
		r.event(Event{Step: StepWarning, Spec: specBase + "#cors-non-wildcard-request-header-name", Preflight: true, Outcome: OutcomeOK,
			Detail: "Access-Control-Allow-Headers: * covered Authorization; the spec requires it to be listed"})
	}
	return methods, headerNames, nil
}

// storePreflight is CORS-preflight fetch steps 7.8–7.15, after the checks
// passed: max-age (default, cap) under the profile's rules; no cache →
// done; else update or create the method and header-name entries.
func (r *run) storePreflight(wr *WireResponse, methods, headerNames []string) {
	if r.f.Cache == nil {
		return
	}
	ma := policy.ParseMaxAge(wr.Header)
	d, store := r.p.maxAgeFor(ma)
	if !store {
		r.event(Event{Step: StepCacheStore, Spec: anchorPreflight, Preflight: true, Outcome: OutcomeNotStore, Detail: ma.Raw})
		return
	}
	if r.f.Cache.Store(r.cacheKey(), r.credentialsInclude(), methods, headerNames, d, r.f.now()) {
		r.event(Event{Step: StepCacheStore, Spec: anchorCacheCreate, Preflight: true, Outcome: OutcomeStored, Detail: d.String()})
	} else {
		r.event(Event{Step: StepCacheStore, Spec: anchorCacheCreate, Preflight: true, Outcome: OutcomeNotStore, Detail: "URL too long"})
	}
}

func containsFold(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// The CORS-preflight cache as a fetch uses it
// (https://fetch.spec.whatwg.org/#cors-preflight-cache).

// cacheKey is the key of the cache entries for the request as it is now:
// its network partition key, its byte-serialized origin and its current
// URL.
func (r *run) cacheKey() CacheKey {
	origin := r.serializedOrigin()
	if r.p.KeyByUntaintedOrigin {
		origin = r.originStr
	}
	if o := r.origin(); r.p.OpaqueOriginKeyedByPage && o.IsOpaque() && o.ID() != "" {
		origin += "#" + o.ID()
	}
	return CacheKey{Partition: r.partitionKey(), Origin: origin, URL: r.currentURL().String()}
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
	return r.site(top)
}

// clearCache is "clear cache entries" (https://fetch.spec.whatwg.org/#concept-cache-clear)
// for the request, unless the profile keeps them on a failure.
func (r *run) clearCache() {
	if r.f.Cache == nil || r.p.KeepCacheOnFailure {
		return
	}
	k := r.cacheKey()
	r.f.Cache.ClearKey(k)
	r.event(Event{Step: StepCacheCleared, Spec: anchorCacheClear, Outcome: OutcomeOK, Detail: k.URL})
}
