package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
// another package, by engine, then by "scenario path:line" (as in the
// summary). A listed step that still disagrees is reported as known
// instead of failing; a listed step that agrees fails, so that the entry
// gets removed. Every entry is in docs/conformance.md's log.
var known = map[string]map[string]string{}

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

// summary is what an engine's suite prints at the end.
type summary struct {
	engine                   string
	scenarios, steps         int
	agreements               int
	skipped, known           []string
	disagreements            []string
	engineTime, corsimTime   time.Duration
	engineWall, corsimWall   time.Duration
	engineSteps, corsimSteps int
	launch                   time.Duration
	version                  string
	refusedSeen              map[Refuser]int // refusals already checked, per browser
}

// String is the suite's report: the disagreements, known disagreements
// and skips, the timings, and last the summary line (Line).
func (s *summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "conformance: %s %s\n", s.engine, s.version)
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
	if s.engineSteps > 0 && s.corsimSteps > 0 {
		c := s.engineTime / time.Duration(s.engineSteps)
		m := s.corsimTime / time.Duration(s.corsimSteps)
		ratio := float64(c) / float64(max(m, 1))
		fmt.Fprintf(&b, "  time per fetch step, the fetch alone: %s %v, corsim %v (mean of %d replays); %s/corsim = %.0f×\n", s.engine, c, m, corsimReps, s.engine, ratio)
		cw := s.engineWall / time.Duration(s.engineSteps)
		mw := s.corsimWall / time.Duration(s.corsimSteps)
		fmt.Fprintf(&b, "  time per fetch step, whole replays without waits: %s %v, corsim %v; %s/corsim = %.0f×\n", s.engine, cw, mw, s.engine, float64(cw)/float64(max(mw, 1)))
	}
	fmt.Fprintf(&b, "  browser launch: %v\n", s.launch)
	b.WriteString(s.Line())
	b.WriteString("\n")
	return b.String()
}

// Line is the one line that ends every engine's suite, in a shape scripts
// can read:
//
//	conformance: firefox 153.8.0esr: 159 steps compared, 159 agree, 0 disagree, 4 skipped; corsim 4.1 µs/step, firefox 11.2 ms/step (2700x)
//
// "disagree" counts known disagreements too; "skipped" counts scenarios.
// The times are the fetch alone, per step, corsim timed in a phase of its
// own.
func (s *summary) Line() string {
	var c, m time.Duration
	if s.engineSteps > 0 {
		c = s.engineTime / time.Duration(s.engineSteps)
	}
	if s.corsimSteps > 0 {
		m = s.corsimTime / time.Duration(s.corsimSteps)
	}
	ratio := float64(c) / float64(max(m, 1))
	return fmt.Sprintf("conformance: %s %s: %d steps compared, %d agree, %d disagree, %d skipped; corsim %.1f µs/step, %s %.1f ms/step (%.0fx)",
		s.engine, s.version, s.steps, s.agreements, len(s.disagreements)+len(s.known), len(s.skipped),
		float64(m)/float64(time.Microsecond), s.engine, float64(c)/float64(time.Millisecond), ratio)
}

// TestConformance replays every scenario in corsim and in each registered
// engine (subtests "chromium", "firefox", …), under each profile the
// engine judges, and fails on any difference in a fetch step.
func TestConformance(t *testing.T) {
	dirs := corpusDirs
	if *corpusFlag != "" {
		dirs = strings.Split(*corpusFlag, ",")
	}
	corpus := loadCorpus(t, dirs)
	if len(corpus) == 0 {
		t.Skip("no scenarios in " + strings.Join(corpusDirs, ", "))
	}
	for _, e := range Engines() {
		t.Run(e.Name(), func(t *testing.T) { runCorpus(t, e, corpus) })
	}
}

// group is the scenarios of one profile that share a browser: all on the
// same clock.
type group struct {
	profile string
	clock   LaunchOptions
	origins []string
}

