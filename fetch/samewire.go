package fetch

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/corsim/corsim/policy"
)

// SameWire reports whether fetching each of reqs with f and with g puts
// the same requests on the wire (method, URL, credentials, header lines,
// in order), as long as no response passes a CORS check and neither cache
// holds an entry for the request's origin. Where they are sent is the
// Transport's business and not compared.
//
// Under that condition every fetch ends at its first response: the CORS
// check of HTTP fetch step 4.4 fails on every response, redirects included
// (https://fetch.spec.whatwg.org/#concept-http-fetch), and a CORS-preflight
// passes only through that check
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 step 7), so
// nothing is stored in a cache, no redirect is followed and the request is
// never redirect-tainted. What a profile does after a response has arrived
// (its cache rules, the order of its preflight checks, its redirect and
// header-size limits, its console texts) cannot change what it sends. What
// can is compared as each request meets it: the header list fetch builds
// (Accept-Language, repeated names joined, Origin and Referer under the
// referrer policy), which of its headers are CORS-unsafe (the safelist),
// the mixed-content upgrade or block, the Local Network Access check, and
// the Fetch metadata headers. A Profile field that none of these reads is
// taken to shape the request unless this function's test names it as
// mattering only after a response (the test makes every new field choose).
// A Fetcher with a cookie store is never the same as another.
func SameWire(f, g *Fetcher, reqs ...*Request) bool { return SameAnswer(f, g, nil, reqs...) }

// SameAnswer is SameWire for a server whose answer depends on the
// method, the URL, whether a request is sent at all, and only the request
// headers named in reads (case-insensitively; nil means every header): the
// two fetchers' requests may differ in the values of other headers
// (Accept-Language, Referer, Cookie, the Fetch metadata headers). Which
// requests are sent (the preflight decision, the unsafe names in
// Access-Control-Request-Headers, the gates) is compared as by SameWire.
func SameAnswer(f, g *Fetcher, reads []string, reqs ...*Request) bool {
	read := func(name string) bool {
		return reads == nil || slices.ContainsFunc(reads, func(r string) bool { return strings.EqualFold(r, name) })
	}
	if !sameValue(f.PublicSuffixList, g.PublicSuffixList) || !sameValue(f.AddressSpaces, g.AddressSpaces) {
		return false
	}
	if (f.Cookies != nil || g.Cookies != nil) && read("Cookie") {
		// A cookie store's Cookie header depends on what every earlier
		// response set, CORS check or not: not compared.
		return false
	}
	p, q := &f.Profile, &g.Profile
	var last *Request // the previous request, whose gates were compared
	for _, req := range reqs {
		if req == nil || len(req.URLList) != 1 || req.URL() == nil {
			return false
		}
		// Each part is computed only when the fields it reads differ:
		// equal fields give equal results on the same request.
		if p.AcceptLanguage != q.AcceptLanguage && !req.Header.Contains("Accept-Language") && read("Accept-Language") {
			return false
		}
		if !slices.Equal(p.Safelist.Extra, q.Safelist.Extra) || p.Safelist.RangeUnitIgnoresCase != q.Safelist.RangeUnitIgnoresCase {
			h := scratchHeader(f, req) // the same in g by now
			if !slices.Equal(p.Safelist.UnsafeNames(h), q.Safelist.UnsafeNames(h)) {
				return false
			}
		}
		if !sameRequestShape(p, q, req, read("Referer")) {
			return false
		}
		// The gates and the Fetch metadata read the URL, the client and
		// the mode, never the method or the headers: requests that share
		// those with the previous one share its answer.
		if last != nil && sameURL(last.URL(), req.URL()) && last.Client == req.Client && last.Mode == req.Mode &&
			last.Initiator == req.Initiator && last.TargetAddressSpace == req.TargetAddressSpace {
			continue
		}
		if !sameGates(f, g, req, read("Sec-Fetch-Site") || read("Sec-Fetch-Mode") || read("Sec-Fetch-Dest")) {
			return false
		}
		last = req
	}
	return true
}

