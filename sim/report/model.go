package report

import "time"

// Schema identifies the JSON document's schema (docs/json-schema.md). It
// changes only when a field is removed or changes meaning; fields may be
// added within a version.
const Schema = "corsim.report/v1"

// Document is the JSON report: the contract for programs.
type Document struct {
	Schema    string      `json:"schema"`
	Scenarios []*Scenario `json:"scenarios"`
}

// Scenario is one scenario's result.
type Scenario struct {
	Name            string `json:"name"`
	Title           string `json:"title"`
	Spec            string `json:"spec"`
	ConformanceSkip string `json:"conformanceSkip,omitempty"`
	// ConformanceSkipFor holds the per-engine reasons of "conformance
	// skip ENGINE 'reason'", by engine.
	ConformanceSkipFor map[string]string `json:"conformanceSkipFor,omitempty"`
	OK                 bool              `json:"ok"`
	Error              string            `json:"error,omitempty"`
	// Interrupted: the run was stopped (Ctrl-C) before the end; the runs
	// hold what ran, and there is no verdict.
	Interrupted bool          `json:"interrupted,omitempty"`
	Runs        []*ProfileRun `json:"runs"`
}

// ProfileRun is the scenario run under one profile.
type ProfileRun struct {
	Profile  string     `json:"profile"`
	OK       bool       `json:"ok"`
	Failures []*Failure `json:"failures"`
	Steps    []*Step    `json:"steps"`
}

// Failure is an expectation that did not hold.
type Failure struct {
	Line    int    `json:"line"`
	Command string `json:"command"`
	Message string `json:"message"`
}

// Step is one command as it ran.
type Step struct {
	Line    int       `json:"line"`
	Command string    `json:"command"`
	Kind    string    `json:"kind"` // page, server, fetch, advance, expect
	Time    time.Time `json:"time"` // virtual time after the step
	OK      bool      `json:"ok"`
	Failure string    `json:"failure,omitempty"`
	Fetch   *Fetch    `json:"fetch,omitempty"`
}

// Fetch is one fetch: what was asked, what went over the wire, what script
// got and why.
type Fetch struct {
	Request       *Request     `json:"request"`
	Page          Page         `json:"page"`
	Time          time.Time    `json:"time"`
	Outcome       string       `json:"outcome"` // allowed, blocked, network-error, opaque
	Gate          string       `json:"gate"`    // none, cors, mixed-content, local-network-access, response-size, response-headers, corp, request, network
	Preflight     *Preflight   `json:"preflight"`
	Preflights    []*Preflight `json:"preflights"`
	Response      *Response    `json:"response"`
	Error         *Error       `json:"error"`
	Console       []Console    `json:"console"`
	ReachedServer bool         `json:"reachedServer"`
	Wire          []*Exchange  `json:"wire"`
	Trace         []*Event     `json:"trace"`
	URLList       []string     `json:"urlList"`
	Tainted       bool         `json:"tainted"`
	CacheEntries  int          `json:"cacheEntries"`
	Fixes         []*Fix       `json:"fixes"`
	Cookies       []*Cookie    `json:"cookies"`
}

// Cookie is what the browser did with one cookie on one hop
// (explain.CookieNote): sent, withheld, stored, deleted or rejected, with
// the reasons' codes and Chromium DevTools names.
type Cookie struct {
	Hop       int      `json:"hop"`
	Name      string   `json:"name"`
	Outcome   string   `json:"outcome"`
	Partition string   `json:"partition,omitempty"`
	Codes     []string `json:"codes"`
	DevTools  []string `json:"devtools"`
	Spec      string   `json:"spec"`
	Text      string   `json:"text"`
}

// Fix is one way to make a failed fetch work: changes all needed
// together, confirmed by running the fetch again with them (explain.Fix).
type Fix struct {
	Browsers  []string  `json:"browsers"`
	Confirmed bool      `json:"confirmed"`
	Changes   []*Change `json:"changes"`
}

// Change is one change of a fix, on the page's request or on one answer of
// the server (explain.Change).
type Change struct {
	Side       string `json:"side"`               // page, server
	Field      string `json:"field,omitempty"`    // page: credentials, header, upload, mode, redirect
	Response   string `json:"response,omitempty"` // server: preflight, response
	URL        string `json:"url,omitempty"`
	Header     string `json:"header,omitempty"`
	Need       string `json:"need,omitempty"`
	Sent       string `json:"sent,omitempty"`
	WasSent    bool   `json:"wasSent"`
	Status     int    `json:"status,omitempty"`
	SentStatus int    `json:"sentStatus,omitempty"`
	Text       string `json:"text"`
	Spec       string `json:"spec"`
}

