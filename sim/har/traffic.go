package har

import (
	"fmt"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Call is one cross-origin request of a page, reconstructed from a HAR
// entry so that it can be made again.
type Call struct {
	// Entry is the recorded request and response.
	Entry *Entry
	// Page is the origin of the page that made the request.
	Page policy.Origin
	// PageFrom says where Page was read: "its Origin header", "its
	// Referer header" or "the page it belongs to".
	PageFrom string
	// Init is the request as script asked for it: method, URL, the
	// headers script set (not those the browser adds), body, mode,
	// credentials and the API that made it.
	Init fetch.RequestInit
	// Preflight is the OPTIONS preflight the HAR shows for this request,
	// nil when it shows none.
	Preflight *Entry
	// Notes say what the reconstruction had to assume, in the user's
	// words.
	Notes []string
	// Left are the recorded headers left out as the browser's own that
	// are not forbidden request-headers (User-Agent, Priority, …).
	Left []string
}

// Recorded says what the recording browser got for the call: "200 OK", or
// "no response (net::ERR_FAILED)".
func (c *Call) Recorded() string {
	r := c.Entry.Response
	if r.Status == 0 {
		if r.Error != "" {
			return "no response (" + r.Error + ")"
		}
		return "no response"
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, r.StatusText))
}

// Skipped is an entry Traffic does not replay, and why.
type Skipped struct {
	Entry  *Entry
	Reason string
}

// Traffic reconstructs the cross-origin requests of the log, in the
// order recorded. Preflights are attached to the request they were sent
// for; navigations, same-origin requests and requests whose page origin
// cannot be told are skipped, each with its reason.
func (l *Log) Traffic() (calls []*Call, skipped []Skipped) {
	pages := l.pageOrigins()
	var preflights []*Entry
	for _, e := range l.Entries {
		if isPreflight(e) {
			preflights = append(preflights, e)
			continue
		}
		if navigation(e) {
			skipped = append(skipped, Skipped{e, "a navigation (not subject to CORS)"})
			continue
		}
		page, from, ok := pageOrigin(e, pages)
		if !ok {
			skipped = append(skipped, Skipped{e, "no Origin or Referer header and no page to tell the page's origin from"})
			continue
		}
		u, _ := policy.ParseURL(e.Request.URL) // Parse checked it
		if policy.SameOrigin(page, policy.OriginOf(u)) {
			skipped = append(skipped, Skipped{e, "same-origin (CORS does not apply)"})
			continue
		}
		calls = append(calls, newCall(e, page, from))
	}
	used := map[*Entry]bool{}
	for _, c := range calls {
		c.Preflight = findPreflight(c, preflights, used)
	}
	return calls, skipped
}

// isPreflight reports an entry that is a CORS preflight: Chromium's
// resource type or initiator type "preflight" (its DevTools protocol
// reports a preflight as type Other with a preflight initiator), or an
// OPTIONS request carrying
// Access-Control-Request-Method
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 steps 1-3).
func isPreflight(e *Entry) bool {
	if e.ResourceType == "preflight" || e.Initiator == "preflight" {
		return true
	}
	return e.Request.Method == "OPTIONS" && e.Request.Header.Contains("Access-Control-Request-Method")
}

// navigation reports a top-level or frame navigation: Sec-Fetch-Mode
// navigate, or an entry the exporter typed as a document.
func navigation(e *Entry) bool {
	if m, ok := e.Request.Header.Get("Sec-Fetch-Mode"); ok {
		return strings.EqualFold(m, "navigate")
	}
	return e.ResourceType == "document"
}

// pageOrigins maps page ids to the origin of the page: its title when it
// is a URL (Chromium and WebKit write the page's URL there), else the
// first navigation recorded for it (Firefox writes the document's title).
func (l *Log) pageOrigins() map[string]policy.Origin {
	out := map[string]policy.Origin{}
	for _, p := range l.Pages {
		if o, ok := httpOrigin(p.Title); ok {
			out[p.ID] = o
		}
	}
	for _, e := range l.Entries {
		if _, ok := out[e.PageRef]; ok || !navigation(e) {
			continue
		}
		if o, ok := httpOrigin(e.Request.URL); ok {
			out[e.PageRef] = o
		}
	}
	return out
}

func httpOrigin(raw string) (policy.Origin, bool) {
	u, err := policy.ParseURL(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return policy.Origin{}, false
	}
	return policy.OriginOf(u), true
}

// pageOrigin tells the origin of the page that made e. The Origin header
// is the browser's own serialization of it
// (https://fetch.spec.whatwg.org/#origin-header); a Referer is cut to its
// origin; the page entry is the last resort, since a frame's requests
// belong to the top-level page's entry.
func pageOrigin(e *Entry, pages map[string]policy.Origin) (policy.Origin, string, bool) {
	if v, ok := e.Request.Header.Get("Origin"); ok && v != "null" {
		if o, err := policy.ParseOrigin(v); err == nil {
			return o, "its Origin header", true
		}
	}
	if v, ok := e.Request.Header.Get("Referer"); ok {
		if o, ok := httpOrigin(v); ok {
			return o, "its Referer header", true
		}
	}
	if o, ok := pages[e.PageRef]; ok {
		return o, "the page it belongs to", true
	}
	return policy.Origin{}, "", false
}

// browserHeaders are request headers the browser adds itself that are
// not forbidden request-headers: script did not set them, and the
// browser adds them after the CORS checks, so they never cause a
// preflight. Conditional and cache headers come from the HTTP cache (or
// DevTools' "Disable cache"), Priority from the network stack.
var browserHeaders = []string{
	"User-Agent", "Priority", "Cache-Control", "Pragma", "If-None-Match",
	"If-Modified-Since", "Upgrade-Insecure-Requests", "X-Client-Data", "Purpose",
}