// runCorpus launches one browser per profile (and clock rate) the corpus
// needs on engine e and replays each scenario in a fresh session.
func runCorpus(t *testing.T, e Engine, corpus []loaded) {
	if err := e.Find(); err != nil {
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("%v (%s is set)", err, requireEnv)
		}
		t.Skipf("%v (or set %s=1 to fail instead)", err, requireEnv)
	}
	sum := &summary{engine: e.Name()}
	// Group by profile and clock rate; every origin any scenario of a
	// group uses is in its browser's pool.
	var groups []*group
	groupOf := map[string]*group{}
	var profiles []string
	for _, l := range corpus {
		if why := l.sc.SkipReason(e.Name()); why != "" {
			sum.skipped = append(sum.skipped, l.path+": "+why)
			continue
		}
		for _, p := range e.Profiles(l.sc) {
			if !slices.Contains(profiles, p) {
				profiles = append(profiles, p)
			}
			clock := clockFor(e, l.sc, p)
			key := fmt.Sprintf("%s@%v", p, clock)
			g := groupOf[key]
			if g == nil {
				g = &group{profile: p, clock: clock}
				groupOf[key] = g
				groups = append(groups, g)
			}
			for _, o := range Origins(l.sc, p) {
				if !slices.Contains(g.origins, o) {
					g.origins = append(g.origins, o)
				}
			}
		}
	}
	timeCorsim(t, e, corpus, profiles, sum)
	for _, g := range groups {
		if len(g.origins) == 0 {
			continue
		}
		ctx := context.Background()
		opts := g.clock
		opts.AddressSpaces = map[string]string{}
		for _, l := range corpus {
			if Declares(l.sc, g.profile) {
				continue
			}
			for o, sp := range AddressSpaces(l.sc, g.profile) {
				opts.AddressSpaces[o] = sp
			}
		}
		start := time.Now()
		b, err := e.Launch(ctx, g.profile, g.origins, opts)
		if err != nil {
			t.Fatalf("launching %s for %s: %v", e.Name(), g.profile, err)
		}
		sum.launch += time.Since(start)
		sum.version = b.Version()
		for _, l := range corpus {
			p := g.profile
			if l.sc.SkipReason(e.Name()) != "" || !slices.Contains(e.Profiles(l.sc), p) || !sameClock(clockFor(e, l.sc, p), g.clock) {
				continue
			}
			name := scenarioName(l.path, p, e.Name())
			if needsOwnBrowser(l.sc, p, g.origins) || Declares(l.sc, p) {
				// A fetch to an origin this scenario does not serve must
				// fail to resolve, as in corsim's network; in the shared
				// pool it would reach a listener, so the scenario gets a
				// browser of its own. So does a scenario that declares
				// where a server is (its address-space overrides).
				t.Run(name, func(t *testing.T) {
					own := opts
					own.AddressSpaces = AddressSpaces(l.sc, p)
					ob, err := e.Launch(ctx, p, Origins(l.sc, p), own)
					if err != nil {
						t.Fatalf("launching %s: %v", e.Name(), err)
					}
					defer ob.Close()
					replay(t, ob, l.sc, p, name, e.Name(), sum)
				})
				continue
			}
			t.Run(name, func(t *testing.T) { replay(t, b, l.sc, p, name, e.Name(), sum) })
		}
		if err := b.Close(); err != nil {
			t.Logf("closing the browser: %v", err)
		}
	}
	t.Log("\n" + sum.String())
	if testing.Verbose() {
		fmt.Print(sum.String())
	}
	writeSummaryLine(t, sum.Line())
}

// summaryEnv names a file to which each engine's summary line is
// appended, so that a run without -v (CI's) can still print the lines:
// go test shows a passing package's output only with -v.
const summaryEnv = "CORSIM_CONFORMANCE_SUMMARY"

func writeSummaryLine(t *testing.T, line string) {
	path := os.Getenv(summaryEnv)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = fmt.Fprintln(f, line)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Errorf("%s: %v", summaryEnv, err)
	}
}

// clockFor is the clock sc is replayed on under profile on e: real time
// when its advances fit in MaxWait; else a fake clock if e has one; else
// the smallest power of ten of a scaled clock that makes them fit, if e's
// clock goes that fast; else real time (and replay reports the scenario
// as one that cannot be replayed).
// sameClock reports whether a and b ask for the same clock (LaunchOptions
// holds a map, so it is not comparable as a whole).
func sameClock(a, b LaunchOptions) bool {
	return a.FakeClock == b.FakeClock && a.ClockRate == b.ClockRate
}

func clockFor(e Engine, sc *scenario.Scenario, profile string) LaunchOptions {
	wait := Advance(sc, profile)
	if wait <= MaxWait {
		return LaunchOptions{}
	}
	if f, ok := e.(FakeClocker); ok && f.CanFakeClock() {
		return LaunchOptions{FakeClock: true}
	}
	if c, ok := e.(ClockScaler); ok {
		for rate := 10.0; rate <= c.MaxClockRate(); rate *= 10 {
			if time.Duration(float64(wait)/rate) <= MaxWait {
				return LaunchOptions{ClockRate: rate}
			}
		}
	}
	return LaunchOptions{}
}

// scenarioName is how the suite names a scenario file replayed under
// profile: its path under testdata, with "@profile" for a feature profile.
func scenarioName(path, profile, engine string) string {
	name := strings.TrimPrefix(filepath.ToSlash(path), "../testdata/")
	if profile != engine {
		name += "@" + profile
	}
	return name
}

