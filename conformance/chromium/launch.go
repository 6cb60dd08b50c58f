package chromium

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/corsim/corsim/conformance/lab"
)

// DefaultBinary is where Debian's chromium package installs the browser
// itself (not the /usr/bin/chromium wrapper script, which adds extension
// flags and complains about /dev/shm).
const DefaultBinary = "/usr/lib/chromium/chromium"

// BinaryEnv names the environment variable that overrides DefaultBinary.
const BinaryEnv = "CORSIM_CHROMIUM"

// ErrNoBrowser is returned (wrapped) by Launch when no Chromium binary is
// installed at the configured path.
var ErrNoBrowser = errors.New("chromium: no browser binary")

// ErrUnknownOrigin is returned (wrapped) when a Plan or step names an origin
// that the browser was not launched with: host-resolver rules are fixed at
// launch, so every origin must be declared in Options.Origins up front.
var ErrUnknownOrigin = lab.ErrUnknownOrigin

// DefaultOrigins is the origin pool Launch uses when Options.Origins is
// empty: http and https for four .test hosts.
var DefaultOrigins = []string{
	"http://app.test", "https://app.test",
	"http://api.test", "https://api.test",
	"http://other.test", "https://other.test",
	"http://third.test", "https://third.test",
}

// Options configures Launch.
type Options struct {
	// Binary is the browser executable; empty means $CORSIM_CHROMIUM, then
	// DefaultBinary.
	Binary string
	// Origins is every origin that any scenario run on this browser will
	// use, e.g. "https://app.example" or "http://api.test:8080". One
	// loopback listener is started per origin and the browser resolves
	// exactly host:port of each to it, so URLs keep their real spelling.
	// Empty means DefaultOrigins.
	Origins []string
	// EnableFeatures is passed as --enable-features (e.g.
	// "CorsNonWildcardRequestHeadersSupport").
	EnableFeatures []string
	// DisableFeatures is passed as --disable-features.
	DisableFeatures []string
	// AllowThirdPartyCookies seeds the profile so that cross-site cookies
	// are stored and sent (cookie_controls_mode 0).
	AllowThirdPartyCookies bool
	// FakeClock runs the browser with its clocks (wall and monotonic) at
	// the real ones plus an offset that Session.Wait moves forward: the
	// browser sees the wait pass at once (lab.FakeClock; needs a C
	// compiler, see lab.CanFakeClock).
	FakeClock bool
	// Output, if set, receives the browser's stdout and stderr.
	Output io.Writer
}

// Browser is one running headless Chromium plus the loopback servers that
// stand in for its origins. Scenarios run on it one at a time, each in a
// Session with a fresh browser context.
type Browser struct {
	opts     Options
	binary   string
	version  string
	lab      *lab.Servers
	userData string
	clock    *lab.FakeClock // nil unless Options.FakeClock

	allocCancel context.CancelFunc
	ctx         context.Context // chromedp context owning the browser
	cancel      context.CancelFunc
	launchTime  time.Duration
	closeOnce   sync.Once
	closeErr    error
}

// FindBinary returns the browser executable that Launch would use for opts,
// or an error wrapping ErrNoBrowser when it is not there.
func FindBinary(opts Options) (string, error) {
	path := opts.Binary
	if path == "" {
		path = os.Getenv(BinaryEnv)
	}
	if path == "" {
		path = DefaultBinary
	}
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%w at %s (install Debian's chromium: apt-get install -y chromium, or set %s)", ErrNoBrowser, path, BinaryEnv)
	}
	return path, nil
}

