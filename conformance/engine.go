package conformance

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/corsim/corsim/conformance/lab"
	"github.com/corsim/corsim/sim/scenario"
)

// An Engine is one real browser the suite judges corsim's profiles by.
// Each driver package (conformance/chromium, conformance/firefox,
// conformance/webkit) gets a small adapter in this package that
// implements it and registers itself with Register from an init function;
// TestConformance then replays the corpus on every registered engine,
// one after another, each ending with its summary line.
//
// What the suite does with an engine, per corsim profile the engine
// judges: Launch once with every origin the corpus needs; per scenario
// NewSession (fresh cookies, HTTP and preflight caches), then the
// scenario's page, server, fetch and advance commands as Session calls.
type Engine interface {
	// Name is the engine's name, which is also the family of the corsim
	// profiles it judges and the word a scenario's per-engine skip uses:
	// "chromium", "firefox", "webkit".
	Name() string
	// Find returns nil when the engine is installed, otherwise an error
	// that says how to install it ("apt-get install -y firefox-esr").
	Find() error
	// Profiles lists the corsim profiles sc is replayed under: at least
	// the plain one (Name), and any variant the scenario names that the
	// engine can be launched as (Chromium: "chromium+Feature").
	Profiles(sc *scenario.Scenario) []string
	// Launch starts a browser that judges profile, with a lab (package
	// lab) for origins: every origin any session on it will open a page
	// at or serve. opts asks for a fake or scaled clock only where the
	// engine says it has one (FakeClocker, ClockScaler).
	Launch(ctx context.Context, profile string, origins []string, opts LaunchOptions) (Browser, error)
}

// A FakeClocker is an Engine that can launch a browser on a fake clock
// (LaunchOptions.FakeClock), when CanFakeClock says so. The suite prefers
// it for a scenario whose advances exceed MaxWait.
type FakeClocker interface {
	CanFakeClock() bool
}

// A ClockScaler is an Engine that can launch a browser whose clocks run
// faster than real time (LaunchOptions.ClockRate, at most MaxClockRate;
// 1: it cannot). The suite uses it for a scenario whose advances exceed
// MaxWait when the engine has no fake clock.
type ClockScaler interface {
	MaxClockRate() float64
}

// LaunchOptions are the knobs of Engine.Launch the suite uses.
type LaunchOptions struct {
	// FakeClock runs the browser on a clock the harness moves: the
	// browser's wall and monotonic clocks are the real ones plus an
	// offset, and Session.Wait(d) adds d to the offset (the browser sees
	// d pass at once, as corsim's virtual clock does) instead of
	// sleeping (lab.FakeClock).
	FakeClock bool
	// ClockRate, when above 1, makes the browser's clocks run that many
	// times faster than real time, so that an advance of D takes D /
	// ClockRate of real time (Session.Wait divides).
	ClockRate float64
	// AddressSpaces maps origins of the lab to the IP address space the
	// browser must treat their server's address as ("public", "local";
	// AddressSpaces): every listener is on loopback, which is the default.
	// Chromium takes them as --ip-address-space-overrides; an engine
	// without such a switch ignores them.
	AddressSpaces map[string]string
}

// A Browser is one running engine with its lab. Sessions on it run one at
// a time.
type Browser interface {
	// Version is the engine's version as its summary line shows it:
	// "156.0.8078.108", "153.8.0esr".
	Version() string
	// NewSession opens a fresh browser context (or user context, or
	// profile): nothing cached or stored from an earlier session is seen.
	NewSession(ctx context.Context) (Session, error)
	// Close stops the browser and its lab.
	Close() error
}

// A Refuser is a Browser that reaches the lab through its proxy and can
// say which authorities (host or host:port) the proxy refused because they
// are not the lab's: the suite fails a scenario during which the browser
// tried to reach anything but the lab and the scenario's own fetch URLs.
type Refuser interface {
	Refused() []string
}

// A Session is one scenario on a Browser.
type Session interface {
	// Open shows the blank page of origin (lab.PagePath); later steps run
	// there.
	Open(ctx context.Context, origin string) error
	// OpenSandboxed shows the blank page of origin as a sandboxed
	// document (an opaque origin: its requests carry Origin: null).
	OpenSandboxed(ctx context.Context, origin string) error
	// OpenFrame shows the blank page of top with the blank page of frame
	// in an iframe; later steps run inside the frame.
	OpenFrame(ctx context.Context, top, frame string) error
	// Serve installs h as origin's handler from now on (nil: 404).
	Serve(origin string, h http.Handler) error
	// Fetch and XHR run one step in the current page and return what
	// script, the console, the engine's machine codes and the servers
	// saw.
	Fetch(ctx context.Context, req lab.FetchRequest) (*lab.Result, error)
	XHR(ctx context.Context, req lab.XHRRequest) (*lab.Result, error)
	// Wait lets d of the browser's time pass: d of real time, on a fake
	// clock (LaunchOptions.FakeClock) a jump of d, on a scaled clock d
	// divided by the rate.
	Wait(ctx context.Context, d time.Duration) error
	// Close ends the session and frees the browser for the next one.
	Close() error
}

// CookieSetter is a Session that can seed the browser's cookie jar, as a
// scenario's cookie command does: the cookie as if the server at url had
// set it with the Set-Cookie value line on a first-party visit.
type CookieSetter interface {
	SetCookie(ctx context.Context, url, line string) error
}

var engines = map[string]Engine{}

// Register adds e to the engines TestConformance replays the corpus on.
// It is meant for init functions; a second engine of the same name
// replaces the first.
func Register(e Engine) { engines[e.Name()] = e }

// Engines returns the registered engines, sorted by name.
func Engines() []Engine {
	names := make([]string, 0, len(engines))
	for n := range engines {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Engine, 0, len(names))
	for _, n := range names {
		out = append(out, engines[n])
	}
	return out
}

// EngineOf returns the registered engine called name.
func EngineOf(name string) (Engine, bool) {
	e, ok := engines[name]
	return e, ok
}

// variantProfiles is Engine.Profiles for an engine whose variants are
// "name+…": the plain profile, then each variant sc's browsers line names.
func variantProfiles(name string, sc *scenario.Scenario) []string {
	out := []string{name}
	for _, p := range sc.Browsers {
		if scenario.Family(p) == name && p != name && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
