package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/conformance/lab"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
	"github.com/corsim/corsim/sim/server"
)

// MaxWait bounds the real time a scenario may spend in advance commands
// when it is replayed in a real browser; a scenario that advances its
// clock further is replayed in a browser with a fake clock
// (LaunchOptions.FakeClock) where the engine has one, or must say
// "conformance skip [ENGINE] 'reason'".
const MaxWait = 8 * time.Second

// ErrUnsupported is returned (wrapped) for a scenario the suite cannot
// replay in a real browser and that does not say conformance skip.
var ErrUnsupported = errors.New("conformance: not replayable in a real browser")

// Handlers makes the Go handlers that "server ORIGIN handler NAME" names:
// each call returns a fresh handler, so that the simulated and the real run
// do not share state.
type Handlers map[string]func() http.Handler

// Run is one side's replay of a scenario.
type Run struct {
	// Steps has one entry per fetch command, in order.
	Steps []Step
	// Outcomes are corsim's outcomes, parallel to Steps (corsim side only).
	Outcomes []*browser.Outcome
	// FetchTime is the total time spent in the fetch steps.
	FetchTime time.Duration
	// Wall is the time the whole replay took, without advance waits
	// (corsim: browser, servers and pages included; an engine: the fresh
	// session, navigations and console settling included).
	Wall time.Duration
}

// Profile returns the corsim profile for a scenario profile name:
// "chromium", "chromium+Feature+…", "firefox", "webkit".
func Profile(name string) (fetch.Profile, error) {
	p, ok := browser.ProfileByName(name)
	if !ok {
		return fetch.Profile{}, fmt.Errorf("conformance: unknown profile %q", name)
	}
	return p, nil
}

// Instances makes one fresh handler per name, in the form sim.Options
// takes.
func (hs Handlers) Instances() map[string]http.Handler {
	out := make(map[string]http.Handler, len(hs))
	for name, mk := range hs {
		if mk != nil {
			out[name] = mk()
		}
	}
	return out
}

// RunSim replays sc with corsim's scenario runner (package sim) under
// profile: the authoritative corsim side of the comparison. It returns the
// fetch steps and the runner's result (whose expectation failures, if
// any, are the scenario's own business).
func RunSim(ctx context.Context, sc *scenario.Scenario, profile string, hs Handlers) (*Run, *sim.Result, error) {
	start := time.Now()
	res := sim.Run(ctx, sc, sim.Options{Handlers: hs.Instances(), Profiles: []string{profile}})
	run := &Run{Wall: time.Since(start)}
	if res.Err != nil {
		return nil, res, res.Err
	}
	if res.Interrupted {
		return nil, res, fmt.Errorf("%s: the run was cut short: %w", sc.Name, context.Cause(ctx))
	}
	for _, r := range res.Runs {
		for _, st := range r.Steps {
			if st.Fetch == nil {
				if st.Failure != nil && st.Command.Server != nil {
					return nil, res, st.Failure
				}
				continue
			}
			o := st.Fetch.Browser
			if o == nil {
				return nil, res, fmt.Errorf("%s:%d: the runner kept no outcome", sc.Name, st.Command.Line)
			}
			step := FromOutcome(o)
			AddReads(&step, o, st.Command.Fetch.ReadHeaders)
			step.Line, step.Command = st.Command.Line, st.Command.Text
			run.Steps = append(run.Steps, step)
			run.Outcomes = append(run.Outcomes, o)
		}
	}
	return run, res, nil
}

// features returns the "+Feature" parts of a profile name, nil for a
// plain one ("chromium+A+B" → [A B]).
func features(name string) []string {
	_, rest, ok := strings.Cut(name, "+")
	if !ok {
		return nil
	}
	return strings.Split(rest, "+")
}

// Advance is the total of sc's advance commands under profile.
func Advance(sc *scenario.Scenario, profile string) time.Duration {
	var wait time.Duration
	for _, cmd := range sc.Commands {
		if cmd.Applies(profile) && cmd.Name == "advance" {
			wait += cmd.Advance
		}
	}
	return wait
}

