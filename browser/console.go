package browser

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// dialect is how one browser speaks: the rejection fetch() gets and the
// console lines for a blocked request. Each browser's dialect lives in its
// own file (console_chromium.go, console_firefox.go, console_webkit.go,
// console_spec.go); the fetch algorithm never sees browser names.
type dialect struct {
	// typeError is the rejection of fetch() on a network error.
	typeError string
	// abortError is the rejection when the fetch is aborted.
	abortError string
	// render returns the console lines for a network error.
	render func(c *blockContext) []ConsoleMessage
	// warn returns the console lines and DevTools issues for a fetch that
	// recorded a StepWarning event (ACAH "*" covering Authorization).
	warn func(p *Page, res *fetch.Result) ([]ConsoleMessage, []Issue)
	// respond returns the console lines for a response script gets (a
	// resolved fetch or an XHR load, opaque responses included); nil for
	// a browser that logs nothing there.
	respond func(res *fetch.Result) []ConsoleMessage
	// constructError is the exception for a request that could not be
	// built; rawURL is the URL exactly as the script passed it (the
	// failure's Subject is redacted).
	constructError func(init fetch.Initiator, f *policy.Failure, rawURL string) string
	// xhrURLWithoutUserinfo: an XMLHttpRequest opened with a URL with
	// userinfo reports responseURL without it (WebKit, observed in
	// WebKitGTK 2.50). Zero: responseURL keeps the userinfo of the URL as
	// opened (Chromium 156 and Firefox 153 ESR, conformance suites).
	xhrURLWithoutUserinfo bool
	// cookies returns the console lines about the responses' Set-Cookie
	// lines (logged before any CORS line: Set-Cookie is processed first);
	// nil for a browser whose lines corsim has not observed.
	cookies func(res *fetch.Result) []ConsoleMessage
}

// dialects is the table of dialects keyed by profile family (the part of
// the profile Name before "+").
var dialects = map[string]*dialect{
	NameChromium: &chromiumDialect,
	NameFirefox:  &firefoxDialect,
	NameWebKit:   &webkitDialect,
	NameSpec:     &specDialect,
}

// dialectFor returns the dialect of a profile name; unknown names speak as
// the spec profile does.
func dialectFor(name string) *dialect {
	if d := dialects[family(name)]; d != nil {
		return d
	}
	return &specDialect
}

// blockContext is what a console renderer needs to know about a fetch that
// ended in a network error.
type blockContext struct {
	profile   *fetch.Profile
	initiator fetch.Initiator
	err       *policy.Failure
	code      policy.Code
	preflight bool
	// url is the URL whose request or response failed (the last of the
	// URL list); initialURL the first.
	url, initialURL string
	redirected      bool
	// origin is the page's serialized origin; pageURL its URL
	// (fetch.Client.URL, or the root of the origin).
	origin, pageURL string
	method          string
	// credentials: the request's credentials mode is include.
	credentials bool
	// resp is the last response received (the one the failing check read),
	// nil if none; netErr is the transport error of the last exchange.
	resp   *fetch.WireResponse
	netErr error
	// pre is the report of the failing preflight, if any.
	pre *fetch.PreflightReport
	req *fetch.Request
	// tainting is the response tainting the fetch reached; tainted that
	// the request became redirect-tainted (its origin serialized "null").
	tainting fetch.Tainting
	tainted  bool
	// space is the address space the Local Network Access check found the
	// server in, "" when it did not run.
	space string
}

func newBlockContext(p *Page, res *fetch.Result) *blockContext {
	c := &blockContext{
		profile:   &p.b.fetcher.Profile,
		err:       res.Err,
		code:      res.Err.Code,
		preflight: res.FailedInPreflight,
		origin:    p.client.Origin.String(),
		pageURL:   p.client.Origin.String() + "/",
		req:       res.Request,
		tainting:  res.Tainting,
		tainted:   res.Tainted,
		space:     lastSpace(res),
	}
	if p.client.URL != nil {
		c.pageURL = p.client.URL.String()
	}
	if res.Request != nil {
		c.initiator = res.Request.Initiator
		c.method = res.Request.Method
		c.credentials = res.Request.Credentials == fetch.CredentialsInclude
	}
	urls := res.URLList
	if len(urls) == 0 && res.Request != nil {
		urls = res.Request.URLList
	}
	if len(urls) > 0 {
		c.url = urls[len(urls)-1].String()
		c.initialURL = urls[0].String()
		c.redirected = len(urls) > 1
	}
	if n := len(res.Wire); n > 0 {
		last := res.Wire[n-1]
		c.resp, c.netErr = last.Response, last.Err
	}
	if n := len(res.Preflights); n > 0 && c.preflight {
		c.pre = &res.Preflights[n-1]
	}
	return c
}

// isCORSCheckCode reports whether code comes from the CORS check
// (https://fetch.spec.whatwg.org/#concept-cors-check).
func isCORSCheckCode(code policy.Code) bool {
	switch code {
	case policy.CodeMissingAllowOrigin, policy.CodeWildcardOriginWithCredentials,
		policy.CodeAllowOriginMismatch, policy.CodeAllowCredentialsNotTrue:
		return true
	}
	return false
}

