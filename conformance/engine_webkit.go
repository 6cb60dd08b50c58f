package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/corsim/corsim/conformance/lab"
	"github.com/corsim/corsim/conformance/webkit"
	"github.com/corsim/corsim/sim/scenario"
)

func init() { Register(webkitEngine{}) }

// webkitEngine adapts package webkit to Engine. Each session is two
// MiniBrowsers run in lockstep on one lab: a WebDriver classic session
// (outcome, error text, readable headers, the requests the servers got)
// and a page-driven MiniBrowser with its console on stderr (the console
// lines). Each step runs in the first, then in the second; the second's
// outcome and requests must equal the first's, or the step fails.
type webkitEngine struct{}

func (webkitEngine) Name() string { return "webkit" }

func (webkitEngine) Find() error { return webkit.FindBinaries() }

func (webkitEngine) Profiles(sc *scenario.Scenario) []string { return variantProfiles("webkit", sc) }

// MaxClockRate: MiniBrowser and its processes can run under libfaketime
// (webkit.Options.ClockRate), but no scenario of the corpus needs it
// within the suite's wait: scenarios/cache-max-age-caps would need 1000x,
// at which the page-driven MiniBrowser stalled on a loaded machine (its
// drive page stopped polling). WebKit's cap is observed by
// conformance/webkit's TestMaxAgeCap at 20x instead.
func (webkitEngine) MaxClockRate() float64 { return 100 }

// hiddenConsoleSources are the console sources WebKitGTK never writes to
// stderr: its "Failed to load resource: …" lines (source network) go only
// to Web Inspector (engines-harness.md), so the suite cannot see them and
// leaves them out on both sides.
var hiddenConsoleSources = []string{"network"}

func (webkitEngine) Launch(ctx context.Context, profile string, origins []string, opts LaunchOptions) (Browser, error) {
	servers, err := lab.Start(origins)
	if err != nil {
		return nil, err
	}
	routes := map[string]string{}
	for _, o := range servers.Origins() {
		spec, err := lab.ParseOrigin(o)
		if err != nil {
			servers.Close()
			return nil, err
		}
		routes[spec.HostPort()] = servers.Addr(o)
	}
	rate := max(int(opts.ClockRate), 1)
	b, err := webkit.Launch(ctx, webkit.Options{Routes: routes, Cert: servers.Cert().TLS, ClockRate: rate})
	if err != nil {
		servers.Close()
		return nil, err
	}
	return &webkitBrowser{lab: servers, b: b, rate: rate, version: webkitVersion()}, nil
}

// webkitVersion is the installed WebKitGTK's version ("2.50.6"), from
// Debian's package database ("" when unknown).
func webkitVersion() string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "libwebkit2gtk-4.1-0").Output()
	if err != nil {
		return ""
	}
	v, _, _ := strings.Cut(string(out), "-") // 2.50.6-1~deb12u2
	return v
}

type webkitBrowser struct {
	lab     *lab.Servers
	b       *webkit.Browser
	rate    int
	version string
}

func (w *webkitBrowser) Version() string { return w.version }

func (w *webkitBrowser) Close() error {
	err := w.b.Close()
	w.lab.Close()
	return err
}

func (w *webkitBrowser) NewSession(ctx context.Context) (Session, error) {
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { close(done) })
	log, err := w.lab.Begin(done, nil)
	stop()
	if err != nil {
		return nil, err
	}
	s := &webkitSession{w: w, log: log, page: w.b.StartPageRun()}
	// The page-driven browser starts at the drive page of the lab's
	// first origin while the driver starts its own: the two start-ups
	// (about a second each) overlap.
	lobby := make(chan error, 1)
	go func() { lobby <- s.page.Open(ctx, webkit.DriveURL(w.lab.Origins()[0], "", false)) }()
	s.wd, err = w.b.NewSession(ctx)
	if perr := <-lobby; err == nil && perr != nil {
		err = perr
	}
	if err != nil {
		if s.wd != nil {
			_ = s.wd.Close()
		}
		s.page.Close()
		w.lab.End(log)
		return nil, err
	}
	return s, nil
}

