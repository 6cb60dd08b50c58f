package browser

import (
	"context"
	"net/http"
	"net/url"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Level is a console message's level.
type Level string

// Console levels.
const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelInfo    Level = "info"
)

// ConsoleMessage is one line a browser's developer console shows.
type ConsoleMessage struct {
	// Level is error or warning.
	Level Level
	// Source is where the browser files the message: for Chromium the
	// DevTools Log.entryAdded source ("javascript", "network"), for Firefox
	// the nsIScriptError category ("CORS"), for WebKit the MessageSource
	// ("security", "javascript", "network").
	Source string
	// Text is the message, exactly as the browser prints it.
	Text string
	// ID is the browser's machine name for the message where it has one:
	// Chromium's CorsError (as in Network.loadingFailed's corsErrorStatus),
	// Firefox's security.properties key; "" otherwise.
	ID string
	// Link is the "Learn more" page the console links to (Firefox: MDN).
	Link string
}

// String renders the message as "source/level: text", the form the
// conformance harness records.
func (m ConsoleMessage) String() string { return m.Source + "/" + string(m.Level) + ": " + m.Text }

// Issue is a DevTools issue (Chromium's Audits/Issues panel): raised
// without a console line, e.g. when "Access-Control-Allow-Headers: *"
// covers Authorization in Chromium 156.
type Issue struct {
	// Kind is the issue type, e.g. "DeprecationIssue".
	Kind string
	// Code is the issue's detail code, e.g. "AuthorizationCoveredByWildcard".
	Code string
	// URL is the request's URL.
	URL string
}

// Outcome is what a page's script sees from one fetch() or XMLHttpRequest,
// plus what the developer tools show.
type Outcome struct {
	// Profile is the Name of the browser's profile.
	Profile string
	// Initiator is fetch, xmlhttprequest or element.
	Initiator fetch.Initiator
	// RequestErr is the failure of building the request (what new
	// Request(), fetch() or XMLHttpRequest open()/send() throw before any
	// network activity); Result is nil then.
	RequestErr *policy.Failure
	// Result is the fetch algorithm's full account: trace, wire log,
	// preflight reports.
	Result *fetch.Result
	// Response is the response script gets (nil when the promise rejects
	// or the XHR errors).
	Response *fetch.Response
	// JSError is the exception script sees: the rejection of fetch()
	// ("TypeError: Failed to fetch" in Chromium, "TypeError:
	// NetworkError when attempting to fetch resource." in Firefox,
	// "TypeError: Load failed" in WebKit) or a synchronous exception from
	// XMLHttpRequest's open()/send(). "" when none. An asynchronous XHR
	// network error throws nothing: see XHR.
	JSError string
	// XHR is the XMLHttpRequest's state after the request ended (nil for
	// fetch()).
	XHR *XHRState
	// Console holds the console lines the browser prints, in order.
	Console []ConsoleMessage
	// Issues holds DevTools issues raised without a console line.
	Issues []Issue
	// StrippedUserinfo is the userinfo (password redacted, "user:xxxxx")
	// XMLHttpRequest open() took from a URL such as
	// https://user:pw@api.example/ and the browser left out of the request
	// (see XHR); "" when none.
	StrippedUserinfo string
}

// StepURLCredentialsStripped is the trace step a page records first when
// an XMLHttpRequest URL carried a username or password that the request
// does not (Detail: the URL as opened, password redacted).
const StepURLCredentialsStripped fetch.Step = "url-credentials-stripped"

// anchorXHROpen is XMLHttpRequest open(), which parses the URL and keeps
// its credentials (unlike new Request(), which throws).
const anchorXHROpen = "https://xhr.spec.whatwg.org/#the-open()-method"

// Blocked reports that script did not get a response.
func (o *Outcome) Blocked() bool { return o.Response == nil }

// Trace returns the fetch trace (nil when the request was never built).
func (o *Outcome) Trace() []fetch.Event {
	if o.Result == nil {
		return nil
	}
	return o.Result.Trace
}

// Wire returns every exchange that reached a server, in order.
func (o *Outcome) Wire() []fetch.Exchange {
	if o.Result == nil {
		return nil
	}
	return o.Result.Wire
}

// XHRState is an XMLHttpRequest after its (asynchronous) send() finished:
// what its attributes read and which events it fired.
// See https://xhr.spec.whatwg.org/.
type XHRState struct {
	// ReadyState is 4 (DONE) once the request ended; 1 (OPENED) when
	// send() threw.
	ReadyState int
	// Status and StatusText: 0 and "" after a network error.
	Status     int
	StatusText string
	// ResponseURL is "" after a network error.
	ResponseURL string
	// ResponseText is the body as text ("" after a network error).
	ResponseText string
	// Headers is what getAllResponseHeaders() exposes.
	Headers policy.HeaderList
	// Events lists the events fired, in order: "loadstart", "readystatechange:N",
	// "progress", "load", "error", "loadend", and "upload.<type>" for the
	// upload object when it has listeners.
	Events []string
}

