package corstest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// headerNeed is what a failure message diffs: the CORS response headers
// that would have made the assertion pass (want) against the lines of the
// same names the server sent in resp.
type headerNeed struct {
	what string // "preflight response", "response"
	want map[string]string
	resp *fetch.WireResponse
	// extra names to show from resp even when want has none of them.
	extra []string
}

// needFunc computes the header diff and a note for a failing run; nil
// means "the request should have worked": the diff and the fixes then
// come from the explanation.
type needFunc func(*run) (headerNeed, string)

// story renders a failure: the request, the verdict per browser, the
// exchanges of the first failing browser, its console, then either the
// assertion's header diff (need) or every fix of the explanation with the
// header diffs of the first fix on the server alone, then the console of
// the other failing browsers. A request whose story an earlier link of
// the chain told gets only its verdicts.
func (c *Check) story(want string, failed []*run, need needFunc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s from %s", c.init.Method, c.init.URL, c.page.Origin())
	if c.init.Credentials == fetch.CredentialsInclude {
		b.WriteString(" with credentials")
	}
	b.WriteString("\n" + want + "\n")
	ex := c.explanation()
	b.WriteString("verdicts:\n")
	for i, r := range c.runs {
		fmt.Fprintf(&b, "    %-9s %s\n", displayName(r.profile), verdict(ex.Runs[i]))
	}
	if *c.told {
		b.WriteString("(what happened is in the first failure for this request, above)")
		return b.String()
	}
	*c.told = true
	first := failed[0]
	fmt.Fprintf(&b, "what happened in %s:\n", displayName(first.profile))
	writeExchanges(&b, first.res)
	writeConsole(&b, first, "    ")
	if need == nil {
		if f := first.res.Err; f != nil {
			b.WriteString("note: " + f.Message + "\n")
		}
		writeFixes(&b, ex, c.runs)
	} else {
		h, note := need(first)
		if note != "" {
			b.WriteString("note: " + note + "\n")
		}
		if d := h.diff(); d != "" {
			fmt.Fprintf(&b, "CORS headers of the %s (-want +got):\n%s", h.what, indent(d, "    "))
		}
	}
	for _, r := range failed[1:] {
		if r.profile.Name == first.profile.Name || (len(r.console) == 0 && r.jsError == "") {
			continue
		}
		fmt.Fprintf(&b, "in %s:\n", displayName(r.profile))
		writeConsole(&b, r, "    ")
	}
	return strings.TrimRight(b.String(), "\n")
}

// verdict is one line of the verdict table, from the explanation.
func verdict(r *explain.Run) string {
	if r.Decided == nil {
		s := fmt.Sprintf("%s: %s response, status %d", r.Verdict, r.Type, r.Status)
		switch r.Preflight {
		case "sent":
			s += ", after a preflight"
		case "cached":
			s += ", preflight from cache"
		}
		return s
	}
	s := r.Headline()
	if r.ReachedServer {
		s += " (the request reached the server)"
	}
	return s
}

// writeFixes lists every fix of the explanation, with the browsers it was
// confirmed in, then the CORS header diffs (-want +got) of the first fix
// that changes the server alone.
func writeFixes(b *strings.Builder, ex *explain.Explanation, runs []*run) {
	if len(ex.Fixes) == 0 {
		b.WriteString("corsim found no change to the server or the request that it could confirm makes this request work\n")
		return
	}
	b.WriteString("what would make it work (corsim ran the request again with each fix):\n")
	var serverOnly *explain.Fix
	for i, f := range ex.Fixes {
		scope := f.Scope(func(n string) string {
			for _, r := range runs {
				if r.profile.Name == n {
					return displayName(r.profile)
				}
			}
			return n
		})
		fmt.Fprintf(b, "  %d. %s:\n", i+1, scope)
		pageSide := false
		for _, c := range f.Changes {
			fmt.Fprintf(b, "     - %s\n", c.Text)
			pageSide = pageSide || c.Side == explain.SidePage
		}
		if !pageSide && serverOnly == nil {
			serverOnly = f
		}
	}
	if serverOnly == nil {
		return
	}
	for _, answer := range []string{explain.AnswerPreflight, explain.AnswerResponse} {
		want, got := map[string]string{}, map[string]string{}
		for _, c := range serverOnly.Changes {
			if c.Response != answer || c.Header == "" {
				continue
			}
			want[c.Header] = c.Need
			if c.WasSent {
				got[c.Header] = c.Sent
			}
		}
		if len(want) == 0 {
			continue
		}
		what := "response"
		if answer == explain.AnswerPreflight {
			what = "preflight response"
		}
		fmt.Fprintf(b, "CORS headers of the %s (-want +got):\n%s", what, indent(cmp.Diff(want, got), "    "))
	}
}

