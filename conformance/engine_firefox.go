package conformance

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/corsim/corsim/conformance/firefox"
	"github.com/corsim/corsim/conformance/lab"
	"github.com/corsim/corsim/sim/scenario"
)

func init() { Register(firefoxEngine{}) }

// firefoxEngine adapts package firefox to Engine: one profile, "firefox".
type firefoxEngine struct{}

func (firefoxEngine) Name() string { return "firefox" }

func (firefoxEngine) Find() error {
	_, err := firefox.FindBinary(firefox.Options{})
	return err
}

func (firefoxEngine) Profiles(*scenario.Scenario) []string { return []string{"firefox"} }

// CanFakeClock: with a C compiler to build its preload library, Firefox
// runs on a clock that Session.Wait moves (docs/conformance.md says what
// was checked with it).
func (firefoxEngine) CanFakeClock() bool { return lab.CanFakeClock() }

func (firefoxEngine) Launch(ctx context.Context, profile string, origins []string, opts LaunchOptions) (Browser, error) {
	if profile != "firefox" {
		return nil, fmt.Errorf("firefox: no profile %q", profile)
	}
	if opts.ClockRate > 1 {
		return nil, fmt.Errorf("firefox: no scaled clock (libfaketime deadlocks Firefox; the suite uses the fake clock)")
	}
	b, err := firefox.Launch(ctx, firefox.Options{Origins: origins, FakeClock: opts.FakeClock})
	if err != nil {
		return nil, err
	}
	return firefoxBrowser{b}, nil
}

type firefoxBrowser struct{ b *firefox.Browser }

func (f firefoxBrowser) Version() string   { return f.b.Version() }
func (f firefoxBrowser) Close() error      { return f.b.Close() }
func (f firefoxBrowser) Refused() []string { return f.b.Lab().Refused() }

func (f firefoxBrowser) NewSession(ctx context.Context) (Session, error) {
	s, err := f.b.NewSession(ctx, nil)
	if err != nil {
		return nil, err
	}
	return firefoxSession{s}, nil
}

type firefoxSession struct{ s *firefox.Session }

// SetCookie seeds the user's cookie with BiDi storage.setCookie.
func (f firefoxSession) SetCookie(ctx context.Context, url, line string) error {
	return f.s.SetCookie(ctx, url, line)
}

func (f firefoxSession) Open(ctx context.Context, origin string) error { return f.s.Open(ctx, origin) }
func (f firefoxSession) OpenSandboxed(ctx context.Context, origin string) error {
	return f.s.OpenSandboxed(ctx, origin)
}
func (f firefoxSession) OpenFrame(ctx context.Context, top, frame string) error {
	return f.s.OpenFrame(ctx, top, frame)
}
func (f firefoxSession) Serve(origin string, h http.Handler) error { return f.s.Serve(origin, h) }
func (f firefoxSession) Wait(ctx context.Context, d time.Duration) error {
	return f.s.Wait(ctx, d)
}
func (f firefoxSession) Close() error { return f.s.Close() }
func (f firefoxSession) Fetch(ctx context.Context, req lab.FetchRequest) (*lab.Result, error) {
	return f.s.Fetch(ctx, req)
}
func (f firefoxSession) XHR(ctx context.Context, req lab.XHRRequest) (*lab.Result, error) {
	return f.s.XHR(ctx, req)
}
