package chromium

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// consoleGrace bounds how long a step waits, after a rejection, for the
// console lines and the Network.loadingFailed event that usually (but not
// always) arrive before the promise settles.
const consoleGrace = 500 * time.Millisecond

// stepTimeout bounds a step whose ctx has no deadline, so that a server that
// never answers cannot hang the run.
const stepTimeout = 15 * time.Second

// Header is one request or response header, in order.
type Header struct {
	Name, Value string
}

// Body kinds for FetchRequest.BodyKind and XHRRequest.BodyKind.
const (
	BodyNone        = ""                // no body
	BodyText        = "text"            // a string; fetch sets text/plain;charset=UTF-8 unless a Content-Type is given
	BodyURLEncoded  = "urlsearchparams" // new URLSearchParams(data): application/x-www-form-urlencoded;charset=UTF-8
	BodyBlob        = "blob"            // new Blob([data], {type: BodyType}): BodyType becomes the Content-Type
	BodyFormData    = "formdata"        // FormData built from data parsed as a query string: multipart/form-data
	BodyArrayBuffer = "bytes"           // the UTF-8 bytes of data as a Uint8Array: no Content-Type
)

// FetchRequest is the argument of one fetch() call. Empty fields are left out
// of the RequestInit, so the browser's defaults apply.
type FetchRequest struct {
	URL         string
	Method      string
	Headers     []Header
	BodyKind    string // one of the Body* constants
	Body        string
	BodyType    string // the Blob's type, for BodyBlob
	Mode        string // "cors", "no-cors", "same-origin"
	Credentials string // "omit", "same-origin", "include"
	Redirect    string // "follow", "error", "manual"
	Cache       string // "default", "no-store", "reload", …
	// ReferrerPolicy is RequestInit's referrerPolicy ("" for none).
	ReferrerPolicy string
	// ReadHeaders are response header names script reads with
	// response.headers.get after the response arrived.
	ReadHeaders []string
}

// XHRRequest is one asynchronous XMLHttpRequest.
type XHRRequest struct {
	URL             string
	Method          string // default GET
	Headers         []Header
	BodyKind        string
	Body            string
	BodyType        string
	WithCredentials bool
	// UploadListeners registers a listener on xhr.upload before send(),
	// which sets the use-CORS-preflight flag.
	UploadListeners bool
	// ReadHeaders are response header names script reads with
	// getResponseHeader in the load handler.
	ReadHeaders []string
}

// Result is what one fetch or XHR step produced, from both ends.
type Result struct {
	// Reads are the ReadHeaders reads, in order (none when the request
	// failed).
	Reads []HeaderRead
	// Resolved is true when the promise resolved (XHR: the load event
	// fired); Error is the rejection as String(e) — "TypeError: Failed to
	// fetch" — or, for XHR, "error" / "abort" / "timeout" (the event type),
	// or a thrown exception's text.
	Resolved bool
	Error    string
	// Response, when resolved. Type is response.type ("" for XHR).
	// Headers are what JavaScript can read, lower-cased names, in the order
	// response.headers iterates them (XHR: getAllResponseHeaders order).
	Type       string
	Status     int
	StatusText string
	URL        string
	Redirected bool
	Headers    []Header
	Body       string
	// Console holds the Log.entryAdded entries during the step;
	// Failures the Network.loadingFailed events; Issues the DevTools
	// Audits issue codes (e.g. "CorsIssue", "DeprecationIssue").
	Console  []ConsoleMessage
	Failures []LoadingFailure
	Issues   []string
	// Requests are the server requests that arrived during the step.
	Requests []Request
	// Duration is the wall time of the step in the browser, from sending
	// the script to its result (without the console grace wait).
	Duration time.Duration
}

// jsOutcome is what the in-page scripts return, JSON-encoded.
type jsOutcome struct {
	OK         bool         `json:"ok"`
	Error      string       `json:"error"`
	Type       string       `json:"type"`
	Status     int          `json:"status"`
	StatusText string       `json:"statusText"`
	URL        string       `json:"url"`
	Redirected bool         `json:"redirected"`
	Headers    [][2]string  `json:"headers"`
	Body       string       `json:"body"`
	Reads      []HeaderRead `json:"reads"`
}

// HeaderRead is one response header script read: its value, or null.
type HeaderRead struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Null  bool   `json:"null"`
}

// jsBody turns a body spec into a JS expression evaluated inside the page
// (where `spec` is bound).
const jsBody = `function corsimBody(spec) {
  switch (spec.bodyKind) {
  case "": return undefined;
  case "text": return spec.body;
  case "urlsearchparams": return new URLSearchParams(spec.body);
  case "blob": return new Blob([spec.body], {type: spec.bodyType});
  case "formdata": { const f = new FormData(); for (const [k, v] of new URLSearchParams(spec.body)) f.append(k, v); return f; }
  case "bytes": return new TextEncoder().encode(spec.body);
  }
  throw new Error("corsim: unknown body kind " + spec.bodyKind);
}`

const jsFetch = `(async (spec) => {
  ` + jsBody + `
  try {
    const init = {};
    for (const k of ["method", "mode", "credentials", "redirect", "cache", "referrerPolicy"]) if (spec[k]) init[k] = spec[k];
    if (spec.headers && spec.headers.length) init.headers = spec.headers;
    const body = corsimBody(spec);
    if (body !== undefined) init.body = body;
    const r = await fetch(spec.url, init);
    const headers = [];
    for (const [k, v] of r.headers) headers.push([k, v]);
    let text = "";
    try { text = await r.text(); } catch (e) { text = ""; }
    const reads = (spec.readHeaders || []).map((n) => { const v = r.headers.get(n); return {name: n, value: v ?? "", null: v === null}; });
    return JSON.stringify({ok: true, type: r.type, status: r.status, statusText: r.statusText, url: r.url, redirected: r.redirected, headers, body: text, reads});
  } catch (e) {
    return JSON.stringify({ok: false, error: String(e)});
  }
})(%s)`