// explanation explains the request in the Tester's browsers, once.
func (c *Check) explanation() *explain.Explanation {
	if c.ex == nil {
		subjects := make([]explain.Subject, len(c.runs))
		for i, r := range c.runs {
			subjects[i] = r.subject(c.ts.tr)
		}
		c.ex = explain.Fetch(context.Background(), subjects...)
	}
	return c.ex
}

// writeExchanges prints every request that reached the server and its
// answer, in order.
func writeExchanges(b *strings.Builder, res *fetch.Result) {
	sentActual := false
	for _, ex := range res.Wire {
		what := "request"
		if ex.Preflight {
			what = "preflight request"
		} else {
			sentActual = true
		}
		fmt.Fprintf(b, "  %s:\n", what)
		writeRequest(b, ex.Request)
		switch {
		case ex.Err != nil:
			fmt.Fprintf(b, "  no response: %v\n", ex.Err)
		case ex.Response != nil:
			b.WriteString("  server answered:\n")
			writeResponse(b, ex.Response)
		}
	}
	if !sentActual {
		b.WriteString("  actual request: not sent\n")
	}
}

func writeRequest(b *strings.Builder, r *fetch.WireRequest) {
	if r == nil || r.URL == nil {
		return
	}
	fmt.Fprintf(b, "    %s %s HTTP/1.1\n", r.Method, r.URL.RequestURI())
	fmt.Fprintf(b, "    Host: %s\n", r.URL.Host)
	for _, h := range r.Header {
		fmt.Fprintf(b, "    %s: %s\n", h.Name, h.Value)
	}
	if _, ok := r.Header.Get("Cookie"); r.Credentials && !ok {
		b.WriteString("    (credentials included; no cookie sent)\n")
	}
	if len(r.Body) > 0 {
		fmt.Fprintf(b, "    \n    %s\n", clip(r.Body))
	}
}

func writeResponse(b *strings.Builder, r *fetch.WireResponse) {
	text := r.StatusText
	if text == "" {
		text = http.StatusText(r.Status)
	}
	fmt.Fprintf(b, "    HTTP/1.1 %d %s\n", r.Status, text)
	for _, h := range r.Header {
		fmt.Fprintf(b, "    %s: %s\n", h.Name, h.Value)
	}
	if len(r.Body) > 0 {
		fmt.Fprintf(b, "    \n    %s\n", clip(r.Body))
	}
}

