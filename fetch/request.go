package fetch

import (
	"net/url"
	"strings"

	"github.com/corsim/corsim/policy"
)

// Mode is a request's mode, spelled as the spec spells it.
// See https://fetch.spec.whatwg.org/#concept-request-mode.
type Mode string

// Request modes.
const (
	ModeSameOrigin Mode = "same-origin"
	ModeNoCORS     Mode = "no-cors"
	ModeCORS       Mode = "cors"
	ModeNavigate   Mode = "navigate"
)

// CredentialsMode is a request's credentials mode.
// See https://fetch.spec.whatwg.org/#concept-request-credentials-mode.
type CredentialsMode string

// Credentials modes.
const (
	CredentialsOmit       CredentialsMode = "omit"
	CredentialsSameOrigin CredentialsMode = "same-origin"
	CredentialsInclude    CredentialsMode = "include"
)

// RedirectMode is a request's redirect mode.
// See https://fetch.spec.whatwg.org/#concept-request-redirect-mode.
type RedirectMode string

// Redirect modes.
const (
	RedirectFollow RedirectMode = "follow"
	RedirectError  RedirectMode = "error"
	RedirectManual RedirectMode = "manual"
)

// CacheMode is a request's cache mode. The simulator has no HTTP cache; the
// cache mode matters only where a Profile says a mode bypasses the
// CORS-preflight cache. See https://fetch.spec.whatwg.org/#concept-request-cache-mode.
type CacheMode string

// Cache modes.
const (
	CacheDefault      CacheMode = "default"
	CacheNoStore      CacheMode = "no-store"
	CacheReload       CacheMode = "reload"
	CacheNoCache      CacheMode = "no-cache"
	CacheForceCache   CacheMode = "force-cache"
	CacheOnlyIfCached CacheMode = "only-if-cached"
)

// BodyKind is the kind of object a request body was made from; it decides
// the default Content-Type (https://fetch.spec.whatwg.org/#concept-bodyinit-extract).
type BodyKind string

// Body kinds.
const (
	BodyNone            BodyKind = ""
	BodyText            BodyKind = "text"
	BodyURLSearchParams BodyKind = "urlsearchparams"
	BodyFormData        BodyKind = "formdata"
	BodyBlob            BodyKind = "blob"
	BodyStream          BodyKind = "stream"
	BodyBytes           BodyKind = "bytes" // a BufferSource
)

// Initiator says which API made the request. It decides the
// unsafe-request flag and whether upload listeners can force a preflight.
type Initiator string

// Initiators.
const (
	// InitiatorFetch is fetch() / new Request(): unsafe-request flag set.
	InitiatorFetch Initiator = "fetch"
	// InitiatorXHR is XMLHttpRequest: unsafe-request flag set, mode cors,
	// and upload listeners set the use-CORS-preflight flag.
	InitiatorXHR Initiator = "xmlhttprequest"
	// InitiatorElement is an element fetch (<img crossorigin>, <script
	// type=module>, …): the unsafe-request flag is not set, so it never
	// preflights (https://fetch.spec.whatwg.org/#unsafe-request-flag).
	InitiatorElement Initiator = "element"
)

// Body is a request body: its kind, its bytes and, for a Blob, its type.
type Body struct {
	Kind BodyKind
	// Data is the body's content. For BodyFormData it is a query string
	// ("a=1&b=2") whose pairs are the FormData entries, in order; the wire
	// carries them encoded as multipart/form-data.
	Data string
	Type string // Blob type; "" means none
	// Boundary is the multipart boundary of a FormData body; "" means
	// defaultFormBoundary. The simulated browser sets its profile's.
	Boundary string
}

// boundary is the body's multipart boundary.
func (b Body) boundary() string {
	if b.Boundary != "" {
		return b.Boundary
	}
	return defaultFormBoundary
}

