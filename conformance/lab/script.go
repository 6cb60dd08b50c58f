package lab

import (
	"encoding/json"
	"fmt"
	"time"
)

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
	// TargetAddressSpace is fetch()'s targetAddressSpace ("public",
	// "local", "loopback"; Local Network Access), "" for none.
	TargetAddressSpace string
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

// jsBody turns a body spec into the body value, inside the page (where
// `spec` is bound).
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

// FetchFunction is the JavaScript source of an async function of one
// argument (a step spec, as FetchScript encodes it) that makes the fetch
// and returns its outcome as a JSON string (DecodeOutcome reads it). It
// never rejects.
const FetchFunction = `(async (spec) => {
  ` + jsBody + `
  try {
    const init = {};
    for (const k of ["method", "mode", "credentials", "redirect", "cache", "targetAddressSpace", "referrerPolicy"]) if (spec[k]) init[k] = spec[k];
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
})`

// XHRFunction is FetchFunction's counterpart for an asynchronous
// XMLHttpRequest: a function of one spec that returns a promise of the
// outcome as a JSON string (error: the event type instead of load).
const XHRFunction = `((spec) => new Promise((resolve) => {
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
}))`

// Spec is a step's argument as the in-page functions take it (JSON).
type Spec struct {
	URL         string      `json:"url"`
	Method      string      `json:"method,omitempty"`
	Headers     [][2]string `json:"headers"`
	BodyKind    string      `json:"bodyKind"`
	Body        string      `json:"body"`
	BodyType    string      `json:"bodyType"`
	Mode        string      `json:"mode,omitempty"`
	Credentials string      `json:"credentials,omitempty"`
	Redirect    string      `json:"redirect,omitempty"`
	Cache       string      `json:"cache,omitempty"`
	// TargetAddressSpace is fetch()'s targetAddressSpace member.
	TargetAddressSpace string   `json:"targetAddressSpace,omitempty"`
	ReferrerPolicy     string   `json:"referrerPolicy,omitempty"`
	ReadHeaders        []string `json:"readHeaders,omitempty"`
	WithCredentials    bool     `json:"withCredentials,omitempty"`
	UploadListeners    bool     `json:"uploadListeners,omitempty"`
}

func pairs(hs []Header) [][2]string {
	out := make([][2]string, 0, len(hs))
	for _, h := range hs {
		out = append(out, [2]string{h.Name, h.Value})
	}
	return out
}

// FetchSpec is req as the in-page function's argument.
func FetchSpec(req FetchRequest) Spec {
	return Spec{URL: req.URL, Method: req.Method, Headers: pairs(req.Headers), BodyKind: req.BodyKind,
		Body: req.Body, BodyType: req.BodyType, Mode: req.Mode, Credentials: req.Credentials,
		Redirect: req.Redirect, Cache: req.Cache, TargetAddressSpace: req.TargetAddressSpace,
		ReferrerPolicy: req.ReferrerPolicy, ReadHeaders: req.ReadHeaders}
}

// XHRSpec is req as the in-page function's argument.
func XHRSpec(req XHRRequest) Spec {
	return Spec{URL: req.URL, Method: req.Method, Headers: pairs(req.Headers), BodyKind: req.BodyKind,
		Body: req.Body, BodyType: req.BodyType, WithCredentials: req.WithCredentials,
		UploadListeners: req.UploadListeners, ReadHeaders: req.ReadHeaders}
}

// FetchScript is a JavaScript expression that makes req's fetch and
// evaluates to a promise of its outcome as a JSON string: what an engine
// evaluates in the page, awaiting the promise.
func FetchScript(req FetchRequest) (string, error) { return call(FetchFunction, FetchSpec(req)) }

// XHRScript is FetchScript for an XMLHttpRequest.
func XHRScript(req XHRRequest) (string, error) { return call(XHRFunction, XHRSpec(req)) }

func call(fn string, spec Spec) (string, error) {
	arg, err := json.Marshal(spec)
	if err != nil {
		return "", fmt.Errorf("lab: encoding the step: %w", err)
	}
	return fn + "(" + string(arg) + ")", nil
}

// Result is what one fetch or XHR step produced, from both ends: what
// script saw, what the engine's console and developer tools said, and what
// the servers received. Every engine's driver returns this shape.
type Result struct {
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
	// Reads are the ReadHeaders reads, in order (none when the request
	// failed).
	Reads []HeaderRead
	// Console holds the console lines of the step, in order.
	Console []ConsoleMessage
	// Codes are the engine's machine-readable error codes of the step, in
	// order: Chromium's corsErrorStatus.corsError, Firefox's
	// security.properties key; none for an engine without them.
	Codes []string
	// Requests are the server requests that arrived during the step.
	Requests []Request
	// Duration is the wall time of the step in the browser, from sending
	// the script to its result (without any wait for console lines).
	Duration time.Duration
}

// ConsoleMessage is one console line an engine reported.
type ConsoleMessage struct {
	// Source and Level as the engine names them ("javascript"/"error"
	// for Chromium; Firefox: "CORS" for a security.properties CORS line).
	Source string
	Level  string
	Text   string
	URL    string
	// Code is the line's machine code where the engine gives one
	// (Firefox: the security.properties key), "" otherwise.
	Code string
}

// outcome is what the in-page functions return, JSON-encoded.
type outcome struct {
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

// DecodeOutcome reads what FetchFunction or XHRFunction returned into a
// Result's script fields (the rest is the driver's to fill).
func DecodeOutcome(raw string) (*Result, error) {
	var out outcome
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("lab: decoding the step's result %q: %w", raw, err)
	}
	res := &Result{Resolved: out.OK, Error: out.Error, Type: out.Type, Status: out.Status, StatusText: out.StatusText,
		URL: out.URL, Redirected: out.Redirected, Body: out.Body, Reads: out.Reads}
	for _, h := range out.Headers {
		res.Headers = append(res.Headers, Header{Name: h[0], Value: h[1]})
	}
	return res, nil
}
