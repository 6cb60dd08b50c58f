package firefox

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/corsim/corsim/conformance/lab"
)

// DefaultBinary is where Debian's firefox-esr package installs the browser.
const DefaultBinary = "/usr/lib/firefox-esr/firefox-esr"

// BinaryEnv names the environment variable that overrides DefaultBinary.
const BinaryEnv = "CORSIM_FIREFOX"

// ErrNoBrowser is returned (wrapped) by Launch when no Firefox binary is
// installed at the configured path.
var ErrNoBrowser = errors.New("firefox: no browser binary")

// ErrUnknownOrigin is returned (wrapped) when a step names an origin that
// the browser was not launched with.
var ErrUnknownOrigin = lab.ErrUnknownOrigin

// Options configures Launch.
type Options struct {
	// Binary is the browser executable; empty means $CORSIM_FIREFOX, then
	// DefaultBinary.
	Binary string
	// Origins is every origin that any session on this browser will use
	// ("https://api.test", "http://api.test:8080"): the lab's pool.
	Origins []string
	// FakeClock runs the browser with its clocks (wall and monotonic) at
	// the real ones plus an offset that Session.Wait moves forward: the
	// browser sees the wait pass at once (lab.FakeClock; needs a C
	// compiler, see lab.CanFakeClock).
	FakeClock bool
	// Output, if set, receives the browser's stdout and stderr.
	Output io.Writer
}

// Browser is one running headless Firefox plus the lab whose proxy it
// uses for every URL. Sessions on it run one at a time, each in a user
// context of its own.
type Browser struct {
	opts    Options
	binary  string
	version string
	lab     *lab.Servers
	profile string
	cmd     *exec.Cmd
	exited  chan struct{}
	bidi    *bidi
	chrome  string // a chrome-scope browsing context, for the console listener
	active  atomic.Pointer[Session]

	clock *lab.FakeClock // nil unless Options.FakeClock

	launchTime time.Duration
	closeOnce  sync.Once
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
		return "", fmt.Errorf("%w at %s (install Debian's firefox-esr: apt-get install -y firefox-esr, or set %s)", ErrNoBrowser, path, BinaryEnv)
	}
	return path, nil
}

// listening is the line Firefox prints on stderr once its Remote Agent
// accepts WebDriver BiDi connections.
var listening = regexp.MustCompile(`WebDriver BiDi listening on (ws://[0-9.:]+)`)

// Launch starts the lab for opts.Origins and a headless Firefox with a
// fresh profile that reaches exactly those origins through the lab's
// proxy, trusts the lab's test authority, and reports its console through
// the console service listener. The browser lives until Close.
func Launch(ctx context.Context, opts Options) (*Browser, error) {
	bin, err := FindBinary(opts)
	if err != nil {
		return nil, err
	}
	b := &Browser{opts: opts, binary: bin, exited: make(chan struct{})}
	if b.lab, err = lab.Start(opts.Origins); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := b.start(ctx); err != nil {
		b.Close()
		return nil, err
	}
	b.launchTime = time.Since(start)
	return b, nil
}

func (b *Browser) start(ctx context.Context) error {
	var err error
	if b.profile, err = os.MkdirTemp("", "corsim-firefox-"); err != nil {
		return fmt.Errorf("firefox: profile: %w", err)
	}
	host, portStr, _ := net.SplitHostPort(b.lab.ProxyAddr())
	port, _ := strconv.Atoi(portStr)
	if err := os.WriteFile(filepath.Join(b.profile, "user.js"), []byte(prefs(host, port, b.lab.Hosts())), 0o600); err != nil {
		return fmt.Errorf("firefox: profile: %w", err)
	}
	b.cmd = exec.Command(b.binary, "--headless", "--no-remote", "--profile", b.profile,
		"--remote-debugging-port=0", "--remote-allow-system-access")
	b.cmd.Env = append(os.Environ(),
		"MOZ_REMOTE_SETTINGS_DEVTOOLS=1", // honour services.settings.server
		"MOZ_CRASHREPORTER_DISABLE=1",
		"MOZ_HEADLESS=1",
	)
	if b.opts.FakeClock {
		if b.clock, err = lab.NewFakeClock(b.profile); err != nil {
			return err
		}
		b.cmd.Env = append(b.cmd.Env, b.clock.Env()...)
	}
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := b.cmd.StderrPipe()
	if err != nil {
		return err
	}
	if b.opts.Output != nil {
		b.cmd.Stdout = b.opts.Output
	}
	if err := b.cmd.Start(); err != nil {
		return fmt.Errorf("firefox: starting %s: %w", b.binary, err)
	}
	go func() { _ = b.cmd.Wait(); close(b.exited) }()
	wsURL := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if b.opts.Output != nil {
				fmt.Fprintln(b.opts.Output, line)
			}
			if m := listening.FindStringSubmatch(line); m != nil && !sent {
				wsURL <- m[1]
				sent = true
			}
		}
	}()
	var base string
	wait, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	select {
	case base = <-wsURL:
	case <-b.exited:
		return fmt.Errorf("firefox: %s exited before its Remote Agent listened", b.binary)
	case <-wait.Done():
		return fmt.Errorf("firefox: waiting for the Remote Agent: %w", wait.Err())
	}
	if b.bidi, err = dialBiDi(wait, base+"/session", b.onEvent); err != nil {
		return err
	}
	var created struct {
		Capabilities struct {
			BrowserName    string `json:"browserName"`
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := b.bidi.call(wait, "session.new", map[string]any{"capabilities": map[string]any{}}, &created); err != nil {
		return err
	}
	b.version = created.Capabilities.BrowserVersion
	if !strings.Contains(b.version, "esr") && strings.Contains(b.binary, "esr") {
		b.version += "esr"
	}
	if err := b.bidi.call(wait, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		return err
	}
	return b.setUpChrome(wait)
}

// onEvent routes BiDi events to the active session.
func (b *Browser) onEvent(method string, params json.RawMessage) {
	if s := b.active.Load(); s != nil {
		s.onEvent(method, params)
	}
}

// Version is the browser's version, e.g. "153.8.0esr".
func (b *Browser) Version() string { return b.version }

// LaunchTime is the wall time from starting the process to a ready
// WebDriver BiDi session with the console listener installed.
func (b *Browser) LaunchTime() time.Duration { return b.launchTime }

// Lab is the browser's loopback servers and proxy.
func (b *Browser) Lab() *lab.Servers { return b.lab }

// Close ends the BiDi session, stops the browser (its process group, by
// the id of the process Launch started), removes its profile and stops the
// lab. It is safe to call more than once.
func (b *Browser) Close() error {
	b.closeOnce.Do(func() {
		if b.bidi != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = b.bidi.call(ctx, "browser.close", nil, nil)
			cancel()
			b.bidi.close()
		}
		if b.cmd != nil && b.cmd.Process != nil {
			select {
			case <-b.exited:
			case <-time.After(5 * time.Second):
				_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
				<-b.exited
			}
		}
		if b.profile != "" {
			_ = os.RemoveAll(b.profile)
		}
		if b.lab != nil {
			b.lab.Close()
		}
	})
	return nil
}
