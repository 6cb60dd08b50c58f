package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/conformance/chromium"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
)

// corpusDirs are the scenario directories the suite replays.
var corpusDirs = []string{"../testdata/scenarios", "../testdata/labs"}

var (
	runFilter  = flag.String("scenario", "", "replay only scenarios whose path contains this string")
	corpusFlag = flag.String("corpus", "", "comma-separated scenario directories to replay instead of the corpus")
	dumpFlag   = flag.Bool("dump", false, "log both sides' steps in full (JSON) on a disagreement")
)

// requireEnv makes a missing browser fail the suite instead of skipping it.
const requireEnv = "CORSIM_REQUIRE_BROWSER"

// corsimReps is how many times each scenario is replayed in corsim to
// time its fetches (and to check that replays agree with each other).
const corsimReps = 50

// testHandlers are the Go handlers scenarios name with "server ORIGIN
// handler NAME": the scenario runner's builtins, fresh for every run.
var testHandlers = func() Handlers {
	hs := Handlers{}
	for name := range sim.Builtins() {
		hs[name] = func() http.Handler { return sim.Builtins()[name] }
	}
	return hs
}()

// known lists the disagreements that are understood but whose fix lies in
// another package, by "scenario path:line" (as in the summary). A listed
// step that still disagrees is reported as known instead of failing; a
// listed step that agrees fails, so that the entry gets removed. Every
// entry is in docs/conformance.md's log.
var known = map[string]string{}

type loaded struct {
	path string
	sc   *scenario.Scenario
}

// loadCorpus parses every scenario file under corpusDirs.
func loadCorpus(t testing.TB, dirs []string) []loaded {
	t.Helper()
	var out []loaded
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() || filepath.Ext(path) != ".txtar" {
				return nil
			}
			if *runFilter != "" && !strings.Contains(path, *runFilter) {
				return nil
			}
			sc, err := scenario.ParseFile(path)
			if err != nil {
				t.Errorf("%v", err)
				return nil
			}
			out = append(out, loaded{path: path, sc: sc})
			return nil
		})
		if err != nil {
			t.Fatalf("reading %s: %v", dir, err)
		}
	}
	return out
}

// profilesOf lists the Chromium profiles sc is replayed under: plain
// chromium always, and each chromium+Feature its browsers command names.
func profilesOf(sc *scenario.Scenario) []string {
	out := []string{"chromium"}
	for _, p := range sc.Browsers {
		if scenario.Family(p) == "chromium" && p != "chromium" {
			out = append(out, p)
		}
	}
	return out
}

// summary is what the suite prints at the end.
type summary struct {
	scenarios, steps, agreements int
	skipped, known               []string
	disagreements                []string
	chromeTime, corsimTime       time.Duration
	chromeWall, corsimWall       time.Duration
	chromeSteps, corsimSteps     int
	launch                       time.Duration
	version                      string
}

func (s *summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "conformance: %s\n", s.version)
	fmt.Fprintf(&b, "  scenarios compared: %d (skipped: %d)\n", s.scenarios, len(s.skipped))
	fmt.Fprintf(&b, "  fetch steps compared: %d, agreements: %d, known disagreements: %d, disagreements: %d\n", s.steps, s.agreements, len(s.known), len(s.disagreements))
	for _, d := range s.disagreements {
		fmt.Fprintf(&b, "    DISAGREE %s\n", d)
	}
	for _, k := range s.known {
		fmt.Fprintf(&b, "    known %s\n", k)
	}
	for _, k := range s.skipped {
		fmt.Fprintf(&b, "    skip %s\n", k)
	}
	if s.chromeSteps > 0 && s.corsimSteps > 0 {
		c := s.chromeTime / time.Duration(s.chromeSteps)
		m := s.corsimTime / time.Duration(s.corsimSteps)
		ratio := float64(c) / float64(max(m, 1))
		fmt.Fprintf(&b, "  time per fetch step, the fetch alone: chromium %v, corsim %v (mean of %d replays); chromium/corsim = %.0f×\n", c, m, corsimReps, ratio)
		cw := s.chromeWall / time.Duration(s.chromeSteps)
		mw := s.corsimWall / time.Duration(s.corsimSteps)
		fmt.Fprintf(&b, "  time per fetch step, whole replays without waits: chromium %v, corsim %v; chromium/corsim = %.0f×\n", cw, mw, float64(cw)/float64(max(mw, 1)))
	}
	fmt.Fprintf(&b, "  browser launch: %v\n", s.launch)
	return b.String()
}

