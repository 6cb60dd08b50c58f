package sim

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/scenario"
	"github.com/corsim/corsim/sim/server"
)

// Options configure a run.
type Options struct {
	// Handlers are the Go handlers "server ORIGIN handler NAME" refers to.
	Handlers map[string]http.Handler
	// Transports are servers given directly as transports (a live
	// endpoint, a recorder); a name found here wins over Handlers. When
	// there are any, explanations never send a request again to confirm
	// a fix (it could reach a real server): they work from the answers
	// recorded and mark what they cannot confirm.
	Transports map[string]fetch.Transport
	// Profiles, when not empty, replaces the scenario's browsers command.
	Profiles []string
	// HandlerTimeout bounds each call of a Go handler (default 5 s of
	// real time; the handler's context is cancelled after it).
	HandlerTimeout time.Duration
	// Seed seeds the preflight cache's random eviction (default 1).
	Seed int64
	// Observer, when not nil, is told each step as it completes, from the
	// goroutine running the scenario, so that a report can be written
	// while the run goes on.
	Observer Observer
	// ObserverFor, when not nil and Observer is nil, gives each scenario
	// its own Observer (several scenarios run in parallel); it is called
	// once per scenario, from the goroutine that runs it.
	ObserverFor func(sc *scenario.Scenario) Observer
	// DropSteps stops the runner from keeping the steps in
	// ProfileRun.Steps (Failures are kept): with an Observer, or when only
	// the verdicts matter, memory then stays flat in the number of
	// commands instead of growing with every fetch.
	DropSteps bool
}

// Observer receives a run as it happens (Options.Observer).
type Observer interface {
	// Step is called after each step of run, in order.
	Step(run *ProfileRun, st *Step)
	// ProfileDone is called when run, one profile's run, is over.
	ProfileDone(run *ProfileRun)
}

// Result is what running one scenario produced.
type Result struct {
	// Name is the scenario's name (its file).
	Name string
	// Scenario is the parsed scenario; nil when it did not parse.
	Scenario *scenario.Scenario
	// Err is why the scenario could not run at all: a parse error, or an
	// internal error recovered from (the runner never panics).
	Err error
	// Runs has one entry per profile, in the order of the browsers command.
	Runs []*ProfileRun
	// Elapsed is the real time the run took.
	Elapsed time.Duration
	// Interrupted reports that the context was done (Ctrl-C) before the
	// run finished: Runs holds what ran, and a fetch in flight may have
	// failed for that reason alone, so nothing here is a verdict.
	Interrupted bool
}

// OK reports whether the scenario ran to the end and every expectation
// held.
func (r *Result) OK() bool {
	if r.Err != nil || r.Interrupted {
		return false
	}
	for _, run := range r.Runs {
		if !run.OK() {
			return false
		}
	}
	return true
}

// Failures returns every failure of every run, in order.
func (r *Result) Failures() []*Failure {
	var out []*Failure
	for _, run := range r.Runs {
		out = append(out, run.Failures...)
	}
	return out
}

// ProfileRun is one scenario run under one profile.
type ProfileRun struct {
	// Profile is the profile's name.
	Profile string
	// Steps has one entry per command that applied under the profile.
	Steps []*Step
	// Failures lists the expectations that did not hold, and fetches whose
	// "!"-or-not demand was not met, in order.
	Failures []*Failure
}

// OK reports whether the run had no failure.
func (r *ProfileRun) OK() bool { return len(r.Failures) == 0 }

// Step is one command as it ran.
type Step struct {
	// Command is the scenario command.
	Command *scenario.Command
	// Clock is the virtual time after the step.
	Clock time.Time
	// Fetch is set for a fetch command.
	Fetch *FetchStep
	// Failure is set when the step failed (an expectation that did not
	// hold, a fetch that did not meet its demand, a server that could not
	// be attached).
	Failure *Failure
}

// Failure is a step that did not go as the scenario says.
type Failure struct {
	File    string
	Line    int
	Profile string
	Command string // the line as written
	Msg     string
}

// Error returns "file:line: command: msg (profile)".
func (f *Failure) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s (%s)", f.File, f.Line, f.Command, f.Msg, f.Profile)
}