// wire returns the bytes the body puts on the wire: Data itself, or for
// FormData the multipart/form-data encoding of its entries
// (https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#multipart/form-data-encoding-algorithm),
// delimited by its boundary.
func (b Body) wire() []byte {
	if b.Kind != BodyFormData {
		return []byte(b.Data)
	}
	var out []byte
	for _, pair := range strings.Split(b.Data, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		name, value = formUnescape(name), formUnescape(value)
		out = append(out, "--"+b.boundary()+"\r\n"...)
		out = append(out, "Content-Disposition: form-data; name=\""+formEscapeName(name)+"\"\r\n\r\n"...)
		out = append(out, normalizeNewlines(value)+"\r\n"...)
	}
	return append(out, "--"+b.boundary()+"--\r\n"...)
}

// formUnescape decodes one application/x-www-form-urlencoded name or
// value; an invalid escape is kept as it is.
func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// formEscapeName escapes a multipart/form-data field name: LF, CR and
// '"' become %0A, %0D and %22.
func formEscapeName(s string) string {
	return strings.NewReplacer("\n", "%0A", "\r", "%0D", "\"", "%22").Replace(s)
}

// normalizeNewlines turns every CR, LF or CRLF into CRLF, as the
// multipart/form-data encoding does for string values.
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// Client is the environment settings object that makes the request.
type Client struct {
	// Origin is the page's origin: the request's origin.
	Origin policy.Origin
	// TopLevelOrigin is the origin of the top-level document the page is in
	// (the same as Origin for a top-level page). The network partition key
	// of the preflight cache is derived from it. The zero Origin means "the
	// same as Origin".
	TopLevelOrigin policy.Origin
	// AddressSpace is the IP address space of the page's server, which
	// Local Network Access compares with each target's. "" means: ask the
	// Fetcher's AddressSpaces for the page's origin.
	AddressSpace policy.AddressSpace
	// LocalNetworkPermission is the state of the page's local-network
	// permission: granted, denied, or "" / prompt, when the browser asks
	// and the user answers Profile.LocalNetworkPromptAnswer.
	LocalNetworkPermission policy.Permission
	// URL is the page's URL, the referrer source of its requests; nil
	// means the root of Origin ("https://app.example/").
	URL *url.URL
	// ReferrerPolicy is the page's referrer policy (its policy
	// container's); empty means the default,
	// strict-origin-when-cross-origin.
	ReferrerPolicy ReferrerPolicy
}

// topLevel returns the top-level origin, defaulting to Origin.
func (c Client) topLevel() policy.Origin {
	if c.TopLevelOrigin == (policy.Origin{}) {
		return c.Origin
	}
	return c.TopLevelOrigin
}

// RequestInit is what a script passes to fetch(url, init) or sets on an
// XMLHttpRequest. Zero values mean fetch()'s defaults: GET, cors,
// same-origin credentials, follow, default cache, fetch initiator.
type RequestInit struct {
	Method      string
	URL         string
	Header      policy.HeaderList
	Body        Body
	Mode        Mode
	Credentials CredentialsMode
	Redirect    RedirectMode
	Cache       CacheMode
	Initiator   Initiator
	// UploadListeners: an XMLHttpRequest with event listeners on its upload
	// object; sets the use-CORS-preflight flag. Ignored for other initiators.
	UploadListeners bool
	// TargetAddressSpace is fetch()'s targetAddressSpace member ("public",
	// "local", "loopback"; "" when absent). Another value makes NewRequest
	// fail with policy.CodeInvalidAddressSpace, as fetch() throws.
	// See https://wicg.github.io/local-network-access/#fetch-api.
	TargetAddressSpace string
	// ReferrerPolicy is RequestInit's referrerPolicy; empty means the
	// page's (Client.ReferrerPolicy).
	ReferrerPolicy ReferrerPolicy
}