// Page is the client the fetch ran in.
type Page struct {
	Origin         string `json:"origin"`
	TopLevelOrigin string `json:"topLevelOrigin"`
}

// Request is the script's request after validation (new Request()).
type Request struct {
	Method          string   `json:"method"`
	URL             string   `json:"url"`
	Headers         []Header `json:"headers"`
	Body            *Body    `json:"body"`
	Mode            string   `json:"mode"`
	Credentials     string   `json:"credentials"`
	Redirect        string   `json:"redirect"`
	Cache           string   `json:"cache"`
	Initiator       string   `json:"initiator"`
	UploadListeners bool     `json:"uploadListeners"`
	DroppedHeaders  []Header `json:"droppedHeaders"`
}

// Body is a request body.
type Body struct {
	Kind string `json:"kind"`
	Data string `json:"data"`
	Type string `json:"type,omitempty"`
}

// Header is one header line.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Preflight tells whether a hop needed a CORS-preflight, why, and what
// happened.
type Preflight struct {
	Hop       int           `json:"hop"`
	Required  bool          `json:"required"`
	Reason    []string      `json:"reason"` // forced, method, header
	Reasons   []*Problem    `json:"reasons"`
	Sent      bool          `json:"sent"`
	FromCache bool          `json:"fromCache"`
	Missing   []string      `json:"missing"`
	Request   *WireRequest  `json:"request"`
	Response  *WireResponse `json:"response"`
	Error     *Problem      `json:"error"`
}

// Problem is a policy.Failure: a stable code, the spec anchor, the value
// at fault and a message for people.
type Problem struct {
	Code    string `json:"code"`
	Spec    string `json:"spec"`
	Subject string `json:"subject"`
	Message string `json:"message"`
}

// Response is what script sees.
type Response struct {
	Type       string   `json:"type"`
	Status     int      `json:"status"`
	StatusText string   `json:"statusText"`
	Headers    []Header `json:"headers"`
	Body       string   `json:"body"`
	URL        string   `json:"url"`
	Redirected bool     `json:"redirected"`
}

// Error is why script got no response.
type Error struct {
	Code        string    `json:"code"`
	Message     string    `json:"message"`
	Spec        string    `json:"spec"`
	Subject     string    `json:"subject"`
	InPreflight bool      `json:"inPreflight"`
	Request     bool      `json:"requestConstruction"`
	JSError     string    `json:"jsError"`
	Console     []Console `json:"console"`
}

// Console is one console line.
type Console struct {
	Level  string `json:"level"`  // error, warning, info
	Source string `json:"source"` // where the browser files it (javascript, network, CORS, security)
	Text   string `json:"text"`
	ID     string `json:"id,omitempty"`   // Chromium CorsError, Firefox security.properties key
	Link   string `json:"link,omitempty"` // "Learn more" page (Firefox: MDN)
}

// Exchange is one request a server got and its answer.
type Exchange struct {
	Hop       int           `json:"hop"`
	Preflight bool          `json:"preflight"`
	Request   *WireRequest  `json:"request"`
	Response  *WireResponse `json:"response"`
	Error     string        `json:"error,omitempty"`
	// NotSent reports that a live server was not sent the request because
	// it could change the server's data (see server.NotSentError).
	NotSent bool `json:"notSent,omitempty"`
	// NoAnswer is why the request got no answer at all ("unreachable",
	// "timeout", "TLS", "broken answer", "server panic", "interrupted"),
	// "" when it got one or was not sent: the outcome of such a fetch says
	// nothing about the server's CORS policy.
	NoAnswer string `json:"noAnswer,omitempty"`
}

// WireRequest is a request as the server receives it.
type WireRequest struct {
	Method      string   `json:"method"`
	URL         string   `json:"url"`
	Headers     []Header `json:"headers"`
	Body        string   `json:"body,omitempty"`
	Credentials bool     `json:"credentials"`
}

// WireResponse is a response as the server sent it.
type WireResponse struct {
	Status     int      `json:"status"`
	StatusText string   `json:"statusText"`
	Headers    []Header `json:"headers"`
	Body       string   `json:"body,omitempty"`
}

// Event is one trace step.
type Event struct {
	Step      string   `json:"step"`
	Spec      string   `json:"spec"`
	Hop       int      `json:"hop"`
	Preflight bool     `json:"preflight"`
	Outcome   string   `json:"outcome"`
	Detail    string   `json:"detail,omitempty"`
	Error     *Problem `json:"error,omitempty"`
}
