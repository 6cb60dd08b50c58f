package firefox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/corsim/corsim/conformance/lab"
)

// Session is one scenario on a Browser: a user context of its own
// (browser.createUserContext: its own cookie jar, HTTP cache and
// preflight cache, which Firefox keys by origin attributes), one tab in it,
// and the scenario's handlers behind the lab's listeners. Only one Session
// per Browser exists at a time; NewSession waits for the previous one to
// Close.
type Session struct {
	b           *Browser
	log         *lab.Log
	userContext string
	tab         string // the tab's browsing context
	target      string // where steps run: the tab, or a frame in it
	page        string

	mu     sync.Mutex
	events []bidiLog // log.entryAdded of this session's contexts
	closed bool
}

// bidiLog is one log.entryAdded event.
type bidiLog struct {
	Type   string `json:"type"`
	Level  string `json:"level"`
	Text   string `json:"text"`
	Source struct {
		Context string `json:"context"`
	} `json:"source"`
}

// NewSession waits until no other session is active on b, then makes a
// fresh user context with one tab and installs handlers (by origin, each
// in b's pool).
func (b *Browser) NewSession(ctx context.Context, handlers map[string]http.Handler) (*Session, error) {
	s := &Session{b: b}
	var err error
	if s.log, err = b.lab.Begin(ctx.Done(), handlers); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	b.active.Store(s)
	var uc struct {
		UserContext string `json:"userContext"`
	}
	if err := b.bidi.call(ctx, "browser.createUserContext", nil, &uc); err != nil {
		s.end()
		return nil, err
	}
	s.userContext = uc.UserContext
	var tab struct {
		Context string `json:"context"`
	}
	if err := b.bidi.call(ctx, "browsingContext.create", map[string]any{"type": "tab", "userContext": s.userContext}, &tab); err != nil {
		s.Close()
		return nil, err
	}
	s.tab, s.target = tab.Context, tab.Context
	// Whatever the console service kept before this session is not its.
	if _, err := b.drainConsole(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Session) onEvent(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var e bidiLog
	if json.Unmarshal(params, &e) != nil {
		return
	}
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
}

// Serve installs h as the handler of origin for the rest of the session
// (nil removes it: the origin then answers 404).
func (s *Session) Serve(origin string, h http.Handler) error { return s.log.Serve(origin, h) }

// Requests returns every server request of the session so far.
func (s *Session) Requests() []lab.Request { return s.log.Requests() }

// navigate shows u in the tab and waits for its load.
func (s *Session) navigate(ctx context.Context, u string) error {
	err := s.b.bidi.call(ctx, "browsingContext.navigate", map[string]any{"context": s.tab, "url": u, "wait": "complete"}, nil)
	if err != nil {
		return fmt.Errorf("firefox: opening %s: %w", u, err)
	}
	s.target, s.page = s.tab, u
	return nil
}

// Open navigates the tab to the blank page of origin; later steps run there.
func (s *Session) Open(ctx context.Context, origin string) error {
	o, err := s.b.lab.Lookup(origin)
	if err != nil {
		return err
	}
	return s.navigate(ctx, o.Serialized+lab.PagePath)
}

// OpenSandboxed navigates the tab to the blank page of origin served with
// "Content-Security-Policy: sandbox allow-scripts" (an opaque origin).
func (s *Session) OpenSandboxed(ctx context.Context, origin string) error {
	o, err := s.b.lab.Lookup(origin)
	if err != nil {
		return err
	}
	return s.navigate(ctx, o.Serialized+lab.PagePath+"?sandbox=1")
}

// OpenFrame navigates the tab to the blank page of top, which embeds the
// blank page of frame in an iframe; later steps run inside the frame.
func (s *Session) OpenFrame(ctx context.Context, top, frame string) error {
	t, err := s.b.lab.Lookup(top)
	if err != nil {
		return err
	}
	f, err := s.b.lab.Lookup(frame)
	if err != nil {
		return err
	}
	frameURL := f.Serialized + lab.PagePath
	if err := s.navigate(ctx, t.Serialized+lab.PagePath+"?frame="+url.QueryEscape(frameURL)); err != nil {
		return err
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		var tree struct {
			Contexts []treeNode `json:"contexts"`
		}
		if err := s.b.bidi.call(ctx, "browsingContext.getTree", map[string]any{"root": s.tab}, &tree); err != nil {
			return err
		}
		for _, top := range tree.Contexts {
			for _, c := range top.Children {
				if c.URL == frameURL {
					// The load event of the frame comes with its parent's,
					// which navigate waited for.
					s.target, s.page = c.Context, frameURL
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("firefox: frame %s did not appear in %s", frameURL, t.Serialized)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

type treeNode struct {
	Context  string     `json:"context"`
	URL      string     `json:"url"`
	Children []treeNode `json:"children"`
}

// Page is the URL of the document the next step runs in ("" before Open).
func (s *Session) Page() string { return s.page }

// Wait lets d of the browser's time pass: d of real time, or, on a fake
// clock (Options.FakeClock), a jump of d that every process of the browser
// sees at once.
func (s *Session) Wait(ctx context.Context, d time.Duration) error {
	return lab.Wait(ctx, s.b.clock, d)
}

// Close closes the tab, removes the user context and frees the browser
// for the next session.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	if s.tab != "" {
		err = s.b.bidi.call(ctx, "browsingContext.close", map[string]any{"context": s.tab}, nil)
	}
	if s.userContext != "" {
		if e := s.b.bidi.call(ctx, "browser.removeUserContext", map[string]any{"userContext": s.userContext}, nil); err == nil {
			err = e
		}
	}
	s.end()
	return err
}

func (s *Session) end() {
	s.b.active.CompareAndSwap(s, nil)
	s.b.lab.End(s.log)
}

// isCORS reports whether a console service category is a
// security.properties CORS key.
func isCORS(category string) bool { return strings.HasPrefix(category, "CORS") }
