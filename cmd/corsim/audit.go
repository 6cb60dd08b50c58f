package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/fuzz/audit"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/report"
)

func auditCommand() *command {
	c := &command{name: "audit", summary: "attack a server's CORS policy with scanner origins, judged per browser"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim audit [flags] --origin ORIGIN URL...

Audit tries the origins CORS misconfiguration scanners try — reflection,
null, prefix and suffix matches, unescaped dots, any subdomain, http from
https, other ports, odd characters, third-party hosts, localhost, and
mutations of the site's own origins and of each URL's own host — against
each URL, as the site's front end would send them (a simple request and a
preflighted one with the URL's methods, with and without credentials),
and judges every attempt with each browser profile.

It reports findings grouped by the server behaviour that causes them
("reflects any Origin, with credentials", "trusts any subdomain", …), each
with its severity (critical: read with the victim's credentials; high:
read without; low: missing Vary: Origin, reflected
Access-Control-Allow-Methods or -Headers; info: public data), the origins
that read as evidence, the browsers, the line of a --server config file
responsible, and the shortest corsim fetch line that reproduces it. What
browsers block (such as * with credentials) is listed as a broken
configuration, not as exploitable.

An audit in which any request got no answer (unreachable, timeout, TLS,
a handler that panicked) is INCOMPLETE: the report says so first, with the
causes, and the exit status is 3, whatever was found. An endpoint is given
up after --max-failures unanswered requests in a row.

Flags:
`)
		writeFlagHelp(w, "--origin ORIGIN", "the site's own origin (repeatable, required); a pattern such as https://*.app.example covers its subdomains")
		writeFlagHelp(w, "--server FILE", "audit a simulated server (declarative config or canned responses)")
		writeFlagHelp(w, "--live", "audit the real server at URL (unsafe methods are judged on their preflight unless --send-unsafe)")
		writeFlagHelp(w, "--method LIST", "the URLs' methods, comma-separated (default: the Allow line of a plain OPTIONS, else GET)")
		writeFlagHelp(w, "-H, --header 'N: V'", "add a header line to every request (repeatable), e.g. an API key; reports mask credentials")
		writeFlagHelp(w, "--cookie 'a=b'", "send this Cookie with credentialed requests (the user's session; repeatable; @FILE reads one cookie a line, or a cookies.txt export); reports show only the names")
		writeFlagHelp(w, "--send-unsafe", "with --live, send actual POST, PUT, DELETE, … requests too (they may change data)")
		writeFlagHelp(w, "--rate N", fmt.Sprintf("at most N requests per second (default %v with --live, no limit otherwise)", defaultAuditRate))
		writeFlagHelp(w, "--concurrency N", "endpoints audited at once (default 1 with --live, the number of CPUs otherwise)")
		writeFlagHelp(w, "--max-failures N", fmt.Sprintf("give an endpoint up after N unanswered requests in a row (default %d)", audit.DefaultMaxConsecutiveFailures))
		writeLiveFlagsHelp(w)
		writeFlagHelp(w, "--browser LIST", "chromium, firefox, webkit, spec, comma-separated, or all (default all)")
		writeFlagHelp(w, "--attacker D", "the attacker's domain (default evil.example)")
		writeFlagHelp(w, "--mutations N", fmt.Sprintf("mutated origins to add to the catalogue (default %d, at most %d; -1 none)", audit.DefaultMutations, audit.MaxMutations))
		writeFlagHelp(w, "--seed N", "seed of the mutation generator (same seed, same report)")
		writeFlagHelp(w, "--try ORIGIN", "one more attacker origin to try (repeatable)")
		writeFlagHelp(w, "--fail-on SEV", "exit 1 on a finding at or above SEV: critical, high, low, info, or none (never) (default high)")
		writeFlagHelp(w, "--json", "print the report as JSON (schema corsim.audit/v1, docs/json-schema.md)")
		writeFlagHelp(w, "--format F", "text (default), json (as --json) or sarif (SARIF 2.1.0 for GitHub code scanning: one result per cause and endpoint, at the --server file's line that causes it)")
		fmt.Fprint(w, "\n"+exitStatusHelp("0 when no finding reaches --fail-on, 1 when one does, 2 for bad usage or input")+`

Examples:

	corsim audit --origin https://www.target.example --server testdata/audit/vulnerable/acah_reflection.conf https://api.target.example/data
	corsim audit --origin https://app.example --server cmd/corsim/testdata/api.conf https://api.example/items --fail-on low
	corsim audit --origin http://localhost:3000 --live --cookie 'sid=…' http://127.0.0.1:8080/items
`)
	}
	c.run = func(ctx context.Context, e *env, args []string) int {
		fs := newFlagSet(c)
		var origins, extra, headers listFlag
		fs.Var(&origins, "origin", "")
		fs.Var(&extra, "try", "")
		fs.Var(&headers, "header", "")
		fs.Var(&headers, "H", "")
		var cookieFlags listFlag
		fs.Var(&cookieFlags, "cookie", "")
		methods := fs.String("method", "", "")
		fs.StringVar(methods, "methods", "", "")
		serverFile := fs.String("server", "", "")
		live := fs.Bool("live", false, "")
		lf := addLiveFlags(fs)
		sendUnsafe := fs.Bool("send-unsafe", false, "")
		rate := fs.Float64("rate", -1, "")
		concurrency := fs.Int("concurrency", 0, "")
		maxFailures := fs.Int("max-failures", 0, "")
		browsers := fs.String("browser", "all", "")
		fs.StringVar(browsers, "browsers", "all", "")
		attacker := fs.String("attacker", "", "")
		mutations := fs.Int("mutations", 0, "")
		seed := fs.String("seed", "0", "")
		failOn := fs.String("fail-on", "high", "")
		asJSON := fs.Bool("json", false, "")
		format := fs.String("format", "text", "")
		pos, code, ok := parseArgs(e, fs, c, args)
		if !ok {
			return code
		}
		switch {
		case *format != "text" && *format != "json" && *format != "sarif":
			return usageErr(e, c, "--format %q: want text, json or sarif", *format)
		case *asJSON && *format == "sarif":
			return usageErr(e, c, "--json and --format sarif exclude each other")
		case *asJSON:
			*format = "json"
		}
		if len(pos) == 0 {
			return usageErr(e, c, "no URL to audit")
		}
		if len(origins) == 0 {
			return usageErr(e, c, "missing --origin ORIGIN (the site's own origin, whose pages may read)")
		}
		for _, u := range pos {
			if _, err := parseHTTPURL(u); err != nil {
				return inputErr(e, c, err)
			}
		}
		threshold, err := audit.ParseSeverity(*failOn)
		if err != nil {
			return inputErr(e, c, fmt.Errorf("--fail-on %q: want critical, high, medium, low, info or none", *failOn))
		}
		sd, err := strconv.ParseUint(*seed, 10, 64)
		if err != nil {
			return inputErr(e, c, fmt.Errorf("--seed %q: want a non-negative integer", *seed))
		}
		if *mutations > audit.MaxMutations {
			return inputErr(e, c, fmt.Errorf("--mutations %d: at most %d", *mutations, audit.MaxMutations))
		}
		if *concurrency < 0 || *concurrency > 64 {
			return inputErr(e, c, fmt.Errorf("--concurrency %d: want 1 to 64", *concurrency))
		}
		names, err := parseBrowsers(*browsers)
		if err != nil {
			return inputErr(e, c, err)
		}
		var profiles []fetch.Profile
		for _, n := range names {
			p, ok := browser.ProfileByName(n)
			if !ok {
				return inputErr(e, c, fmt.Errorf("unknown browser %q", n))
			}
			profiles = append(profiles, p)
		}
		opts := audit.Options{
			Profiles:               profiles,
			AttackerDomain:         *attacker,
			Mutations:              *mutations,
			Seed:                   sd,
			Extra:                  extra,
			MaxConsecutiveFailures: *maxFailures,
			Concurrency:            *concurrency,
		}
		if *methods != "" {
			for _, m := range strings.Split(*methods, ",") {
				m = strings.TrimSpace(m)
				if !policy.IsMethod(m) {
					return inputErr(e, c, fmt.Errorf("--method %q: %q is not a method name", *methods, m))
				}
				opts.Methods = append(opts.Methods, m)
			}
		}
		for _, h := range headers {
			name, value, ok := strings.Cut(h, ":")
			name, value = strings.TrimSpace(name), strings.TrimSpace(value)
			if !ok || !policy.IsMethod(name) || strings.ContainsAny(value, "\r\n\x00") {
				return inputErr(e, c, fmt.Errorf("--header %q: want 'Name: value'", h))
			}
			opts.Header = append(opts.Header, policy.Header{Name: name, Value: value})
		}
		cookie, err := auditCookieHeader(cookieFlags)
		if err != nil {
			return inputErr(e, c, err)
		}
		opts.Cookie = cookie
		t := audit.Target{Origins: origins, Endpoints: pos}
		var configSrc []byte
		switch {
		case *live && *serverFile != "":
			return usageErr(e, c, "--server and --live exclude each other")
		case *live:
			l, err := lf.newLive(*sendUnsafe)
			if err != nil {
				return inputErr(e, c, err)
			}
			t.Transport = l
			t.Server = "--live"
			opts.Unsafe = *sendUnsafe
			opts.Timeout = lf.timeout
			opts.Rate = defaultAuditRate
			if opts.Concurrency == 0 {
				opts.Concurrency = 1
			}
		case *serverFile != "":
			src, err := readInput(*serverFile, nil)
			if err != nil {
				return inputErr(e, c, err)
			}
			tr, kind, err := parseServer(*serverFile, src)
			if err != nil {
				return inputErr(e, c, err)
			}
			if kind == kindConfig {
				configSrc = src
			}
			t.Transport = tr
			t.Server = "--server " + shellQuote(*serverFile)
			opts.Unsafe = true // a simulated server has no data to change
			if opts.Concurrency == 0 {
				opts.Concurrency = runtime.GOMAXPROCS(0)
			}
		default:
			return usageErr(e, c, "no server: give --server FILE (a simulated server) or --live (the real one)")
		}
		if *rate >= 0 {
			opts.Rate = *rate
		}
		// An audit makes a short-lived result per simulated fetch and
		// keeps little: collecting garbage less often takes about 40 % off
		// its CPU time (BenchmarkAuditEndpoints with GOGC 100 and 400), and
		// the soft memory limit keeps the peak bounded. GOGC 1000 under a
		// 160 MiB limit: 10,000 endpoints of a correct config in 59–60 s
		// wall and 164 MB peak RSS, against 66–67 s and 107 MB with 400
		// and 128 MiB (docs/auditing.md).
		var (
			pmu  sync.Mutex
			last audit.Progress
		)
		opts.Progress = func(p audit.Progress) { pmu.Lock(); last = p; pmu.Unlock() }
		stop := startStatus(e, func() string {
			pmu.Lock()
			defer pmu.Unlock()
			s := fmt.Sprintf("corsim audit: %d/%d endpoint(s), %d request(s)", last.Done, last.Endpoints, last.Requests)
			if last.Failed > 0 {
				s += fmt.Sprintf(", %d without an answer", last.Failed)
			}
			return s
		})
		defer debug.SetGCPercent(debug.SetGCPercent(auditGCPercent))
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(auditMemoryLimit))
		rep, err := audit.Audit(ctx, t, opts)
		stop()
		var inc *audit.IncompleteError
		if err != nil && !errors.As(err, &inc) {
			return inputErr(e, c, err)
		}
		if configSrc != nil {
			markConfigLines(rep, *serverFile, configSrc)
		}
		if inc != nil {
			fmt.Fprintf(e.stderr, "corsim audit: %s\n", oneLine(inc.Error()))
		}
		switch *format {
		case "json":
			err = writeAuditJSON(e.stdout, rep)
		case "sarif":
			err = writeAuditSARIF(e.stdout, rep, *serverFile)
		default:
			// Origins, config lines and error texts may hold bytes a
			// terminal would act on.
			err = rep.WriteTable(report.NewEscaper(e.stdout, false))
		}
		if err != nil {
			return inputErr(e, c, err)
		}
		switch {
		case inc != nil && interrupted(ctx):
			return exitInterrupted
		case inc != nil:
			return exitIncomplete
		case rep.Fails(threshold):
			return exitFail
		}
		return exitOK
	}
	return c
}

// auditGCPercent and auditMemoryLimit tune the garbage collector during
// an audit (see where they are set).
const (
	auditGCPercent   = 1000
	auditMemoryLimit = 160 << 20
)

// defaultAuditRate is the polite request rate of audit --live, per second.
const defaultAuditRate = 20

// configCulprits says, for each finding class, which config lines cause
// it: a mistake name, or a directive with a value.
var configCulprits = map[audit.Class][]string{
	audit.ClassReflectOrigin:       {"mistake reflect-origin", "origins *"},
	audit.ClassTrustNull:           {"mistake trust-null", "origins null"},
	audit.ClassPrefixMatch:         {"mistake prefix-match"},
	audit.ClassSuffixMatch:         {"mistake suffix-match"},
	audit.ClassNotEscapeDot:        {"mistake unescaped-dot"},
	audit.ClassIncludeMatch:        {"mistake substring-match"},
	audit.ClassAnySubdomain:        {"mistake any-subdomain"},
	audit.ClassHTTPSTrustHTTP:      {"mistake https-trust-http"},
	audit.ClassMissingVary:         {"mistake no-vary"},
	audit.ClassACAMReflection:      {"mistake reflect-request-method"},
	audit.ClassACAHReflection:      {"mistake reflect-request-headers"},
	audit.ClassWildcardValue:       {"origins *"},
	audit.ClassWildcardCredentials: {"mistake wildcard-with-credentials"},
	audit.ClassPreflightRejected:   {"mistake preflight-401", "mistake preflight-404"},
}

// markConfigLines sets each finding's ConfigLine to the line of the
// declarative config that causes it ("api.conf:6: mistake reflect-origin"),
// when one does. An origins line naming the attacker's origin outright is
// the culprit of any origin-trust finding.
func markConfigLines(rep *audit.Report, name string, src []byte) {
	lines := strings.Split(string(src), "\n")
	find := func(f audit.Finding) string {
		for _, want := range configCulprits[f.Class] {
			wf := strings.Fields(want)
			for i, l := range lines {
				fl := strings.Fields(l)
				if len(fl) < 2 || fl[0] != wf[0] {
					continue
				}
				if slices.Contains(fl[1:], wf[1]) {
					return fmt.Sprintf("%s:%d: %s", name, i+1, strings.TrimSpace(l))
				}
			}
		}
		for i, l := range lines {
			fl := strings.Fields(l)
			if len(fl) > 1 && fl[0] == "origins" && slices.Contains(fl[1:], f.Origin) {
				return fmt.Sprintf("%s:%d: %s", name, i+1, strings.TrimSpace(l))
			}
		}
		return ""
	}
	for _, l := range [][]audit.Finding{rep.Findings, rep.Broken} {
		for i := range l {
			l[i].ConfigLine = find(l[i])
		}
	}
}

// auditSchema identifies audit's JSON document (docs/json-schema.md,
// "corsim audit --json"); like report.Schema it changes only when a field
// is removed or changes meaning.
const auditSchema = "corsim.audit/v1"

// auditDocument is audit's JSON document: the schema, then the fields of
// fuzz/audit's Report.
type auditDocument struct {
	Schema string `json:"schema"`
	*audit.Report
}

// writeAuditJSON writes rep as audit's JSON document, indented; the lists
// are [] rather than null when empty, as documented.
func writeAuditJSON(w io.Writer, rep *audit.Report) error {
	r := *rep
	for _, l := range []*[]audit.Finding{&r.Findings, &r.Broken, &r.Notes} {
		if *l == nil {
			*l = []audit.Finding{}
		}
	}
	if r.Failures == nil {
		r.Failures = []audit.Failure{}
	}
	return writeIndented(w, auditDocument{Schema: auditSchema, Report: &r})
}

// shellQuote quotes s for a shell command line when it needs it.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '=' || r == ',' || r == '+') {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
