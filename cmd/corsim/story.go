package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/server"
)

// fetchRun is one profile's run of a one-shot fetch: the runner's step, its
// report form (the JSON model, which the wire is rendered from) and its
// part of the explanation.
type fetchRun struct {
	profile string
	step    *sim.FetchStep
	rep     *report.Fetch
	ex      *explain.Run
	// explanation is the whole explanation ex belongs to (every browser's
	// run and the fixes merged across them).
	explanation *explain.Explanation
}

// writeFetchStory prints the story of one fetch under each profile, the
// teaching view when teach is set (every step, and what would make the
// request work, from the explanation e), and a verdict table when there
// are several profiles.
func writeFetchStory(w io.Writer, runs []fetchRun, e *explain.Explanation, teach bool, p palette) error {
	var b strings.Builder
	if len(runs) == 0 {
		return nil
	}
	first := runs[0].rep
	req := first.Request
	method := req.Method
	if method == "" { // a request the browser refused to build
		method = "GET"
	}
	fmt.Fprintf(&b, "%s %s %s\n", p.bold(apiName(req)), method, req.URL)
	fmt.Fprintf(&b, "  from a page at %s", first.Page.Origin)
	if first.Page.TopLevelOrigin != first.Page.Origin {
		fmt.Fprintf(&b, " (a frame in %s)", first.Page.TopLevelOrigin)
	}
	var modes []string
	for _, m := range [][2]string{{"mode", req.Mode}, {"credentials", req.Credentials}, {"redirect", req.Redirect}} {
		if m[1] != "" { // a request the browser refused to build has only its mode
			modes = append(modes, m[0]+" "+m[1])
		}
	}
	fmt.Fprintf(&b, "; %s\n", strings.Join(modes, ", "))
	for _, h := range req.Headers {
		fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
	}
	if req.Body != nil {
		fmt.Fprintf(&b, "  body (%s): %s\n", req.Body.Kind, truncate(req.Body.Data, 200))
	}
	for _, h := range req.DroppedHeaders {
		fmt.Fprintf(&b, "  %s %s: %s (the browser does not let script set it)\n", p.yellow("dropped"), h.Name, h.Value)
	}
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "%s %s\n", p.bold("Origin:"), originStory(first))
	var prev *fetchRun
	for i := range runs {
		r := &runs[i]
		if len(runs) > 1 {
			fmt.Fprintf(&b, "\n%s\n", p.bold("── "+r.profile+" ──"))
		}
		writeOneRun(&b, r, prev, teach, p)
		prev = r
	}
	if len(runs) > 1 {
		writeVerdictTable(&b, runs, p)
	}
	if teach {
		writeDifferences(&b, e, p)
		writeFixes(&b, e, p)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Initiators as the report spells them (fetch.Initiator).
const (
	initiatorXHR     = "xmlhttprequest"
	initiatorElement = "element"
)

// apiName names what makes the request: fetch, XMLHttpRequest, or an
// element (<img crossorigin> for mode cors, a plain <img> for no-cors).
func apiName(req *report.Request) string {
	switch req.Initiator {
	case initiatorXHR:
		return "XMLHttpRequest"
	case initiatorElement:
		if req.Mode == "no-cors" {
			return "<img>"
		}
		return "<img crossorigin>"
	}
	return "fetch"
}

// originStory says whether the request is same-origin and why.
func originStory(f *report.Fetch) string {
	page, err1 := policy.ParseOrigin(f.Page.Origin)
	u, err2 := policy.ParseURL(f.Request.URL)
	if err1 != nil || err2 != nil {
		return "cross-origin"
	}
	target := policy.OriginOf(u)
	if policy.SameOrigin(page, target) {
		return fmt.Sprintf("same-origin: the page and %s share scheme, host and port, so CORS does not apply", target)
	}
	var diff []string
	switch {
	case page.IsOpaque():
		diff = append(diff, "the page's origin is opaque (null)")
	default:
		if page.Scheme() != target.Scheme() {
			diff = append(diff, fmt.Sprintf("scheme %s ≠ %s", page.Scheme(), target.Scheme()))
		}
		if page.Host() != target.Host() {
			diff = append(diff, fmt.Sprintf("host %s ≠ %s", page.Host(), target.Host()))
		}
		if page.Port() != target.Port() {
			diff = append(diff, fmt.Sprintf("port %s ≠ %s", portString(page), portString(target)))
		}
	}
	return fmt.Sprintf("cross-origin: %s → %s (%s)", f.Page.Origin, target, strings.Join(diff, ", "))
}

func portString(o policy.Origin) string {
	if o.Port() == 0 {
		return "default"
	}
	return fmt.Sprint(o.Port())
}

// writeOneRun tells what one browser did; when its wire exchanges equal
// those of prev it says so instead of repeating them.
func writeOneRun(b *strings.Builder, r *fetchRun, prev *fetchRun, teach bool, p palette) {
	f := r.rep
	pf := f.Preflight
	switch {
	case f.Error != nil && f.Error.Request:
		fmt.Fprintf(b, "%s the browser refuses to make this request: %s\n", p.bold("Request:"), f.Error.Message)
	case pf != nil && pf.Required:
		fmt.Fprintf(b, "%s not a simple request:\n", p.bold("Preflight:"))
		for _, why := range pf.Reasons {
			fmt.Fprintf(b, "  - %s\n", why.Message)
			if teach && why.Spec != "" {
				fmt.Fprintf(b, "    %s\n", p.dim(why.Spec))
			}
		}
		switch {
		case pf.FromCache:
			fmt.Fprintf(b, "  the preflight cache already allows it: no OPTIONS is sent\n")
		case pf.Sent:
			fmt.Fprintf(b, "  so the browser asks first with an OPTIONS preflight\n")
		}
	case f.Request.Mode == "no-cors":
		fmt.Fprintf(b, "%s none: mode no-cors never preflights; script gets an opaque response at best\n", p.bold("Preflight:"))
	case strings.HasPrefix(originStory(f), "same-origin"):
		fmt.Fprintf(b, "%s none (same-origin)\n", p.bold("Preflight:"))
	case f.Request.Initiator == initiatorElement:
		fmt.Fprintf(b, "%s none: an element's request has no unsafe-request flag, so it is never preflighted\n", p.bold("Preflight:"))
	default:
		fmt.Fprintf(b, "%s none: a simple request (safelisted method, only CORS-safelisted headers)\n", p.bold("Preflight:"))
	}
	if prev != nil && sameWire(prev.rep.Wire, f.Wire) {
		fmt.Fprintf(b, "\n%s the same requests and responses as %s\n", p.bold("Wire:"), prev.profile)
	} else {
		for _, x := range f.Wire {
			writeExchange(b, x, p)
		}
		if len(f.Wire) == 0 && f.Error != nil && !f.Error.Request {
			fmt.Fprintf(b, "\n%s nothing was sent\n", p.bold("Wire:"))
		}
	}
	if ns := notSent(r.step); ns != nil {
		fmt.Fprintf(b, "%s %s\n", p.yellow("← not sent:"), notSentWords(ns, f.Wire))
	}
	fmt.Fprintln(b)
	writeVerdict(b, r, p)
	if teach {
		writeTrace(b, r, p)
	}
}

func sameWire(a, b []*report.Exchange) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Preflight != y.Preflight || x.Error != y.Error || fmt.Sprint(x.Request) != fmt.Sprint(y.Request) {
			return false
		}
		if (x.Response == nil) != (y.Response == nil) {
			return false
		}
		if x.Response != nil && (x.Response.Status != y.Response.Status || fmt.Sprint(x.Response.Headers) != fmt.Sprint(y.Response.Headers) || x.Response.Body != y.Response.Body) {
			return false
		}
	}
	return true
}

