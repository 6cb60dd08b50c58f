package chromium

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/corsim/corsim/conformance/lab"
)

// Plan is the server side of one scenario: for each origin (serialised,
// e.g. "http://api.test") the handler that answers its requests. Origins
// without a handler answer 404 (and their requests are still recorded).
type Plan struct {
	Servers map[string]http.Handler
}

// LoadingFailure is one Network.loadingFailed event, with the URL and method
// of the request it belongs to (from Network.requestWillBeSent).
type LoadingFailure struct {
	URL             string
	Method          string
	Type            string // resource type: "Fetch", "XHR", "Preflight", …
	ErrorText       string // e.g. "net::ERR_FAILED"
	Canceled        bool
	BlockedReason   string
	CorsError       string // corsErrorStatus.corsError, e.g. "MissingAllowOriginHeader"
	FailedParameter string // corsErrorStatus.failedParameter
}

type sentRequest struct {
	url, method, typ string
}

// Session is one scenario on a Browser: a fresh browser context (fresh
// preflight cache, HTTP cache and cookie jar), one tab, and the Plan's
// handlers behind the origin listeners. Only one Session per Browser exists
// at a time; NewSession waits for the previous one to Close.
type Session struct {
	b   *Browser
	log *lab.Log

	tabCtx    context.Context
	tabCancel context.CancelFunc
	// evalCtx is the chromedp context steps evaluate in: the tab, or an
	// out-of-process frame's target. contextID selects a same-process
	// frame's main world (0: the target's main frame).
	evalCtx     context.Context
	frameCancel context.CancelFunc
	contextID   runtime.ExecutionContextID
	page        string // URL of the document steps run in

	mu        sync.Mutex
	console   []ConsoleMessage
	failures  []LoadingFailure
	issues    []string
	sent      map[network.RequestID]sentRequest
	frameCtxs map[cdp.FrameID]runtime.ExecutionContextID
	har       harRecorder
	closed    bool
}

// NewSession waits until no other session is active on b, then opens a new
// browser context and tab and installs plan's handlers. Every origin in plan
// must be in b's pool.
func (b *Browser) NewSession(ctx context.Context, plan Plan) (*Session, error) {
	s := &Session{b: b, sent: map[network.RequestID]sentRequest{}, frameCtxs: map[cdp.FrameID]runtime.ExecutionContextID{}}
	var err error
	if s.log, err = b.lab.Begin(ctx.Done(), plan.Servers); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	s.tabCtx, s.tabCancel = chromedp.NewContext(b.ctx,
		chromedp.WithNewBrowserContext(), chromedp.WithListener(s.onEvent))
	s.evalCtx = s.tabCtx
	err = firstRun(ctx, s.tabCtx, func(c context.Context) error {
		if err := chromedp.Do(c); err != nil {
			return err
		}
		_, err := chromedp.Call(c, audits.Enable, cdp.Empty{})
		return err
	})
	if err != nil {
		s.tabCancel()
		b.lab.End(s.log)
		return nil, fmt.Errorf("chromium: new browser context: %w", err)
	}
	return s, nil
}

// Serve installs h as the handler of origin for the rest of the session
// (nil removes it: the origin then answers 404), as a scenario's server
// command does midway. origin must be in the browser's pool.
func (s *Session) Serve(origin string, h http.Handler) error { return s.log.Serve(origin, h) }

// lookup canonicalises origin and checks that it is in the pool.
func (b *Browser) lookup(origin string) (lab.Origin, error) { return b.lab.Lookup(origin) }

// run calls f with a context derived from the session's current evaluation
// context that also ends when ctx does.
func (s *Session) run(ctx context.Context, f func(context.Context) error) error {
	return runIn(ctx, s.evalCtx, f)
}