type webkitSession struct {
	w    *webkitBrowser
	log  *lab.Log
	wd   *webkit.Session
	page *webkit.PageRun
	// back opens the scenario's current page again in both runs (nil
	// before its first page command).
	back func(context.Context) error
}

// goTo opens a page in both runs with wd and page (see both) and keeps
// them as the way back to it.
func (s *webkitSession) goTo(ctx context.Context, wd, page func(context.Context) error) error {
	s.back = func(ctx context.Context) error {
		return both(func() error { return wd(ctx) }, func() error { return page(ctx) })
	}
	return s.back(ctx)
}

// SetCookie seeds the user's cookie as a user gets it: both runs make a
// top-level navigation to a URL at rawURL's origin whose response carries
// "Set-Cookie: line" (webkit.CookieURLs; WebKitGTK applies its own rules
// to it, as to any first-party response), then open the current page
// again. The caches are the browsers' own and survive the navigations.
func (s *webkitSession) SetCookie(ctx context.Context, rawURL, line string) error {
	wd, page, err := webkit.CookieURLs(rawURL, line)
	if err != nil {
		return err
	}
	if err := both(func() error { return s.wd.Open(ctx, wd) }, func() error { return s.page.Open(ctx, page) }); err != nil {
		return err
	}
	if s.back == nil {
		return nil
	}
	return s.back(ctx)
}

func (s *webkitSession) Open(ctx context.Context, origin string) error {
	o, err := s.w.lab.Lookup(origin)
	if err != nil {
		return err
	}
	return s.goTo(ctx, func(ctx context.Context) error { return s.wd.Open(ctx, o.Serialized+lab.PagePath) },
		func(ctx context.Context) error { return s.page.Open(ctx, webkit.DriveURL(o.Serialized, "", false)) })
}

func (s *webkitSession) OpenSandboxed(ctx context.Context, origin string) error {
	o, err := s.w.lab.Lookup(origin)
	if err != nil {
		return err
	}
	return s.goTo(ctx, func(ctx context.Context) error { return s.wd.Open(ctx, o.Serialized+lab.PagePath+"?sandbox=1") },
		func(ctx context.Context) error { return s.page.Open(ctx, webkit.DriveURL(o.Serialized, "", true)) })
}

func (s *webkitSession) OpenFrame(ctx context.Context, top, frame string) error {
	t, err := s.w.lab.Lookup(top)
	if err != nil {
		return err
	}
	f, err := s.w.lab.Lookup(frame)
	if err != nil {
		return err
	}
	u := t.Serialized + lab.PagePath + "?frame=" + url.QueryEscape(f.Serialized+lab.PagePath)
	return s.goTo(ctx, func(ctx context.Context) error { return s.wd.OpenFrame(ctx, u) },
		func(ctx context.Context) error {
			return s.page.Open(ctx, webkit.DriveURL(t.Serialized, f.Serialized, false))
		})
}

// both runs the two browsers' navigations at once (pages load no lab
// resource, so their order does not matter) and returns the first error.
func both(a, b func() error) error {
	errb := make(chan error, 1)
	go func() { errb <- b() }()
	erra := a()
	if err := <-errb; erra == nil {
		return err
	}
	return erra
}

func (s *webkitSession) Serve(origin string, h http.Handler) error { return s.log.Serve(origin, h) }

// Wait lets d of the browsers' time pass: d divided by the clock rate.
func (s *webkitSession) Wait(ctx context.Context, d time.Duration) error {
	return lab.Wait(ctx, nil, d/time.Duration(s.w.rate))
}

func (s *webkitSession) Fetch(ctx context.Context, req lab.FetchRequest) (*lab.Result, error) {
	script, err := lab.FetchScript(req)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, script)
}

