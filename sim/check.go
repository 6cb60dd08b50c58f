package sim

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/scenario"
)

// PreflightState summarizes a fetch's preflights as "none" (no hop needed
// one), "sent" (at least one went to a server) or "cached" (every needed
// one was answered from the cache).
func PreflightState(res *fetch.Result) string {
	if res == nil || len(res.Preflights) == 0 {
		return "none"
	}
	cached := false
	for _, p := range res.Preflights {
		if p.Sent {
			return "sent"
		}
		cached = cached || p.FromCache
	}
	if cached {
		return "cached"
	}
	return "none"
}

// PreflightReasons returns the kinds of reasons the fetch needed a
// preflight for, over all its hops: "forced", "method", "header", each at
// most once, in that order (ReasonKinds).
func PreflightReasons(res *fetch.Result) []string {
	if res == nil {
		return nil
	}
	var all []*policy.Failure
	for _, p := range res.Preflights {
		all = append(all, p.Reasons...)
	}
	return ReasonKinds(all)
}

// ReasonKinds sorts reasons a request is not simple
// (fetch.PreflightReport.Reasons) into kinds: "forced" (the request's
// use-CORS-preflight flag: XHR upload listeners, a stream body), "method"
// (the method is not CORS-safelisted), "header" (any header reason), each
// at most once, in that order; nil when there is none. These are the words
// of "expect preflight … forced|method|header" and of the JSON report's
// preflight reason field.
func ReasonKinds(reasons []*policy.Failure) []string {
	var forced, method, header bool
	for _, r := range reasons {
		switch r.Code {
		case fetch.CodePreflightForced:
			forced = true
		case fetch.CodeMethodNotSafelisted:
			method = true
		default:
			header = true
		}
	}
	var out []string
	for _, k := range []struct {
		on   bool
		name string
	}{{forced, "forced"}, {method, "method"}, {header, "header"}} {
		if k.on {
			out = append(out, k.name)
		}
	}
	return out
}

// RequestLine returns "METHOD /path?query" for a request a server got.
func RequestLine(r *fetch.WireRequest) string {
	if r == nil || r.URL == nil {
		return "?"
	}
	return r.Method + " " + r.URL.RequestURI()
}