// Request is a validated request, ready for Fetcher.Fetch. Fetch never
// modifies it, so one Request may be fetched many times, concurrently.
type Request struct {
	// Method is the normalized method.
	Method string
	// URLList is the request's URL list; Fetch works on a copy.
	URLList []*url.URL
	// Header is the author header list after validation (forbidden headers
	// dropped, default Content-Type appended).
	Header      policy.HeaderList
	Body        Body
	Mode        Mode
	Credentials CredentialsMode
	Redirect    RedirectMode
	Cache       CacheMode
	Initiator   Initiator
	Client      Client
	// ReferrerPolicy is the request's referrer policy; empty means the
	// client's.
	ReferrerPolicy ReferrerPolicy
	// UseCORSPreflight is the use-CORS-preflight flag: XHR upload listeners
	// or a stream body (https://fetch.spec.whatwg.org/#use-cors-preflight-flag).
	UseCORSPreflight bool
	// UnsafeRequest is the unsafe-request flag: set for fetch() and XHR,
	// not for element fetches (https://fetch.spec.whatwg.org/#unsafe-request-flag).
	UnsafeRequest bool
	// DroppedHeaders lists the author headers the Headers guard ignored, in
	// order; DroppedReasons[i] says why DroppedHeaders[i] was dropped
	// (CodeForbiddenHeader or CodeNoCORSHeader).
	DroppedHeaders []policy.Header
	DroppedReasons []*policy.Failure
	// DefaultContentType is the Content-Type the body kind added, "" when
	// none was added.
	DefaultContentType string
	// TargetAddressSpace is the request's target IP address space as
	// fetch()'s option declared it ("" for null).
	TargetAddressSpace policy.AddressSpace
}

// URL returns the request's current URL (the last of its URL list).
func (r *Request) URL() *url.URL {
	if len(r.URLList) == 0 {
		return nil
	}
	return r.URLList[len(r.URLList)-1]
}

// defaultFormBoundary is the multipart boundary of FormData bodies unless
// the profile names one (Profile.FormBoundary). Browsers pick a random
// one; a fixed one keeps simulations reproducible. Its length (38) is that
// of Chromium's and WebKit's ("----WebKitFormBoundary" and 16 characters),
// so Content-Length agrees with theirs (observed in Chromium 156 and
// WebKitGTK 2.50).
const defaultFormBoundary = "----corsimFormBoundary7MA4YWxkTrZu0gWq"

