package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/fuzz/audit"
	"github.com/corsim/corsim/sim/server"
)

func auditCommand() *command {
	c := &command{name: "audit", summary: "attack a server's CORS policy with scanner origins, judged per browser"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim audit [flags] --origin ORIGIN URL...

Audit tries the origins CORS misconfiguration scanners try — reflection,
null, prefix and suffix matches, unescaped dots, any subdomain, http from
https, odd characters, and mutations of the site's own origins — against
each URL, as a browser would send them (simple and preflighted, with and
without credentials), and judges every attempt with each browser profile.

It reports every origin a browser would let read a response, with its class
(reflect_origin, trust_null, prefix_match, suffix_match, https_trust_http,
…), its severity (critical: read with the victim's credentials; high: read
without; low: missing Vary: Origin, reflected Access-Control-Allow-Methods
or -Headers), the browsers that send that origin at all, and the shortest
corsim fetch line that reproduces it. What browsers block (such as * with
credentials) is listed as a broken configuration, not as exploitable.

Flags:
  --origin ORIGIN   the site's own origin (repeatable, required); a pattern
                    such as https://*.app.example covers its subdomains
  --server FILE     audit a simulated server (declarative config or canned responses)
  --live            audit the real server at URL (GET and OPTIONS only)
  --browser LIST    chromium, firefox, webkit, spec, comma-separated, or all (default all)
  --attacker D      the attacker's domain (default evil.example)
  --mutations N     mutated origins to add to the catalogue (default 48; -1 none)
  --seed N          seed of the mutation generator (same seed, same report)
  --try ORIGIN      one more attacker origin to try (repeatable)
  --fail-on SEV     exit 1 on a finding at or above SEV: critical, high,
                    low, info, or none (never) (default high)
  --json            print the report as JSON (schema corsim.audit/v1, docs/json-schema.md)
  --format F        text (default), json (as --json) or sarif (SARIF 2.1.0 for
                    GitHub code scanning: one result per class and endpoint,
                    at the --server file's line that causes it)

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 for
bad usage or input.

Examples:

	corsim audit --origin https://www.target.example --server testdata/audit/vulnerable/acah_reflection.conf https://api.target.example/data
	corsim audit --origin https://app.example --server cmd/corsim/testdata/api.conf https://api.example/items --fail-on low
	corsim audit --origin http://localhost:3000 --live http://127.0.0.1:8080/items
`)
	}
	c.run = func(ctx context.Context, e *env, args []string) int {
		fs := newFlagSet(c)
		var origins, extra listFlag
		fs.Var(&origins, "origin", "")
		fs.Var(&extra, "try", "")
		serverFile := fs.String("server", "", "")
		live := fs.Bool("live", false, "")
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
		t := audit.Target{Origins: origins, Endpoints: pos}
		switch {
		case *live && *serverFile != "":
			return usageErr(e, c, "--server and --live exclude each other")
		case *live:
			t.Transport = &server.Live{Client: server.NewLiveClient(30 * time.Second)}
			t.Server = "--live"
		case *serverFile != "":
			tr, _, err := loadServer(*serverFile)
			if err != nil {
				return inputErr(e, c, err)
			}
			t.Transport = tr
			t.Server = "--server " + shellQuote(*serverFile)
		default:
			return usageErr(e, c, "no server: give --server FILE (a simulated server) or --live (the real one)")
		}
		rep, err := audit.Audit(ctx, t, audit.Options{
			Profiles:       profiles,
			AttackerDomain: *attacker,
			Mutations:      *mutations,
			Seed:           sd,
			Extra:          extra,
		})
		if err != nil {
			return inputErr(e, c, err)
		}
		switch *format {
		case "json":
			err = writeAuditJSON(e.stdout, rep)
		case "sarif":
			err = writeAuditSARIF(e.stdout, rep, *serverFile)
		default:
			err = rep.WriteTable(e.stdout)
		}
		if err != nil {
			return inputErr(e, c, err)
		}
		if rep.Fails(threshold) {
			return exitFail
		}
		return exitOK
	}
	return c
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(auditDocument{Schema: auditSchema, Report: &r})
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
