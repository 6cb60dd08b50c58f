package audit

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim/server"
)

// zooEntry is one server of the vulnerable zoo (or of the correct
// configs) and what the auditor must say about it.
type zooEntry struct {
	name      string
	transport fetch.Transport
	origins   []string
	endpoints []string
	want      []Class // classes that must be among the findings
	broken    []Class // classes that must be among the broken configurations
	correct   bool    // no finding at all
}

// loadZoo reads testdata/audit: *.conf files are declarative server
// configs (sim/server.ParseConfig), *.txtar files canned responses
// (sim/server.ParseCanned). Comment lines "# audit-origins:",
// "# audit-endpoints:", "# audit-want:" and "# audit-broken:" say what to
// audit and what must be found; files under correct/ must give no finding.
func loadZoo(t testing.TB) []zooEntry {
	t.Helper()
	var out []zooEntry
	for _, dir := range []string{"vulnerable", "correct"} {
		files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "audit", dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			e := zooEntry{name: dir + "/" + filepath.Base(f), correct: dir == "correct"}
			for _, line := range strings.Split(string(src), "\n") {
				key, val, ok := strings.Cut(strings.TrimPrefix(line, "# "), ":")
				if !ok || !strings.HasPrefix(line, "# audit-") {
					continue
				}
				fields := strings.Fields(val)
				switch key {
				case "audit-origins":
					e.origins = fields
				case "audit-endpoints":
					e.endpoints = fields
				case "audit-want":
					for _, c := range fields {
						e.want = append(e.want, Class(c))
					}
				case "audit-broken":
					for _, c := range fields {
						e.broken = append(e.broken, Class(c))
					}
				}
			}
			switch filepath.Ext(f) {
			case ".conf":
				c, err := server.ParseConfig(f, src)
				if err != nil {
					t.Fatal(err)
				}
				e.transport = c.Server()
			case ".txtar":
				c, err := server.ParseCanned(f, src)
				if err != nil {
					t.Fatal(err)
				}
				e.transport = c
			default:
				continue
			}
			if len(e.origins) == 0 || len(e.endpoints) == 0 {
				t.Fatalf("%s: no audit-origins or audit-endpoints line", f)
			}
			out = append(out, e)
		}
	}
	return append(out, handlerZoo()...)
}

