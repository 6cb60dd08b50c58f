package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/server"
)

// RFC 9110 anchors cited by allow.
const (
	rfcOptions  = "https://www.rfc-editor.org/rfc/rfc9110#section-9.3.7"
	rfcAllow    = "https://www.rfc-editor.org/rfc/rfc9110#section-10.2.1"
	rfc405      = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6"
	rfc501      = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.2"
	fetchCORSPr = "https://fetch.spec.whatwg.org/#http-cors-protocol"
)

func allowCommand() *command {
	c := &command{name: "allow", summary: "ask a server which methods a URL supports (RFC 9110 OPTIONS and Allow)"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim allow [flags] URL

Sends a plain OPTIONS request to URL — no Origin, no Access-Control-Request-*
headers, so it is a capability question (RFC 9110 §9.3.7), not a CORS
preflight — and prints the methods the Allow header lists (RFC 9110 §10.2.1).

It flags what the RFC forbids: a 405 Method Not Allowed without an Allow
header (§15.5.6 says the server MUST send one), and an Allow value that is
not a list of method tokens. It notes a 501 (OPTIONS not implemented), a
successful answer without Allow, and CORS headers sent to a request that
did not ask for them.

By default the request goes to the real server (OPTIONS is safe: it changes
nothing). With --server FILE it goes to a simulated server instead.

Flags:
  --server FILE       ask a simulated server: a declarative config or canned
                      responses
  -H, --header 'Name: v'
                      add a request header line (repeatable)
  --cookie 'n=v'      send the cookie n=v, to reach a server behind session
                      auth (repeatable; its value is masked in the output;
                      @FILE reads one cookie a line, or a cookies.txt export)
  --json              print JSON (schema corsim.allow/v1, docs/json-schema.md)
`)
		writeLiveFlagsHelp(w)
		fmt.Fprint(w, "\n"+exitStatusHelp("0 when the answer follows RFC 9110, 1 when a problem is flagged, 2 for bad usage or input")+`

Examples:

	corsim allow https://api.example/items --server examples/cors.conf
	corsim allow http://127.0.0.1:8080/items
	corsim allow --json https://api.example/items --server examples/cors.conf
`)
	}
	c.run = func(ctx context.Context, e *env, args []string) int {
		fs := newFlagSet(c)
		serverFile := fs.String("server", "", "")
		var headers listFlag
		fs.Var(&headers, "H", "")
		fs.Var(&headers, "header", "")
		lf := addLiveFlags(fs)
		timeout := &lf.timeout
		asJSON := fs.Bool("json", false, "")
		var cookieFlags listFlag
		fs.Var(&cookieFlags, "cookie", "")
		pos, code, ok := parseArgs(e, fs, c, args)
		if !ok {
			return code
		}
		if len(pos) != 1 {
			return usageErr(e, c, "want exactly one URL, got %d arguments", len(pos))
		}
		u, err := parseHTTPURL(pos[0])
		if err != nil {
			return inputErr(e, c, err)
		}
		hl, err := parseHeaderLines(headers)
		if err != nil {
			return inputErr(e, c, err)
		}
		cookies, err := parseCookieFlags(cookieFlags)
		if err != nil {
			return inputErr(e, c, err)
		}
		if len(cookies) > 0 {
			hl = append(hl, policy.Header{Name: "Cookie", Value: cookieHeader(cookies)})
		}
		out := &maskingWriter{w: e.stdout, cs: cookies}
		defer out.flush()
		e2 := *e
		e2.stdout = out
		e = &e2
		var t fetch.Transport
		target := "live"
		if *serverFile == "" {
			live, err := lf.newLive(false)
			if err != nil {
				return inputErr(e, c, err)
			}
			t = live
		} else {
			st, kind, err := loadServer(*serverFile)
			if err != nil {
				return inputErr(e, c, err)
			}
			t, target = st, string(kind)+" "+*serverFile
		}
		if *timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, *timeout)
			defer cancel()
		}
		req := &fetch.WireRequest{Method: http.MethodOptions, URL: u, Header: hl}
		stop := func() {}
		if *serverFile == "" {
			stop = startStatus(e, func() string { return "corsim allow: waiting for " + u.Host + "…" })
		}
		resp, err := t.RoundTrip(ctx, req)
		stop()
		rep := checkAllow(req, resp, err)
		rep.Server = target
		if rep.NoAnswer != "" {
			fmt.Fprintf(e.stderr, "corsim allow: incomplete: the server could not be reached: %s\n", rep.Error)
		}
		if *asJSON {
			if err := writeIndented(e.stdout, rep); err != nil {
				return inputErr(e, c, err)
			}
		} else {
			printAllow(e, rep)
		}
		switch {
		case ctx.Err() != nil && rep.Error != "":
			return exitInterrupted
		case rep.NoAnswer != "":
			return exitIncomplete
		case rep.Error != "" || len(rep.Problems) > 0:
			return exitFail
		}
		return exitOK
	}
	return c
}

// allowSchema identifies allow's JSON document (docs/json-schema.md,
// "corsim allow --json"); like report.Schema it changes only when a field
// is removed or changes meaning.
const allowSchema = "corsim.allow/v1"

// allowReport is the result of a capability check; its JSON form is the
// document documented in docs/json-schema.md.
type allowReport struct {
	Schema   string        `json:"schema"`
	Server   string        `json:"server"`
	Request  jsonWireReq   `json:"request"`
	Response *jsonWireResp `json:"response,omitempty"`
	Error    string        `json:"error,omitempty"`
	// NoAnswer is why there is no answer, in a word (server.Cause).
	NoAnswer string `json:"noAnswer,omitempty"`
	// Allow is the list of methods in the Allow header, as sent; Valid
	// reports that every element is a method token.
	Allow      []string `json:"allow"`
	AllowSent  bool     `json:"allowSent"`
	Problems   []note   `json:"problems"`
	Notes      []note   `json:"notes"`
	StatusLine string   `json:"-"`
}

// note is one finding of allow, with the RFC section it rests on.
type note struct {
	Text string `json:"text"`
	Spec string `json:"spec"`
}

// jsonWireReq and jsonWireResp are wire messages as allow prints them.
// Their header lists are the sim report's: {"name", "value"} objects in
// wire order.
type jsonWireReq struct {
	Method  string          `json:"method"`
	URL     string          `json:"url"`
	Headers []report.Header `json:"headers"`
}

type jsonWireResp struct {
	Status     int             `json:"status"`
	StatusText string          `json:"statusText"`
	Headers    []report.Header `json:"headers"`
}

func headerPairs(l policy.HeaderList) []report.Header {
	out := make([]report.Header, 0, len(l))
	for _, h := range l {
		out = append(out, report.Header{Name: h.Name, Value: h.Value})
	}
	return out
}

// checkAllow judges an OPTIONS answer by RFC 9110.
func checkAllow(req *fetch.WireRequest, resp *fetch.WireResponse, err error) *allowReport {
	rep := &allowReport{
		Schema:   allowSchema,
		Request:  jsonWireReq{Method: req.Method, URL: req.URL.String(), Headers: headerPairs(req.Header)},
		Allow:    []string{},
		Problems: []note{},
		Notes:    []note{},
	}
	if err != nil {
		rep.Error = oneLine(err.Error())
		if cause, ok := server.NoAnswer(err); ok {
			rep.NoAnswer = string(cause)
		}
		return rep
	}
	text := resp.StatusText
	if text == "" {
		text = http.StatusText(resp.Status)
	}
	rep.Response = &jsonWireResp{Status: resp.Status, StatusText: text, Headers: headerPairs(resp.Header)}
	vals := resp.Header.Values("Allow")
	rep.AllowSent = resp.Header.Contains("Allow")
	var bad []string
	for _, v := range vals {
		for _, m := range strings.Split(v, ",") {
			m = strings.TrimSpace(m)
			if m == "" {
				continue
			}
			if !policy.IsMethod(m) {
				bad = append(bad, m)
				continue
			}
			rep.Allow = append(rep.Allow, m)
		}
	}
	if len(bad) > 0 {
		rep.Problems = append(rep.Problems, note{fmt.Sprintf("Allow lists %s, which is not a method token", quoteList(bad)), rfcAllow})
	}
	switch {
	case resp.Status == http.StatusMethodNotAllowed && !rep.AllowSent:
		rep.Problems = append(rep.Problems, note{"405 Method Not Allowed without an Allow header: the server MUST list the methods the resource supports", rfc405})
	case resp.Status == http.StatusMethodNotAllowed:
		rep.Notes = append(rep.Notes, note{"405: the resource does not support OPTIONS; Allow lists what it does support", rfc405})
	case resp.Status == http.StatusNotImplemented:
		rep.Notes = append(rep.Notes, note{"501 Not Implemented: the server does not implement OPTIONS, so CORS preflights to it fail too", rfc501})
	case resp.Status >= 200 && resp.Status < 300 && !rep.AllowSent:
		rep.Notes = append(rep.Notes, note{"no Allow header: the server does not say which methods it supports (a successful OPTIONS answer SHOULD)", rfcOptions})
	case resp.Status >= 300 && resp.Status < 400:
		loc, _ := resp.Header.Get("Location")
		rep.Notes = append(rep.Notes, note{fmt.Sprintf("%d redirect to %q, not followed; a CORS preflight is never redirected", resp.Status, loc), rfcOptions})
	case resp.Status >= 400:
		rep.Notes = append(rep.Notes, note{fmt.Sprintf("status %d: a CORS preflight answered like this fails (it needs an ok status, 200-299)", resp.Status), fetchCORSPr})
	}
	var acHeaders []string
	for _, h := range resp.Header {
		if n := strings.ToLower(h.Name); strings.HasPrefix(n, "access-control-") {
			acHeaders = append(acHeaders, h.Name)
		}
	}
	if len(acHeaders) > 0 {
		sort.Strings(acHeaders)
		rep.Notes = append(rep.Notes, note{fmt.Sprintf("the answer carries %s although the request had no Origin: harmless, but the server does not look at Origin", strings.Join(dedupe(acHeaders), ", ")), fetchCORSPr})
	}
	return rep
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func dedupe(sorted []string) []string {
	var out []string
	for i, s := range sorted {
		if i == 0 || !strings.EqualFold(s, sorted[i-1]) {
			out = append(out, s)
		}
	}
	return out
}

func printAllow(e *env, rep *allowReport) {
	p := colours(e, e.stdoutTTY)
	w := report.NewEscaper(e.stdout, p.on) // the server's header values are its own text
	fmt.Fprintf(w, "%s %s\n  (a plain OPTIONS: no Origin, no Access-Control-Request-*; server: %s)\n", rep.Request.Method, rep.Request.URL, rep.Server)
	for _, h := range rep.Request.Headers {
		fmt.Fprintf(w, "  %s: %s\n", h.Name, h.Value)
	}
	if rep.Error != "" {
		fmt.Fprintf(w, "%s %s\n", p.red("no answer:"), rep.Error)
		return
	}
	fmt.Fprintf(w, "\n%d %s\n", rep.Response.Status, rep.Response.StatusText)
	for _, h := range rep.Response.Headers {
		fmt.Fprintf(w, "  %s: %s\n", h.Name, h.Value)
	}
	fmt.Fprintln(w)
	switch {
	case len(rep.Allow) > 0:
		fmt.Fprintf(w, "%s %s\n", p.bold("Allowed methods:"), strings.Join(rep.Allow, " "))
	case rep.AllowSent:
		fmt.Fprintf(w, "%s none (an empty Allow: the resource supports no method)\n", p.bold("Allowed methods:"))
	default:
		fmt.Fprintf(w, "%s unknown (no Allow header)\n", p.bold("Allowed methods:"))
	}
	for _, n := range rep.Problems {
		fmt.Fprintf(w, "%s %s\n    %s\n", p.red("problem:"), n.Text, p.dim(n.Spec))
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "%s %s\n    %s\n", p.yellow("note:"), n.Text, p.dim(n.Spec))
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintf(w, "%s\n", p.green("RFC 9110: ok"))
	}
}

// parseHTTPURL parses an absolute http(s) URL as browsers do.
func parseHTTPURL(raw string) (*url.URL, error) {
	u, err := policy.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: want an absolute http:// or https:// URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("bad URL %q: want an http:// or https:// URL", raw)
	}
	return u, nil
}

// parseHeaderLines parses -H values "Name: value".
func parseHeaderLines(lines []string) (policy.HeaderList, error) {
	var l policy.HeaderList
	for _, s := range lines {
		name, value, ok := strings.Cut(s, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || !policy.IsMethod(name) {
			return nil, fmt.Errorf("bad header %q: want 'Name: value'", s)
		}
		value = strings.Trim(value, " \t")
		if strings.ContainsAny(value, "\r\n\x00") {
			return nil, fmt.Errorf("bad header %q: the value contains CR, LF or NUL", s)
		}
		l = append(l, policy.Header{Name: name, Value: value})
	}
	return l, nil
}
