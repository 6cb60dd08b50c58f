package fetch

import (
	"net/url"
	"strconv"

	"github.com/corsim/corsim/policy"
)

// ReferrerPolicy is a referrer policy
// (https://w3c.github.io/webappsec-referrer-policy/#referrer-policies): how
// much of the page's URL the Referer header carries, and (for a non-CORS
// request that is not GET or HEAD) whether the Origin header is null.
type ReferrerPolicy string

// Referrer policies. The empty policy means "the page's policy", and a page
// without one uses ReferrerStrictOriginWhenCrossOrigin, the default.
const (
	ReferrerDefault                     ReferrerPolicy = ""
	ReferrerNoReferrer                  ReferrerPolicy = "no-referrer"
	ReferrerNoReferrerWhenDowngrade     ReferrerPolicy = "no-referrer-when-downgrade"
	ReferrerSameOrigin                  ReferrerPolicy = "same-origin"
	ReferrerOrigin                      ReferrerPolicy = "origin"
	ReferrerStrictOrigin                ReferrerPolicy = "strict-origin"
	ReferrerOriginWhenCrossOrigin       ReferrerPolicy = "origin-when-cross-origin"
	ReferrerStrictOriginWhenCrossOrigin ReferrerPolicy = "strict-origin-when-cross-origin"
	ReferrerUnsafeURL                   ReferrerPolicy = "unsafe-url"
)

// valid reports whether p is one of the policies above.
func (p ReferrerPolicy) valid() bool {
	switch p {
	case ReferrerDefault, ReferrerNoReferrer, ReferrerNoReferrerWhenDowngrade, ReferrerSameOrigin, ReferrerOrigin,
		ReferrerStrictOrigin, ReferrerOriginWhenCrossOrigin, ReferrerStrictOriginWhenCrossOrigin, ReferrerUnsafeURL:
		return true
	}
	return false
}

const (
	anchorDetermineReferrer = "https://w3c.github.io/webappsec-referrer-policy/#determine-requests-referrer"
	maxReferrerLength       = 4096 // determine request's referrer step 6
)

// EffectiveReferrerPolicy is the request's referrer policy, with main
// fetch step 7's "if request's referrer policy is the empty string, set it
// to request's policy container's referrer policy" (the page's) and the
// default of https://w3c.github.io/webappsec-referrer-policy/#default-referrer-policy.
// A profile may still override it (Profile.IgnoreRelaxedCrossSiteReferrerPolicy).
func (r *Request) EffectiveReferrerPolicy() ReferrerPolicy {
	p := r.ReferrerPolicy
	if p == ReferrerDefault {
		p = r.Client.ReferrerPolicy
	}
	if p == ReferrerDefault {
		p = ReferrerStrictOriginWhenCrossOrigin
	}
	return p
}

// lessStrictThanDefault reports whether p reveals more than the default
// policy may: unsafe-url, no-referrer-when-downgrade,
// origin-when-cross-origin (the policies Firefox ignores cross-site).
func (p ReferrerPolicy) lessStrictThanDefault() bool {
	switch p {
	case ReferrerUnsafeURL, ReferrerNoReferrerWhenDowngrade, ReferrerOriginWhenCrossOrigin:
		return true
	}
	return false
}

// referrerSource is "determine request's referrer" step 3 for a request
// whose referrer is "client": the page's URL (Client.URL, or the root of
// its origin), and no referrer when the page's origin is opaque (step
// 3.1.2). Under Profile.OpaqueOriginSendsReferrer a sandboxed page with a
// URL names it.
func (r *run) referrerSource() *url.URL {
	o := r.req.Client.Origin
	if o.IsOpaque() && !r.p.OpaqueOriginSendsReferrer {
		return nil
	}
	if u := r.req.Client.URL; u != nil {
		return u
	}
	if o.IsOpaque() {
		return nil
	}
	host := o.Host() // bracketed already when IPv6
	if o.HasPort() {
		host += ":" + strconv.Itoa(o.Port())
	}
	return &url.URL{Scheme: o.Scheme(), Host: host, Path: "/"}
}