// notSent returns the live endpoint's refusal to send an unsafe request.
func notSent(fs *sim.FetchStep) *server.NotSentError {
	if fs == nil || fs.Result == nil {
		return nil
	}
	for _, x := range fs.Result.Wire {
		var ns *server.NotSentError
		if errors.As(x.Err, &ns) {
			return ns
		}
	}
	return nil
}

// notSentWords says what the live endpoint held back and how to send it.
func notSentWords(ns *server.NotSentError, wire []*report.Exchange) string {
	what := ns.Method + " not sent"
	if ns.Body {
		what = ns.Method + " with a body not sent"
	}
	for _, x := range wire {
		if x.Preflight && x.Response != nil {
			what = "preflight passed; " + what
			break
		}
	}
	return what + " — add --send-unsafe to send it"
}

func writeExchange(b *strings.Builder, x *report.Exchange, p palette) {
	what := "request"
	if x.Preflight {
		what = "preflight"
	}
	q := x.Request
	fmt.Fprintf(b, "\n%s %s %s\n", p.bold("→ "+what), q.Method, q.URL)
	for _, h := range q.Headers {
		fmt.Fprintf(b, "    %s: %s\n", h.Name, h.Value)
	}
	if q.Credentials && !hasHeader(q.Headers, "Cookie") {
		fmt.Fprintf(b, "    (credentials included; no cookie sent)\n")
	}
	if q.Body != "" {
		fmt.Fprintf(b, "\n    %s\n", truncate(q.Body, 200))
	}
	if x.NotSent {
		return // notSentWords says it
	}
	if x.Error != "" {
		fmt.Fprintf(b, "%s %s\n", p.red("← no response:"), x.Error)
		return
	}
	if s := x.Response; s != nil {
		text := s.StatusText
		if text == "" {
			text = http.StatusText(s.Status)
		}
		answer := "← response"
		if x.Preflight {
			answer = "← preflight response"
		}
		fmt.Fprintf(b, "%s %d %s\n", p.bold(answer), s.Status, text)
		for _, h := range s.Headers {
			fmt.Fprintf(b, "    %s: %s\n", h.Name, h.Value)
		}
		if s.Body != "" {
			fmt.Fprintf(b, "\n    %s\n", truncate(s.Body, 200))
		}
	}
}