func newCall(e *Entry, page policy.Origin, from string) *Call {
	c := &Call{Entry: e, Page: page, PageFrom: from}
	q := &e.Request
	init := fetch.RequestInit{Method: q.Method, URL: q.URL}
	for _, h := range q.Header {
		switch {
		case policy.IsForbiddenRequestHeader(h.Name, h.Value):
			// Origin, Referer, Cookie, Sec-Fetch-*, Host, …: the browser's.
		case strings.EqualFold(h.Name, "Content-Disposition") && multipart(q):
			// Firefox's exporter appends a multipart body's part
			// headers to the request's (har-builder.js
			// appendHeadersPostData); they are the body's, not script's.
		case containsFold(browserHeaders, h.Name):
			if !containsFold(c.Left, h.Name) {
				c.Left = append(c.Left, h.Name)
			}
		default:
			init.Header = append(init.Header, h)
		}
	}
	init.Mode, init.Initiator = modeOf(e)
	init.Credentials = c.credentials()
	if init.Initiator == fetch.InitiatorElement {
		init.Header = nil // an element's request has no author headers
	}
	if q.Method != "GET" && q.Method != "HEAD" {
		switch {
		case q.HasBody:
			init.Body = fetch.Body{Kind: fetch.BodyText, Data: q.Body}
		case q.BodySize > 0:
			c.note("the HAR has no copy of the %d-byte request body; it is replayed without one (a body's bytes do not change CORS, its Content-Type header does)", q.BodySize)
		}
	}
	c.Init = init
	return c
}

// multipart reports a request whose body is multipart/form-data.
func multipart(q *Request) bool {
	ct, _ := q.Header.Get("Content-Type")
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "multipart/")
}

func (c *Call) note(format string, args ...any) {
	c.Notes = append(c.Notes, fmt.Sprintf(format, args...))
}

// modeOf reads the request mode from Sec-Fetch-Mode, which Chromium and
// Firefox send (https://w3c.github.io/webappsec-fetch-metadata/), and the
// API from the exporter's resource type and Sec-Fetch-Dest.
func modeOf(e *Entry) (fetch.Mode, fetch.Initiator) {
	mode := fetch.ModeCORS
	if m, ok := e.Request.Header.Get("Sec-Fetch-Mode"); ok {
		switch strings.ToLower(m) {
		case "no-cors":
			mode = fetch.ModeNoCORS
		case "same-origin":
			mode = fetch.ModeSameOrigin
		}
	}
	switch e.ResourceType {
	case "xhr":
		return mode, fetch.InitiatorXHR
	case "fetch", "":
		if d, ok := e.Request.Header.Get("Sec-Fetch-Dest"); ok && d != "" && !strings.EqualFold(d, "empty") {
			return mode, fetch.InitiatorElement
		}
		return mode, fetch.InitiatorFetch
	}
	return mode, fetch.InitiatorElement
}

// credentials tells the credentials mode. A cross-origin request carries
// cookies only in mode "include" (withCredentials for XMLHttpRequest), so
// a Cookie header or listed cookies mean include. A sanitized export
// removes cookies, so their absence is only a guess, and said to be.
func (c *Call) credentials() fetch.CredentialsMode {
	q := &c.Entry.Request
	v, hasHeader := q.Header.Get("Cookie")
	switch {
	case hasHeader && strings.TrimSpace(v) != "" && !redacted(v):
		return fetch.CredentialsInclude
	case hasHeader || cookiesRedacted(q.Cookies):
		c.note("the export blanked the cookie values; the request did carry cookies, so it is replayed with credentials 'include'")
		return fetch.CredentialsInclude
	case len(q.Cookies) > 0:
		return fetch.CredentialsInclude
	}
	if c.Entry.Response.Header.Contains("Set-Cookie") {
		return fetch.CredentialsInclude
	}
	c.note("no cookies in the HAR: replayed without credentials; a sanitized export removes cookies, so if the page sends credentials: 'include' (or withCredentials), say so with --credentials include")
	return fetch.CredentialsSameOrigin
}

func cookiesRedacted(cs []Cookie) bool {
	for _, ck := range cs {
		if ck.Value == "" || redacted(ck.Value) {
			return true
		}
	}
	return false
}

// redacted reports a value an exporter or a scrubbing tool replaced.
func redacted(v string) bool {
	v = strings.ToLower(strings.Trim(v, "[]<>*() "))
	return v == "redacted" || v == "removed" || v == "filtered" || v == "sanitized" || v == ""
}

// findPreflight returns the unused preflight entry for c's URL and
// method, preferring the last one recorded before c.
func findPreflight(c *Call, preflights []*Entry, used map[*Entry]bool) *Entry {
	var best *Entry
	for _, p := range preflights {
		if used[p] || !sameURL(p.Request.URL, c.Init.URL) {
			continue
		}
		if m, ok := p.Request.Header.Get("Access-Control-Request-Method"); ok && m != c.Init.Method {
			continue
		}
		if best == nil || (p.Index < c.Entry.Index && p.Index > best.Index) || (best.Index > c.Entry.Index && p.Index < best.Index) {
			best = p
		}
	}
	if best != nil {
		used[best] = true
	}
	return best
}

func sameURL(a, b string) bool { return canonicalURL(a) == canonicalURL(b) }

// canonicalURL is raw as the fetch algorithm serializes it on the wire.
func canonicalURL(raw string) string {
	u, err := policy.ParseURL(raw)
	if err != nil {
		return raw
	}
	c := *u
	c.Fragment, c.RawFragment, c.User = "", "", nil
	return (&c).String()
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
