package webkit

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Default paths of Debian's webkit2gtk-driver, libwebkit2gtk-4.1-0, xvfb
// and libfaketime packages.
const (
	DefaultDriver      = "/usr/bin/WebKitWebDriver"
	DefaultMiniBrowser = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
	DefaultXvfb        = "/usr/bin/Xvfb"
	DefaultFaketime    = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
)

// ErrNoBrowser is returned (wrapped) when WebKitWebDriver, MiniBrowser or
// Xvfb is not installed.
var ErrNoBrowser = errors.New("webkit: no browser")

// InstallHint is the command that installs what the harness needs.
const InstallHint = "apt-get install -y webkit2gtk-driver xvfb xauth"

// Options configures Launch.
type Options struct {
	// Routes maps each lab authority ("api.test:443") to the loopback
	// address of its server; the proxy answers these and nothing else.
	Routes map[string]string
	// Cert is the certificate the proxy presents for https authorities.
	Cert tls.Certificate
	// ClockRate, when above 1, runs MiniBrowser and its web and network
	// processes under libfaketime with their clocks (wall and monotonic)
	// running ClockRate times faster than real time, so that a long
	// max-age can be observed in a short wait. The driver and Xvfb keep
	// real time.
	ClockRate int
}

// Browser is an Xvfb display, a WebKitWebDriver and the harness's proxy:
// each Session is one MiniBrowser that the driver starts with a fresh,
// ephemeral website data store (a fresh preflight cache, HTTP cache and
// cookie jar).
type Browser struct {
	opts    Options
	display *display
	driver  *exec.Cmd
	wd      *wdClient
	proxy   *Proxy
	version string
	// miniBrowser is the binary sessions start: MiniBrowser itself, or a
	// wrapper script that starts it under libfaketime.
	miniBrowser string
	tmp         string

	sessions  chan struct{} // one session at a time
	closeOnce sync.Once
}

// FindBinaries reports whether the driver, MiniBrowser and Xvfb are
// installed, with an error wrapping ErrNoBrowser naming the first missing
// one.
func FindBinaries() error {
	for _, p := range []string{DefaultDriver, DefaultMiniBrowser, DefaultXvfb} {
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return fmt.Errorf("%w: %s is missing (install: %s)", ErrNoBrowser, p, InstallHint)
		}
	}
	return nil
}

// Launch starts Xvfb, the proxy and WebKitWebDriver. The first session
// tells the browser's version.
func Launch(ctx context.Context, opts Options) (*Browser, error) {
	if err := FindBinaries(); err != nil {
		return nil, err
	}
	b := &Browser{opts: opts, sessions: make(chan struct{}, 1), miniBrowser: DefaultMiniBrowser}
	var err error
	if b.tmp, err = os.MkdirTemp("", "corsim-webkit-"); err != nil {
		return nil, fmt.Errorf("webkit: %w", err)
	}
	if opts.ClockRate > 1 {
		if b.miniBrowser, err = faketimeWrapper(b.tmp, opts.ClockRate); err != nil {
			b.Close()
			return nil, err
		}
	}
	if b.display, err = startXvfb(DefaultXvfb); err != nil {
		return nil, err
	}
	if b.proxy, err = StartProxy(opts.Routes, opts.Cert); err != nil {
		b.Close()
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		b.Close()
		return nil, err
	}
	b.driver = exec.Command(DefaultDriver, "--host=127.0.0.1", "--port="+strconv.Itoa(port))
	b.driver.Env = b.env(false)
	b.driver.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := b.driver.Start(); err != nil {
		b.Close()
		return nil, fmt.Errorf("webkit: starting %s: %w", DefaultDriver, err)
	}
	b.wd = newWDClient("127.0.0.1:" + strconv.Itoa(port))
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := b.wd.ready(rctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// env is the environment of the driver (and so of the MiniBrowser it
// starts) and, with faked, of a page-driven MiniBrowser: the display, no
// proxy variables, a home of the browser's own, and libfaketime when
// ClockRate > 1.
func (b *Browser) env(faked bool) []string {
	env := []string{"DISPLAY=" + b.display.name, "HOME=" + b.tmp, "PATH=/usr/bin:/bin",
		"NO_AT_BRIDGE=1", "GTK_A11Y=none"}
	if faked && b.opts.ClockRate > 1 {
		env = append(env, faketimeEnv(b.opts.ClockRate)...)
	}
	return env
}

// faketimeEnv runs a process and its children with their clocks rate times
// faster: libfaketime's "+0 xRATE" speeds up both CLOCK_REALTIME and
// CLOCK_MONOTONIC, which WebKit's MonotonicTime (the preflight cache's
// expiry) reads. WebKitWebDriver itself must not run under it (GLib then
// aborts: "GLib requires working CLOCK_MONOTONIC", observed), hence the
// wrapper for driver-started sessions.
func faketimeEnv(rate int) []string {
	return []string{"LD_PRELOAD=" + DefaultFaketime, "FAKETIME=+0 x" + strconv.Itoa(rate)}
}

// faketimeWrapper writes a script that starts MiniBrowser under
// libfaketime, for the driver to start as the session's browser.
func faketimeWrapper(dir string, rate int) (string, error) {
	if _, err := os.Stat(DefaultFaketime); err != nil {
		return "", fmt.Errorf("%w: %s is missing (install: apt-get install -y libfaketime)", ErrNoBrowser, DefaultFaketime)
	}
	path := dir + "/MiniBrowser-faketime"
	script := "#!/bin/sh\nexport " + strings.Join(faketimeEnv(rate), " ") + "\nexec " + DefaultMiniBrowser + " \"$@\"\n"
	script = strings.Replace(script, "FAKETIME=+0 x", "FAKETIME='+0 x", 1)
	script = strings.Replace(script, "\nexec", "'\nexec", 1)
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		return "", fmt.Errorf("webkit: %w", err)
	}
	return path, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("webkit: finding a port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Version is MiniBrowser's WebKitGTK version ("2.50.6"), known after the
// first session.
func (b *Browser) Version() string { return b.version }

// Proxy is the harness's proxy in front of the lab.
func (b *Browser) Proxy() *Proxy { return b.proxy }

// Close ends the driver, the proxy and Xvfb, each by its process id.
func (b *Browser) Close() error {
	b.closeOnce.Do(func() {
		if b.driver != nil && b.driver.Process != nil {
			stop(b.driver)
		}
		if b.proxy != nil {
			_ = b.proxy.Close()
		}
		b.display.close()
		if b.tmp != "" {
			_ = os.RemoveAll(b.tmp)
		}
	})
	return nil
}

// Every process the package starts gets its own process group (so that
// stop reaches its children) and SIGTERM when the test process dies
// (Pdeathsig), so that a test binary killed by its timeout leaves no
// browser behind.

// stop ends a process started with its own process group: SIGTERM to the
// group (the driver's MiniBrowser and its web and network processes are in
// it), then SIGKILL after 3 s, and reaps it.
func stop(cmd *exec.Cmd) {
	pid := cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-done
	}
}
