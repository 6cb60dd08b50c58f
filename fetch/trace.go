package fetch

import "github.com/corsim/corsim/policy"

// Step names one step of the fetch algorithm that a trace Event records.
// Steps are stable identifiers (reports and tests match on them); the Spec
// field of the Event carries the exact anchor.
type Step string

// The steps a trace can record, roughly in the order a fetch meets them.
const (
	// StepRequestValidated: the request was built and validated as
	// new Request() / XMLHttpRequest would (recorded by Fetch from the
	// Request's own notes: dropped headers, default Content-Type, flags).
	StepRequestValidated Step = "request-validated"
	// StepFetch: the fetch algorithm appended its default headers
	// (Accept, Accept-Language) before main fetch.
	StepFetch Step = "fetch"
	// StepMainFetch: main fetch started for a hop (Detail = current URL).
	StepMainFetch Step = "main-fetch"
	// StepSameOrigin: main fetch's branch choice — same-origin/basic,
	// same-origin mode failure, no-cors/opaque, or CORS (Outcome names it).
	StepSameOrigin Step = "same-origin"
	// StepPreflightDecision: whether this hop is a request that needs a
	// CORS-preflight (main fetch's preflight branch) and why.
	StepPreflightDecision Step = "preflight-decision"
	// StepCacheLookup: HTTP fetch consulted the CORS-preflight cache.
	StepCacheLookup Step = "cache-lookup"
	// StepPreflightSent: a CORS-preflight request went to the server.
	StepPreflightSent Step = "preflight-sent"
	// StepPreflightChecked: the preflight response was evaluated.
	StepPreflightChecked Step = "preflight-checked"
	// StepCacheStore: the preflight result was written to the cache (or
	// deliberately not, Outcome says which).
	StepCacheStore Step = "cache-store"
	// StepCacheCleared: main fetch cleared the cache entries for the
	// request after a network error in the preflight branch.
	StepCacheCleared Step = "cache-cleared"
	// StepOriginHeader: the Origin header decision for a request on the
	// wire (Detail = the value, Outcome "none" when not sent).
	StepOriginHeader Step = "origin-header"
	// StepActualSent: the actual (non-preflight) request went to the server.
	StepActualSent Step = "actual-sent"
	// StepCORSCheck: the CORS check on the actual (or redirect) response.
	StepCORSCheck Step = "cors-check"
	// StepRedirect: HTTP-redirect fetch handled a 3xx response.
	StepRedirect Step = "redirect"
	// StepTaint: the request became redirect-tainted (Origin: null).
	StepTaint Step = "taint"
	// StepFiltered: the response was wrapped in the filtered response for
	// the tainting (basic, cors, opaque, opaqueredirect).
	StepFiltered Step = "filtered"
	// StepNetworkError: the fetch ended in a network error.
	StepNetworkError Step = "network-error"
	// StepWarning: something a browser would warn about without blocking
	// (e.g. "Access-Control-Allow-Headers: *" covering Authorization).
	StepWarning Step = "warning"
	// StepReferrerPolicy: the profile replaced the request's referrer
	// policy (Profile.IgnoreRelaxedCrossSiteReferrerPolicy).
	StepReferrerPolicy Step = "referrer-policy"
)

// Outcomes used in Event.Outcome.
const (
	OutcomeOK       = "ok"
	OutcomeFail     = "fail"
	OutcomeSkip     = "skip"
	OutcomeHit      = "hit"
	OutcomeMiss     = "miss"
	OutcomeRequired = "required"
	OutcomeNone     = "none"
	OutcomeBasic    = "basic"
	OutcomeCORS     = "cors"
	OutcomeOpaque   = "opaque"
	OutcomeStored   = "stored"
	OutcomeNotStore = "not-stored"
)

// Event is one entry of a fetch's trace: which step ran, for which hop of
// the redirect chain, what came out and why. Events are data, not text:
// rendering them for people is another package's job.
type Event struct {
	// Step names the step.
	Step Step
	// Spec is the anchor URL of the spec step.
	Spec string
	// Hop is the index of the URL in the request's URL list this step ran
	// for (0 for the first URL, 1 after the first redirect, …).
	Hop int
	// Preflight reports that the step belongs to a CORS-preflight (its
	// request, its response checks or its cache); browsers word preflight
	// failures differently from failures of the actual response.
	Preflight bool
	// Outcome is a short word: one of the Outcome… constants.
	Outcome string
	// Detail is step-specific: a URL, a header value, a method, a reason.
	Detail string
	// Err is the failure this step produced, if any.
	Err *policy.Failure
}

// Spec anchors cited by the trace.
const (
	specBase             = "https://fetch.spec.whatwg.org/"
	anchorFetch          = specBase + "#concept-fetch"
	anchorMainFetch      = specBase + "#concept-main-fetch"
	anchorHTTPFetch      = specBase + "#concept-http-fetch"
	anchorNetOrCache     = specBase + "#concept-http-network-or-cache-fetch"
	anchorPreflight      = specBase + "#cors-preflight-fetch-0"
	anchorCache          = specBase + "#cors-preflight-cache"
	anchorCacheMatch     = specBase + "#concept-cache-match"
	anchorCacheClear     = specBase + "#concept-cache-clear"
	anchorCacheCreate    = specBase + "#concept-cache-create-entry"
	anchorCORSCheck      = specBase + "#concept-cors-check"
	anchorRedirect       = specBase + "#concept-http-redirect-fetch"
	anchorOriginHeader   = specBase + "#append-a-request-origin-header"
	anchorTaint          = specBase + "#concept-request-tainted-origin"
	anchorFiltered       = specBase + "#concept-filtered-response"
	anchorNetworkError   = specBase + "#concept-network-error"
	anchorRequestCtor    = specBase + "#dom-request"
	anchorBodyExtract    = specBase + "#concept-bodyinit-extract"
	anchorHeadersGuard   = specBase + "#concept-headers-guard"
	anchorSchemeFetch    = specBase + "#concept-scheme-fetch"
	anchorForbiddenHdr   = specBase + "#forbidden-request-header"
	anchorNoCORSSafelist = specBase + "#no-cors-safelisted-request-header"
	anchorXHRSend        = "https://xhr.spec.whatwg.org/#the-send()-method"
)

// newTrace returns an empty trace with room for the events of a
// preflighted fetch (12 when the preflight is sent), so that a fetch's
// trace is one allocation rather than five doublings from one event (88
// bytes each). Kept for BenchmarkCorpus (sim): without it the scenario
// corpus cost 13% more CPU time (median of six alternated runs) and 8%
// more bytes.
func newTrace() []Event { return make([]Event, 0, 12) }
