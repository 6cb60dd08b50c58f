package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/scenario"
)

// fetchOpts is what the fetch and explain commands were asked to do.
type fetchOpts struct {
	init       fetch.RequestInit
	from, top  policy.Origin
	profiles   []string
	serverFile string
	live       bool
	sendUnsafe bool
	asJSON     bool
	format     string
	expect     string
	explain    bool
}

func fetchCommand(explain bool) *command {
	c := &command{name: "fetch", summary: "simulate one request, curl-like, and tell its story"}
	if explain {
		c.name = "explain"
		c.summary = "like fetch, with every spec step, its link, and what would change the outcome"
	}
	c.help = func(w io.Writer) { fetchHelp(w, explain) }
	c.run = func(ctx context.Context, e *env, args []string) int {
		o, code, ok := parseFetchArgs(e, c, args)
		if !ok {
			return code
		}
		o.explain = explain
		return runFetch(ctx, e, c, o)
	}
	return c
}

func fetchHelp(w io.Writer, explain bool) {
	if explain {
		fmt.Fprint(w, `Usage: corsim explain [flags] URL --from ORIGIN

Explain simulates one request exactly as fetch does, and teaches it: every
step the browser takes, with its anchor in the Fetch standard and a link,
and what would change the outcome ("add PUT to Access-Control-Allow-Methods").
It takes the same flags as fetch.
`)
	} else {
		fmt.Fprint(w, `Usage: corsim fetch [flags] URL --from ORIGIN

Fetch simulates one request made by a page at ORIGIN with fetch(), the way
curl makes one, and tells its story: same-origin or cross-origin and why,
simple or preflighted and why, the preflight request and response, the
verdict, what JavaScript sees, and each chosen browser's console lines.
With several browsers it ends with a side-by-side verdict table.
`)
	}
	fmt.Fprint(w, `
The server is a simulated one from a file (--server), or the real endpoint
(--live). A --server file is a declarative CORS config (one directive a
line: origins, methods, headers, credentials, max-age, …; see
sim/server/CONFIG.md) or canned raw HTTP responses (a txtar archive with
"-- METHOD /path --" sections); corsim tells them apart by their shape.

Flags (they may come before or after the URL):
  --from ORIGIN       the page's origin, e.g. https://app.example (required)
  --in ORIGIN         the top-level page's origin when the page is a frame
  -X METHOD           the request method (default GET, or POST with -d)
  -H 'Name: value'    a request header (repeatable)
  -d DATA             a request body (a string body, text/plain by default)
  --data-type KIND    what the body is made from: text, urlsearchparams,
                      formdata, blob, stream, bytes (decides Content-Type)
  --credentials MODE  omit, same-origin (default) or include
  --mode MODE         cors (default), no-cors, same-origin or navigate
  --redirect MODE     follow (default), error or manual
  --cache MODE        default, no-store, reload, no-cache, force-cache, only-if-cached
  --xhr               use XMLHttpRequest instead of fetch()
  --browser LIST      chromium, firefox, webkit, spec, comma-separated, or all
                      (default chromium)
  --server FILE       the simulated server for the URL's origin
  --live              send to the real server: the preflight and GET, HEAD and
                      OPTIONS go out; any other actual request is shown, not sent
  --send-unsafe       with --live, really send an unsafe request (PUT, POST, …)
  --expect OUTCOME    exit 1 unless the outcome is allowed, blocked,
                      network-error or opaque (in every chosen browser)
  --json              print the sim JSON report (docs/json-schema.md)

Exit status: 0 when the simulation ran (and --expect held), 1 when
--expect did not hold, 2 for bad usage or bad input.

Examples:
`)
	name := "fetch"
	if explain {
		name = "explain"
	}
	fmt.Fprintf(w, `
	corsim %[1]s https://api.example/items/42 -X PUT -H 'Content-Type: application/json' -d '{"done":true}' --from https://app.example --server cmd/corsim/testdata/api.conf
	corsim %[1]s https://api.example/items --from https://evil.example --server cmd/corsim/testdata/api.conf --browser all
	corsim %[1]s http://127.0.0.1:8080/items -X DELETE --from http://localhost:3000 --live
`, name)
}