// status returns the failing response's status as text, or "" if none.
func (c *blockContext) status() string {
	if c.resp == nil {
		return ""
	}
	return strconv.Itoa(c.resp.Status)
}

// header returns the failing response's header value (lines joined by
// ", ") and whether it is present.
func (c *blockContext) header(name string) (string, bool) {
	if c.resp == nil {
		return "", false
	}
	return c.resp.Header.Get(name)
}

// headerLines counts the failing response's lines named name.
func (c *blockContext) headerLines(name string) int {
	if c.resp == nil {
		return 0
	}
	n := 0
	for _, h := range c.resp.Header {
		if strings.EqualFold(h.Name, name) {
			n++
		}
	}
	return n
}

// acao returns the Access-Control-Allow-Origin value as the CORS check
// read it (several lines joined by ", ", outer whitespace trimmed).
func (c *blockContext) acao() string {
	v, _ := c.header("Access-Control-Allow-Origin")
	if v == "" && c.err != nil {
		return c.err.Subject
	}
	return strings.Trim(v, " \t")
}

// redirectTarget returns the Location of the failing response resolved
// against the current URL, or "" when the failing response is not a
// redirect.
func (c *blockContext) redirectTarget() string {
	if c.resp == nil || !policy.IsRedirectStatus(c.resp.Status) {
		return ""
	}
	loc, ok := c.resp.Header.Get("Location")
	if !ok {
		return ""
	}
	base, err := url.Parse(c.url)
	if err != nil {
		return loc
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	return base.ResolveReference(ref).String()
}

// invalidToken returns the first element of the failing response's header
// name that is not a token ("" if none): what Firefox's
// CORSInvalidAllowMethod/Header messages quote.
func (c *blockContext) invalidToken(name string) string {
	if c.resp == nil {
		return ""
	}
	for _, h := range c.resp.Header {
		if !strings.EqualFold(h.Name, name) {
			continue
		}
		for _, e := range strings.Split(h.Value, ",") {
			e = strings.Trim(e, " \t")
			if e != "" && !policy.IsMethod(e) { // IsMethod is the token rule
				return e
			}
		}
	}
	return ""
}

// disallowedHeader returns the request header the failing preflight did
// not allow, in the request's own spelling and order (first failing entry
// of the author header list), falling back to the failure's Subject.
func (c *blockContext) disallowedHeader() string {
	subject := ""
	if c.err != nil {
		subject = c.err.Subject
	}
	if c.code == policy.CodeAuthorizationNotAllowed || c.req == nil || c.resp == nil {
		return subject
	}
	allowed, _, err := policy.ExtractHeaderListValues(c.resp.Header, "Access-Control-Allow-Headers")
	if err != nil {
		return subject
	}
	star := !c.credentials && containsFold(allowed, "*")
	unsafe := c.profile.Safelist.UnsafeNames(c.req.Header)
	for _, h := range c.req.Header {
		if !containsFold(unsafe, h.Name) || containsFold(allowed, h.Name) {
			continue
		}
		if star && (!strings.EqualFold(h.Name, "authorization") || c.profile.WildcardCoversAuthorization) {
			continue
		}
		return h.Name
	}
	return subject
}

func containsFold(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// netErrorKind returns the NetError kind of the last exchange, if any.
func (c *blockContext) netErrorKind() NetErrorKind {
	if ne, ok := c.netErr.(*NetError); ok {
		return ne.Kind
	}
	return ""
}

// warningURL returns the URL of the request that produced the warning.
func warningURL(res *fetch.Result) string {
	if len(res.URLList) > 0 {
		return res.URLList[len(res.URLList)-1].String()
	}
	if res.Request != nil && res.Request.URL() != nil {
		return res.Request.URL().String()
	}
	return ""
}

// lastResponse returns the last response that reached the page: the
// actual response of the last exchange, before any filtering (an opaque
// response's status is the server's), or nil.
func lastResponse(res *fetch.Result) *fetch.WireResponse {
	if res == nil || len(res.Wire) == 0 {
		return nil
	}
	return res.Wire[len(res.Wire)-1].Response
}

// statusErrorLine is the line Chromium's and WebKit's consoles print for a
// loaded resource whose status is 400 or above: "Failed to load resource:
// the server responded with a status of 405 (Method Not Allowed)", with the
// server's own reason phrase (conformance suite, Chromium 156: fetch(),
// XMLHttpRequest and no-cors opaque responses alike; "HTTP/1.1 418 Teapot
// Here" prints "(Teapot Here)"). Nil below 400.
func statusErrorLine(res *fetch.Result) []ConsoleMessage {
	r := lastResponse(res)
	if r == nil || r.Status < 400 {
		return nil
	}
	text := r.StatusText
	if text == "" {
		text = statusText(r.Status)
	}
	return []ConsoleMessage{{
		Level:  LevelError,
		Source: "network",
		Text:   "Failed to load resource: the server responded with a status of " + strconv.Itoa(r.Status) + " (" + text + ")",
	}}
}