// determineReferrer is "determine request's referrer"
// (https://w3c.github.io/webappsec-referrer-policy/#determine-requests-referrer)
// for the request's current URL, as main fetch step 8 runs it on every hop:
// the source is the previous hop's result once there is one. It returns
// nil for "no referrer".
func (r *run) determineReferrer() *url.URL {
	src := r.referrer
	if !r.referrerSet {
		src, r.referrerSet = r.referrerSource(), true
		if src != nil {
			// Every hop's source is this one or what an earlier hop
			// stripped from it: stripping keeps the origin.
			r.referrerOrigin = policy.OriginOf(src)
			r.referrerTrustworthy = policy.IsPotentiallyTrustworthyURL(src)
		}
	}
	if src == nil {
		return nil
	}
	full := stripForReferrer(src, false) // step 4
	if full == nil {
		r.referrer = nil
		return nil
	}
	originOnly := stripForReferrer(src, true) // step 5
	if len(full.String()) > maxReferrerLength {
		full = originOnly // step 6
	}
	cur := r.currentURL()
	sameOrigin := policy.SameOrigin(r.referrerOrigin, policy.OriginOf(cur))
	// downgrade: the referrer is potentially trustworthy (as its source
	// is: stripping an http(s) URL keeps its origin) and cur is not; asked
	// only by the policies that read it.
	downgrade := func() bool { return r.referrerTrustworthy && !policy.IsPotentiallyTrustworthyURL(cur) }
	var out *url.URL
	switch r.effectiveReferrerPolicy(cur) { // step 8
	case ReferrerNoReferrer:
	case ReferrerOrigin:
		out = originOnly
	case ReferrerUnsafeURL:
		out = full
	case ReferrerStrictOrigin:
		if !downgrade() {
			out = originOnly
		}
	case ReferrerStrictOriginWhenCrossOrigin:
		switch {
		case sameOrigin:
			out = full
		case !downgrade():
			out = originOnly
		}
	case ReferrerSameOrigin:
		if sameOrigin {
			out = full
		}
	case ReferrerOriginWhenCrossOrigin:
		out = originOnly
		if sameOrigin {
			out = full
		}
	case ReferrerNoReferrerWhenDowngrade:
		if !downgrade() {
			out = full
		}
	}
	r.referrer = out
	return out
}

// stripForReferrer is "strip url for use as a referrer"
// (https://w3c.github.io/webappsec-referrer-policy/#strip-url): nil for a
// local or non-network scheme, else the URL without userinfo and fragment,
// and with originOnly without path and query either.
func stripForReferrer(u *url.URL, originOnly bool) *url.URL {
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil // steps 2–3 (local schemes; only HTTP(S) pages are modelled)
	}
	c := *u
	c.User, c.Fragment, c.RawFragment = nil, "", "" // steps 4–5
	if originOnly {
		c.Path, c.RawPath, c.RawQuery, c.ForceQuery = "/", "", "", false // step 6
	}
	return &c
}

// originNullByPolicy is the referrer-policy switch of "append a request
// Origin header" step 4.1 (https://fetch.spec.whatwg.org/#append-a-request-origin-header)
// for a request whose mode is not cors and whose method is neither GET nor
// HEAD: whether the Origin header is null.
func (r *run) originNullByPolicy() bool {
	o, cur := r.origin(), r.currentURL()
	switch r.req.EffectiveReferrerPolicy() {
	case ReferrerNoReferrer:
		return true
	case ReferrerNoReferrerWhenDowngrade, ReferrerStrictOrigin, ReferrerStrictOriginWhenCrossOrigin:
		return !o.IsOpaque() && o.Scheme() == "https" && cur.Scheme != "https"
	case ReferrerSameOrigin:
		return !policy.SameOrigin(o, policy.OriginOf(cur))
	}
	return false
}

// effectiveReferrerPolicy is the policy step 8 of "determine request's
// referrer" switches on: the request's, except that under
// Profile.IgnoreRelaxedCrossSiteReferrerPolicy a policy less strict than
// the default (unsafe-url, no-referrer-when-downgrade,
// origin-when-cross-origin) is replaced by the default for a request to
// another site, schemelessly compared, and a StepReferrerPolicy event
// says so.
func (r *run) effectiveReferrerPolicy(cur *url.URL) ReferrerPolicy {
	p := r.req.EffectiveReferrerPolicy()
	if !r.p.IgnoreRelaxedCrossSiteReferrerPolicy || !p.lessStrictThanDefault() {
		return p
	}
	if policy.SchemelesslySameSite(r.req.Client.Origin, policy.OriginOf(cur), r.f.PublicSuffixList) {
		return p
	}
	r.event(Event{Step: StepReferrerPolicy, Spec: anchorDetermineReferrer, Outcome: OutcomeWarn,
		Detail: "the referrer policy " + string(p) + " is less strict than the default and the request is cross-site: " +
			string(ReferrerStrictOriginWhenCrossOrigin) + " applies instead"})
	return ReferrerStrictOriginWhenCrossOrigin
}
