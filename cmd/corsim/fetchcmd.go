package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/internal/suggest"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/scenario"
)

// fetchOpts is what the fetch and explain commands were asked to do.
type fetchOpts struct {
	init       fetch.RequestInit
	from, top  policy.Origin
	profiles   []string
	serverFile string
	serverAt   string
	live       bool
	sendUnsafe bool
	liveFlags  *liveFlags
	asJSON     bool
	expect     string
	explain    bool
	cookies    []userCookie
}

func fetchCommand(explain bool) *command {
	c := &command{name: "fetch", summary: "simulate one request, curl-like, and tell its story"}
	if explain {
		c.name = "explain"
		c.summary = "like fetch, with every spec step, its link, and every confirmed fix"
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
where the browsers differ, and every change that would make the request
work, on the server ("send Access-Control-Allow-Methods: PUT on the
preflight (OPTIONS) response") or on the page: each confirmed by running
the request again with it, and listed with the browsers where it works.
A live server (--live) is never asked again: its fixes are derived from
the answers it gave. It takes the same flags as fetch.
`)
	} else {
		fmt.Fprint(w, `Usage: corsim fetch [flags] URL --from ORIGIN

Fetch simulates one request made by a page at ORIGIN with fetch() (or
XMLHttpRequest, or an element such as <img crossorigin>: see --initiator),
the way curl makes one, and tells its story: same-origin or cross-origin and why,
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
  --browser LIST      chromium, firefox, webkit, spec, comma-separated, or all
                      (default chromium)
  --server FILE       the simulated server for the URL's origin
  --server-at ADDRESS where that server is: an IP address (192.168.1.5,
                      127.0.0.1) or public, local, loopback; a page in a more
                      public space meets Local Network Access (default: what
                      the URL says, public for a name)
  --live              send to the real server: the preflight and GET, HEAD and
                      OPTIONS go out; any other actual request is shown, not sent
  --send-unsafe       with --live, really send an unsafe request (PUT, POST, …,
                      or an OPTIONS request with a body)
  --cookie LINE       the user already has this cookie for the URL's origin,
                      set first-party: 'sid=1; SameSite=None; Secure'
                      (repeatable); each browser's rules decide whether it
                      is sent; its value is masked in the output; @FILE
                      reads one cookie a line (or a cookies.txt export)
  --expect OUTCOME    exit 1 unless the outcome is allowed, blocked,
                      network-error or opaque (in every chosen browser)
  --json              print the sim JSON report (docs/json-schema.md)

Flags for --live:
`)
	writeLiveFlagsHelp(w)
	fmt.Fprint(w, `
Request flags (those of a scenario file's fetch line, docs/scenarios.md):
`)
	writeRequestFlags(w)
	fmt.Fprint(w, `
What corsim does not model (a verdict says nothing about these):
`+notModelled+`
`+exitStatusHelp("0 when the simulation ran (and --expect held), 1 when --expect did not hold, 2 for bad usage or bad input")+`

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

// parseFetchArgs parses the flags of fetch and explain. The request flags
// are sim/scenario's (scenario.FetchFlags, parsed by
// scenario.ParseFetchArgs), so that a command line and a scenario file's
// fetch line accept the same flags and mean the same by them; the flags
// here are only those of the command line (--from, --server, …).
func parseFetchArgs(e *env, c *command, args []string) (*fetchOpts, int, bool) {
	fs := newFlagSet(c)
	req := registerRequestFlags(fs)
	from := fs.String("from", "", "")
	in := fs.String("in", "", "")
	browsers := fs.String("browser", "chromium", "")
	fs.StringVar(browsers, "browsers", "chromium", "")
	o := &fetchOpts{}
	fs.StringVar(&o.serverFile, "server", "", "")
	fs.StringVar(&o.serverAt, "server-at", "", "")
	fs.BoolVar(&o.live, "live", false, "")
	fs.BoolVar(&o.sendUnsafe, "send-unsafe", false, "")
	o.liveFlags = addLiveFlags(fs)
	fs.BoolVar(&o.asJSON, "json", false, "")
	fs.StringVar(&o.expect, "expect", "", "")
	var cookieFlags listFlag
	fs.Var(&cookieFlags, "cookie", "")
	pos, code, ok := parseArgs(e, fs, c, args)
	if !ok {
		return nil, code, false
	}
	fail := func(format string, a ...any) (*fetchOpts, int, bool) {
		return nil, usageErr(e, c, format, a...), false
	}
	bad := func(err error) (*fetchOpts, int, bool) { return nil, inputErr(e, c, err), false }
	var url string
	switch len(pos) {
	case 0:
		return fail("missing URL")
	case 1:
		url = pos[0]
	case 2:
		// "corsim fetch PUT URL", as in scenario files.
		if req.has("-X") {
			return fail("the method is given twice (argument %q and -X)", pos[0])
		}
		url = pos[1]
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
	if _, err := parseHTTPURL(url); err != nil {
		return bad(err)
	}
	if o.profiles, err = parseBrowsers(*browsers); err != nil {
		return bad(err)
	}
	if o.cookies, err = parseCookieFlags(cookieFlags); err != nil {
		return bad(err)
	}
	switch {
	case o.live && o.serverFile != "":
		return fail("--server and --live exclude each other")
	case !o.live && o.serverFile == "":
		return fail("no server: give --server FILE (a simulated server) or --live (the real one)")
	case o.serverAt != "" && o.live:
		return fail("--server-at describes a simulated server; it excludes --live")
	case o.sendUnsafe && !o.live:
		return fail("--send-unsafe needs --live")
	}
	if !o.live {
		if f := setFlag(fs, "timeout", "insecure", "k", "cacert"); f != "" {
			return fail("%s needs --live (it is about the real server)", f)
		}
	}
	switch o.expect {
	case "", scenario.OutcomeAllowed, scenario.OutcomeBlocked, scenario.OutcomeNetworkError, scenario.OutcomeOpaque:
	default:
		return bad(fmt.Errorf("--expect %q: want allowed, blocked, network-error or opaque", o.expect))
	}
	if req.has("--body") && !req.has("-d") {
		return fail("--body (--data-type) needs -d DATA")
	}
	if o.init, err = scenario.ParseFetchArgs(append(pos, req.args...)); err != nil {
		return bad(err)
	}
	if err := checkHeaders(o.init.Header); err != nil {
		return bad(err)
	}
	// Let the request constructor judge the rest (forbidden methods, a
	// body with GET, …) now, so that bad input is a usage error (exit 2)
	// rather than a simulated TypeError. Mode navigate is the exception:
	// fetch() throws a TypeError for it, which the story shows.
	if _, err := fetch.NewRequest(fetch.Client{Origin: o.from, TopLevelOrigin: o.top}, o.init); err != nil {
		return bad(fmt.Errorf("the browser would refuse this request: %v", err))
	}
	return o, exitOK, true
}

// setFlag returns the first of names that was set on the command line, as
// written ("-k", "--timeout"), "" when none was.
func setFlag(fs *flag.FlagSet, names ...string) string {
	set := ""
	fs.Visit(func(f *flag.Flag) {
		if set == "" && slices.Contains(names, f.Name) {
			set = "--" + f.Name
			if len(f.Name) == 1 {
				set = "-" + f.Name
			}
		}
	})
	return set
}

// requestFlagAliases are the command line's extra names for request flags,
// beside scenario.FetchFlagAliases: --data-type is the name this command
// had for --body before it shared sim/scenario's flags.
var requestFlagAliases = map[string]string{"--data-type": "--body"}

// requestArgs collects the request flags in the order given, as the words
// scenario.ParseFetchArgs reads ("-H", "X-A: 1", "--xhr", …), each under
// its FetchFlags name.
type requestArgs struct{ args []string }

func (r *requestArgs) has(name string) bool { return slices.Contains(r.args, name) }

// requestFlag is one request flag in a flag.FlagSet.
type requestFlag struct {
	name   string // the FetchFlags name, e.g. "-H"
	isBool bool
	r      *requestArgs
}

func (f *requestFlag) String() string { return "" }

func (f *requestFlag) IsBoolFlag() bool { return f.isBool }

func (f *requestFlag) Set(v string) error {
	if !f.isBool {
		f.r.args = append(f.r.args, f.name, v)
		return nil
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	if on {
		f.r.args = append(f.r.args, f.name)
	}
	return nil
}

// registerRequestFlags defines scenario.FetchFlags and their aliases on fs
// and returns where their uses are collected.
func registerRequestFlags(fs *flag.FlagSet) *requestArgs {
	r := &requestArgs{}
	bools := map[string]bool{}
	for _, u := range scenario.FetchFlags {
		bools[u.Name] = u.Args == ""
		fs.Var(&requestFlag{name: u.Name, isBool: u.Args == "", r: r}, strings.TrimLeft(u.Name, "-"), "")
	}
	for _, aliases := range []map[string]string{scenario.FetchFlagAliases, requestFlagAliases} {
		for alias, name := range aliases {
			fs.Var(&requestFlag{name: name, isBool: bools[name], r: r}, strings.TrimLeft(alias, "-"), "")
		}
	}
	return r
}

// checkHeaders checks what the browser's Headers object would refuse: a
// name that is not an HTTP token, a value with CR, LF or NUL.
func checkHeaders(l policy.HeaderList) error {
	for _, h := range l {
		if !policy.IsMethod(h.Name) { // a method is a token, as a header name is
			return fmt.Errorf("bad header %q: want 'Name: value' with a token for the name", h.Name+": "+h.Value)
		}
		if strings.ContainsAny(h.Value, "\r\n\x00") {
			return fmt.Errorf("bad header %q: the value contains CR, LF or NUL", h.Name+": "+h.Value)
		}
	}
	return nil
}

// writeRequestFlags prints the help lines of scenario.FetchFlags.
func writeRequestFlags(w io.Writer) {
	for _, u := range scenario.FetchFlags {
		head := u.Name
		if u.Args != "" {
			head += " " + u.Args
		}
		summary := u.Summary
		switch u.Name {
		case "--body":
			summary += "; also --data-type"
		case "-X", "-H", "-d":
			for alias, name := range scenario.FetchFlagAliases {
				if name == u.Name {
					summary += "; also " + alias
				}
			}
		}
		writeFlagHelp(w, head, summary)
	}
}

// writeFlagHelp prints one flag's help: the flag and its argument, then
// the summary wrapped at 78 columns in a column of its own.
func writeFlagHelp(w io.Writer, head, summary string) {
	const indent, width = 22, 78
	line := "  " + head
	if len(line) >= indent {
		fmt.Fprintln(w, line)
		line = ""
	}
	line += strings.Repeat(" ", indent-len(line))
	n := indent
	for i, word := range strings.Fields(summary) {
		if i > 0 && n+1+len(word) > width {
			fmt.Fprintln(w, line)
			line, n = strings.Repeat(" ", indent), indent
		} else if i > 0 {
			line += " "
			n++
		}
		line += word
		n += len(word)
	}
	fmt.Fprintln(w, line)
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
		return slices.Clone(scenario.Profiles), nil
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
		if !slices.Contains(scenario.Profiles, b) {
			if s := suggest.Closest(b, scenario.Profiles); s != "" {
				return nil, fmt.Errorf("unknown browser %q; did you mean %s?", b, s)
			}
			return nil, fmt.Errorf("unknown browser %q: want chromium, firefox, webkit, spec (comma-separated) or all", b)
		}
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out, nil
}