// sameRequestShape compares the Profile fields that change the header
// list of req itself: repeated names joined, the Origin header's
// referrer-policy switch, and (with referer) the Referer header.
func sameRequestShape(p, q *Profile, req *Request, referer bool) bool {
	if p.CombineDuplicateHeaders != q.CombineDuplicateHeaders && hasRepeatedName(req.Header) {
		return false
	}
	if p.OriginIgnoresReferrerPolicy != q.OriginIgnoresReferrerPolicy && req.Mode != ModeCORS && req.Method != "GET" && req.Method != "HEAD" {
		return false
	}
	if !referer {
		return true
	}
	if p.IgnoreRelaxedCrossSiteReferrerPolicy != q.IgnoreRelaxedCrossSiteReferrerPolicy && req.EffectiveReferrerPolicy().lessStrictThanDefault() {
		return false
	}
	if p.OpaqueOriginSendsReferrer != q.OpaqueOriginSendsReferrer && req.Client.Origin.IsOpaque() && req.Client.URL != nil {
		return false
	}
	return true
}

// hasRepeatedName reports whether two entries of h share a name
// (case-insensitively).
func hasRepeatedName(h policy.HeaderList) bool {
	for i := range h {
		for j := i + 1; j < len(h); j++ {
			if strings.EqualFold(h[i].Name, h[j].Name) {
				return true
			}
		}
	}
	return false
}

// sameGates compares the mixed-content, Local Network Access and Fetch
// metadata steps for req under f and g (see SameWire); metadata says
// whether the Fetch metadata headers count.
func sameGates(f, g *Fetcher, req *Request, metadata bool) bool {
	p, q := &f.Profile, &g.Profile
	gates := func(p *Profile) [5]any {
		return [5]any{p.LocalNetworkAccess, p.LocalNetworkAskInsecure, p.LocalNetworkPromptAnswer,
			p.TargetAddressSpaceOption, p.MixedContentBlocksLoopback}
	}
	a, b := newScratchRun(f, req), newScratchRun(g, req)
	if gates(p) != gates(q) {
		blockedA := a.mixedContent() != nil || a.localNetworkAccess(a.currentURL()) != nil
		blockedB := b.mixedContent() != nil || b.localNetworkAccess(b.currentURL()) != nil
		if blockedA || blockedB {
			return blockedA && blockedB // neither sends anything, or one does
		}
		if !sameURL(a.currentURL(), b.currentURL()) && a.currentURL().String() != b.currentURL().String() {
			return false // one upgraded the URL to https
		}
	} else if p.FetchMetadata != q.FetchMetadata {
		_ = a.mixedContent() // the URL the metadata is for (same in both)
	}
	// Fetch metadata goes to a potentially trustworthy URL only, and then
	// always (policy.FetchMetadataHeaders): with it on in one profile
	// alone, the requests differ exactly when the URL is one.
	return !metadata || p.FetchMetadata == q.FetchMetadata || !policy.IsPotentiallyTrustworthyURL(a.currentURL())
}

// newScratchRun is the state of a fetch of req with f before main fetch,
// for running the gates SameWire compares; its trace is thrown away.
func newScratchRun(f *Fetcher, req *Request) *run {
	r := &run{
		f: f, p: &f.Profile, ctx: context.Background(), req: req, res: &Result{},
		originStr: req.Client.Origin.String(), method: req.Method, urls: slices.Clone(req.URLList),
		tainting: TaintingCORS,
	}
	return r
}

// scratchHeader is the header list the fetch steps build for req with f:
// Accept and Accept-Language appended.
func scratchHeader(f *Fetcher, req *Request) policy.HeaderList {
	h := slices.Clone(req.Header)
	if !req.Header.Contains("Accept") {
		h = append(h, policy.Header{Name: "Accept", Value: "*/*"})
	}
	if lang := f.Profile.AcceptLanguage; lang != "" && !req.Header.Contains("Accept-Language") {
		h = append(h, policy.Header{Name: "Accept-Language", Value: lang})
	}
	return h
}

// sameURL reports that a and b are one URL: the same pointer or equal
// fields (a false "no" only costs a second look).
func sameURL(a, b *url.URL) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

// sameValue reports whether two interface values are the same: both nil,
// or of one comparable type and equal (never a panic on an uncomparable
// one: those count as different).
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ta := reflect.TypeOf(a)
	return ta == reflect.TypeOf(b) && ta.Comparable() && a == b
}
