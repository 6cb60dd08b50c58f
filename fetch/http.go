package fetch

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
)

// httpFetch is HTTP fetch (https://fetch.spec.whatwg.org/#concept-http-fetch)
// without service workers.
func (r *run) httpFetch(makePreflight bool) (*WireResponse, *policy.Failure) {
	if makePreflight {
		if err := r.preflightIfNeeded(); err != nil {
			return nil, err
		}
	}
	wr, err := r.networkFetch()
	if err != nil {
		return nil, err
	}
	// Step 4.4: "If request's response tainting is cors and a CORS check for request
	// and response returns failure, then return a network error." This
	// applies to every response, redirects included.
	if r.tainting == TaintingCORS {
		if cerr := policy.CORSCheck(wr.Header, r.serializedOrigin(), r.credentialsInclude()); cerr != nil {
			ferr := asFailure(cerr, policy.CodeAllowOriginMismatch, anchorCORSCheck)
			r.event(Event{Step: StepCORSCheck, Spec: anchorCORSCheck, Outcome: OutcomeFail, Err: ferr})
			r.corsCheckFailed = true
			return nil, ferr
		}
		r.event(Event{Step: StepCORSCheck, Spec: anchorCORSCheck, Outcome: OutcomeOK})
	}
	// Step 4: the cross-origin resource policy check of an opaque response.
	if err := r.corp(wr); err != nil {
		return nil, err
	}
	// Step 6: "If internalResponse's status is a redirect status", switch
	// on the redirect mode.
	if policy.IsRedirectStatus(wr.Status) {
		switch r.req.Redirect {
		case RedirectError:
			err := failure(CodeRedirectModeError, anchorHTTPFetch, "",
				"the response redirects and the request's redirect mode is error")
			r.event(Event{Step: StepRedirect, Spec: anchorHTTPFetch, Outcome: OutcomeFail, Err: err})
			return nil, err
		case RedirectManual:
			r.opaqueRdr = true
			r.event(Event{Step: StepRedirect, Spec: anchorHTTPFetch, Outcome: OutcomeSkip, Detail: string(RedirectManual)})
			return wr, nil
		}
		return r.redirectFetch(wr)
	}
	return wr, nil
}

// includeCredentials is HTTP-network-or-cache fetch's includeCredentials.
func (r *run) includeCredentials() bool {
	switch r.req.Credentials {
	case CredentialsInclude:
		return true
	case CredentialsSameOrigin:
		return r.tainting == TaintingBasic
	}
	return r.req.Mode == ModeNavigate
}

// originHeader is "append a request Origin header"
// (https://fetch.spec.whatwg.org/#append-a-request-origin-header). With
// Profile.OriginIgnoresReferrerPolicy the step-4.1 switch is skipped.
func (r *run) originHeader() (string, bool) {
	serialized := r.serializedOrigin()
	if r.tainting == TaintingCORS {
		return serialized, true
	}
	if r.method == "GET" || r.method == "HEAD" {
		return "", false
	}
	if r.req.Mode != ModeCORS && !r.p.OriginIgnoresReferrerPolicy && r.originNullByPolicy() {
		serialized = "null"
	}
	return serialized, true
}

// wireURL is the URL as sent: without fragment and userinfo.
func wireURL(u *url.URL) *url.URL {
	if u.Fragment == "" && u.RawFragment == "" && u.User == nil {
		return u
	}
	c := *u
	c.Fragment, c.RawFragment, c.User = "", "", nil
	return &c
}

// networkFetch is the part of HTTP-network-or-cache fetch
// (https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch) that
// CORS sees: credentials, the Origin header, then the network.
func (r *run) networkFetch() (*WireResponse, *policy.Failure) {
	wreq := &WireRequest{Method: r.method, URL: wireURL(r.currentURL()), Credentials: r.includeCredentials()}
	// The wire header list is a copy of the request's header list, plus
	// Origin: each exchange keeps the list it was sent with.
	h := append(make(policy.HeaderList, 0, len(r.header)+2), r.header...)
	if v, ok := r.contentLength(); ok {
		h = append(h, policy.Header{Name: "Content-Length", Value: v})
	}
	// Step 12: Referer, when request's referrer is a URL (main fetch step 8
	// determined it for this hop).
	if ref := r.referrer; ref != nil {
		h = append(h, policy.Header{Name: "Referer", Value: ref.String()})
	}
	if v, ok := r.originHeader(); ok {
		h = append(h, policy.Header{Name: "Origin", Value: v})
		r.event(Event{Step: StepOriginHeader, Spec: anchorOriginHeader, Outcome: OutcomeOK, Detail: v})
	} else {
		r.event(Event{Step: StepOriginHeader, Spec: anchorOriginHeader, Outcome: OutcomeNone})
	}
	h = append(h, r.fetchMetadata(false)...)
	h, sentCookies := r.appendCookieHeader(h)
	wreq.Header = h
	if r.body.Kind != BodyNone {
		wreq.Body = r.body.wire()
	}
	wr, err := r.send(wreq, false)
	if err != nil {
		return nil, err
	}
	ex := &r.res.Wire[len(r.res.Wire)-1]
	ex.Cookies, ex.SetCookies = sentCookies, r.storeSetCookies(wr)
	r.event(Event{Step: StepActualSent, Spec: anchorNetOrCache, Outcome: OutcomeOK})
	return wr, nil
}