// check evaluates one expectation against the last fetch; it returns ""
// when it holds, else "expected …, got …".
func (r *runner) check(e *scenario.Expect, fs *FetchStep) string {
	a := e.Args
	res := fs.Result
	var resp *fetch.Response
	if res != nil {
		resp = res.Response
	}
	want := func(w, got string) string {
		if w == got {
			return ""
		}
		return fmt.Sprintf("expected %s, got %s", quoteOr(w), quoteOr(got))
	}
	noResp := func() string {
		return "script got no response: " + fs.describe()
	}
	switch e.What {
	case "outcome":
		if fs.Outcome == a[0] {
			return ""
		}
		return fmt.Sprintf("expected %s, got %s", a[0], fs.describe())
	case "preflight":
		got := PreflightState(res)
		if a[0] == "not-sent" && got != "sent" {
			return ""
		}
		if got != a[0] {
			return fmt.Sprintf("expected preflight %s, got %s", a[0], got)
		}
		if len(a) == 2 {
			reasons := PreflightReasons(res)
			for _, k := range reasons {
				if k == a[1] {
					return ""
				}
			}
			return fmt.Sprintf("expected a preflight needed because of the %s, got reasons [%s]", a[1], strings.Join(reasons, " "))
		}
		return ""
	case "status":
		if resp == nil {
			return noResp()
		}
		return want(a[0], strconv.Itoa(resp.Status))
	case "type":
		if resp == nil {
			return noResp()
		}
		return want(a[0], string(resp.Type))
	case "header":
		if resp == nil {
			return noResp()
		}
		v, ok := resp.Header.Get(a[0])
		if !ok {
			return fmt.Sprintf("expected header %s: %s, but script cannot read %s (readable: %s)", a[0], a[1], a[0], headerNames(resp.Header))
		}
		return want(a[1], v)
	case "no-header":
		if resp == nil {
			return ""
		}
		if v, ok := resp.Header.Get(a[0]); ok {
			return fmt.Sprintf("expected script not to read %s, but it reads %q", a[0], v)
		}
		return ""
	case "body":
		if resp == nil {
			return noResp()
		}
		return want(a[0], string(resp.Body))
	case "url":
		if resp == nil {
			return noResp()
		}
		got := ""
		if resp.URL != nil {
			got = resp.URL.String()
		}
		if fs.Browser != nil && fs.Browser.XHR != nil {
			// What script reads: xhr.responseURL, which keeps the
			// userinfo of a URL opened with one.
			got = fs.Browser.XHR.ResponseURL
		}
		return want(a[0], got)
	case "requests":
		return checkRequests(a, res)
	case "request":
		return checkRequest(e, res)
	case "error":
		got := "none"
		if err := fs.Err(); err != nil {
			got = string(err.Code)
		}
		return want(a[0], got)
	case "console":
		return checkConsole(a[0], fs)
	case "js-error":
		got := fs.JSError
		if got == "" {
			got = "none"
		}
		return want(a[0], got)
	case "reached-server":
		return want(a[0], strconv.FormatBool(res != nil && res.ReachedServer))
	case "read-header":
		for _, rd := range fs.Reads {
			if strings.EqualFold(rd.Name, a[0]) {
				got := rd.Value
				if rd.Null {
					got = "null"
				}
				return want(a[1], got)
			}
		}
		return fmt.Sprintf("the fetch read no header %s: add --read-header %s to it", a[0], a[0])
	case "trace":
		return checkTrace(a, res)
	case "cache":
		return want(strconv.Itoa(e.N), strconv.Itoa(fs.CacheEntries))
	case "gate":
		got := string(fs.Gate())
		if got == "" {
			got = "none"
		}
		return want(a[0], got)
	case "cookie":
		return checkCookie(a, fs)
	case "cookies":
		return want(strconv.Itoa(e.N), strconv.Itoa(fs.Cookies))
	}
	return "unknown check " + e.What
}

func quoteOr(s string) string {
	if s == "" || strings.ContainsAny(s, " \t") {
		return strconv.Quote(s)
	}
	return s
}

func headerNames(l policy.HeaderList) string {
	if len(l) == 0 {
		return "none"
	}
	names := make([]string, len(l))
	for i, h := range l {
		names[i] = h.Name
	}
	return strings.Join(names, ", ")
}

func wireLines(res *fetch.Result) []string {
	if res == nil {
		return nil
	}
	out := make([]string, len(res.Wire))
	for i, x := range res.Wire {
		out[i] = RequestLine(x.Request)
	}
	return out
}

func wireRequests(res *fetch.Result) []*fetch.WireRequest {
	var got []*fetch.WireRequest
	if res != nil {
		for _, x := range res.Wire {
			got = append(got, x.Request)
		}
	}
	return got
}

// matchRequest reports whether r has the method and the target: an
// origin-form "/path?query" or a full URL.
func matchRequest(r *fetch.WireRequest, method, target string) bool {
	if r == nil || r.URL == nil || r.Method != method {
		return false
	}
	if strings.HasPrefix(target, "/") {
		return r.URL.RequestURI() == target
	}
	return r.URL.String() == target
}

func checkRequests(want []string, res *fetch.Result) string {
	got := wireRequests(res)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		m, target, _ := strings.Cut(want[i], " ")
		ok = matchRequest(got[i], m, strings.TrimSpace(target))
	}
	if ok {
		return ""
	}
	lines := wireLines(res)
	if len(lines) == 0 {
		return fmt.Sprintf("expected requests [%s], got none", strings.Join(want, ", "))
	}
	if len(want) == 0 {
		return fmt.Sprintf("expected no request, got [%s]", strings.Join(lines, ", "))
	}
	return fmt.Sprintf("expected requests [%s], got [%s]", strings.Join(want, ", "), strings.Join(lines, ", "))
}

