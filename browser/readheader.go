package browser

import (
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// HeaderRead is what script gets when it reads one response header after
// the request ended: response.headers.get(name) after fetch(),
// xhr.getResponseHeader(name) after an XMLHttpRequest.
type HeaderRead struct {
	// Value is the value read, the values of repeated lines joined with
	// ", "; "" when Null.
	Value string
	// Null reports that the read returned null: no response, or a header
	// the response does not carry or does not expose to script.
	Null bool
	// Console holds the console lines the read prints (Chromium's
	// "Refused to get unsafe header" for an XMLHttpRequest).
	Console []ConsoleMessage
}

// ReadHeader is script reading the response header name (matched
// case-insensitively) from the response it got. Only exposed headers can
// be read: for a cors response the CORS-safelisted response-header names
// and those Access-Control-Expose-Headers lists
// (https://fetch.spec.whatwg.org/#concept-filtered-response-cors), for a
// basic one everything but Set-Cookie
// (https://xhr.spec.whatwg.org/#dom-xmlhttprequest-getresponseheader).
//
// Chromium's XMLHttpRequest prints `Refused to get unsafe header "NAME"`
// (NAME as script spelled it) when the name is one script may not read,
// whether or not the response has it (xml_http_request.cc
// getResponseHeader); its fetch() Headers return null silently. Firefox
// and WebKit are not modelled: their reads print nothing here.
func (o *Outcome) ReadHeader(name string) HeaderRead {
	if o.Response == nil {
		return HeaderRead{Null: true}
	}
	if v, ok := o.Response.Header.Get(name); ok {
		return HeaderRead{Value: v}
	}
	out := HeaderRead{Null: true}
	if o.Initiator == fetch.InitiatorXHR && dialectFor(o.Profile) == &chromiumDialect && !o.readable(name) {
		out.Console = []ConsoleMessage{{Level: LevelError, Source: "javascript",
			Text: `Refused to get unsafe header "` + name + `"`}}
	}
	return out
}

// readable reports whether name is a header name script may read from the
// response, present or not: Chromium's test before it looks the header up.
func (o *Outcome) readable(name string) bool {
	if strings.EqualFold(name, "set-cookie") || strings.EqualFold(name, "set-cookie2") {
		return false
	}
	if o.Response.Type != fetch.TypeCORS || o.Response.Internal == nil {
		return true
	}
	creds := o.Result != nil && o.Result.Request != nil && o.Result.Request.Credentials == fetch.CredentialsInclude
	return policy.IsCORSSafelistedResponseHeaderName(name, policy.ExposedHeaderNames(o.Response.Internal.Header, creds))
}