const jsXHR = `new Promise((resolve) => {
  const spec = %s;
  ` + jsBody + `
  try {
    const x = new XMLHttpRequest();
    x.open(spec.method || "GET", spec.url, true);
    for (const [k, v] of (spec.headers || [])) x.setRequestHeader(k, v);
    x.withCredentials = !!spec.withCredentials;
    if (spec.uploadListeners) x.upload.addEventListener("progress", () => {});
    x.onload = () => {
      const headers = [];
      for (const line of x.getAllResponseHeaders().split("\r\n")) {
        const i = line.indexOf(": ");
        if (i > 0) headers.push([line.slice(0, i), line.slice(i + 2)]);
      }
      const reads = (spec.readHeaders || []).map((n) => { const v = x.getResponseHeader(n); return {name: n, value: v ?? "", null: v === null}; });
      resolve(JSON.stringify({ok: true, type: "", status: x.status, statusText: x.statusText, url: x.responseURL, redirected: false, headers, body: x.responseText, reads}));
    };
    for (const t of ["error", "abort", "timeout"]) x.addEventListener(t, () => resolve(JSON.stringify({ok: false, error: t})));
    x.send(corsimBody(spec) ?? null);
  } catch (e) {
    resolve(JSON.stringify({ok: false, error: String(e)}));
  }
})`

type jsSpec struct {
	URL             string      `json:"url"`
	Method          string      `json:"method,omitempty"`
	Headers         [][2]string `json:"headers"`
	BodyKind        string      `json:"bodyKind"`
	Body            string      `json:"body"`
	BodyType        string      `json:"bodyType"`
	Mode            string      `json:"mode,omitempty"`
	Credentials     string      `json:"credentials,omitempty"`
	Redirect        string      `json:"redirect,omitempty"`
	Cache           string      `json:"cache,omitempty"`
	ReferrerPolicy  string      `json:"referrerPolicy,omitempty"`
	ReadHeaders     []string    `json:"readHeaders,omitempty"`
	WithCredentials bool        `json:"withCredentials,omitempty"`
	UploadListeners bool        `json:"uploadListeners,omitempty"`
}

func pairs(hs []Header) [][2]string {
	out := make([][2]string, 0, len(hs))
	for _, h := range hs {
		out = append(out, [2]string{h.Name, h.Value})
	}
	return out
}

// Fetch runs fetch(req.URL, init) in the current page and reports the
// outcome together with the console, network and server records it caused.
func (s *Session) Fetch(ctx context.Context, req FetchRequest) (*Result, error) {
	spec := jsSpec{URL: req.URL, Method: req.Method, Headers: pairs(req.Headers), BodyKind: req.BodyKind,
		Body: req.Body, BodyType: req.BodyType, Mode: req.Mode, Credentials: req.Credentials,
		Redirect: req.Redirect, Cache: req.Cache, ReferrerPolicy: req.ReferrerPolicy, ReadHeaders: req.ReadHeaders}
	return s.step(ctx, jsFetch, spec)
}

// XHR runs an asynchronous XMLHttpRequest in the current page.
func (s *Session) XHR(ctx context.Context, req XHRRequest) (*Result, error) {
	spec := jsSpec{URL: req.URL, Method: req.Method, Headers: pairs(req.Headers), BodyKind: req.BodyKind,
		Body: req.Body, BodyType: req.BodyType, WithCredentials: req.WithCredentials,
		UploadListeners: req.UploadListeners, ReadHeaders: req.ReadHeaders}
	return s.step(ctx, jsXHR, spec)
}

// marks are the lengths of the session's logs at the start of a step.
type marks struct{ requests, console, failures, issues, sent int }

func (s *Session) mark() marks {
	s.mu.Lock()
	defer s.mu.Unlock()
	return marks{len(s.requests), len(s.console), len(s.failures), len(s.issues), len(s.sent)}
}

func (s *Session) step(ctx context.Context, script string, spec jsSpec) (*Result, error) {
	if s.page == "" {
		return nil, fmt.Errorf("chromium: a step needs a page: call Open first")
	}
	arg, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("chromium: encoding the step: %w", err)
	}
	expr := fmt.Sprintf(script, arg)
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, stepTimeout)
		defer cancel()
	}
	m := s.mark()
	start := time.Now()
	var raw string
	err = s.run(ctx, func(c context.Context) error {
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
	var out jsOutcome
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("chromium: decoding the step's result %q: %w", raw, err)
	}
	if !out.OK {
		s.settle(ctx, m)
	}
	res := &Result{Resolved: out.OK, Error: out.Error, Type: out.Type, Status: out.Status, StatusText: out.StatusText,
		URL: out.URL, Redirected: out.Redirected, Body: out.Body, Duration: dur}
	for _, h := range out.Headers {
		res.Headers = append(res.Headers, Header{Name: h[0], Value: h[1]})
	}
	res.Reads = out.Reads
	if len(out.Reads) > 0 {
		// A read's console line comes as an event after the script returns.
		s.settle(ctx, m)
	}
	s.mu.Lock()
	res.Requests = append(res.Requests, s.requests[m.requests:]...)
	res.Console = append(res.Console, s.console[m.console:]...)
	res.Failures = append(res.Failures, s.failures[m.failures:]...)
	res.Issues = append(res.Issues, s.issues[m.issues:]...)
	s.mu.Unlock()
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