// writeVerdict prints the outcome, what script sees and the console.
func writeVerdict(b *strings.Builder, r *fetchRun, p palette) {
	f, x := r.rep, r.ex
	var verdict string
	switch x.Verdict {
	case explain.Allowed:
		verdict = p.green("ALLOWED")
	case explain.Opaque:
		verdict = p.yellow("OPAQUE")
	default:
		verdict = p.red(strings.ToUpper(x.Verdict))
	}
	if ns := notSent(r.step); ns != nil {
		// Not a verdict on the server: the request was held back.
		fmt.Fprintf(b, "%s %s: %s; what the browser would do with its response is not known\n", p.bold("Verdict:"), p.yellow("NOT SENT"), notSentWords(ns, f.Wire))
		return
	}
	fmt.Fprintf(b, "%s %s", p.bold("Verdict:"), verdict)
	if c := x.Decided; c != nil {
		where := ""
		if c.InPreflight {
			where = " in the preflight"
		}
		fmt.Fprintf(b, " (%s%s): %s", c.Code, where, c.Message)
	}
	fmt.Fprintln(b)
	if x.Decided != nil && x.ReachedServer && !safeMethod(f.Request.Method) {
		fmt.Fprintf(b, "  %s the actual request reached the server, so its side effects happened even though script cannot read the answer\n", p.yellow("note:"))
	}
	writeScriptView(b, r, p)
	writeCookies(b, x.Cookies, p)
	if len(f.Console) == 0 {
		fmt.Fprintf(b, "%s nothing\n", p.bold("Console:"))
		return
	}
	fmt.Fprintf(b, "%s\n", p.bold("Console:"))
	for _, l := range f.Console {
		fmt.Fprintf(b, "  %s %s\n", p.red(l.Level+":"), l.Text)
	}
}

// writeScriptView prints what script sees, as the explanation says it.
func writeScriptView(b *strings.Builder, r *fetchRun, p palette) {
	for i, l := range r.ex.Script {
		if i == 0 {
			fmt.Fprintf(b, "%s %s\n", p.bold("JavaScript:"), l)
			continue
		}
		fmt.Fprintf(b, "  %s\n", l)
	}
	if r.ex.Body != "" {
		fmt.Fprintf(b, "  body: %s\n", truncate(r.ex.Body, 200))
	}
}