// Check reports why sc cannot be replayed in a real browser on the clock
// opts asks for (nil when it can): an element initiator, a stream body,
// or, unless the browser runs on a fake clock, more than MaxWait of
// advance commands under profile once divided by opts.ClockRate.
func Check(sc *scenario.Scenario, profile string, opts LaunchOptions) error {
	var wait time.Duration
	for _, cmd := range sc.Commands {
		if !cmd.Applies(profile) {
			continue
		}
		switch {
		case cmd.Name == "advance":
			wait += cmd.Advance
		case cmd.Fetch != nil:
			in := cmd.Fetch.Init
			if in.Initiator == fetch.InitiatorElement {
				return fmt.Errorf("%w: line %d: --initiator element", ErrUnsupported, cmd.Line)
			}
			if in.Body.Kind == fetch.BodyStream {
				return fmt.Errorf("%w: line %d: a stream body needs HTTP/2, the harness serves HTTP/1.1", ErrUnsupported, cmd.Line)
			}
		}
	}
	rate := max(opts.ClockRate, 1)
	if time.Duration(float64(wait)/rate) > MaxWait && !opts.FakeClock {
		if rate > 1 {
			return fmt.Errorf("%w: advances %v in all, more than %v even on a clock %g times faster", ErrUnsupported, wait, MaxWait, rate)
		}
		return fmt.Errorf("%w: advances %v in all, more than the %v a real browser waits", ErrUnsupported, wait, MaxWait)
	}
	return nil
}

// RunCorsim replays sc in corsim's simulated browser under profile.
func RunCorsim(ctx context.Context, sc *scenario.Scenario, profile string, hs Handlers) (*Run, error) {
	p, err := Profile(profile)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	b := browser.New(p)
	var page *browser.Page
	var perm policy.Permission
	run := &Run{}
	var cmds []*scenario.Command
	for _, cmd := range sc.Commands {
		if !cmd.Applies(profile) {
			continue
		}
		switch {
		case cmd.Page != nil:
			// As the scenario runner does: the page is a client with the
			// page's origin (opaque for "page null") and top-level origin.
			if cmd.Page.Space != "" && !cmd.Page.Origin.IsOpaque() {
				b.Network().DeclareAddressSpace(cmd.Page.Origin.Host(), cmd.Page.Space)
			}
			page = b.OpenClient(cmd.Page.Client(perm))
		case cmd.Permission != "":
			perm = cmd.Permission
		case cmd.Server != nil:
			if cmd.Server.Space != "" {
				b.Network().DeclareAddressSpace(cmd.Server.Origin.Host(), cmd.Server.Space)
			}
			t, err := transport(cmd.Server, hs)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", sc.Name, cmd.Line, err)
			}
			if err := b.Serve(cmd.Server.Target(), t); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", sc.Name, cmd.Line, err)
			}
		case cmd.Name == "advance":
			b.Advance(cmd.Advance)
		case cmd.Cookie != nil:
			if err := b.SetCookie(cmd.Cookie.URL, cmd.Cookie.Line); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", sc.Name, cmd.Line, err)
			}
		case cmd.Fetch != nil:
			in := cmd.Fetch.Init
			start := time.Now()
			var o *browser.Outcome
			if in.Initiator == fetch.InitiatorXHR {
				method := in.Method
				if method == "" {
					method = http.MethodGet
				}
				o = page.XHR(ctx, method, in.URL, browser.XHRRequest{Header: in.Header, Body: in.Body,
					WithCredentials: in.Credentials == fetch.CredentialsInclude, UploadListeners: in.UploadListeners})
			} else {
				o = page.Fetch(ctx, "", in)
			}
			run.FetchTime += time.Since(start)
			run.Outcomes = append(run.Outcomes, o)
			cmds = append(cmds, cmd)
		}
	}
	run.Wall = time.Since(start)
	// The records are made after the replay, so that the timed fetches
	// run back to back as a page's script would make them.
	for i, o := range run.Outcomes {
		st := FromOutcome(o)
		AddReads(&st, o, cmds[i].Fetch.ReadHeaders)
		st.Line, st.Command = cmds[i].Line, cmds[i].Text
		run.Steps = append(run.Steps, st)
	}
	return run, nil
}

// transport is the server of a server command, for corsim.
func transport(s *scenario.Server, hs Handlers) (fetch.Transport, error) {
	if s.Transport != nil {
		return s.Transport, nil
	}
	h, err := handler(s, hs)
	if err != nil {
		return nil, err
	}
	return serverFromHandler(h), nil
}

// handler is the server of a server command as an http.Handler, for the
// real browser: config and canned servers are handlers too.
func handler(s *scenario.Server, hs Handlers) (http.Handler, error) {
	if h, ok := s.Transport.(http.Handler); ok {
		return h, nil
	}
	if s.Transport != nil {
		return nil, fmt.Errorf("server %s: its %s server cannot be served over HTTP", s.Origin, s.Kind)
	}
	mk, ok := hs[s.Source]
	if !ok || mk == nil {
		return nil, fmt.Errorf("server %s: no handler named %q", s.Origin, s.Source)
	}
	return mk(), nil
}