// NewRequest validates init as new Request() (or XMLHttpRequest open() and
// send()) would, and returns the request fetch would run. A TypeError of
// the constructor comes back as a *policy.Failure with one of the request
// construction codes (CodeForbiddenMethod, CodeNoCORSUnsafeMethod,
// CodeURLHasCredentials, CodeBodyWithGetOrHead, …) or policy's
// CodeInvalidURL/CodeInvalidMethod. See https://fetch.spec.whatwg.org/#dom-request.
//
// Choices: init.URL may be relative, and is then resolved against the
// client's origin (as against a page at its root). Mode navigate is
// accepted (new Request() would throw) so that a simulated browser can
// model navigations. For XMLHttpRequest the mode is always cors, a body
// with GET or HEAD is dropped rather than rejected (XHR send()), and a
// stream body is rejected.
func NewRequest(client Client, init RequestInit) (*Request, error) {
	r := &Request{
		Method:      init.Method,
		Body:        init.Body,
		Mode:        init.Mode,
		Credentials: init.Credentials,
		Redirect:    init.Redirect,
		Cache:       init.Cache,
		Initiator:   init.Initiator,
		Client:      client,

		ReferrerPolicy: init.ReferrerPolicy,
	}
	if r.Method == "" {
		r.Method = "GET"
	}
	if r.Mode == "" {
		r.Mode = ModeCORS
	}
	if r.Credentials == "" {
		r.Credentials = CredentialsSameOrigin
	}
	if r.Redirect == "" {
		r.Redirect = RedirectFollow
	}
	if r.Cache == "" {
		r.Cache = CacheDefault
	}
	if r.Initiator == "" {
		r.Initiator = InitiatorFetch
	}
	if err := r.checkEnums(); err != nil {
		return nil, err
	}
	if init.TargetAddressSpace != "" {
		space, err := policy.ParseAddressSpace(init.TargetAddressSpace)
		if err != nil {
			return nil, err
		}
		r.TargetAddressSpace = space
	}
	if r.Initiator == InitiatorXHR {
		// XHR's request always has mode cors (https://xhr.spec.whatwg.org/#the-send()-method).
		r.Mode = ModeCORS
		if r.Body.Kind == BodyStream {
			return nil, failure(CodeInvalidRequest, anchorXHRSend, string(BodyStream),
				"XMLHttpRequest cannot send a ReadableStream body")
		}
	}
	if r.Mode == ModeNavigate {
		r.Credentials = CredentialsInclude
	}

	// URL: parse, and reject credentials (new Request step 5.3).
	u, err := parseRequestURL(client, init.URL)
	if err != nil {
		return nil, err
	}
	if includesCredentials(u) {
		return nil, failure(CodeURLHasCredentials, anchorRequestCtor, u.Redacted(),
			"the URL "+u.Redacted()+" includes credentials")
	}
	u.User = nil
	r.URLList = []*url.URL{u}

	// only-if-cached requires same-origin mode (new Request step 21).
	if r.Cache == CacheOnlyIfCached && r.Mode != ModeSameOrigin {
		return nil, failure(CodeOnlyIfCachedMode, anchorRequestCtor, string(r.Mode),
			"cache mode only-if-cached can be set only with mode same-origin")
	}

	// Method: token, not forbidden, normalized (new Request step 25).
	if !policy.IsMethod(r.Method) {
		return nil, failure(policy.CodeInvalidMethod, anchorRequestCtor, r.Method,
			"\""+r.Method+"\" is not a valid HTTP method")
	}
	if policy.IsForbiddenMethod(r.Method) {
		return nil, failure(CodeForbiddenMethod, specBase+"#forbidden-method", r.Method,
			"\""+r.Method+"\" is a forbidden method")
	}
	r.Method = policy.NormalizeMethod(r.Method)

	// no-cors needs a CORS-safelisted method (new Request step 31.1).
	if r.Mode == ModeNoCORS && !policy.IsCORSSafelistedMethod(r.Method) {
		return nil, failure(CodeNoCORSUnsafeMethod, anchorRequestCtor, r.Method,
			"mode no-cors allows only GET, HEAD and POST, not "+r.Method)
	}

	// Body with GET/HEAD (new Request step 34; XHR send() drops it).
	if r.Body.Kind != BodyNone && (r.Method == "GET" || r.Method == "HEAD") {
		if r.Initiator == InitiatorXHR {
			r.Body = Body{}
		} else {
			return nil, failure(CodeBodyWithGetOrHead, anchorRequestCtor, r.Method,
				"a request with method "+r.Method+" cannot have a body")
		}
	}
	if r.Body.Kind == BodyStream {
		// Stream bodies: only same-origin/cors; use-CORS-preflight flag set
		// (new Request step 38).
		if r.Mode != ModeSameOrigin && r.Mode != ModeCORS {
			return nil, failure(CodeStreamBodyMode, anchorRequestCtor, string(r.Mode),
				"a ReadableStream body needs mode same-origin or cors")
		}
		r.UseCORSPreflight = true
	}
	if r.Initiator == InitiatorXHR && init.UploadListeners {
		r.UseCORSPreflight = true
	}
	r.UnsafeRequest = r.Initiator != InitiatorElement

	// Headers, filled through the guard (new Request steps 31.2–32).
	if err := r.fillHeaders(init.Header); err != nil {
		return nil, err
	}
	// Default Content-Type from body extraction (new Request step 36.4).
	if ct := defaultContentType(r.Body); ct != "" && !r.Header.Contains("Content-Type") {
		r.Header.Append("Content-Type", ct)
		r.DefaultContentType = ct
	}
	return r, nil
}