// writeTrace prints every step of the fetch algorithm in words with its
// spec link.
func writeTrace(b *strings.Builder, r *fetchRun, p palette) {
	if len(r.ex.Steps) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", p.bold("Step by step (Fetch standard):"))
	for i, st := range r.ex.Steps {
		fmt.Fprintf(b, "  %2d. %s\n", i+1, st.Text)
		if st.Spec != "" {
			fmt.Fprintf(b, "      %s\n", p.dim(st.Spec))
		}
	}
}

// writeDifferences says what each browser does differently from the
// first one.
func writeDifferences(b *strings.Builder, e *explain.Explanation, p palette) {
	var lines []string
	for _, r := range e.Runs {
		if r.Differs != "" {
			lines = append(lines, r.Differs)
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", p.bold("Where the browsers differ:"))
	for _, l := range lines {
		fmt.Fprintf(b, "  - %s\n", l)
	}
}

// writeFixes prints every fix of the explanation (each a set of changes
// with the browsers it was confirmed in), or the notes for a request that
// did not fail.
func writeFixes(b *strings.Builder, e *explain.Explanation, p palette) {
	switch {
	case len(e.Fixes) > 0:
		fmt.Fprintf(b, "\n%s\n", p.bold("What would make it work (corsim ran the fetch again with each fix):"))
		for i, f := range e.Fixes {
			fmt.Fprintf(b, "  %d. %s:\n", i+1, f.Scope(nil))
			for _, c := range f.Changes {
				fmt.Fprintf(b, "     - %s\n", c.Text)
				if c.Spec != "" {
					fmt.Fprintf(b, "       %s\n", p.dim(c.Spec))
				}
			}
		}
	case e.Failed():
		fmt.Fprintf(b, "\n%s corsim found no change to the server or the request that it could confirm makes this fetch work\n", p.bold("What would make it work:"))
	}
	if len(e.Notes) > 0 {
		fmt.Fprintf(b, "\n%s\n", p.bold("What would change the outcome:"))
		for _, n := range e.Notes {
			fmt.Fprintf(b, "  - %s\n", n.Text)
			if n.Spec != "" {
				fmt.Fprintf(b, "    %s\n", p.dim(n.Spec))
			}
		}
	}
}

// writeVerdictTable prints one row per browser: outcome, preflight, code.
func writeVerdictTable(b *strings.Builder, runs []fetchRun, p palette) {
	rows := [][]string{{"browser", "verdict", "preflight", "status", "error"}}
	for _, r := range runs {
		f := r.rep
		pre := r.ex.Preflight
		status, code := "-", "-"
		if f.Response != nil {
			status = fmt.Sprint(f.Response.Status)
		}
		if f.Error != nil {
			code = f.Error.Code
		}
		rows = append(rows, []string{r.profile, r.ex.Verdict, pre, status, code})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	fmt.Fprintf(b, "\n%s\n", p.bold("Side by side:"))
	for ri, row := range rows {
		var cells []string
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len(c))
			if ri > 0 && i == 1 {
				switch c {
				case "allowed":
					c = p.green(c)
				case "opaque":
					c = p.yellow(c)
				default:
					c = p.red(c)
				}
			}
			cells = append(cells, c+pad)
		}
		fmt.Fprintf(b, "  %s\n", strings.TrimRight(strings.Join(cells, "  "), " "))
	}
}

// truncate indents the lines of s and cuts it to at most n bytes, at a
// character boundary, marking a cut with "…".
func truncate(s string, n int) string {
	s = strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// safeMethod reports an RFC 9110 safe method (§9.2.1): one whose blocked
// request has, by definition, no side effect worth a warning.
// writeCookies prints what the browser did with cookies: each sent,
// withheld (and why), stored or rejected (and why).
func writeCookies(b *strings.Builder, notes []explain.CookieNote, p palette) {
	if len(notes) == 0 {
		return
	}
	fmt.Fprintf(b, "%s\n", p.bold("Cookies:"))
	for _, n := range notes {
		line := "  " + n.Text
		if len(n.DevTools) > 0 {
			line += " (DevTools: " + strings.Join(n.DevTools, ", ") + ")"
		}
		fmt.Fprintln(b, line)
	}
}

// hasHeader reports whether hs has a line called name.
func hasHeader(hs []report.Header, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

func safeMethod(m string) bool { return m == "GET" || m == "HEAD" || m == "OPTIONS" }