// TestConformance replays every scenario in corsim's Chromium profile and
// in a real headless Chromium and fails on any difference in a fetch step.
func TestConformance(t *testing.T) {
	dirs := corpusDirs
	if *corpusFlag != "" {
		dirs = strings.Split(*corpusFlag, ",")
	}
	corpus := loadCorpus(t, dirs)
	if len(corpus) == 0 {
		t.Skip("no scenarios in " + strings.Join(corpusDirs, ", "))
	}
	runCorpus(t, corpus)
}

// runCorpus launches one browser per Chromium feature set the corpus
// needs and replays each scenario in a fresh browser context.
func runCorpus(t *testing.T, corpus []loaded) {
	if _, err := chromium.FindBinary(chromium.Options{}); err != nil {
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("%v (%s is set)", err, requireEnv)
		}
		t.Skipf("%v; install it with: apt-get install -y chromium (or set %s=1 to fail instead)", err, requireEnv)
	}
	// Group by profile; every origin any scenario of a group uses is in
	// its browser's pool.
	origins := map[string][]string{}
	var profiles []string
	for _, l := range corpus {
		if l.sc.Skip != "" {
			continue
		}
		for _, p := range profilesOf(l.sc) {
			if _, ok := origins[p]; !ok {
				profiles = append(profiles, p)
			}
			for _, o := range Origins(l.sc, p) {
				if !slices.Contains(origins[p], o) {
					origins[p] = append(origins[p], o)
				}
			}
		}
	}
	sum := &summary{}
	for _, l := range corpus {
		if l.sc.Skip != "" {
			sum.skipped = append(sum.skipped, l.path+": "+l.sc.Skip)
		}
	}
	timeCorsim(t, corpus, profiles, sum)
	for _, p := range profiles {
		if len(origins[p]) == 0 {
			continue
		}
		_, _, err := Profile(p)
		if err != nil {
			t.Errorf("profile %s: %v", p, err)
			continue
		}
		ctx := context.Background()
		start := time.Now()
		b, err := chromium.Launch(ctx, LaunchOptions(p, origins[p]))
		if err != nil {
			t.Fatalf("launching Chromium for %s: %v", p, err)
		}
		sum.launch += time.Since(start)
		sum.version = b.Version()
		for _, l := range corpus {
			if l.sc.Skip != "" || !slices.Contains(profilesOf(l.sc), p) {
				continue
			}
			name := scenarioName(l.path, p)
			if own := needsOwnBrowser(l.sc, p, origins[p]); own {
				// A fetch to an origin this scenario does not serve must
				// fail to resolve, as in corsim's network; in the shared
				// pool it would reach a listener, so the scenario gets a
				// browser of its own.
				t.Run(name, func(t *testing.T) {
					ob, err := chromium.Launch(ctx, LaunchOptions(p, Origins(l.sc, p)))
					if err != nil {
						t.Fatalf("launching Chromium: %v", err)
					}
					defer ob.Close()
					replay(t, ob, l.sc, p, name, sum)
				})
				continue
			}
			t.Run(name, func(t *testing.T) { replay(t, b, l.sc, p, name, sum) })
		}
		if err := b.Close(); err != nil {
			t.Logf("closing the browser: %v", err)
		}
	}
	t.Log("\n" + sum.String())
	if testing.Verbose() {
		fmt.Println(sum.String())
	}
}

// scenarioName is how the suite names a scenario file replayed under
// profile: its path under testdata, with "@profile" for a feature profile.
func scenarioName(path, profile string) string {
	name := strings.TrimPrefix(filepath.ToSlash(path), "../testdata/")
	if profile != "chromium" {
		name += "@" + profile
	}
	return name
}

// timeCorsim times corsim's side: every scenario the browser will replay
// is replayed corsimReps times in corsim with RunCorsim (a fresh browser,
// servers and pages each time; only the fetch steps are timed), in a
// phase of its own before any Chromium is launched. On a 2-core machine a
// live Chromium, even between steps, slows corsim's code down 1.5-2x
// (docs/conformance.md), and Chromium's steps are likewise timed while
// corsim is idle. The replays run back to back; then each must equal the
// scenario runner's steps.
func timeCorsim(t *testing.T, corpus []loaded, profiles []string, sum *summary) {
	ctx := context.Background()
	replays := make([]*Run, corsimReps)
	for _, p := range profiles {
		for _, l := range corpus {
			if l.sc.Skip != "" || !slices.Contains(profilesOf(l.sc), p) || Check(l.sc, p) != nil {
				continue // replay reports a scenario that cannot be replayed
			}
			name := scenarioName(l.path, p)
			simRun, _, err := RunSim(ctx, l.sc, p, testHandlers)
			if err != nil {
				t.Errorf("%s: corsim: %v", name, err)
				continue
			}
			for i := range replays {
				if replays[i], err = RunCorsim(ctx, l.sc, p, testHandlers); err != nil {
					t.Errorf("%s: corsim replay %d: %v", name, i, err)
					break
				}
			}
			if err != nil {
				continue
			}
			for i, again := range replays {
				if d := cmp.Diff(simRun.Steps, again.Steps); d != "" {
					t.Errorf("%s: corsim replay %d differs from the scenario runner's (-runner +replay):\n%s", name, i, d)
					break
				}
				sum.corsimTime += again.FetchTime
				sum.corsimWall += again.Wall
				sum.corsimSteps += len(again.Steps)
			}
		}
	}
}