// contentLength is HTTP-network-or-cache fetch steps 8–11
// (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch): the body's
// length when it has one, "0" for a POST or PUT without a body, else no
// header. A ReadableStream body has a null length, so it gets none.
func (r *run) contentLength() (string, bool) {
	switch {
	case r.body.Kind == BodyStream:
		return "", false
	case r.body.Kind != BodyNone:
		return strconv.Itoa(len(r.body.wire())), true
	case r.method == "POST" || r.method == "PUT":
		return "0", true
	}
	return "", false
}

// send hands a request to the Transport and records the exchange.
func (r *run) send(wreq *WireRequest, preflight bool) (*WireResponse, *policy.Failure) {
	hop := r.hop()
	if cerr := r.ctx.Err(); cerr != nil {
		return nil, failure(CodeAborted, anchorFetch, "", "the fetch was aborted: "+cerr.Error())
	}
	if r.f.Transport == nil {
		return nil, failure(CodeTransportError, anchorNetOrCache, "", "no transport to send the request")
	}
	// HTTP-network fetch: the Local Network Access check once the
	// connection is obtained, before anything is sent.
	if ferr := r.localNetworkAccess(wreq.URL); ferr != nil {
		return nil, ferr
	}
	wr, err := r.f.Transport.RoundTrip(r.ctx, wreq)
	if err == nil && wr == nil {
		err = errNilResponse
	}
	if err != nil {
		r.res.Wire = append(r.res.Wire, Exchange{Request: wreq, Err: err, Preflight: preflight, Hop: hop})
		return nil, failure(CodeTransportError, anchorNetOrCache, "", "the request failed at the network level: "+err.Error())
	}
	r.res.Wire = append(r.res.Wire, Exchange{Request: wreq, Response: wr, Preflight: preflight, Hop: hop})
	if !preflight {
		r.res.ReachedServer = true
	}
	// The engine's network stack reads the header block into a bounded
	// buffer: a larger one is a network error, the request was still sent.
	if ferr := r.responseSize(wr); ferr != nil {
		return nil, ferr
	}
	if ferr := r.responseHeaderBytes(wr); ferr != nil {
		return nil, ferr
	}
	return wr, nil
}

type constError string

func (e constError) Error() string { return string(e) }

const errNilResponse = constError("transport returned neither a response nor an error")

// dataResponse answers a data: URL (https://fetch.spec.whatwg.org/#data-url-processor),
// or nil when it does not parse.
func dataResponse(u *url.URL) *WireResponse {
	s := strings.TrimPrefix(u.String(), "data:")
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	comma := strings.IndexByte(s, ',')
	if comma < 0 {
		return nil
	}
	mime, data := trimHTTPWhitespace(s[:comma]), s[comma+1:]
	body, err := url.PathUnescape(data)
	if err != nil {
		body = data
	}
	if i := strings.LastIndexByte(mime, ';'); i >= 0 && strings.EqualFold(trimHTTPWhitespace(mime[i+1:]), "base64") {
		mime = mime[:i]
		dec, derr := base64.StdEncoding.DecodeString(strings.Map(dropSpace, body))
		if derr != nil {
			dec, derr = base64.RawStdEncoding.DecodeString(strings.TrimRight(strings.Map(dropSpace, body), "="))
			if derr != nil {
				return nil
			}
		}
		body = string(dec)
	}
	if strings.HasPrefix(mime, ";") {
		mime = "text/plain" + mime
	}
	if _, err := policy.ParseMIMEType(mime); err != nil {
		mime = "text/plain;charset=US-ASCII"
	}
	return &WireResponse{Status: 200, StatusText: "OK", Header: policy.HeaderList{{Name: "Content-Type", Value: mime}}, Body: []byte(body)}
}

func dropSpace(r rune) rune {
	if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
		return -1
	}
	return r
}