func runIn(ctx, cdpCtx context.Context, f func(context.Context) error) error {
	c, cancel := context.WithCancel(cdpCtx)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	err := f(c)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// firstRun runs f on cdpCtx itself, not on a derived context, because
// chromedp binds a new tab's (or attachment's) lifetime to the context of
// its first Run. ctx still bounds the wait; on ctx's end the caller must
// cancel cdpCtx, which ends f.
func firstRun(ctx, cdpCtx context.Context, f func(context.Context) error) error {
	done := make(chan error, 1)
	go func() { done <- f(cdpCtx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// onEvent receives the tab's (and an attached frame's) DevTools events in
// arrival order. It runs in chromedp's read loop: it must be quick and send
// no command.
func (s *Session) onEvent(ev any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.har.event(ev)
	switch ev := ev.(type) {
	case *log.EventEntryAdded:
		if e := ev.Entry; e != nil {
			s.console = append(s.console, ConsoleMessage{Source: string(e.Source), Level: string(e.Level), Text: e.Text, URL: e.URL})
		}
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			s.sent[ev.RequestID] = sentRequest{url: ev.Request.URL, method: ev.Request.Method, typ: string(ev.Type)}
		}
	case *network.EventLoadingFailed:
		req := s.sent[ev.RequestID]
		f := LoadingFailure{URL: req.url, Method: req.method, Type: string(ev.Type), ErrorText: ev.ErrorText,
			Canceled: ev.Canceled, BlockedReason: string(ev.BlockedReason)}
		if ev.CorsErrorStatus != nil {
			f.CorsError = string(ev.CorsErrorStatus.CorsError)
			f.FailedParameter = ev.CorsErrorStatus.FailedParameter
		}
		s.failures = append(s.failures, f)
	case *audits.EventIssueAdded:
		if ev.Issue != nil {
			s.issues = append(s.issues, string(ev.Issue.Code))
		}
	case *runtime.EventExecutionContextCreated:
		if ev.Context == nil {
			return
		}
		var aux struct {
			FrameID   cdp.FrameID `json:"frameId"`
			IsDefault bool        `json:"isDefault"`
		}
		if json.Unmarshal(ev.Context.AuxData, &aux) == nil && aux.IsDefault && aux.FrameID != "" {
			s.frameCtxs[aux.FrameID] = ev.Context.ID
		}
	}
}

// Open navigates the tab to the blank page of origin; later steps run there.
func (s *Session) Open(ctx context.Context, origin string) error {
	spec, err := s.b.lookup(origin)
	if err != nil {
		return err
	}
	s.leaveFrame()
	u := spec.Serialized + PagePath
	if err := runIn(ctx, s.tabCtx, func(c context.Context) error { return chromedp.Do(c, chromedp.Navigate(u)) }); err != nil {
		return fmt.Errorf("chromium: opening %s: %w", u, err)
	}
	s.page = u
	return nil
}

// OpenSandboxed navigates the tab to the blank page of origin served with
// "Content-Security-Policy: sandbox allow-scripts": the document's origin
// is opaque, so its requests carry Origin: null; later steps run there.
func (s *Session) OpenSandboxed(ctx context.Context, origin string) error {
	spec, err := s.b.lookup(origin)
	if err != nil {
		return err
	}
	s.leaveFrame()
	u := spec.Serialized + PagePath + "?sandbox=1"
	if err := runIn(ctx, s.tabCtx, func(c context.Context) error { return chromedp.Do(c, chromedp.Navigate(u)) }); err != nil {
		return fmt.Errorf("chromium: opening %s: %w", u, err)
	}
	s.page = u
	return nil
}

// OpenFrame navigates the tab to the blank page of top, which embeds the
// blank page of frame in an iframe; later steps run inside the frame (so its
// requests are partitioned under top's site).
func (s *Session) OpenFrame(ctx context.Context, top, frame string) error {
	topSpec, err := s.b.lookup(top)
	if err != nil {
		return err
	}
	frameSpec, err := s.b.lookup(frame)
	if err != nil {
		return err
	}
	s.leaveFrame()
	frameURL := frameSpec.Serialized + PagePath
	topURL := topSpec.Serialized + PagePath + "?frame=" + url.QueryEscape(frameURL)
	if err := runIn(ctx, s.tabCtx, func(c context.Context) error { return chromedp.Do(c, chromedp.Navigate(topURL)) }); err != nil {
		return fmt.Errorf("chromium: opening %s: %w", topURL, err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		ok, err := s.attachFrame(ctx, frameURL)
		if err != nil {
			return err
		}
		if ok {
			s.page = frameURL
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("chromium: frame %s did not appear in %s", frameURL, topURL)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// attachFrame finds the frame that shows frameURL: a cross-site frame is its
// own target (site isolation), to which a new session is attached; a
// same-site frame lives in the tab's process and is addressed by the
// execution context of its main world.
func (s *Session) attachFrame(ctx context.Context, frameURL string) (bool, error) {
	var infos []*targetInfo
	err := runIn(ctx, s.tabCtx, func(c context.Context) error {
		ts, err := chromedp.Targets(c)
		for _, t := range ts {
			infos = append(infos, &targetInfo{id: t.TargetID, typ: t.Type, url: t.URL, bc: t.BrowserContextID})
		}
		return err
	})
	if err != nil {
		return false, err
	}
	myBC := chromedp.FromContext(s.tabCtx).BrowserContextID
	for _, t := range infos {
		if t.typ == "iframe" && t.url == frameURL && t.bc == myBC {
			fctx, cancel := chromedp.NewContext(s.tabCtx, chromedp.WithTargetID(t.id),
				chromedp.WithDetachOnCancel(), chromedp.WithListener(s.onEvent))
			err := firstRun(ctx, fctx, func(c context.Context) error {
				if err := chromedp.Do(c); err != nil {
					return err
				}
				_, err := chromedp.Call(c, audits.Enable, cdp.Empty{})
				return err
			})
			if err != nil {
				cancel()
				return false, fmt.Errorf("chromium: attaching to frame %s: %w", frameURL, err)
			}
			s.evalCtx, s.frameCancel = fctx, cancel
			return true, nil
		}
	}
	var tree *page.FrameTree
	err = runIn(ctx, s.tabCtx, func(c context.Context) error {
		res, err := chromedp.Call(c, page.GetFrameTree, cdp.Empty{})
		tree = res.FrameTree
		return err
	})
	if err != nil || tree == nil {
		return false, err
	}
	for _, child := range tree.ChildFrames {
		if child.Frame != nil && child.Frame.URL == frameURL {
			s.mu.Lock()
			id, ok := s.frameCtxs[child.Frame.ID]
			s.mu.Unlock()
			if ok {
				s.contextID = id
				return true, nil
			}
		}
	}
	return false, nil
}

type targetInfo struct {
	id  target.ID
	typ string
	url string
	bc  cdp.BrowserContextID
}

// leaveFrame makes steps evaluate in the tab's main frame again.
func (s *Session) leaveFrame() {
	if s.frameCancel != nil {
		s.frameCancel()
		s.frameCancel = nil
	}
	s.evalCtx = s.tabCtx
	s.contextID = 0
}

// Page is the URL of the document the next step runs in ("" before Open).
func (s *Session) Page() string { return s.page }

// Wait lets d of the browser's time pass, e.g. to let a preflight cache
// entry expire: it sleeps for d in real time (returning early with ctx's
// error), or, on a fake clock (Options.FakeClock), moves the browser's
// clocks forward by d at once.
func (s *Session) Wait(ctx context.Context, d time.Duration) error {
	return lab.Wait(ctx, s.b.clock, d)
}

// Requests returns every server request of the session so far, in arrival
// order.
func (s *Session) Requests() []Request { return s.log.Requests() }

// Console returns every console entry of the session so far.
func (s *Session) Console() []ConsoleMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ConsoleMessage(nil), s.console...)
}

// Close disposes of the browser context and frees the browser for the next
// session.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.leaveFrame()
	err := chromedp.Cancel(s.tabCtx)
	s.tabCancel()
	s.b.lab.End(s.log)
	return err
}
