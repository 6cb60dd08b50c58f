package chromium

import "github.com/corsim/corsim/conformance/lab"

// PagePath is the reserved path at which every origin's listener serves the
// blank page steps run in (see lab.PagePath).
const PagePath = lab.PagePath

// Request is one HTTP request that a lab server received (see lab.Request).
type Request = lab.Request

// Header is one request or response header, in order.
type Header = lab.Header

// FetchRequest is the argument of one fetch() call (see lab.FetchRequest).
type FetchRequest = lab.FetchRequest

// XHRRequest is one asynchronous XMLHttpRequest (see lab.XHRRequest).
type XHRRequest = lab.XHRRequest

// ConsoleMessage is one Log.entryAdded entry: where Chromium's CORS errors
// and the "Failed to load resource: net::ERR_FAILED" line appear (Source
// "javascript", "network", …; Level "error", "warning", …).
type ConsoleMessage = lab.ConsoleMessage

// Body kinds for FetchRequest.BodyKind and XHRRequest.BodyKind (see lab).
const (
	BodyNone        = lab.BodyNone
	BodyText        = lab.BodyText
	BodyURLEncoded  = lab.BodyURLEncoded
	BodyBlob        = lab.BodyBlob
	BodyFormData    = lab.BodyFormData
	BodyArrayBuffer = lab.BodyArrayBuffer
)