// parseFetchArgs parses the flags of fetch and explain.
func parseFetchArgs(e *env, c *command, args []string) (*fetchOpts, int, bool) {
	fs := newFlagSet(c)
	from := fs.String("from", "", "")
	in := fs.String("in", "", "")
	method := fs.String("X", "", "")
	fs.StringVar(method, "request", "", "")
	var headers listFlag
	fs.Var(&headers, "H", "")
	fs.Var(&headers, "header", "")
	var data optString
	fs.Var(&data, "d", "")
	fs.Var(&data, "data", "")
	dataType := fs.String("data-type", "", "")
	fs.StringVar(dataType, "body", "", "")
	blobType := fs.String("blob-type", "", "")
	creds := fs.String("credentials", "", "")
	mode := fs.String("mode", "", "")
	redirect := fs.String("redirect", "", "")
	cache := fs.String("cache", "", "")
	xhr := fs.Bool("xhr", false, "")
	browsers := fs.String("browser", "chromium", "")
	fs.StringVar(browsers, "browsers", "chromium", "")
	o := &fetchOpts{}
	fs.StringVar(&o.serverFile, "server", "", "")
	fs.BoolVar(&o.live, "live", false, "")
	fs.BoolVar(&o.sendUnsafe, "send-unsafe", false, "")
	fs.BoolVar(&o.asJSON, "json", false, "")
	fs.StringVar(&o.expect, "expect", "", "")
	pos, code, ok := parseArgs(e, fs, c, args)
	if !ok {
		return nil, code, false
	}
	fail := func(format string, a ...any) (*fetchOpts, int, bool) {
		return nil, usageErr(e, c, format, a...), false
	}
	bad := func(err error) (*fetchOpts, int, bool) { return nil, inputErr(e, c, err), false }
	switch len(pos) {
	case 0:
		return fail("missing URL")
	case 1:
		o.init.URL = pos[0]
	case 2:
		// "corsim fetch PUT URL", as in scenario files.
		if *method != "" {
			return fail("the method is given twice (argument %q and -X)", pos[0])
		}
		*method, o.init.URL = pos[0], pos[1]
	default:
		return fail("want one URL, got %d arguments", len(pos))
	}
	if *from == "" {
		return fail("missing --from ORIGIN (the origin of the page making the request)")
	}
	var err error
	if o.from, err = parseOriginFlag("--from", *from); err != nil {
		return bad(err)
	}
	o.top = o.from
	if *in != "" {
		if o.top, err = parseOriginFlag("--in", *in); err != nil {
			return bad(err)
		}
	}
	if _, err := parseHTTPURL(o.init.URL); err != nil {
		return bad(err)
	}
	if o.profiles, err = parseBrowsers(*browsers); err != nil {
		return bad(err)
	}
	switch {
	case o.live && o.serverFile != "":
		return fail("--server and --live exclude each other")
	case !o.live && o.serverFile == "":
		return fail("no server: give --server FILE (a simulated server) or --live (the real one)")
	case o.sendUnsafe && !o.live:
		return fail("--send-unsafe needs --live")
	}
	switch o.expect {
	case "", scenario.OutcomeAllowed, scenario.OutcomeBlocked, scenario.OutcomeNetworkError, scenario.OutcomeOpaque:
	default:
		return bad(fmt.Errorf("--expect %q: want allowed, blocked, network-error or opaque", o.expect))
	}
	if o.init.Header, err = parseHeaderLines(headers); err != nil {
		return bad(err)
	}
	o.init.Method = *method
	enums := []struct {
		flag, v string
		dst     *string
		allowed []string
	}{
		{"--data-type", *dataType, (*string)(&o.init.Body.Kind), []string{"text", "urlsearchparams", "formdata", "blob", "stream", "bytes"}},
		{"--credentials", *creds, (*string)(&o.init.Credentials), []string{"omit", "same-origin", "include"}},
		{"--mode", *mode, (*string)(&o.init.Mode), []string{"cors", "no-cors", "same-origin", "navigate"}},
		{"--redirect", *redirect, (*string)(&o.init.Redirect), []string{"follow", "error", "manual"}},
		{"--cache", *cache, (*string)(&o.init.Cache), []string{"default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"}},
	}
	for _, en := range enums {
		if en.v == "" {
			continue
		}
		if !contains(en.allowed, en.v) {
			return bad(fmt.Errorf("%s %q: want one of %s", en.flag, en.v, strings.Join(en.allowed, ", ")))
		}
		*en.dst = en.v
	}
	if data.set {
		o.init.Body.Data = data.v
		if o.init.Body.Kind == fetch.BodyNone {
			o.init.Body.Kind = fetch.BodyText
		}
	} else if o.init.Body.Kind != fetch.BodyNone {
		return fail("--data-type needs -d DATA")
	}
	if *blobType != "" {
		if o.init.Body.Kind != fetch.BodyBlob {
			return fail("--blob-type needs --data-type blob")
		}
		o.init.Body.Type = *blobType
	}
	if o.init.Body.Kind != fetch.BodyNone && o.init.Method == "" {
		o.init.Method = "POST" // as curl: -d implies POST
	}
	if *xhr {
		o.init.Initiator = fetch.InitiatorXHR
	}
	// Let the request constructor judge the rest (forbidden methods, a
	// body with GET, …) now, so that bad input is a usage error (exit 2)
	// rather than a simulated TypeError.
	if _, err := fetch.NewRequest(fetch.Client{Origin: o.from, TopLevelOrigin: o.top}, o.init); err != nil {
		return bad(fmt.Errorf("the browser would refuse this request: %v", err))
	}
	return o, exitOK, true
}