// handlerZoo holds the classes the declarative format has no mistake for,
// as the Go handlers that make them.
func handlerZoo() []zooEntry {
	own := []string{"https://www.target.example"}
	eps := []string{"https://api.target.example/data"}
	allow := func(ok func(origin string) bool) fetch.Transport {
		return server.FromHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if o := r.Header.Get("Origin"); o != "" && ok(o) {
				w.Header().Set("Access-Control-Allow-Origin", o)
				w.Header().Set("Access-Control-Allow-Credentials", "true")
				w.Header().Set("Vary", "Origin")
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"secret":1}`))
		}))
	}
	// A broken parser: takes the host up to the first byte that is not a
	// letter, digit, "." or "-" and compares that.
	hostRe := regexp.MustCompile(`^https://([a-z0-9.-]+)`)
	return []zooEntry{
		{name: "handler/special_characters_bypass", origins: own, endpoints: eps, want: []Class{ClassSpecialChars},
			transport: allow(func(o string) bool {
				m := hostRe.FindStringSubmatch(o)
				return m != nil && m[1] == "www.target.example"
			})},
		{name: "handler/rs-cors-197-h-star", origins: own, endpoints: eps, want: []Class{ClassReflectOrigin},
			// rs/cors#197: pattern "h*" = prefix "h", suffix "" with credentials.
			transport: allow(func(o string) bool { return strings.HasPrefix(o, "h") })},
		{name: "handler/regexp-unanchored", origins: own, endpoints: eps, want: []Class{ClassPrefixMatch, ClassSuffixMatch},
			// unanchored at both ends: whatever contains target.example
			transport: allow(regexp.MustCompile(`https://.*target\.example`).MatchString)},
		{name: "handler/correct-go", origins: own, endpoints: eps, correct: true,
			transport: allow(func(o string) bool { return o == "https://www.target.example" })},
	}
}

// TestZoo runs the auditor over every zoo server: each vulnerable one must
// be flagged with its class, each correct one must give no finding above
// info (public data, Access-Control-Allow-Origin: *, is an info finding).
func TestZoo(t *testing.T) {
	for _, e := range loadZoo(t) {
		t.Run(e.name, func(t *testing.T) {
			rep, err := Audit(context.Background(), Target{Transport: e.transport, Origins: e.origins, Endpoints: e.endpoints}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := rep.Classes()
			t.Logf("findings %v, broken %d, notes %d", got, len(rep.Broken), len(rep.Notes))
			if e.correct && rep.Max() > SeverityInfo {
				var b strings.Builder
				_ = rep.WriteTable(&b)
				t.Fatalf("a correct config gave findings:\n%s", b.String())
			}
			for _, c := range e.want {
				if !slices.Contains(got, c) {
					var b strings.Builder
					_ = rep.WriteTable(&b)
					t.Errorf("class %s not found; report:\n%s", c, b.String())
				}
			}
			for _, c := range e.broken {
				if !slices.ContainsFunc(rep.Broken, func(f Finding) bool { return f.Class == c }) {
					t.Errorf("broken class %s not reported; broken: %+v", c, rep.Broken)
				}
			}
			if len(e.broken) > 0 && len(e.want) == 0 && rep.Max() > SeverityInfo {
				t.Errorf("a broken (not exploitable) config gave findings: %v", got)
			}
		})
	}
}

// The shortcut that skips a profile sending what an earlier one sent,
// while no answer carried Access-Control-Allow-Origin, changes no report:
// every zoo server gives the same findings, broken configurations, notes
// and requests to the server with it and with every profile judging every
// probe (a skipped profile sends nothing new); only the count of simulated
// fetches may drop.
func TestShortcutChangesNoReport(t *testing.T) {
	for _, e := range loadZoo(t) {
		run := func(every bool) *Report {
			judgeEveryProfile = every
			defer func() { judgeEveryProfile = false }()
			rep, err := Audit(context.Background(), Target{Transport: e.transport, Origins: e.origins, Endpoints: e.endpoints}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		fast, full := run(false), run(true)
		if fast.Probes > full.Probes {
			t.Errorf("%s: %d probes with the shortcut, %d without", e.name, fast.Probes, full.Probes)
		}
		fast.Probes, full.Probes = 0, 0
		if d := cmp.Diff(full, fast); d != "" {
			t.Errorf("%s: the shortcut changes the report (-every profile +shortcut):\n%s", e.name, d)
		}
	}
}

// A server that answers with Access-Control-Allow-Origin only when the
// request carries Sec-Fetch-Mode (or only when it does not) is found in
// the profiles that get the answer, whichever profile runs first: the
// spec profile sends no Fetch metadata, the engines send it to an https
// URL.
func TestShortcutBranchOnRequestHeader(t *testing.T) {
	handler := func(present bool) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if o := r.Header.Get("Origin"); o != "" && (r.Header.Get("Sec-Fetch-Mode") != "") == present {
				w.Header().Set("Access-Control-Allow-Origin", o)
				w.Header().Set("Access-Control-Allow-Credentials", "true")
				w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			}
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			_, _ = w.Write([]byte(`{"secret":1}`))
		})
	}
	spec, chromium := browser.Spec, browser.Chromium
	for _, c := range []struct {
		name     string
		present  bool // ACAO only when Sec-Fetch-Mode is present (else: only when absent)
		profiles []fetch.Profile
		want     string // the profile that must read
	}{
		{"with Sec-Fetch-Mode, spec first", true, []fetch.Profile{spec, chromium}, "chromium"},
		{"without Sec-Fetch-Mode, chromium first", false, []fetch.Profile{chromium, spec}, "spec"},
		{"with Sec-Fetch-Mode, default profiles", true, nil, "chromium"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Audit(context.Background(), Target{Transport: server.FromHandler(handler(c.present)), Origins: own,
				Endpoints: []string{"https://api.target.example/data"}}, Options{Profiles: c.profiles})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Max() != SeverityCritical {
				t.Fatalf("max severity %s, want critical (a credentialed read)", rep.Max())
			}
			found := false
			for _, f := range rep.Findings {
				if f.Severity == SeverityCritical && slices.Contains(f.Browsers, c.want) {
					found = true
				}
				if f.Severity == SeverityCritical && slices.Contains(f.Browsers, map[bool]string{true: "spec", false: "chromium"}[c.present]) {
					t.Errorf("a read in a profile the server never allows: %+v", f)
				}
			}
			if !found {
				t.Errorf("no critical finding read in %s; findings: %+v", c.want, rep.Findings)
			}
		})
	}
}

// Endpoints audited at once give the same report as one at a time.
func TestConcurrencyChangesNoReport(t *testing.T) {
	c, err := server.ParseConfig("c.conf", []byte("origins https://www.target.example\ncredentials true\nmistake trust-null suffix-match no-vary\n"))
	if err != nil {
		t.Fatal(err)
	}
	var eps []string
	for _, p := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		eps = append(eps, "https://api.target.example/"+p)
	}
	eps = append(eps, "https://other.target.example/x")
	run := func(n int) *Report {
		rep, err := Audit(context.Background(), Target{Transport: c.Server(), Origins: own, Endpoints: eps}, Options{Concurrency: n, Mutations: 8})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if d := cmp.Diff(run(1), run(4)); d != "" {
		t.Errorf("concurrency 4 differs from 1 (-1 +4):\n%s", d)
	}
}