// CodeNavigateMode is the failure of fetch() called with mode navigate:
// new Request() throws a TypeError for it (fetch.NewRequest accepts the
// mode, to model navigations, so the page rejects it).
const CodeNavigateMode policy.Code = "navigate-mode"

// anchorRequestMode is new Request() step 17: "If mode is "navigate", then
// throw a TypeError."
const anchorRequestMode = "https://fetch.spec.whatwg.org/#dom-request"

// Fetch runs fetch(url, init) in the page (init.URL is replaced by url
// when url is not ""). Mode navigate throws, as new Request() does.
//
// init.Initiator, when not "", says which API makes the request:
// fetch.InitiatorElement is an element's request (<img crossorigin>
// with mode cors, a plain <img> with no-cors), which has no
// unsafe-request flag and so is never preflighted, and which fires an
// error event instead of rejecting (JSError stays ""); it may use mode
// navigate, to model a navigation. fetch.InitiatorXHR is the same as
// calling XHR. The default is fetch().
func (p *Page) Fetch(ctx context.Context, url string, init fetch.RequestInit) *Outcome {
	if url != "" {
		init.URL = url
	}
	if init.Initiator == "" {
		init.Initiator = fetch.InitiatorFetch
	}
	if init.Initiator != fetch.InitiatorXHR {
		init.UploadListeners = false
	}
	if init.Mode == fetch.ModeNavigate && init.Initiator == fetch.InitiatorFetch {
		// Fetch §5.4 new Request() step 17.
		return p.reject(init, &policy.Failure{Code: CodeNavigateMode, Spec: anchorRequestMode, Subject: string(fetch.ModeNavigate),
			Message: "fetch() cannot make a request with mode navigate; only a navigation can"})
	}
	return p.run(ctx, init)
}

// reject is the outcome of a request that could not be built: the
// exception script sees, no network activity.
func (p *Page) reject(init fetch.RequestInit, f *policy.Failure) *Outcome {
	b := p.b
	out := &Outcome{Profile: b.fetcher.Profile.Name, Initiator: init.Initiator, RequestErr: f}
	out.JSError = b.dialect.constructError(init.Initiator, f, init.URL)
	if init.Initiator == fetch.InitiatorXHR {
		out.XHR = &XHRState{ReadyState: 1}
	}
	return out
}

// XHRRequest is what a script sets on an XMLHttpRequest before send().
type XHRRequest struct {
	// Header holds setRequestHeader() calls, in order.
	Header policy.HeaderList
	// Body is send()'s argument (dropped for GET and HEAD).
	Body fetch.Body
	// WithCredentials is the withCredentials attribute: credentials mode
	// include instead of same-origin.
	WithCredentials bool
	// UploadListeners: listeners are registered on xhr.upload, which sets
	// the use-CORS-preflight flag (a preflight even for a simple request).
	UploadListeners bool
}

// XHR runs xhr.open(method, url); xhr.send(body) asynchronously in the page
// and waits for it to end. See https://xhr.spec.whatwg.org/#the-send()-method.
//
// A URL with a username or password (https://user:pw@api.example/x) is
// accepted, as open() accepts it, and the request goes out without the
// userinfo and without an Authorization header made from it: Chromium 156
// does so for same-origin and cross-origin requests alike, with or without
// withCredentials (conformance harness), and responseURL still reads the
// URL as opened when there was no redirect. corsim models no HTTP
// authentication, so every profile does the same (the standard would send
// the credentials as Basic authentication when credentials are included —
// inferred, not modelled).
func (p *Page) XHR(ctx context.Context, method, url string, x XHRRequest) *Outcome {
	init := fetch.RequestInit{
		Method: method, URL: url, Header: x.Header, Body: x.Body,
		Mode: fetch.ModeCORS, Credentials: fetch.CredentialsSameOrigin,
		Initiator: fetch.InitiatorXHR, UploadListeners: x.UploadListeners,
	}
	if x.WithCredentials {
		init.Credentials = fetch.CredentialsInclude
	}
	return p.run(ctx, init)
}

