package conformance

import (
	"context"
	"fmt"

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

// firefoxSession is the driver's session as is: its methods are the
// suite's Session.
type firefoxSession struct{ *firefox.Session }