// Run runs the scenario under each of its profiles (or opts.Profiles) and
// returns what happened. It never panics: an internal error is recovered
// and reported in Result.Err.
func Run(ctx context.Context, sc *scenario.Scenario, opts Options) (res *Result) {
	start := time.Now()
	res = &Result{Scenario: sc}
	if sc == nil {
		res.Err = fmt.Errorf("sim: nil scenario")
		return res
	}
	res.Name = sc.Name
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Errorf("%s: internal error (please report): %v\n%s", sc.Name, r, debug.Stack())
		}
		res.Elapsed = time.Since(start)
	}()
	if ctx == nil {
		ctx = context.Background()
	}
	profiles := sc.Browsers
	if len(opts.Profiles) > 0 {
		profiles = opts.Profiles
	}
	if opts.Observer == nil && opts.ObserverFor != nil {
		opts.Observer = opts.ObserverFor(sc)
	}
	res.Runs = make([]*ProfileRun, 0, len(profiles))
	for _, p := range profiles {
		if ctx.Err() != nil {
			res.Interrupted = true
			return res
		}
		run, err := runProfile(ctx, sc, p, &opts)
		if err != nil {
			res.Err = err
			return res
		}
		res.Runs = append(res.Runs, run)
	}
	res.Interrupted = ctx.Err() != nil
	return res
}

// RunSource parses src as a scenario named name and runs it; a parse error
// is reported in Result.Err.
func RunSource(ctx context.Context, name string, src []byte, opts Options) *Result {
	sc, err := scenario.Parse(name, src)
	if err != nil {
		return &Result{Name: name, Err: err}
	}
	return Run(ctx, sc, opts)
}

// runner is the state of one profile's run.
type runner struct {
	ctx  context.Context
	sc   *scenario.Scenario
	opts *Options
	run  *ProfileRun
	eng  *engine
	last *FetchStep
}

func runProfile(ctx context.Context, sc *scenario.Scenario, profile string, opts *Options) (*ProfileRun, error) {
	eng, err := newEngine(profile, opts.Seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", sc.Name, err)
	}
	r := &runner{ctx: ctx, sc: sc, opts: opts, eng: eng, run: &ProfileRun{Profile: profile}}
	if !opts.DropSteps {
		r.run.Steps = make([]*Step, 0, len(sc.Commands))
	}
	for _, cmd := range sc.Commands {
		if !cmd.Applies(profile) {
			continue
		}
		if ctx.Err() != nil {
			break // Run marks the result interrupted
		}
		st := &Step{Command: cmd}
		r.step(st)
		st.Clock = eng.now()
		if !opts.DropSteps {
			r.run.Steps = append(r.run.Steps, st)
		}
		if st.Failure != nil {
			r.run.Failures = append(r.run.Failures, st.Failure)
		}
		if opts.Observer != nil {
			opts.Observer.Step(r.run, st)
		}
	}
	if opts.Observer != nil {
		opts.Observer.ProfileDone(r.run)
	}
	return r.run, nil
}

func (r *runner) fail(st *Step, format string, args ...any) {
	st.Failure = &Failure{File: r.sc.Name, Line: st.Command.Line, Profile: r.run.Profile, Command: st.Command.Text, Msg: fmt.Sprintf(format, args...)}
}

func (r *runner) step(st *Step) {
	cmd := st.Command
	switch {
	case cmd.Page != nil:
		r.eng.open(cmd.Page)
	case cmd.Permission != "":
		r.eng.perm = cmd.Permission
	case cmd.Server != nil:
		t, msg := r.transport(cmd.Server)
		if msg != "" {
			r.fail(st, "%s", msg)
			return
		}
		if err := r.eng.serve(cmd.Server.Target(), t, cmd.Server.Space); err != nil {
			r.fail(st, "%v", err)
		}
	case cmd.Fetch != nil:
		if r.eng.page == nil {
			r.fail(st, "no page is open under this profile (is the page command conditional?)")
			return
		}
		fs := r.eng.fetch(r.ctx, cmd.Fetch.Init)
		for _, name := range cmd.Fetch.ReadHeaders {
			rd := fs.Browser.ReadHeader(name)
			fs.Reads = append(fs.Reads, HeaderRead{Name: name, HeaderRead: rd})
			fs.Console = append(fs.Console, rd.Console...)
		}
		if len(r.opts.Transports) > 0 {
			fs.servers = nil
		}
		st.Fetch = fs
		r.last = fs
		rejected := fs.Outcome == scenario.OutcomeBlocked || fs.Outcome == scenario.OutcomeNetworkError
		switch {
		case cmd.Must == scenario.MustFail && !rejected:
			r.fail(st, "the fetch should have been rejected, but script got %s", fs.describe())
		case cmd.Must == scenario.MustSucceed && rejected:
			r.fail(st, "the fetch was rejected (%s); write \"! fetch\" if that is expected", fs.describe())
		}
	case cmd.Name == "advance":
		r.eng.advance(cmd.Advance)
	case cmd.Cookie != nil:
		if err := r.eng.b.SetCookie(cmd.Cookie.URL, cmd.Cookie.Line); err != nil {
			r.fail(st, "%v", err)
		}
	case cmd.Expect != nil:
		if r.last == nil {
			r.fail(st, "no fetch ran before this check under this profile")
			return
		}
		if msg := r.check(cmd.Expect, r.last); msg != "" {
			r.fail(st, "%s", msg)
		}
	}
}