// replay runs one scenario on both sides and compares them step by step.
func replay(t *testing.T, b *chromium.Browser, sc *scenario.Scenario, profile, name string, sum *summary) {
	if err := Check(sc, profile); err != nil {
		t.Fatalf("%v; mark the scenario with: conformance skip 'reason'", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	simRun, simRes, err := RunSim(ctx, sc, profile, testHandlers)
	if err != nil {
		t.Fatalf("corsim: %v", err)
	}
	for _, f := range simRes.Failures() {
		t.Logf("note: the scenario's own expectation fails in corsim: %v", f)
	}
	needs := make([]bool, len(simRun.Outcomes))
	for i, o := range simRun.Outcomes {
		needs[i] = NeedsPreflight(o)
	}
	chrome, err := RunChromium(ctx, b, sc, profile, testHandlers, needs)
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	sum.scenarios++
	sum.chromeTime += chrome.FetchTime
	sum.chromeWall += chrome.Wall
	sum.chromeSteps += len(chrome.Steps)
	if len(chrome.Steps) != len(simRun.Steps) {
		t.Fatalf("chromium ran %d fetch steps, corsim %d", len(chrome.Steps), len(simRun.Steps))
	}
	for i := range simRun.Steps {
		sum.steps++
		key := fmt.Sprintf("%s:%d", strings.TrimSuffix(name, "@"+profile), simRun.Steps[i].Line)
		d := cmp.Diff(chrome.Steps[i], simRun.Steps[i])
		if why, ok := known[key]; ok && profile == "chromium" {
			if d == "" {
				t.Errorf("line %d: listed as a known disagreement but both sides agree now: remove %q from known", simRun.Steps[i].Line, key)
				continue
			}
			t.Logf("line %d: known disagreement (%s):\n%s", simRun.Steps[i].Line, why, d)
			sum.known = append(sum.known, key+": "+why)
			continue
		}
		if d != "" {
			t.Errorf("line %d: %s: Chromium (-) and corsim's %s profile (+) disagree:\n%s", simRun.Steps[i].Line, simRun.Steps[i].Command, profile, d)
			if *dumpFlag {
				cj, _ := json.MarshalIndent(chrome.Steps[i], "", "  ")
				sj, _ := json.MarshalIndent(simRun.Steps[i], "", "  ")
				t.Logf("chromium:\n%s\ncorsim:\n%s", cj, sj)
			}
			sum.disagreements = append(sum.disagreements, fmt.Sprintf("%s:%d: %s: %s", name, simRun.Steps[i].Line, simRun.Steps[i].Command, diffFields(chrome.Steps[i], simRun.Steps[i])))
			continue
		}
		sum.agreements++
	}
}

// diffFields names the Step fields in which a and b differ.
func diffFields(a, b Step) string {
	var f []string
	add := func(name string, differ bool) {
		if differ {
			f = append(f, name)
		}
	}
	add("resolved", a.Resolved != b.Resolved)
	add("error", a.Error != b.Error)
	add("type", a.Type != b.Type)
	add("status", a.Status != b.Status)
	add("url", a.URL != b.URL)
	add("headers", !cmp.Equal(a.Headers, b.Headers))
	add("body", a.Body != b.Body)
	add("preflight", a.Preflight != b.Preflight)
	add("requests", !cmp.Equal(a.Requests, b.Requests))
	add("console", !cmp.Equal(a.Console, b.Console))
	add("corsError", !cmp.Equal(a.CorsErrors, b.CorsErrors))
	return strings.Join(f, ", ")
}

// needsOwnBrowser reports whether sc fetches an origin it does not serve
// but that is in the shared pool.
func needsOwnBrowser(sc *scenario.Scenario, profile string, pool []string) bool {
	served := map[string]bool{}
	for _, o := range Origins(sc, profile) {
		served[o] = true
	}
	for _, cmd := range sc.Commands {
		if cmd.Server != nil && cmd.Applies(profile) {
			served[cmd.Server.Origin.String()] = true
		}
	}
	for _, o := range FetchOrigins(sc, profile) {
		if !served[o] && slices.Contains(pool, o) {
			return true
		}
	}
	return false
}