// Launch starts the loopback servers for opts.Origins and a headless
// Chromium that resolves each origin's host:port to its server. The browser
// lives until Close (or until ctx ends).
func Launch(ctx context.Context, opts Options) (*Browser, error) {
	bin, err := FindBinary(opts)
	if err != nil {
		return nil, err
	}
	origins := opts.Origins
	if len(origins) == 0 {
		origins = DefaultOrigins
	}
	b := &Browser{opts: opts, binary: bin}
	if b.lab, err = lab.Start(origins); err != nil {
		return nil, err
	}
	var rules []string
	for _, o := range b.lab.Origins() {
		spec, _ := b.lab.Lookup(o)
		// net/base/host_mapping_rules.cc: a pattern is matched against the
		// host, then against host:port; the replacement may carry a port.
		rules = append(rules, "MAP "+spec.HostPort()+" "+b.lab.Addr(o))
	}
	// Anything else must not leave the machine.
	rules = append(rules, "MAP * ~NOTFOUND")

	if b.userData, err = os.MkdirTemp("", "corsim-chromium-"); err != nil {
		b.closeServers()
		return nil, fmt.Errorf("chromium: user data dir: %w", err)
	}
	if opts.AllowThirdPartyCookies {
		if err := seedCookiePrefs(b.userData); err != nil {
			b.Close()
			return nil, err
		}
	}

	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.UserDataDir(b.userData),
		chromedp.Flag("host-resolver-rules", strings.Join(rules, ", ")),
		chromedp.Flag("ignore-certificate-errors-spki-list", b.lab.Cert().SPKI),
	}
	if opts.FakeClock {
		if b.clock, err = lab.NewFakeClock(b.userData); err != nil {
			b.Close()
			return nil, err
		}
		flags = append(flags, chromedp.Env(b.clock.Env()...))
	}
	if len(opts.EnableFeatures) > 0 {
		flags = append(flags, chromedp.Flag("enable-features", strings.Join(opts.EnableFeatures, ",")))
	}
	if len(opts.DisableFeatures) > 0 {
		flags = append(flags, chromedp.Flag("disable-features", strings.Join(opts.DisableFeatures, ",")))
	}
	if opts.Output != nil {
		flags = append(flags, chromedp.CombinedOutput(opts.Output))
	}
	// The browser's lifetime is bound to the context of its first Run, so
	// detach it from ctx's cancellation and tie it to Close instead; ctx
	// still bounds the start-up below.
	base := context.WithoutCancel(ctx)
	allocCtx, allocCancel := chromedp.NewExecAllocator(base, flags...)
	b.allocCancel = allocCancel
	b.ctx, b.cancel = chromedp.NewContext(allocCtx)
	start := time.Now()
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(b.ctx) }()
	select {
	case err = <-started:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("chromium: starting %s: %w", bin, err)
	}
	b.launchTime = time.Since(start)
	if v, err := chromedp.CallBrowser(b.ctx, browser.GetVersion, cdp.Empty{}); err == nil {
		b.version = v.Product
	}
	return b, nil
}

// seedCookiePrefs writes Default/Preferences so that third-party cookies
// are allowed in the fresh profile.
func seedCookiePrefs(dir string) error {
	if err := os.MkdirAll(dir+"/Default", 0o700); err != nil {
		return fmt.Errorf("chromium: profile: %w", err)
	}
	prefs := `{"profile":{"cookie_controls_mode":0}}`
	if err := os.WriteFile(dir+"/Default/Preferences", []byte(prefs), 0o600); err != nil {
		return fmt.Errorf("chromium: profile: %w", err)
	}
	return nil
}

// Version is the browser's product string, e.g. "Chromium/156.0.8078.108"
// (as Browser.getVersion reports it).
func (b *Browser) Version() string { return b.version }

// LaunchTime is the wall time from starting the process to the first tab.
func (b *Browser) LaunchTime() time.Duration { return b.launchTime }

// Origins lists the serialised origins of the pool, sorted.
func (b *Browser) Origins() []string { return b.lab.Origins() }

// Lab is the browser's loopback servers.
func (b *Browser) Lab() *lab.Servers { return b.lab }

// Features lists the features the browser was launched with
// (--enable-features).
func (b *Browser) Features() []string { return slices.Clone(b.opts.EnableFeatures) }

// ListenerAddr returns the loopback address (127.0.0.1:PORT) that stands in
// for origin, or "" when origin is not in the pool.
func (b *Browser) ListenerAddr(origin string) string { return b.lab.Addr(origin) }

// Close stops the browser, removes its profile and stops the servers. It is
// safe to call more than once.
func (b *Browser) Close() error {
	b.closeOnce.Do(func() {
		if b.cancel != nil {
			b.closeErr = chromedp.Cancel(b.ctx)
			b.cancel()
		}
		if b.allocCancel != nil {
			b.allocCancel()
		}
		b.closeServers()
		if b.userData != "" {
			_ = os.RemoveAll(b.userData)
		}
	})
	return b.closeErr
}

func (b *Browser) closeServers() {
	if b.lab != nil {
		b.lab.Close()
	}
}