// optString is a string flag that remembers whether it was set (-d ” is
// an empty body, not no body).
type optString struct {
	v   string
	set bool
}

func (s *optString) String() string { return s.v }

func (s *optString) Set(v string) error {
	s.v, s.set = v, true
	return nil
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// parseOriginFlag parses an origin the way a page's origin is serialized,
// with a hint for the usual slips (a trailing slash, a path, upper case).
func parseOriginFlag(flag, s string) (policy.Origin, error) {
	o, err := policy.ParseOrigin(s)
	if err == nil {
		return o, nil
	}
	if u, uerr := policy.ParseURL(s); uerr == nil && (u.Scheme == "http" || u.Scheme == "https") {
		if want := policy.OriginOf(u).String(); want != "null" {
			return o, fmt.Errorf("bad origin %s %q: an origin is scheme://host[:port] with no path; did you mean %s?", flag, s, want)
		}
	}
	return o, fmt.Errorf("bad origin %s %q: want scheme://host[:port], e.g. https://app.example, or null", flag, s)
}

// parseBrowsers parses --browser: a comma-separated list of profile names,
// or "all".
func parseBrowsers(s string) ([]string, error) {
	if strings.TrimSpace(s) == "all" {
		return []string{"chromium", "firefox", "webkit", "spec"}, nil
	}
	var out []string
	for _, b := range strings.Split(s, ",") {
		b = strings.ToLower(strings.TrimSpace(b))
		switch b {
		case "chrome":
			b = "chromium"
		case "safari":
			b = "webkit"
		}
		if !contains(scenario.Profiles, b) {
			return nil, fmt.Errorf("unknown browser %q: want chromium, firefox, webkit, spec (comma-separated) or all", b)
		}
		if !contains(out, b) {
			out = append(out, b)
		}
	}
	return out, nil
}
