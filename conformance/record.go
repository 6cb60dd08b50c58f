package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/conformance/lab"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Preflight states of a Step.
const (
	// PreflightNone: no preflight was sent and none was needed.
	PreflightNone = "none"
	// PreflightSent: a CORS-preflight request reached a server.
	PreflightSent = "sent"
	// PreflightCached: the request needed a preflight, none was sent, and
	// the actual request went out: the preflight cache covered it.
	PreflightCached = "cached"
)

// Header is one header script can read: lower-cased name, value as the
// Headers object (or getAllResponseHeaders) shows it.
type Header struct {
	Name, Value string
}

// Request is one request a server received, reduced to what the suite
// compares.
type Request struct {
	// Server is the serialised origin whose server received it.
	Server string
	// Method and Target (path and query) of the request line.
	Method string
	Target string
	// Origin is the Origin header's value, or "(none)" when absent.
	Origin string
	// ACRM and ACRH are Access-Control-Request-Method and
	// Access-Control-Request-Headers ("" when absent).
	ACRM string
	ACRH string
	// ContentLength is the Content-Length header's value ("" when absent):
	// what HTTP-network-or-cache fetch steps 8–11 add.
	ContentLength string
	// Referer is the Referer header's value ("" when absent).
	Referer string
	// Cookie is the Cookie header's value ("" when absent): the cookies
	// the browser attached.
	Cookie string
}

// noOrigin stands for an absent Origin header in Request.Origin.
const noOrigin = "(none)"

// Step is one fetch (or XMLHttpRequest) as script, the servers and the
// developer tools saw it: the record both sides are reduced to before
// they are compared with cmp.Diff.
type Step struct {
	// Line is the scenario line of the fetch command; Command its text.
	Line    int
	Command string
	// Resolved is true when script got a response (fetch resolved, XHR
	// fired load). Error is the rejection ("TypeError: Failed to fetch"),
	// the XHR event ("error") or a synchronous exception's text.
	Resolved bool
	Error    string
	// Type, Status, URL, Headers and Body are the response script reads
	// (zero when rejected). Type is "" for XHR.
	Type    string
	Status  int
	URL     string
	Headers []Header
	Body    string
	// Preflight is PreflightNone, PreflightSent or PreflightCached.
	Preflight string
	// Requests are the requests the servers received during the step, in
	// order.
	Requests []Request
	// Console holds the console lines as "source/level: text".
	Console []string
	// Codes are the engine's machine codes of the step, in order:
	// Chromium's DevTools CORS error codes (Network.loadingFailed
	// corsErrorStatus.corsError), Firefox's security.properties keys;
	// corsim's side has its console lines' IDs.
	Codes []string
	// Reads are the --read-header reads, "name: value" or "name: null".
	Reads []string
}