// transport returns the server of a server command.
func (r *runner) transport(s *scenario.Server) (fetch.Transport, string) {
	if s.Transport != nil {
		return s.Transport, ""
	}
	if t, ok := r.opts.Transports[s.Source]; ok && t != nil {
		return t, ""
	}
	h, ok := r.opts.Handlers[s.Source]
	if !ok || h == nil {
		h, ok = builtins[s.Source]
	}
	if ok && h != nil {
		timeout := r.opts.HandlerTimeout
		if timeout <= 0 {
			timeout = 5 * time.Second
		}
		return server.FromHandler(h, server.WithTimeout(timeout)), ""
	}
	names := make([]string, 0, len(r.opts.Handlers)+len(r.opts.Transports)+len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	for n := range r.opts.Handlers {
		names = append(names, n)
	}
	for n := range r.opts.Transports {
		names = append(names, n)
	}
	slices.Sort(names)
	return nil, fmt.Sprintf("no handler named %q (registered: %s)", s.Source, strings.Join(names, ", "))
}

// HeaderRead is one response header read of a fetch (--read-header).
type HeaderRead struct {
	// Name is the header name as script spelled it.
	Name string
	browser.HeaderRead
}

// FetchStep is one fetch as it ran.
type FetchStep struct {
	// Init is what the script passed.
	Init fetch.RequestInit
	// Client is the page the fetch ran in.
	Client fetch.Client
	// At is the virtual time of the fetch.
	At time.Time
	// RequestErr is the TypeError new Request() (or XMLHttpRequest) threw
	// before anything was fetched; Result is nil then.
	RequestErr *policy.Failure
	// Result is the fetch algorithm's result.
	Result *fetch.Result
	// Outcome is allowed, blocked, network-error or opaque
	// (scenario.Outcome…).
	Outcome string
	// JSError is what script sees when the fetch is rejected, in the
	// profile's words ("TypeError: Failed to fetch"); "" otherwise.
	JSError string
	// Console is what the profile's developer console prints for the fetch.
	Console []browser.ConsoleMessage
	// Browser is the simulated browser's full account of the fetch.
	Browser *browser.Outcome
	// Reads are the fetch's --read-header reads, in order; their console
	// lines are in Console too, after the fetch's own.
	Reads []HeaderRead
	// CacheEntries is the number of live preflight-cache entries after the
	// fetch.
	CacheEntries int
	// Cookies is the number of cookies in the browser's jar after the
	// fetch, partitioned ones included.
	Cookies int
	// cookiesBefore is the jar before the fetch, for the explanation's
	// re-runs.
	cookiesBefore []cookie.Cookie
	// Profile is the browser's profile.
	Profile fetch.Profile

	// servers is the network as it was at the fetch (nil for live
	// servers), which the explanation re-runs the fetch against.
	servers     fetch.Transport
	explainOnce sync.Once
	explanation *explain.Explanation
}

// Subject is the fetch as package explain takes it.
func (f *FetchStep) Subject() explain.Subject {
	return explain.Subject{Profile: f.Profile, Client: f.Client, Init: f.Init, Outcome: f.Browser, Servers: f.servers, Cookies: f.cookiesBefore}
}

// Explain returns the explanation of the fetch in its browser alone
// (computed once, by the first call, whose ctx bounds the re-runs that
// confirm its fixes). It is safe for concurrent use.
func (f *FetchStep) Explain(ctx context.Context) *explain.Explanation {
	f.explainOnce.Do(func() { f.explanation = explain.Fetch(ctx, f.Subject()) })
	return f.explanation
}

// Err returns the failure that made the fetch a network error or a
// TypeError, nil for a response.
// Gate is the gate that stopped the fetch (fetch.GateNone when script got
// a response): a TypeError of the request itself is GateRequest.
func (f *FetchStep) Gate() fetch.Gate {
	if f.RequestErr != nil {
		return fetch.GateRequest
	}
	return fetch.GateOf(f.Err())
}

func (f *FetchStep) Err() *policy.Failure {
	if f == nil {
		return nil
	}
	if f.RequestErr != nil {
		return f.RequestErr
	}
	if f.Result != nil {
		return f.Result.Err
	}
	return nil
}

// describe says in a few words what script got.
func (f *FetchStep) describe() string {
	if err := f.Err(); err != nil {
		return fmt.Sprintf("%s %s: %s", f.Outcome, err.Code, err.Message)
	}
	if f.Result == nil || f.Result.Response == nil {
		return f.Outcome
	}
	resp := f.Result.Response
	return fmt.Sprintf("a %s response with status %d", resp.Type, resp.Status)
}
