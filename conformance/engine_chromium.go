package conformance

import (
	"context"
	"fmt"
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/conformance/chromium"
	"github.com/corsim/corsim/conformance/lab"
	"github.com/corsim/corsim/sim/scenario"
)

func init() { Register(chromiumEngine{}) }

// chromiumEngine adapts package chromium to Engine. A profile
// "chromium+Feature+…" launches the browser with --enable-features.
type chromiumEngine struct{}

func (chromiumEngine) Name() string { return "chromium" }

func (chromiumEngine) Find() error {
	_, err := chromium.FindBinary(chromium.Options{})
	if err != nil {
		return fmt.Errorf("%w; install it with: apt-get install -y chromium", err)
	}
	return nil
}

func (chromiumEngine) Profiles(sc *scenario.Scenario) []string {
	return variantProfiles("chromium", sc)
}

// CanFakeClock: with a C compiler to build lab.FakeClock's preload
// library, Chromium runs on a clock that Session.Wait moves.
func (chromiumEngine) CanFakeClock() bool { return lab.CanFakeClock() }

func (chromiumEngine) Launch(ctx context.Context, profile string, origins []string, opts LaunchOptions) (Browser, error) {
	if opts.ClockRate > 1 {
		return nil, fmt.Errorf("chromium: no scaled clock (the suite uses the fake clock)")
	}
	o := chromiumOptions(profile, origins)
	o.FakeClock = opts.FakeClock
	o.AddressSpaces = opts.AddressSpaces
	b, err := chromium.Launch(ctx, o)
	if err != nil {
		return nil, err
	}
	return chromiumBrowser{b}, nil
}

type chromiumBrowser struct{ b *chromium.Browser }

// Version strips the product name: "Chromium/156.0.8078.108" →
// "156.0.8078.108".
func (c chromiumBrowser) Version() string {
	v := c.b.Version()
	if _, after, ok := strings.Cut(v, "/"); ok {
		return after
	}
	return v
}

func (c chromiumBrowser) Close() error { return c.b.Close() }

func (c chromiumBrowser) NewSession(ctx context.Context) (Session, error) {
	s, err := c.b.NewSession(ctx, chromium.Plan{})
	if err != nil {
		return nil, err
	}
	return chromiumSession{s}, nil
}

// chromiumSession is the driver's session; only Fetch and XHR differ
// from the suite's Session (the driver's results carry loading failures and issues too).
type chromiumSession struct{ *chromium.Session }

func (c chromiumSession) Fetch(ctx context.Context, req lab.FetchRequest) (*lab.Result, error) {
	res, err := c.Session.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	return &res.Result, nil
}

func (c chromiumSession) XHR(ctx context.Context, req lab.XHRRequest) (*lab.Result, error) {
	res, err := c.Session.XHR(ctx, req)
	if err != nil {
		return nil, err
	}
	return &res.Result, nil
}

// chromiumOptions are the chromium.Launch options for a scenario profile:
// its Chromium features as --enable-features, except the user setting
// browser.SettingAllowThirdPartyCookies, which is the profile preference
// cookie_controls_mode 0 (chromium-harness.md).
func chromiumOptions(profile string, origins []string) chromium.Options {
	o := chromium.Options{Origins: origins}
	for _, f := range features(profile) {
		if f == browser.SettingAllowThirdPartyCookies {
			o.AllowThirdPartyCookies = true
			continue
		}
		o.EnableFeatures = append(o.EnableFeatures, f)
	}
	return o
}