// clip shortens a body to one line of at most 120 bytes.
func clip(body []byte) string {
	s := string(body)
	if !utf8.ValidString(s) {
		return fmt.Sprintf("(%d bytes of binary data)", len(body))
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
	if len(s) > 120 {
		cut := 120
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func writeConsole(b *strings.Builder, r *run, pad string) {
	if len(r.console) == 0 && r.jsError == "" {
		return
	}
	if len(r.console) > 0 {
		b.WriteString("  console:\n")
		for _, l := range r.console {
			b.WriteString(pad + l + "\n")
		}
	}
	if r.jsError != "" {
		b.WriteString("  JavaScript sees: " + r.jsError + "\n")
	}
}

func indent(s, pad string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// diff compares the wanted CORS headers with those the server sent.
func (h headerNeed) diff() string {
	if h.resp == nil || (len(h.want) == 0 && len(h.extra) == 0) {
		return ""
	}
	got := map[string]string{}
	names := make([]string, 0, len(h.want)+len(h.extra))
	for n := range h.want {
		names = append(names, n)
	}
	names = append(names, h.extra...)
	for _, n := range names {
		if v, ok := h.resp.Header.Get(n); ok {
			got[n] = v
		}
	}
	want := h.want
	if want == nil {
		want = map[string]string{}
	}
	return cmp.Diff(want, got)
}

// The CORS response header names, as a diff shows them.
const (
	hACAO = "Access-Control-Allow-Origin"
	hACAC = "Access-Control-Allow-Credentials"
	hACAM = "Access-Control-Allow-Methods"
	hACAH = "Access-Control-Allow-Headers"
	hACEH = "Access-Control-Expose-Headers"
	hACMA = "Access-Control-Max-Age"
)

// failedPreflight returns the preflight exchange of the hop that failed.
func failedPreflight(res *fetch.Result) *fetch.PreflightReport {
	for i := len(res.Preflights) - 1; i >= 0; i-- {
		if res.Preflights[i].Sent {
			return &res.Preflights[i]
		}
	}
	return nil
}

// lastActual returns the last non-preflight exchange that got a response.
func lastActual(res *fetch.Result) *fetch.Exchange {
	for i := len(res.Wire) - 1; i >= 0; i-- {
		if ex := &res.Wire[i]; !ex.Preflight && ex.Response != nil {
			return ex
		}
	}
	return nil
}

// originSent is the Origin value of a wire request.
func originSent(r *fetch.WireRequest, fallback string) string {
	if r != nil {
		if v, ok := r.Header.Get("Origin"); ok {
			return v
		}
	}
	return fallback
}

// allowedBy: the headers that let a request through that should have been
// blocked; the wanted set is empty, so the diff lists them as "+got".
func allowedBy(r *run) (headerNeed, string) {
	var resp *fetch.WireResponse
	if ex := lastActual(r.res); ex != nil {
		resp = ex.Response
	}
	note := ""
	if resp != nil {
		if acao, _ := resp.Header.Get(hACAO); acao == originSent(lastActual(r.res).Request, "\x00") {
			note = "the server echoed the request's Origin in Access-Control-Allow-Origin"
		}
	}
	return headerNeed{what: "response", want: map[string]string{}, resp: resp, extra: []string{hACAO, hACAC}}, note
}

// neededForExposed: Access-Control-Expose-Headers listing the names script
// could not read.
func neededForExposed(r *run, names []string) (headerNeed, string) {
	resp := r.res.Response.Internal
	creds := r.res.Request != nil && r.res.Request.Credentials == fetch.CredentialsInclude
	missing := missingReadable(r.res.Response, names)
	var notSent []string
	for _, n := range missing {
		if !resp.Header.Contains(n) {
			notSent = append(notSent, n)
		}
	}
	note := ""
	if len(notSent) > 0 {
		note = "the server did not send " + strings.Join(notSent, ", ")
	} else {
		note = "the server sent " + strings.Join(missing, ", ") + " but did not list it in Access-Control-Expose-Headers, so script cannot read it"
	}
	if creds {
		if v, _ := resp.Header.Get(hACEH); strings.TrimSpace(v) == "*" {
			note = strings.TrimSpace(note + "; Access-Control-Expose-Headers: * is a literal name, not a wildcard, for a request with credentials")
		}
	}
	return headerNeed{what: "response", want: map[string]string{hACEH: explain.ListValue(headerValue(resp, hACEH), missing, creds, false)}, resp: resp}, strings.TrimPrefix(note, "; ")
}

// neededForMaxAge: Access-Control-Max-Age of at least d on the preflight.
func neededForMaxAge(r *run, d interface{ Seconds() float64 }) (headerNeed, string) {
	p := failedPreflight(r.res)
	if p == nil || p.Response == nil {
		return headerNeed{}, ""
	}
	secs := int64(d.Seconds())
	if float64(secs) < d.Seconds() {
		secs++
	}
	want := fmt.Sprint(secs)
	m := policy.ParseMaxAge(p.Response.Header)
	if m.Kind == policy.MaxAgeValue && m.Seconds >= secs {
		want = m.Raw
	}
	return headerNeed{what: "preflight response", want: map[string]string{hACMA: want}, resp: p.Response}, ""
}

// acHeaders renders the Access-Control-* lines of a response, sorted, for
// comparing two answers.
func acHeaders(l policy.HeaderList) map[string]string {
	out := map[string]string{}
	for _, h := range l {
		if strings.HasPrefix(strings.ToLower(h.Name), "access-control-") {
			n := http.CanonicalHeaderKey(h.Name)
			if v, ok := out[n]; ok {
				out[n] = v + ", " + h.Value
			} else {
				out[n] = h.Value
			}
		}
	}
	return out
}

// varyHasOrigin reports whether Vary lists Origin (or is "*").
func varyHasOrigin(l policy.HeaderList) bool {
	for _, v := range l.Values("Vary") {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.EqualFold(t, "Origin") {
				return true
			}
		}
	}
	return false
}

// headerValue is the value of name in resp, several lines joined.
func headerValue(resp *fetch.WireResponse, name string) string {
	return strings.Join(resp.Header.Values(name), ", ")
}
