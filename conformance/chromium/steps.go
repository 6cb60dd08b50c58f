package chromium

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/corsim/corsim/conformance/lab"
)

// consoleGrace bounds how long a step waits, after a rejection, for the
// console lines and the Network.loadingFailed event that usually (but not
// always) arrive before the promise settles.
const consoleGrace = 500 * time.Millisecond

// stepTimeout bounds a step whose ctx has no deadline, so that a server that
// never answers cannot hang the run.
const stepTimeout = 15 * time.Second

// Result is what one fetch or XHR step produced (lab.Result: Console holds
// the Log.entryAdded entries, Codes the corsErrorStatus.corsError of each
// Network.loadingFailed event that has one), with Chromium's own records:
// Failures, the Network.loadingFailed events, and Issues, the DevTools
// Audits issue codes (e.g. "CorsIssue", "DeprecationIssue").
type Result struct {
	lab.Result
	Failures []LoadingFailure
	Issues   []string
}

// Fetch runs fetch(req.URL, init) in the current page and reports the
// outcome together with the console, network and server records it caused.
func (s *Session) Fetch(ctx context.Context, req FetchRequest) (*Result, error) {
	expr, err := lab.FetchScript(req)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, expr)
}

// XHR runs an asynchronous XMLHttpRequest in the current page.
func (s *Session) XHR(ctx context.Context, req XHRRequest) (*Result, error) {
	expr, err := lab.XHRScript(req)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, expr)
}

// marks are the lengths of the session's logs at the start of a step.
type marks struct{ requests, console, failures, issues, sent int }

func (s *Session) mark() marks {
	s.mu.Lock()
	defer s.mu.Unlock()
	return marks{s.log.Len(), len(s.console), len(s.failures), len(s.issues), len(s.sent)}
}

func (s *Session) step(ctx context.Context, expr string) (*Result, error) {
	if s.page == "" {
		return nil, fmt.Errorf("chromium: a step needs a page: call Open first")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, stepTimeout)
		defer cancel()
	}
	m := s.mark()
	start := time.Now()
	var raw string
	err := s.run(ctx, func(c context.Context) error {
		var err error
		raw, err = chromedp.Run(c, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise, func(p *runtime.EvaluateParams) {
			p.ContextID = s.contextID
		}))
		return err
	})
	dur := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("chromium: running the step: %w", err)
	}
	out, err := lab.DecodeOutcome(raw)
	if err != nil {
		return nil, err
	}
	if !out.Resolved {
		s.settle(ctx, m)
	}
	res := &Result{Result: *out}
	res.Duration = dur
	if len(out.Reads) > 0 {
		// A read's console line comes as an event after the script returns.
		s.settle(ctx, m)
	}
	res.Requests = s.log.Since(m.requests)
	s.mu.Lock()
	res.Console = append(res.Console, s.console[m.console:]...)
	res.Failures = append(res.Failures, s.failures[m.failures:]...)
	res.Issues = append(res.Issues, s.issues[m.issues:]...)
	s.mu.Unlock()
	for _, f := range res.Failures {
		if f.CorsError != "" {
			res.Codes = append(res.Codes, f.CorsError)
		}
	}
	return res, nil
}

// settle waits (at most consoleGrace) after a rejection until the browser
// has reported the failure on both channels: a Network.loadingFailed event
// and a network-source console line. If the step sent no request at all
// (e.g. a TypeError thrown before fetching), it does not wait.
func (s *Session) settle(ctx context.Context, m marks) {
	deadline := time.Now().Add(consoleGrace)
	for {
		s.mu.Lock()
		sent := len(s.sent) > m.sent
		failed := len(s.failures) > m.failures
		netLine := false
		for _, c := range s.console[m.console:] {
			if c.Source == "network" {
				netLine = true
			}
		}
		s.mu.Unlock()
		if !sent || (failed && netLine) || time.Now().After(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}