// timeCorsim times corsim's side: every scenario the browser will replay
// is replayed corsimReps times in corsim with RunCorsim (a fresh browser,
// servers and pages each time; only the fetch steps are timed), in a
// phase of its own before the engine's browser is launched. On a 2-core
// machine a live browser, even between steps, slows corsim's code down
// 1.5-2x (docs/conformance.md), and the engine's steps are likewise timed
// while corsim is idle. The replays run back to back; then each must
// equal the scenario runner's steps.
func timeCorsim(t *testing.T, e Engine, corpus []loaded, profiles []string, sum *summary) {
	ctx := context.Background()
	replays := make([]*Run, corsimReps)
	for _, p := range profiles {
		for _, l := range corpus {
			if l.sc.SkipReason(e.Name()) != "" || !slices.Contains(e.Profiles(l.sc), p) || Check(l.sc, p, clockFor(e, l.sc, p)) != nil {
				continue // replay reports a scenario that cannot be replayed
			}
			name := scenarioName(l.path, p, e.Name())
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
func replay(t *testing.T, b Browser, sc *scenario.Scenario, profile, name, engine string, sum *summary) {
	e, _ := EngineOf(engine)
	if err := Check(sc, profile, clockFor(e, sc, profile)); err != nil {
		t.Fatalf("%v; mark the scenario with: conformance skip %s 'reason'", err, engine)
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
	hideConsole(e, simRun.Steps)
	needs := make([]bool, len(simRun.Outcomes))
	for i, o := range simRun.Outcomes {
		needs[i] = NeedsPreflight(o)
	}
	// Refusals since the previous scenario on b ended count too: the
	// browser's background activity between scenarios is checked with
	// this one.
	refuser, _ := b.(Refuser)
	refusedBefore := sum.refusedSeen[refuser]
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatalf("%s: new session: %v", engine, err)
	}
	real, err := RunEngine(ctx, s, sc, profile, testHandlers, needs)
	if cerr := s.Close(); cerr != nil && err == nil {
		t.Logf("%s: closing the session: %v", engine, cerr)
	}
	if refuser != nil {
		all := refuser.Refused()
		checkRefused(t, engine, sc, profile, all[refusedBefore:])
		if sum.refusedSeen == nil {
			sum.refusedSeen = map[Refuser]int{}
		}
		sum.refusedSeen[refuser] = len(all)
	}
	if err != nil {
		t.Fatalf("%s: %v", engine, err)
	}
	sum.scenarios++
	sum.engineTime += real.FetchTime
	sum.engineWall += real.Wall
	sum.engineSteps += len(real.Steps)
	if len(real.Steps) != len(simRun.Steps) {
		t.Fatalf("%s ran %d fetch steps, corsim %d", engine, len(real.Steps), len(simRun.Steps))
	}
	for i := range simRun.Steps {
		sum.steps++
		key := fmt.Sprintf("%s:%d", strings.TrimSuffix(name, "@"+profile), simRun.Steps[i].Line)
		d := cmp.Diff(real.Steps[i], simRun.Steps[i])
		if why, ok := known[engine][key]; ok && profile == engine {
			if d == "" {
				t.Errorf("line %d: listed as a known disagreement but both sides agree now: remove %q from known", simRun.Steps[i].Line, key)
				continue
			}
			t.Logf("line %d: known disagreement (%s):\n%s", simRun.Steps[i].Line, why, d)
			sum.known = append(sum.known, key+": "+why)
			continue
		}
		if d != "" {
			t.Errorf("line %d: %s: %s (-) and corsim's %s profile (+) disagree:\n%s", simRun.Steps[i].Line, simRun.Steps[i].Command, engine, profile, d)
			if *dumpFlag {
				cj, _ := json.MarshalIndent(real.Steps[i], "", "  ")
				sj, _ := json.MarshalIndent(simRun.Steps[i], "", "  ")
				t.Logf("%s:\n%s\ncorsim:\n%s", engine, cj, sj)
			}
			sum.disagreements = append(sum.disagreements, fmt.Sprintf("%s:%d: %s: %s", name, simRun.Steps[i].Line, simRun.Steps[i].Command, diffFields(real.Steps[i], simRun.Steps[i])))
			continue
		}
		sum.agreements++
	}
}

// checkRefused fails t for each authority the lab's proxy refused during
// the scenario that is not the host[:port] of one of its fetch URLs (which
// it may fetch to see a name fail to resolve): the browser tried to reach
// the outside world.
func checkRefused(t *testing.T, engine string, sc *scenario.Scenario, profile string, refused []string) {
	var own []string
	for _, cmd := range sc.Commands {
		if cmd.Fetch == nil || !cmd.Applies(profile) {
			continue
		}
		if u, err := url.Parse(cmd.Fetch.Init.URL); err == nil && u.Host != "" {
			own = append(own, strings.ToLower(u.Host), strings.ToLower(u.Hostname())+":"+portOf(u))
		}
	}
	for _, a := range refused {
		if !slices.Contains(own, strings.ToLower(a)) {
			t.Errorf("%s tried to reach %s, which is neither the lab's nor the scenario's", engine, a)
		}
	}
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
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
	add("codes", !cmp.Equal(a.Codes, b.Codes))
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
