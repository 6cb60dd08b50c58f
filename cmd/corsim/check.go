package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/openapi"
	"github.com/corsim/corsim/sim/scenario"
	"github.com/corsim/corsim/sim/server"
)

func checkCommand() *command {
	c := &command{name: "check", summary: "check every operation of an OpenAPI document from a front end's origin, in every browser"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim check --openapi FILE --from ORIGIN (--server FILE | --live BASE) [flags]

Check reads an OpenAPI 3.0 or 3.1 document and, for every operation,
makes the request a browser front end at ORIGIN would make: the method,
the path with example parameters, the request body's content type (one
request per type), the header parameters, and the security scheme
(bearer or OAuth: an Authorization header; an API key in a header: that
header; an API key or a parameter in a cookie: credentials 'include'). It
runs each one in every browser profile against the server and prints a
matrix of operations and browsers with the verdict, then why each blocked
operation is blocked and what would change that.

The server is a simulated one from a file (--server, a declarative config
or canned responses, as for fetch) serving the document's first server
URL (or --base), or the real one (--live BASE): then the preflights and
GET, HEAD and OPTIONS requests go out, any other request is shown, not
sent, unless --send-unsafe.

Flags:
  --openapi FILE      the OpenAPI document, YAML or JSON (required)
  --from ORIGIN       the front end's origin (required; repeat for several)
  --server FILE       the simulated server
  --base URL          with --server, the API's base URL (default: the
                      document's first server URL)
  --live BASE         the real API at BASE, e.g. http://127.0.0.1:8080
  --send-unsafe       with --live, really send unsafe requests
  --browser LIST      chromium, firefox, webkit, spec, comma-separated, or
                      all (default all)
  --operation ID      check only this operation (operationId or
                      "METHOD /path"); repeat for several
  --skip ID           do not check this operation; repeat for several
  --format F          text (default), json (corsim.check/v1,
                      docs/json-schema.md) or junit (JUnit XML for CI)
  --json              the same as --format json
  -o FILE             write the report to FILE instead of standard output
  -v                  tell the whole story of each blocked request

Exit status: 0 when every checked operation is allowed in every chosen
browser, 1 when one is blocked, 2 for bad usage or bad input.

Examples:

	corsim check --openapi testdata/openapi/api.yaml --from https://app.example --server testdata/openapi/api.conf
	corsim check --openapi testdata/openapi/api.yaml --from https://app.example --server testdata/openapi/api.conf --skip deleteItem --browser chromium,webkit
	corsim check --openapi api.yaml --from http://localhost:3000 --live http://127.0.0.1:8080 --format junit -o cors.xml
`)
	}
	c.run = func(ctx context.Context, e *env, args []string) int {
		o, code, ok := parseCheckArgs(e, c, args)
		if !ok {
			return code
		}
		return runCheck(ctx, e, c, o)
	}
	return c
}

type checkOpts struct {
	docFile, serverFile, base, live string
	sendUnsafe, verbose             bool
	froms                           []policy.Origin
	profiles                        []string
	only, skip                      []string
	format, out                     string
}

func parseCheckArgs(e *env, c *command, args []string) (*checkOpts, int, bool) {
	fs := newFlagSet(c)
	o := &checkOpts{}
	var froms, only, skip listFlag
	fs.StringVar(&o.docFile, "openapi", "", "")
	fs.Var(&froms, "from", "")
	fs.StringVar(&o.serverFile, "server", "", "")
	fs.StringVar(&o.base, "base", "", "")
	fs.StringVar(&o.live, "live", "", "")
	fs.BoolVar(&o.sendUnsafe, "send-unsafe", false, "")
	browsers := fs.String("browser", "all", "")
	fs.StringVar(browsers, "browsers", "all", "")
	fs.Var(&only, "operation", "")
	fs.Var(&skip, "skip", "")
	fs.StringVar(&o.format, "format", "text", "")
	fs.StringVar(&o.out, "o", "", "")
	fs.StringVar(&o.out, "output", "", "")
	fs.BoolVar(&o.verbose, "v", false, "")
	var asJSON bool
	fs.BoolVar(&asJSON, "json", false, "")
	pos, code, ok := parseArgs(e, fs, c, args)
	if !ok {
		return nil, code, false
	}
	fail := func(format string, a ...any) (*checkOpts, int, bool) {
		return nil, usageErr(e, c, format, a...), false
	}
	switch {
	case len(pos) > 0:
		return fail("unexpected argument %q (the document is given with --openapi FILE)", pos[0])
	case o.docFile == "":
		return fail("missing --openapi FILE")
	case len(froms) == 0:
		return fail("missing --from ORIGIN (the origin of the front end)")
	case o.serverFile != "" && o.live != "":
		return fail("--server and --live exclude each other")
	case o.serverFile == "" && o.live == "":
		return fail("no server: give --server FILE (a simulated server) or --live BASE (the real one)")
	case o.sendUnsafe && o.live == "":
		return fail("--send-unsafe needs --live")
	case o.base != "" && o.live != "":
		return fail("--base is for --server; with --live the base is BASE")
	case asJSON && o.format != "text" && o.format != "json":
		return fail("--json and --format %s exclude each other", o.format)
	case o.format != "text" && o.format != "junit" && o.format != "json":
		return fail("--format %q: want text, json or junit", o.format)
	}
	if asJSON {
		o.format = "json"
	}
	for _, f := range froms {
		origin, err := parseOriginFlag("--from", f)
		if err != nil {
			return nil, inputErr(e, c, err), false
		}
		o.froms = append(o.froms, origin)
	}
	var err error
	if o.profiles, err = parseBrowsers(*browsers); err != nil {
		return nil, inputErr(e, c, err), false
	}
	o.only, o.skip = only, skip
	return o, exitOK, true
}

// checked is one operation checked from one origin, in every profile.
type checked struct {
	op     *openapi.Operation
	origin policy.Origin
	runs   []fetchRun
}

func runCheck(ctx context.Context, e *env, c *command, o *checkOpts) int {
	src, err := readInput(o.docFile, e.stdin)
	if err != nil {
		return inputErr(e, c, err)
	}
	doc, err := openapi.Load(o.docFile, src)
	if err != nil {
		return inputErr(e, c, err)
	}
	for _, p := range doc.Problems {
		fmt.Fprintf(e.stderr, "corsim check: warning: %s: the document does not validate: %s\n", o.docFile, p)
	}
	base := o.live
	if base == "" {
		base = o.base
	}
	if base == "" {
		if base, err = doc.BaseURL(); err != nil {
			return inputErr(e, c, fmt.Errorf("%s: %v: give the API's base URL with --base", o.docFile, err))
		}
	}
	ops, err := doc.Operations(base)
	if err != nil {
		return inputErr(e, c, err)
	}
	ops, err = selectOperations(ops, o.only, o.skip)
	if err != nil {
		return inputErr(e, c, err)
	}
	srv, sopts, err := checkServer(o, base)
	if err != nil {
		return inputErr(e, c, err)
	}
	var results []checked
	for _, op := range ops {
		for _, from := range o.froms {
			runs, err := runOneFetch(ctx, op.ID, from, []*scenario.Server{srv}, op.Init, sopts)
			if err != nil {
				return inputErr(e, c, fmt.Errorf("%s:%d: %s: %v", o.docFile, op.Line, op.ID, err))
			}
			results = append(results, checked{op, from, runs})
		}
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(e.stderr, "corsim check: interrupted\n")
		return exitInterrupted
	}
	var all []fetchRun
	for _, r := range results {
		all = append(all, r.runs...)
	}
	incomplete := sayUnanswered(e, c, all)
	w, closeOut, err := openOutput(e, o.out)
	if err != nil {
		return inputErr(e, c, err)
	}
	var werr error
	switch o.format {
	case "junit":
		werr = writeJUnit(w, checkJUnit(doc, results))
	case "json":
		werr = writeCheckJSON(w, doc, o, base, results)
	default:
		var b strings.Builder
		writeCheck(&b, doc, o, base, results, colours(e, e.stdoutTTY && o.out == ""))
		_, werr = io.WriteString(w, b.String())
	}
	if cerr := closeOut(werr == nil); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return inputErr(e, c, werr)
	}
	if incomplete {
		return exitIncomplete
	}
	for _, r := range results {
		for i := range r.runs {
			if isBlocked(verdictOf(&r.runs[i])) {
				return exitFail
			}
		}
	}
	return exitOK
}

// selectOperations keeps the operations named by only (all when empty)
// minus those named by skip; a name that matches no operation is an
// error, so that a typo does not check less than asked.
func selectOperations(ops []*openapi.Operation, only, skip []string) ([]*openapi.Operation, error) {
	matches := func(o *openapi.Operation, name string) bool {
		return name == o.ID || strings.EqualFold(name, o.Method+" "+o.Path)
	}
	for _, list := range [][]string{only, skip} {
		for _, name := range list {
			if !slices.ContainsFunc(ops, func(o *openapi.Operation) bool { return matches(o, name) }) {
				return nil, fmt.Errorf("no operation %q in the document (give an operationId or \"METHOD /path\")", name)
			}
		}
	}
	var out []*openapi.Operation
	for _, o := range ops {
		if len(only) > 0 && !slices.ContainsFunc(only, func(n string) bool { return matches(o, n) }) {
			continue
		}
		if slices.ContainsFunc(skip, func(n string) bool { return matches(o, n) }) {
			continue
		}
		out = append(out, o)
	}
	return out, nil
}

// checkServer is the server at base's origin: the --server file, or the
// live endpoint.
func checkServer(o *checkOpts, base string) (*scenario.Server, sim.Options, error) {
	opts := sim.Options{Profiles: o.profiles}
	u, err := policy.ParseURL(base)
	if err != nil {
		return nil, opts, fmt.Errorf("base URL %q: %v", base, err)
	}
	origin := policy.OriginOf(u)
	if o.live != "" {
		live := &server.Live{SendUnsafe: o.sendUnsafe, Client: server.NewLiveClient(30 * time.Second)}
		opts.Transports = map[string]fetch.Transport{liveName: live}
		return &scenario.Server{Origin: origin, Kind: scenario.ServerHandler, Source: liveName}, opts, nil
	}
	t, kind, err := loadServer(o.serverFile)
	if err != nil {
		return nil, opts, err
	}
	k := scenario.ServerConfig
	if kind == kindCanned {
		k = scenario.ServerCanned
	}
	return &scenario.Server{Origin: origin, Kind: k, Source: o.serverFile, Transport: t}, opts, nil
}

// writeCheck prints the matrix, then each blocked operation's reason, then
// the count.
func writeCheck(b *strings.Builder, doc *openapi.Doc, o *checkOpts, base string, results []checked, p palette) {
	server := o.serverFile
	if o.live != "" {
		server = "the live API"
	}
	froms := make([]string, len(o.froms))
	for i, f := range o.froms {
		froms[i] = f.String()
	}
	fmt.Fprintf(b, "%s (OpenAPI %s): %s from %s against %s at %s\n\n", doc.File, doc.Version, plural(len(results)/len(o.froms), "request"), strings.Join(froms, ", "), server, base)
	rows := [][]string{append([]string{"operation"}, o.profiles...)}
	for _, r := range results {
		name := r.op.Name()
		if len(o.froms) > 1 {
			name += " from " + r.origin.String()
		}
		row := []string{name}
		for i := range r.runs {
			row = append(row, verdictOf(&r.runs[i]))
		}
		rows = append(rows, row)
	}
	writeTable(b, rows, p)
	var nBlocked, nCells, nBlockedCells int
	for _, r := range results {
		var who []string
		for i := range r.runs {
			nCells++
			if isBlocked(verdictOf(&r.runs[i])) {
				who = append(who, browserName(r.runs[i].profile))
				nBlockedCells++
			}
		}
		if len(who) == 0 {
			continue
		}
		nBlocked++
		fmt.Fprintf(b, "\n%s %s from %s: blocked in %s\n", p.bold(fmt.Sprintf("%s:%d:", doc.File, r.op.Line)), r.op.Name(), r.origin, joinAnd(who))
		writeCheckRequest(b, r.op)
		writeCheckWhy(b, r, p)
		if o.verbose {
			fmt.Fprintln(b)
			tellStory(b, r.runs, p)
		}
	}
	sum := fmt.Sprintf("%s checked in %s: %d blocked (%d of %d verdicts)", plural(len(results), "operation request"), plural(len(o.profiles), "browser"), nBlocked, nBlockedCells, nCells)
	if nBlocked > 0 {
		sum = p.red(sum)
	}
	fmt.Fprintf(b, "\n%s\n", sum)
}

func writeCheckRequest(b *strings.Builder, op *openapi.Operation) {
	in := op.Init
	var hs []string
	for _, h := range in.Header {
		hs = append(hs, h.Name+": "+h.Value)
	}
	fmt.Fprintf(b, "  request: %s %s, credentials %s", in.Method, in.URL, in.Credentials)
	if len(hs) > 0 {
		fmt.Fprintf(b, ", %s", strings.Join(hs, ", "))
	}
	fmt.Fprintln(b)
	if op.Security != "" {
		fmt.Fprintf(b, "  security: %s\n", op.Security)
	}
	for _, n := range op.Notes {
		fmt.Fprintf(b, "  note: %s\n", n)
	}
}

// writeCheckWhy prints each distinct reason once, with the browsers it
// applies to and what would change it.
func writeCheckWhy(b *strings.Builder, r checked, p palette) {
	var order []string
	who := map[string][]string{}
	change := map[string][]hint{}
	for i := range r.runs {
		run := &r.runs[i]
		if !isBlocked(verdictOf(run)) {
			continue
		}
		why, hs := blockReason(run, r.origin.String())
		if _, ok := who[why]; !ok {
			order = append(order, why)
			change[why] = hs
		}
		who[why] = append(who[why], browserName(run.profile))
	}
	for _, why := range order {
		fmt.Fprintf(b, "  %s %s\n", p.bold("why ("+joinAnd(who[why])+"):"), why)
		for _, h := range change[why] {
			fmt.Fprintf(b, "    - %s\n", h.Text)
		}
	}
}

// writeTable prints rows as aligned columns, colouring verdict cells.
func writeTable(b *strings.Builder, rows [][]string, p palette) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	for ri, row := range rows {
		var cells []string
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len(c))
			if ri > 0 && i > 0 {
				c = colourCell(p, c)
			}
			cells = append(cells, c+pad)
		}
		fmt.Fprintf(b, "  %s\n", strings.TrimRight(strings.Join(cells, "  "), " "))
	}
}

// colourCell colours a verdict as the table spells it (lower case).
func colourCell(p palette, v string) string {
	switch {
	case v == scenario.OutcomeAllowed:
		return p.green(v)
	case isBlocked(v):
		return p.red(v)
	}
	return p.yellow(v)
}