// RunEngine replays sc in a real browser's session s (fresh, as
// Browser.NewSession makes it). needsPreflight (parallel to the fetch
// steps; from corsim's run) says which fetches need a preflight, to tell a
// preflight-cache hit from a simple request.
func RunEngine(ctx context.Context, s Session, sc *scenario.Scenario, profile string, hs Handlers, needsPreflight []bool) (*Run, error) {
	start := time.Now()
	var waited time.Duration
	run := &Run{}
	defer func() { run.Wall = time.Since(start) - waited }()
	opened := false
	for _, cmd := range sc.Commands {
		if !cmd.Applies(profile) {
			continue
		}
		where := func(err error) error { return fmt.Errorf("%s:%d: %s: %w", sc.Name, cmd.Line, cmd.Text, err) }
		var err error
		switch {
		case cmd.Page != nil:
			switch {
			case cmd.Page.Origin.IsOpaque():
				// "page null": a sandboxed document, served from the
				// origin of its "from" URL, else from the first origin
				// the scenario serves.
				host := sandboxHost(sc, profile)
				if u := cmd.Page.URL; u != nil {
					host = policy.OriginOf(u).String()
				}
				if host == "" {
					return nil, where(errors.New("an opaque page needs a server origin to be served from"))
				}
				err = s.OpenSandboxed(ctx, host)
			case cmd.Page.Top == cmd.Page.Origin:
				err = s.Open(ctx, cmd.Page.Origin.String())
			default:
				err = s.OpenFrame(ctx, cmd.Page.Top.String(), cmd.Page.Origin.String())
			}
			if err != nil {
				return nil, where(err)
			}
			opened = true
		case cmd.Server != nil:
			h, err := handler(cmd.Server, hs)
			if err != nil {
				return nil, where(err)
			}
			targets := []string{cmd.Server.Origin.String()}
			if cmd.Server.Any {
				targets = catchAllOrigins(sc, profile)
			}
			for _, o := range targets {
				if err := s.Serve(o, h); err != nil {
					return nil, where(err)
				}
			}
		case cmd.Cookie != nil:
			cs, ok := s.(CookieSetter)
			if !ok {
				return nil, where(fmt.Errorf("%w: this engine's harness cannot seed cookies (say conformance skip ENGINE 'reason')", ErrUnsupported))
			}
			if err := cs.SetCookie(ctx, cmd.Cookie.URL, cmd.Cookie.Line); err != nil {
				return nil, where(err)
			}
		case cmd.Name == "advance":
			t0 := time.Now()
			if err := s.Wait(ctx, cmd.Advance); err != nil {
				return nil, where(err)
			}
			waited += time.Since(t0)
		case cmd.Fetch != nil:
			if !opened {
				return nil, where(errors.New("fetch before page"))
			}
			in := cmd.Fetch.Init
			var res *lab.Result
			if in.Initiator == fetch.InitiatorXHR {
				res, err = s.XHR(ctx, lab.XHRRequest{URL: in.URL, Method: in.Method, Headers: headers(in.Header),
					BodyKind: string(in.Body.Kind), Body: in.Body.Data, BodyType: in.Body.Type,
					WithCredentials: in.Credentials == fetch.CredentialsInclude, UploadListeners: in.UploadListeners,
					ReadHeaders: cmd.Fetch.ReadHeaders})
			} else {
				res, err = s.Fetch(ctx, lab.FetchRequest{URL: in.URL, Method: in.Method, Headers: headers(in.Header),
					BodyKind: string(in.Body.Kind), Body: in.Body.Data, BodyType: in.Body.Type,
					Mode: string(in.Mode), Credentials: string(in.Credentials), Redirect: string(in.Redirect), Cache: string(in.Cache),
					TargetAddressSpace: in.TargetAddressSpace, ReferrerPolicy: string(in.ReferrerPolicy), ReadHeaders: cmd.Fetch.ReadHeaders})
			}
			if err != nil {
				return nil, where(err)
			}
			i := len(run.Steps)
			st := FromResult(res, i < len(needsPreflight) && needsPreflight[i])
			st.Line, st.Command = cmd.Line, cmd.Text
			run.Steps = append(run.Steps, st)
			run.FetchTime += res.Duration
		}
	}
	return run, nil
}

func headers(l policy.HeaderList) []lab.Header {
	out := make([]lab.Header, len(l))
	for i, h := range l {
		out[i] = lab.Header{Name: h.Name, Value: h.Value}
	}
	return out
}