func checkRequest(e *scenario.Expect, res *fetch.Result) string {
	a := e.Args
	n := e.N
	if n == 0 {
		// 'METHOD TARGET': the first request with that method and target.
		m, target, _ := strings.Cut(a[0], " ")
		for i, x := range wireRequests(res) {
			if matchRequest(x, m, strings.TrimSpace(target)) {
				n = i + 1
				break
			}
		}
		if n == 0 {
			return fmt.Sprintf("expected a request %s, got [%s]", a[0], strings.Join(wireLines(res), ", "))
		}
	}
	if res == nil || n > len(res.Wire) {
		return fmt.Sprintf("expected a request #%d, but the servers got %d", n, len(wireLines(res)))
	}
	e = &scenario.Expect{What: e.What, Args: e.Args, N: n}
	req := res.Wire[n-1].Request
	field, name := a[1], ""
	switch field {
	case "origin":
		name = "Origin"
	case "acrm":
		name = "Access-Control-Request-Method"
	case "acrh":
		name = "Access-Control-Request-Headers"
	case "header", "no-header":
		name = a[2]
	case "credentials":
		if got := strconv.FormatBool(req.Credentials); got != a[2] {
			return fmt.Sprintf("request #%d (%s): expected credentials %s, got %s", e.N, RequestLine(req), a[2], got)
		}
		return ""
	}
	v, present := req.Header.Get(name)
	if field == "no-header" {
		if present {
			return fmt.Sprintf("request #%d (%s): expected no %s, got %q", e.N, RequestLine(req), name, v)
		}
		return ""
	}
	want := a[len(a)-1]
	if !present {
		return fmt.Sprintf("request #%d (%s): expected %s: %s, but it has no %s", e.N, RequestLine(req), name, want, name)
	}
	if v != want {
		return fmt.Sprintf("request #%d (%s): expected %s: %s, got %q", e.N, RequestLine(req), name, want, v)
	}
	return ""
}

func checkConsole(text string, fs *FetchStep) string {
	if text == "none" {
		if len(fs.Console) == 0 {
			return ""
		}
		return fmt.Sprintf("expected no console line, got %q", fs.Console[0].Text)
	}
	for _, l := range fs.Console {
		if strings.Contains(l.Text, text) {
			return ""
		}
	}
	if len(fs.Console) == 0 {
		return fmt.Sprintf("expected a console line containing %q, got none", text)
	}
	lines := make([]string, len(fs.Console))
	for i, l := range fs.Console {
		lines[i] = strconv.Quote(l.Text)
	}
	return fmt.Sprintf("expected a console line containing %q, got %s", text, strings.Join(lines, " and "))
}

func checkTrace(a []string, res *fetch.Result) string {
	if res != nil {
		for _, ev := range res.Trace {
			if string(ev.Step) == a[0] && (len(a) == 1 || ev.Outcome == a[1]) {
				return ""
			}
		}
	}
	var seen []string
	if res != nil {
		for _, ev := range res.Trace {
			if string(ev.Step) == a[0] {
				seen = append(seen, ev.Outcome)
			}
		}
	}
	if len(seen) > 0 {
		return fmt.Sprintf("expected trace step %s %s, got it with outcome %s", a[0], a[1], strings.Join(seen, ", "))
	}
	return fmt.Sprintf("expected trace step %s, which did not happen", strings.Join(a, " "))
}

// checkCookie is "expect cookie OUTCOME NAME [CODE]": some note of the
// fetch's explanation says cookie NAME had OUTCOME (with CODE among its
// reasons, when given).
func checkCookie(a []string, fs *FetchStep) string {
	notes := fs.Explain(context.Background()).Cookies()
	var seen []string
	for _, n := range notes {
		seen = append(seen, n.Outcome+" "+n.Name+" "+strings.Join(n.Codes, ","))
		if n.Outcome != a[0] || n.Name != a[1] {
			continue
		}
		if len(a) == 2 || slices.Contains(n.Codes, a[2]) {
			return ""
		}
	}
	if len(seen) == 0 {
		return fmt.Sprintf("expected cookie %s %s, but no cookie was sent, withheld, stored or rejected", a[1], a[0])
	}
	return fmt.Sprintf("expected cookie %s %s, got: %s", a[1], a[0], strings.Join(seen, "; "))
}
