package webkit

import (
	"context"
	"fmt"
	"time"
)

// Session is one scenario in WebDriver classic: one MiniBrowser, started
// by the driver with --automation and the proxy, whose website data store
// is ephemeral (nothing shared with another session). Steps are scripts
// that evaluate to a promise of a string.
type Session struct {
	b  *Browser
	wd *wdSession
}

// NewSession waits until no other session is open on b, then starts a
// MiniBrowser for the next scenario.
func (b *Browser) NewSession(ctx context.Context) (*Session, error) {
	select {
	case b.sessions <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	args := []string{"--automation", "--proxy=http://" + b.proxy.Addr()}
	// Script and page-load timeouts run on the browser's clock: 20 s of
	// real time, and under a scaled clock at least an hour of the
	// browser's (a step may wait in the page for the clock to pass a
	// max-age).
	timeout := 20000 * max(b.opts.ClockRate, 1)
	if b.opts.ClockRate > 1 {
		timeout = max(timeout, 3600*1000)
	}
	wd, err := b.wd.newSession(ctx, b.miniBrowser, args, timeout)
	if err != nil {
		<-b.sessions
		return nil, fmt.Errorf("webkit: new session: %w", err)
	}
	if b.version == "" {
		b.version = wd.version
	}
	return &Session{b: b, wd: wd}, nil
}

// Open loads url (a page of a lab origin) in the session's window; later
// steps run in it.
func (s *Session) Open(ctx context.Context, url string) error {
	err := s.wd.navigate(ctx, url)
	// Under a scaled clock the first navigation of a fresh MiniBrowser
	// sometimes fails with an empty "unknown error" (its processes'
	// start-up outlives a timeout of the fast clock); once more, then
	// give up.
	for try := 0; err != nil && s.b.opts.ClockRate > 1 && try < 2 && ctx.Err() == nil; try++ {
		err = s.wd.navigate(ctx, url)
	}
	if err != nil {
		return fmt.Errorf("webkit: opening %s: %w", url, err)
	}
	return nil
}

// OpenFrame loads url, a page that embeds another in an iframe, and makes
// later steps run inside the iframe.
func (s *Session) OpenFrame(ctx context.Context, url string) error {
	if err := s.Open(ctx, url); err != nil {
		return err
	}
	if err := s.wd.switchToFrame(ctx); err != nil {
		return fmt.Errorf("webkit: entering the frame of %s: %w", url, err)
	}
	return nil
}

// jsRun evaluates arguments[0], an expression whose value is a string or a
// promise of one, and hands the string to the driver; a throw or a
// rejection becomes the harness's failure record.
const jsRun = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (0, eval)(arguments[0])).then(
  (v) => done(String(v)),
  (e) => done(JSON.stringify({ok: false, error: String(e)})));`

// Eval runs expr in the current document (or frame) and returns the string
// it evaluates to, with the wall time of the round trip.
func (s *Session) Eval(ctx context.Context, expr string) (string, time.Duration, error) {
	start := time.Now()
	var out string
	err := s.wd.executeAsync(ctx, jsRun, []any{expr}, &out)
	d := time.Since(start)
	if err != nil {
		return "", d, fmt.Errorf("webkit: running a step: %w", err)
	}
	return out, d, nil
}

// Close ends the session: the driver stops its MiniBrowser.
func (s *Session) Close() error {
	if s.wd == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.wd.close(ctx)
	s.wd = nil
	<-s.b.sessions
	return err
}