// Origins returns every origin sc uses under profile that a real browser
// must resolve: pages, frames' top-level pages and servers. Fetch URLs whose
// origin has no server are left out, so that they fail to resolve as in
// corsim's network.
func Origins(sc *scenario.Scenario, profile string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(o policy.Origin) {
		if o.IsOpaque() {
			return
		}
		s := o.String()
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, cmd := range sc.Commands {
		if !cmd.Applies(profile) {
			continue
		}
		switch {
		case cmd.Page != nil:
			add(cmd.Page.Origin)
			add(cmd.Page.Top)
		case cmd.Server != nil && !cmd.Server.Any:
			add(cmd.Server.Origin)
		case cmd.Server != nil:
			for _, o := range catchAllOrigins(sc, profile) {
				if po, err := policy.ParseOrigin(o); err == nil {
					add(po)
				}
			}
		}
	}
	return out
}

// catchAllOrigins returns the origins a catch-all server ("server * …")
// stands for in a real browser: the origins of sc's fetch URLs that no
// server line names.
func catchAllOrigins(sc *scenario.Scenario, profile string) []string {
	named := map[string]bool{}
	for _, cmd := range sc.Commands {
		if cmd.Server != nil && !cmd.Server.Any && cmd.Applies(profile) {
			named[cmd.Server.Origin.String()] = true
		}
	}
	var out []string
	for _, o := range FetchOrigins(sc, profile) {
		if !named[o] {
			named[o] = true
			out = append(out, o)
		}
	}
	return out
}

// AddressSpaces returns the IP address space corsim gives each origin of
// sc under profile (Origins): the space a page or server line declares
// with "at ADDRESS", else the one fetch.DefaultAddressSpaces knows
// (loopback for localhost and 127.0.0.1, public for every other name). A
// real browser reaches every origin on loopback, so the suite launches
// Chromium with --ip-address-space-overrides for the origins whose space
// is not loopback (LaunchOptions.AddressSpaces).
func AddressSpaces(sc *scenario.Scenario, profile string) map[string]string {
	out := map[string]string{}
	for _, o := range Origins(sc, profile) {
		u, err := url.Parse(o)
		if err == nil {
			out[o] = string(fetch.DefaultAddressSpaces{}.AddressSpaceOf(u))
		}
	}
	for _, cmd := range sc.Commands {
		if !cmd.Applies(profile) {
			continue
		}
		switch {
		case cmd.Page != nil && cmd.Page.Space != "" && !cmd.Page.Origin.IsOpaque():
			declareHost(out, cmd.Page.Origin.Host(), string(cmd.Page.Space))
		case cmd.Server != nil && cmd.Server.Space != "":
			declareHost(out, cmd.Server.Origin.Host(), string(cmd.Server.Space))
		}
	}
	return out
}

// declareHost sets the space of every origin on host, as a declared
// address does for the whole host in corsim's network.
func declareHost(spaces map[string]string, host, space string) {
	for o := range spaces {
		if u, err := url.Parse(o); err == nil && u.Hostname() == strings.Trim(host, "[]") {
			spaces[o] = space
		}
	}
}

// Declares reports whether sc declares an address space (an "at" on a
// page or server line) that differs from the default under profile: such
// a scenario needs a browser launched with its own overrides.
func Declares(sc *scenario.Scenario, profile string) bool {
	for _, cmd := range sc.Commands {
		if cmd.Applies(profile) && ((cmd.Page != nil && cmd.Page.Space != "") || (cmd.Server != nil && cmd.Server.Space != "")) {
			return true
		}
	}
	return false
}

// sandboxHost is the origin a sandboxed ("page null") document is served
// from: the first origin sc serves.
func sandboxHost(sc *scenario.Scenario, profile string) string {
	for _, cmd := range sc.Commands {
		if cmd.Server != nil && !cmd.Server.Any && cmd.Applies(profile) {
			return cmd.Server.Origin.String()
		}
	}
	return ""
}

// FetchOrigins returns the origins of sc's fetch URLs under profile.
func FetchOrigins(sc *scenario.Scenario, profile string) []string {
	var out []string
	for _, cmd := range sc.Commands {
		if cmd.Fetch == nil || !cmd.Applies(profile) {
			continue
		}
		if u, err := url.Parse(cmd.Fetch.Init.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			out = append(out, policy.OriginOf(u).String())
		}
	}
	return out
}

// serverFromHandler runs a Go handler in-process for corsim, as the
// scenario runner does.
func serverFromHandler(h http.Handler) fetch.Transport {
	return server.FromHandler(h, server.WithTimeout(5*time.Second))
}
