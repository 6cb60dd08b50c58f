package firefox

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/corsim/corsim/conformance/lab"
)

// stepTimeout bounds a step whose ctx has no deadline, so that a server
// that never answers cannot hang the run.
const stepTimeout = 15 * time.Second

// Console settling. The console service hands a message to its listeners
// asynchronously, on the parent process's main thread, so a CORS line can
// arrive after the promise settled, and after BiDi's log.entryAdded
// reported the same error. A step reads the listener until it has been
// quiet for consoleQuiet after the last message of either source (at most
// consoleGrace); a rejected step that has no line yet waits up to
// consoleGrace for its first; and while log.entryAdded has reported more
// errors than the listener has given, the step waits for them, up to
// consoleMax.
const (
	consoleQuiet = 60 * time.Millisecond
	consoleGrace = 500 * time.Millisecond
	consoleMax   = 3 * time.Second
)

// Result is what one fetch or XHR step produced (lab.Result). Console
// holds, in order, the console service's messages for the page — a CORS
// line has Source "CORS", Level "error" or "warning", and its
// security.properties key as Code (also in Codes) — then the
// log.entryAdded lines the console service did not already give (Source:
// the entry's type, e.g. "javascript").
type Result = lab.Result

// Fetch runs fetch(req.URL, init) in the current page and reports the
// outcome together with the console and server records it caused.
func (s *Session) Fetch(ctx context.Context, req lab.FetchRequest) (*Result, error) {
	expr, err := lab.FetchScript(req)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, expr)
}

// XHR runs an asynchronous XMLHttpRequest in the current page.
func (s *Session) XHR(ctx context.Context, req lab.XHRRequest) (*Result, error) {
	expr, err := lab.XHRScript(req)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, expr)
}

func (s *Session) step(ctx context.Context, expr string) (*Result, error) {
	if s.page == "" {
		return nil, fmt.Errorf("firefox: a step needs a page: call Open first")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, stepTimeout)
		defer cancel()
	}
	// Messages from before the step (the navigation) are not its.
	if _, err := s.b.drainConsole(ctx); err != nil {
		return nil, err
	}
	mark := s.log.Len()
	s.mu.Lock()
	evMark := len(s.events)
	s.mu.Unlock()
	start := time.Now()
	raw, err := s.b.evaluate(ctx, s.target, expr, true)
	dur := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("firefox: running the step: %w", err)
	}
	res, err := lab.DecodeOutcome(raw)
	if err != nil {
		return nil, err
	}
	res.Duration = dur
	entries, err := s.settle(ctx, !res.Resolved, evMark)
	if err != nil {
		return nil, err
	}
	res.Requests = s.log.Since(mark)
	var texts []string
	for _, e := range entries {
		if e.Chrome && !isCORS(e.Category) {
			continue // the browser's own messages
		}
		m := lab.ConsoleMessage{Source: e.Category, Level: "error", Text: e.Text}
		switch {
		case e.Warning:
			m.Level = "warning"
		case e.Info:
			m.Level = "info"
		}
		if isCORS(e.Category) {
			m.Source, m.Code = "CORS", e.Category
			res.Codes = append(res.Codes, e.Category)
		}
		res.Console = append(res.Console, m)
		texts = append(texts, e.Text)
	}
	s.mu.Lock()
	events := slices.Clone(s.events[evMark:])
	s.mu.Unlock()
	for _, e := range events {
		if slices.Contains(texts, e.Text) {
			continue
		}
		res.Console = append(res.Console, lab.ConsoleMessage{Source: e.Type, Level: e.Level, Text: e.Text})
	}
	return res, nil
}

// settle reads the console listener until it is quiet (see consoleQuiet).
// evMark is the length of the session's log.entryAdded record at the start
// of the step.
func (s *Session) settle(ctx context.Context, rejected bool, evMark int) ([]consoleEntry, error) {
	var out []consoleEntry
	start := time.Now()
	last := start
	content, errorEvents, seenEvents := 0, 0, 0
	for {
		got, err := s.b.drainConsole(ctx)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		for _, e := range got {
			if !e.Chrome || isCORS(e.Category) {
				content++
			}
		}
		out = append(out, got...)
		s.mu.Lock()
		events := s.events[evMark:]
		if len(events) > seenEvents {
			seenEvents = len(events)
			errorEvents = 0
			for _, e := range events {
				if e.Level == "error" {
					errorEvents++
				}
			}
			last = now
		}
		s.mu.Unlock()
		if len(got) > 0 {
			last = now
		}
		elapsed := now.Sub(start)
		switch {
		case elapsed >= consoleMax:
			return out, nil
		case content < errorEvents:
			// the listener has yet to give lines BiDi already reported
		case elapsed >= consoleGrace:
			return out, nil
		case len(out) == 0 && rejected:
			// wait for the first line
		case now.Sub(last) >= consoleQuiet:
			return out, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
