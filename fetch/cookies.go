package fetch

import (
	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/policy"
)

// CookieStore is the user agent's cookie store as Fetch uses it
// (https://fetch.spec.whatwg.org/#cookies): HTTP-network-or-cache fetch
// asks it for the request's Cookie header, HTTP-network fetch hands it the
// response's Set-Cookie lines. *cookie.Jar implements it. Implementations
// must be safe for concurrent use.
type CookieStore interface {
	// Cookies returns the cookies r carries and those it withholds.
	Cookies(r cookie.Request) cookie.Retrieval
	// Store processes the Set-Cookie lines of a response to r.
	Store(lines []string, r cookie.Request) []cookie.StoreResult
}

// cookieRequest describes the request's current hop to the cookie store.
func (r *run) cookieRequest() cookie.Request {
	kind := cookie.Subresource
	if r.req.Mode == ModeNavigate {
		kind = cookie.TopLevelNavigation
	}
	return cookie.Request{
		URL: r.currentURL(), Method: r.method, Kind: kind,
		TopLevel: r.req.Client.topLevel(), RedirectChain: r.urls[:len(r.urls)-1],
		IncludeCredentials: r.includeCredentials(),
	}
}

// appendCookieHeader is HTTP-network-or-cache fetch's "If includeCredentials
// is true, then: … append a request `Cookie` header" step
// (https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch): it
// asks the cookie store and appends `Cookie` when it returns any. The store
// is asked whatever includeCredentials says, so the report can name the
// cookies a credentials mode leaves out. With no store, h is unchanged.
func (r *run) appendCookieHeader(h policy.HeaderList) (policy.HeaderList, *cookie.Retrieval) {
	if r.f.Cookies == nil {
		return h, nil
	}
	ret := r.f.Cookies.Cookies(r.cookieRequest())
	if v := ret.Header(); v != "" && r.includeCredentials() {
		h = append(h, policy.Header{Name: "Cookie", Value: v})
	}
	return h, &ret
}

// storeSetCookies is HTTP-network fetch's "If includeCredentials is true,
// the user agent should parse and store response `Set-Cookie` headers"
// step (https://fetch.spec.whatwg.org/#concept-http-network-fetch). The
// store is handed the lines whatever includeCredentials says; it refuses
// them all when it is false, so the report can say why.
func (r *run) storeSetCookies(wr *WireResponse) []cookie.StoreResult {
	if r.f.Cookies == nil || wr == nil {
		return nil
	}
	lines := wr.Header.Values("Set-Cookie")
	if len(lines) == 0 {
		return nil
	}
	return r.f.Cookies.Store(lines, r.cookieRequest())
}