// run builds the request, fetches it and renders what script and the
// console see.
func (p *Page) run(ctx context.Context, init fetch.RequestInit) *Outcome {
	b := p.b
	out := &Outcome{Profile: b.fetcher.Profile.Name, Initiator: init.Initiator}
	var userinfo *url.Userinfo
	opened := init.URL
	if init.Initiator == fetch.InitiatorXHR {
		init.URL, userinfo = stripUserinfo(init.URL)
	}
	if !b.fetcher.Profile.TargetAddressSpaceOption {
		// An engine without the targetAddressSpace member ignores it, as
		// WebIDL ignores an unknown dictionary member.
		init.TargetAddressSpace = ""
	}
	if init.Body.Kind == fetch.BodyFormData && init.Body.Boundary == "" {
		init.Body.Boundary = b.fetcher.Profile.FormBoundary
	}
	req, err := fetch.NewRequest(p.client, init)
	if err != nil {
		return p.reject(init, asFailure(err))
	}
	res := b.fetcher.Fetch(ctx, req)
	if userinfo != nil {
		out.StrippedUserinfo = redactedUserinfo(userinfo)
		detail := opened
		if u, err := policy.ParseURL(opened); err == nil {
			detail = u.Redacted()
		}
		ev := fetch.Event{Step: StepURLCredentialsStripped, Spec: anchorXHROpen, Outcome: fetch.OutcomeSkip, Detail: detail}
		res.Trace = append([]fetch.Event{ev}, res.Trace...)
	}
	out.Result = res
	out.Response = res.Response
	if b.dialect.cookies != nil {
		out.Console = b.dialect.cookies(res)
	}
	if res.Err != nil {
		out.Response = nil
		c := newBlockContext(p, res)
		out.Console = append(out.Console, b.dialect.render(c)...)
		if init.Initiator == fetch.InitiatorFetch {
			out.JSError = b.dialect.typeError
			if res.Err.Code == fetch.CodeAborted {
				out.JSError = b.dialect.abortError
			}
		}
	}
	if w := mixedWarnings(p, res); len(w) > 0 {
		out.Console = append(w, out.Console...)
	}
	if out.Response != nil && b.dialect.respond != nil {
		out.Console = append(out.Console, b.dialect.respond(res)...)
	}
	if hasWarning(res) {
		msgs, issues := b.dialect.warn(p, res)
		out.Console = append(out.Console, msgs...)
		out.Issues = append(out.Issues, issues...)
	}
	if init.Initiator == fetch.InitiatorXHR {
		out.XHR = xhrState(req, res)
		if userinfo != nil && !b.dialect.xhrURLWithoutUserinfo && out.XHR.ResponseURL != "" && len(res.URLList) <= 1 && res.Response.URL != nil {
			// responseURL keeps the userinfo of the URL as opened
			// (Chromium 156, conformance harness).
			u := *res.Response.URL
			u.User = userinfo
			out.XHR.ResponseURL = u.String()
		}
	}
	return out
}

// stripUserinfo returns raw without its username and password, and the
// userinfo it had (nil when none, or when raw does not parse: building the
// request reports that).
func stripUserinfo(raw string) (string, *url.Userinfo) {
	u, err := policy.ParseURL(raw)
	if err != nil || u.User == nil {
		return raw, nil
	}
	info := u.User
	u.User = nil
	return u.String(), info
}

// redactedUserinfo is "user:xxxxx" (or "user" without a password), as
// url.URL.Redacted writes it.
func redactedUserinfo(info *url.Userinfo) string {
	if _, ok := info.Password(); ok {
		return info.Username() + ":xxxxx"
	}
	return info.Username()
}

func hasWarning(res *fetch.Result) bool {
	for i := range res.Trace {
		if s := res.Trace[i].Step; s == fetch.StepWarning || s == fetch.StepReferrerPolicy {
			return true
		}
	}
	return false
}

func asFailure(err error) *policy.Failure {
	if f, ok := err.(*policy.Failure); ok {
		return f
	}
	return &policy.Failure{Code: fetch.CodeInvalidRequest, Message: err.Error()}
}

// xhrState is the XMLHttpRequest after send() and the fetch ended: the
// request error steps on a network error, else the response steps.
// See https://xhr.spec.whatwg.org/#request-error-steps.
func xhrState(req *fetch.Request, res *fetch.Result) *XHRState {
	upload := req.UseCORSPreflight && req.Body.Kind != fetch.BodyNone
	x := &XHRState{ReadyState: 4}
	x.Events = append(x.Events, "loadstart")
	if upload {
		x.Events = append(x.Events, "upload.loadstart")
	}
	if res.Err != nil || res.Response == nil {
		x.Events = append(x.Events, "readystatechange:4")
		if upload {
			x.Events = append(x.Events, "upload.error", "upload.loadend")
		}
		x.Events = append(x.Events, "error", "loadend")
		return x
	}
	if upload {
		x.Events = append(x.Events, "upload.progress", "upload.load", "upload.loadend")
	}
	r := res.Response
	x.Status, x.StatusText = r.Status, r.StatusText
	if x.StatusText == "" && r.Status != 0 {
		x.StatusText = statusText(r.Status)
	}
	if r.URL != nil {
		x.ResponseURL = r.URL.String()
	}
	x.Headers = r.Header
	x.ResponseText = string(r.Body)
	x.Events = append(x.Events, "readystatechange:2")
	if len(r.Body) > 0 {
		x.Events = append(x.Events, "readystatechange:3", "progress")
	}
	x.Events = append(x.Events, "readystatechange:4", "load", "loadend")
	return x
}

// statusText is the standard reason phrase, which WireResponse's empty
// StatusText stands for.
func statusText(code int) string { return http.StatusText(code) }