func (s *webkitSession) XHR(ctx context.Context, req lab.XHRRequest) (*lab.Result, error) {
	script, err := lab.XHRScript(req)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, script)
}

// step runs script in the WebDriver session, then in the page-driven
// browser, and joins the two: the first's outcome, requests and time, the
// second's console lines.
func (s *webkitSession) step(ctx context.Context, script string) (*lab.Result, error) {
	mark := s.log.Len()
	raw, d, err := s.wd.Eval(ctx, script)
	if err != nil {
		return nil, err
	}
	res, err := lab.DecodeOutcome(raw)
	if err != nil {
		return nil, err
	}
	res.Requests, res.Duration = s.log.Since(mark), d
	mark = s.log.Len()
	raw2, id, err := s.page.Eval(ctx, script)
	if err != nil {
		return nil, err
	}
	res2, err := lab.DecodeOutcome(raw2)
	if err != nil {
		return nil, err
	}
	lines, ok := s.page.Console(id)
	if !ok {
		return nil, fmt.Errorf("webkit: the page-driven run's console did not mark the end of the step")
	}
	if d := sameRun(res, res2, s.log.Since(mark)); d != "" {
		return nil, fmt.Errorf("webkit: the WebDriver and the page-driven runs differ: %s", d)
	}
	for _, l := range lines {
		src, lv, text := webkit.ParseConsole(l)
		if src == "console-api" || slices.Contains(hiddenConsoleSources, src) {
			continue
		}
		res.Console = append(res.Console, lab.ConsoleMessage{Source: src, Level: lv, Text: text})
	}
	return res, nil
}

// sameRun says how the page-driven run (b, and the requests it caused)
// differs from the WebDriver run a, "" when it does not.
func sameRun(a, b *lab.Result, reqs []lab.Request) string {
	if a.Resolved != b.Resolved || a.Error != b.Error || a.Status != b.Status || a.Type != b.Type || a.Body != b.Body {
		return fmt.Sprintf("resolved %v %q status %d / resolved %v %q status %d", a.Resolved, a.Error, a.Status, b.Resolved, b.Error, b.Status)
	}
	if len(reqs) != len(a.Requests) {
		return fmt.Sprintf("%d requests / %d requests", len(a.Requests), len(reqs))
	}
	for i, r := range reqs {
		q := a.Requests[i]
		if r.Method != q.Method || r.Target != q.Target || r.Origin != q.Origin || r.Server != q.Server {
			return fmt.Sprintf("request %d: %s %s%s / %s %s%s", i, q.Method, q.Server, q.Target, r.Method, r.Server, r.Target)
		}
		// Both runs were seeded with the same cookies (SetCookie).
		if a, b := q.Header.Get("Cookie"), r.Header.Get("Cookie"); a != b {
			return fmt.Sprintf("request %d: Cookie %q / Cookie %q", i, a, b)
		}
	}
	return ""
}

func (s *webkitSession) Close() error {
	err := s.wd.Close()
	s.page.Close()
	s.w.lab.End(s.log)
	return err
}

// HiddenConsole reports whether corsim's console line (as a Step holds
// it, "source/level: text") is one WebKitGTK writes only to Web Inspector.
func (webkitEngine) HiddenConsole(line string) bool {
	src, _, _ := strings.Cut(line, "/")
	return slices.Contains(hiddenConsoleSources, src)
}

// consoleHider is an Engine of whose console the suite sees only a part:
// the lines it reports true for are left out of corsim's steps.
type consoleHider interface {
	HiddenConsole(line string) bool
}

// hideConsole drops from steps the console lines e cannot show.
func hideConsole(e Engine, steps []Step) {
	h, ok := e.(consoleHider)
	if !ok {
		return
	}
	for i := range steps {
		steps[i].Console = slices.DeleteFunc(steps[i].Console, h.HiddenConsole)
		if len(steps[i].Console) == 0 {
			steps[i].Console = nil
		}
	}
}