// normalizeHeaders turns header lines into what script iterates: names
// lower-cased, values of one name joined with ", " in order, sorted by
// name (the Headers sort-and-combine, and XHR's getAllResponseHeaders).
// Date is dropped: its value differs between runs, and corsim's servers
// leave it out on purpose.
func normalizeHeaders(names, values []string) []Header {
	var out []Header
	for i, n := range names {
		n = strings.ToLower(n)
		if n == "date" {
			continue
		}
		if j := slices.IndexFunc(out, func(h Header) bool { return h.Name == n }); j >= 0 {
			out[j].Value += ", " + values[i]
			continue
		}
		out = append(out, Header{Name: n, Value: values[i]})
	}
	slices.SortStableFunc(out, func(a, b Header) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func headerList(l policy.HeaderList) []Header {
	names := make([]string, len(l))
	values := make([]string, len(l))
	for i, h := range l {
		names[i], values[i] = h.Name, h.Value
	}
	return normalizeHeaders(names, values)
}

// contentLength is the Content-Length value as the suite compares it. For
// a multipart/form-data body the boundary's length is factored out, as
// "N + K×boundary" (K the boundary's occurrences in body): engines pick a
// random boundary, and Firefox's is not even of one length (observed in
// Firefox 153 ESR: 169 and 171 bytes for the same one-field body), so only
// the rest of the body can be judged.
func contentLength(value, contentType string, body []byte) string {
	mt, params, err := mime.ParseMediaType(contentType)
	b := params["boundary"]
	n, convErr := strconv.Atoi(value)
	if err != nil || mt != "multipart/form-data" || b == "" || convErr != nil {
		return value
	}
	k := bytes.Count(body, []byte(b))
	return fmt.Sprintf("%d + %d×boundary", n-k*len(b), k)
}

// wireRequest reduces a request corsim's fetch put on the wire.
func wireRequest(r *fetch.WireRequest) Request {
	out := Request{Method: r.Method, Origin: noOrigin}
	if r.URL != nil {
		out.Server = policy.OriginOf(r.URL).String()
		out.Target = requestTarget(r.URL)
	}
	if v, ok := r.Header.Get("Origin"); ok {
		out.Origin = v
	}
	out.ACRM, _ = r.Header.Get("Access-Control-Request-Method")
	out.ACRH, _ = r.Header.Get("Access-Control-Request-Headers")
	cl, _ := r.Header.Get("Content-Length")
	ct, _ := r.Header.Get("Content-Type")
	out.ContentLength = contentLength(cl, ct, r.Body)
	out.Referer, _ = r.Header.Get("Referer")
	out.Cookie, _ = r.Header.Get("Cookie")
	return out
}

// requestTarget is the origin-form request target of u as a browser sends
// it: the path (at least "/") and the query.
func requestTarget(u *url.URL) string {
	t := u.EscapedPath()
	if t == "" {
		t = "/"
	}
	if u.RawQuery != "" || u.ForceQuery {
		t += "?" + u.RawQuery
	}
	return t
}

// FromOutcome reduces corsim's outcome of one fetch to a Step.
func FromOutcome(o *browser.Outcome) Step {
	var st Step
	st.Preflight = PreflightNone
	if o.Response != nil {
		r := o.Response
		st.Resolved = true
		st.Type = string(r.Type)
		st.Status = r.Status
		if r.URL != nil {
			st.URL = r.URL.String()
		}
		st.Headers = headerList(r.Header)
		st.Body = string(r.Body)
	}
	st.Error = o.JSError
	if o.XHR != nil {
		st.Type = ""
		if o.Response == nil && o.RequestErr == nil {
			st.Error = xhrErrorEvent(o.XHR.Events)
		}
		if o.Response != nil {
			st.Headers = headerList(o.XHR.Headers)
			st.URL = o.XHR.ResponseURL
			st.Body = o.XHR.ResponseText
		}
	}
	if res := o.Result; res != nil {
		for _, p := range res.Preflights {
			switch {
			case p.Sent:
				st.Preflight = PreflightSent
			case p.FromCache && st.Preflight == PreflightNone:
				st.Preflight = PreflightCached
			}
		}
		for _, ex := range res.Wire {
			// A request no server took (a DNS failure or a refused
			// connection in corsim's network) was not received.
			var ne *browser.NetError
			if ex.Request != nil && !errors.As(ex.Err, &ne) {
				st.Requests = append(st.Requests, wireRequest(ex.Request))
			}
		}
	}
	for _, m := range o.Console {
		st.Console = append(st.Console, m.String())
	}
	cookieLinesLast(st.Console)
	st.Codes = Codes(o)
	return st
}

// cookieLinesLast moves the cookie store's console lines (Firefox's
// cookie* categories) after the others, each group in its own order. The
// cookie service and the CORS listener log on their own, and Firefox 153
// ESR was seen to print a failed check's line and a cookiesCHIPS warning
// in either order (scenarios/cookie-stored-though-cors-fails, under the
// load of a CI run), so only the order within each group is compared.
func cookieLinesLast(lines []string) {
	slices.SortStableFunc(lines, func(a, b string) int {
		ca, cb := strings.HasPrefix(a, "cookie"), strings.HasPrefix(b, "cookie")
		switch {
		case ca == cb:
			return 0
		case ca:
			return 1
		}
		return -1
	})
}

// xhrErrorEvent is the terminal event an XHR fired instead of load.
func xhrErrorEvent(events []string) string {
	for _, e := range events {
		switch e {
		case "error", "abort", "timeout":
			return e
		}
	}
	return "error"
}

// FromResult reduces what a real browser did in one step to a Step.
// needsPreflight says whether the request is one that needs a
// CORS-preflight (not a simple request): the browser does not say so when
// its preflight cache answers, so a step in which a request that needs one
// reached the server without a preflight counts as PreflightCached.
func FromResult(r *lab.Result, needsPreflight bool) Step {
	st := Step{Resolved: r.Resolved, Error: r.Error, Preflight: PreflightNone}
	if r.Resolved {
		st.Type, st.Status, st.URL, st.Body = r.Type, r.Status, r.URL, r.Body
		names := make([]string, len(r.Headers))
		values := make([]string, len(r.Headers))
		for i, h := range r.Headers {
			names[i], values[i] = h.Name, h.Value
		}
		st.Headers = normalizeHeaders(names, values)
	}
	actual := false
	for _, q := range r.Requests {
		rq := Request{Server: q.Server, Method: q.Method, Target: q.Target, Origin: noOrigin,
			ACRM: q.RequestMethod, ACRH: q.RequestHeaders, ContentLength: contentLength(q.Header.Get("Content-Length"), q.Header.Get("Content-Type"), q.Body),
			Referer: pageAtRoot(q.Header.Get("Referer")), Cookie: q.Header.Get("Cookie")}
		if q.HasOrigin {
			rq.Origin = q.Origin
		}
		st.Requests = append(st.Requests, rq)
		if q.IsPreflight() {
			st.Preflight = PreflightSent
		} else {
			actual = true
		}
	}
	if st.Preflight == PreflightNone && needsPreflight && actual {
		st.Preflight = PreflightCached
	}
	for _, rd := range r.Reads {
		st.Reads = append(st.Reads, readLine(rd.Name, rd.Value, rd.Null))
	}
	for _, c := range r.Console {
		st.Console = append(st.Console, c.Source+"/"+c.Level+": "+pageURLs.ReplaceAllString(c.Text, "$1/"))
	}
	cookieLinesLast(st.Console)
	// Chromium reports a Local Network Access failure of a preflighted
	// request twice (Network.loadingFailed of the preflight and of the
	// request, the same corsError) and logs one console line, which is
	// what corsim's codes come from: repeats are compared once.
	st.Codes = slices.Compact(slices.Clone(r.Codes))
	return st
}

// pageURLs matches the URL of the lab's page (lab.PagePath, with any query)
// in a console text. corsim's page is a document at its origin's root, so
// the suite reads the lab's page URL as origin + "/" (Firefox quotes the
// document's URL in its same-origin-mode line).
// WebKit's page-driven run quotes its drive page (under /__corsim/drive,
// conformance/webkit's DrivePath) the same way.
var pageURLs = regexp.MustCompile(`(https?://[^/\s]+)(?:` + regexp.QuoteMeta(lab.PagePath) + `|/__corsim/drive/page)(\?\S*)?`)

// NeedsPreflight reports whether corsim found that the fetch is not a
// simple request on its first hop (main fetch step 12: the
// use-CORS-preflight flag, a non-safelisted method or unsafe headers).
func NeedsPreflight(o *browser.Outcome) bool {
	if o == nil || o.Result == nil {
		return false
	}
	for _, p := range o.Result.Preflights {
		if p.Required {
			return true
		}
	}
	return false
}

// pageAtRoot maps a Referer naming the harness's page (lab.PagePath)
// to the root of its origin: corsim's pages are at the root of their
// origin, as the scenario's page line says, while the harness serves them
// at a reserved path.
func pageAtRoot(ref string) string {
	if base, ok := strings.CutSuffix(ref, lab.PagePath); ok {
		return base + "/"
	}
	// The sandboxed document ("page null from URL"): the suite serves it
	// at the reserved path of URL's origin, so only a URL at the root of
	// an origin compares.
	if base, ok := strings.CutSuffix(ref, lab.PagePath+"?sandbox=1"); ok {
		return base + "/"
	}
	return ref
}

// AddReads makes script's --read-header reads of names on o and records
// their results and console lines in st, as the scenario runner does.
func AddReads(st *Step, o *browser.Outcome, names []string) {
	for _, n := range names {
		rd := o.ReadHeader(n)
		st.Reads = append(st.Reads, readLine(n, rd.Value, rd.Null))
		for _, m := range rd.Console {
			st.Console = append(st.Console, m.String())
		}
	}
}

func readLine(name, value string, null bool) string {
	if null {
		return name + ": null"
	}
	return name + ": " + value
}