func (r *Request) checkEnums() error {
	bad := func(field, v string) error {
		return failure(CodeInvalidRequest, anchorRequestCtor, v, "\""+v+"\" is not a valid "+field)
	}
	switch r.Mode {
	case ModeSameOrigin, ModeNoCORS, ModeCORS, ModeNavigate:
	default:
		return bad("mode", string(r.Mode))
	}
	switch r.Credentials {
	case CredentialsOmit, CredentialsSameOrigin, CredentialsInclude:
	default:
		return bad("credentials mode", string(r.Credentials))
	}
	switch r.Redirect {
	case RedirectFollow, RedirectError, RedirectManual:
	default:
		return bad("redirect mode", string(r.Redirect))
	}
	switch r.Cache {
	case CacheDefault, CacheNoStore, CacheReload, CacheNoCache, CacheForceCache, CacheOnlyIfCached:
	default:
		return bad("cache mode", string(r.Cache))
	}
	if !r.ReferrerPolicy.valid() {
		return bad("referrer policy", string(r.ReferrerPolicy))
	}
	switch r.Initiator {
	case InitiatorFetch, InitiatorXHR, InitiatorElement:
	default:
		return bad("initiator", string(r.Initiator))
	}
	switch r.Body.Kind {
	case BodyNone, BodyText, BodyURLSearchParams, BodyFormData, BodyBlob, BodyStream, BodyBytes:
	default:
		return bad("body kind", string(r.Body.Kind))
	}
	return nil
}

func hasPassword(u *url.Userinfo) bool {
	p, ok := u.Password()
	return ok && p != ""
}

func parseRequestURL(client Client, raw string) (*url.URL, error) {
	u, err := policy.ParseURL(raw)
	if err == nil {
		return u, nil
	}
	// A relative reference is resolved against the client's origin.
	if o := client.Origin; !o.IsOpaque() {
		if ref, rerr := url.Parse(raw); rerr == nil && !ref.IsAbs() {
			base, berr := url.Parse(o.String() + "/")
			if berr == nil {
				if u2, err2 := policy.ParseURL(base.ResolveReference(ref).String()); err2 == nil {
					return u2, nil
				}
			}
		}
	}
	return nil, err
}

// fillHeaders appends the author's headers through the Headers guard.
func (r *Request) fillHeaders(in policy.HeaderList) error {
	for _, h := range in {
		name, value := h.Name, trimHTTPWhitespace(h.Value)
		if !policy.IsMethod(name) || !isHeaderValue(value) {
			return failure(CodeInvalidHeader, specBase+"#concept-headers-append", name,
				"\""+name+"\" with that value is not a valid header")
		}
		// Guard "request": forbidden request-headers are ignored.
		if policy.IsForbiddenRequestHeader(name, value) {
			r.drop(policy.Header{Name: name, Value: value}, failure(CodeForbiddenHeader, anchorForbiddenHdr, name,
				"\""+name+"\" is a forbidden request-header; the browser ignores it"))
			continue
		}
		// Guard "request-no-cors": only no-CORS-safelisted request-headers,
		// checked on the combined value.
		if r.Mode == ModeNoCORS {
			combined := value
			if prev, ok := r.Header.Get(name); ok {
				combined = prev + ", " + value
			}
			if !policy.IsNoCORSSafelistedRequestHeader(name, combined) {
				r.drop(policy.Header{Name: name, Value: value}, failure(CodeNoCORSHeader, anchorNoCORSSafelist, name,
					"\""+name+"\" is not a no-CORS-safelisted request-header; mode no-cors ignores it"))
				continue
			}
		}
		r.Header = append(r.Header, policy.Header{Name: name, Value: value})
	}
	return nil
}

func (r *Request) drop(h policy.Header, why *policy.Failure) {
	r.DroppedHeaders = append(r.DroppedHeaders, h)
	r.DroppedReasons = append(r.DroppedReasons, why)
}

// defaultContentType is the Content-Type body extraction yields.
// See https://fetch.spec.whatwg.org/#concept-bodyinit-extract.
func defaultContentType(b Body) string {
	switch b.Kind {
	case BodyText:
		return "text/plain;charset=UTF-8"
	case BodyURLSearchParams:
		return "application/x-www-form-urlencoded;charset=UTF-8"
	case BodyFormData:
		return "multipart/form-data; boundary=" + b.boundary()
	case BodyBlob:
		return b.Type
	}
	return ""
}

func isHTTPWhitespace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimHTTPWhitespace(s string) string {
	for len(s) > 0 && isHTTPWhitespace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isHTTPWhitespace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// isHeaderValue: no NUL, LF or CR (https://fetch.spec.whatwg.org/#header-value).
func isHeaderValue(v string) bool {
	return !strings.ContainsAny(v, "\x00\n\r")
}
