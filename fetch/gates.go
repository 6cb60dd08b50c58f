package fetch

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
)

// The gates browsers apply around the CORS protocol: mixed content (main
// fetch), the cross-origin resource policy check (HTTP fetch), Fetch
// metadata headers (HTTP-network-or-cache fetch), Local Network Access and
// the engine's response header size limit (HTTP-network fetch). The rules
// are package policy's; this file calls them where fetch.bs says.

// Gate names what decided a fetch's fate, for reports and stories.
type Gate string

// Gates.
const (
	// GateNone: nothing stopped the request.
	GateNone Gate = ""
	// GateRequest: the request could not be built or sent as asked (a
	// TypeError of new Request(), mode or scheme rules, redirect rules).
	GateRequest Gate = "request"
	// GateCORS: the CORS protocol (preflight or CORS check).
	GateCORS Gate = "cors"
	// GateMixedContent: blocked as mixed content before it was sent.
	GateMixedContent Gate = "mixed-content"
	// GateLocalNetwork: the Local Network Access check.
	GateLocalNetwork Gate = "local-network-access"
	// GateResponseSize: the response's header block was larger than the
	// engine accepts.
	GateResponseSize Gate = "response-size"
	// GateResponseHeaders: the engine's network stack refused a byte in
	// the response's header values.
	GateResponseHeaders Gate = "response-headers"
	// GateCORP: the cross-origin resource policy check.
	GateCORP Gate = "corp"
	// GateNetwork: the server could not be reached, or the fetch was aborted.
	GateNetwork Gate = "network"
)

// CodeResponseHeadersTooBig: the response's header block exceeded the
// profile's MaxResponseHeaderBytes (Chromium's ERR_RESPONSE_HEADERS_TOO_BIG).
const CodeResponseHeadersTooBig policy.Code = "response-headers-too-big"

// CodeResponseHeaderByte: a response header value held a control byte the
// profile's network stack refuses (Profile.RefuseControlBytesInResponseHeaders).
const CodeResponseHeaderByte policy.Code = "response-header-control-byte"

// GateOf returns the gate a failure code belongs to ("" for nil).
func GateOf(f *policy.Failure) Gate {
	if f == nil {
		return GateNone
	}
	switch f.Code {
	case policy.CodeMixedContentBlocked:
		return GateMixedContent
	case policy.CodeLocalNetworkInsecureContext, policy.CodeLocalNetworkTargetMismatch,
		policy.CodeLocalNetworkPermissionDenied, policy.CodeLocalNetworkPermissionUnanswered:
		return GateLocalNetwork
	case CodeResponseHeadersTooBig:
		return GateResponseSize
	case CodeResponseHeaderByte:
		return GateResponseHeaders
	case policy.CodeCORPSameOrigin, policy.CodeCORPSameSite:
		return GateCORP
	case CodeTransportError, CodeAborted:
		return GateNetwork
	case policy.CodeInvalidAddressSpace, CodeForbiddenMethod, CodeNoCORSUnsafeMethod, CodeURLHasCredentials,
		CodeBodyWithGetOrHead, CodeStreamBodyMode, CodeOnlyIfCachedMode, CodeInvalidHeader, CodeInvalidRequest,
		CodeSameOriginModeCrossOrigin, CodeNoCORSRedirectMode, CodeSchemeNotHTTP, CodeSchemeNotSupported,
		CodeRedirectModeError, CodeRedirectLimit, CodeRedirectBadLocation, CodeRedirectSchemeNotHTTP,
		CodeRedirectHasCredentials, CodeRedirectStreamBody, policy.CodeInvalidURL, policy.CodeInvalidMethod:
		return GateRequest
	}
	return GateCORS
}

// Trace steps of the gates.
const (
	// StepMixedContent: main fetch asked whether the request is blocked as
	// mixed content (Outcome ok, fail, or warn when it is mixed content
	// let through as a declared local network request; Detail "upgraded"
	// when the URL became https).
	StepMixedContent Step = "mixed-content"
	// StepLocalNetwork: the Local Network Access check on a connection
	// (Detail: the server's address space).
	StepLocalNetwork Step = "local-network-access"
	// StepResponseSize: the response header block was measured against
	// the engine's limit (Detail: its size in bytes).
	StepResponseSize Step = "response-size"
	// StepResponseHeaderBytes: a response header value held a control
	// byte the network stack refuses.
	StepResponseHeaderBytes Step = "response-header-bytes"
	// StepCORP: the cross-origin resource policy check of an opaque response.
	StepCORP Step = "corp"
)

// OutcomeWarn: a step let the request through with a console warning.
const OutcomeWarn = "warn"

const (
	anchorMixedBlock = "https://w3c.github.io/webappsec-mixed-content/#should-block-fetch"
	anchorLNACheck   = "https://wicg.github.io/local-network-access/#local-network-access-check"
	anchorCORPCheck  = specBase + "#cross-origin-resource-policy-check"
	anchorNetFetch   = specBase + "#concept-http-network-fetch"
)

// AddressSpaces tells the Local Network Access check which IP address
// space a server is in: the space of the address its host resolves to.
// corsim never resolves names; a browser.Network answers from the
// addresses a scenario declares.
type AddressSpaces interface {
	// AddressSpaceOf returns the space of u's host.
	AddressSpaceOf(u *url.URL) policy.AddressSpace
}

// DefaultAddressSpaces knows what needs no declaration: an IP literal is
// in its address's space, localhost and *.localhost are loopback, and every
// other host is public.
type DefaultAddressSpaces struct{}

// AddressSpaceOf implements AddressSpaces.
func (DefaultAddressSpaces) AddressSpaceOf(u *url.URL) policy.AddressSpace {
	if u == nil {
		return policy.AddressSpacePublic
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if a, err := netip.ParseAddr(host); err == nil {
		return policy.AddressSpaceOf(a)
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return policy.AddressSpaceLoopback
	}
	return policy.AddressSpacePublic
}

func (r *run) addressSpaceOf(u *url.URL) policy.AddressSpace {
	if r.f.AddressSpaces != nil {
		if s := r.f.AddressSpaces.AddressSpaceOf(u); s != "" {
			return s
		}
	}
	return DefaultAddressSpaces{}.AddressSpaceOf(u)
}

// clientAddressSpace is the IP address space of the request's policy
// container: the page's server.
func (r *run) clientAddressSpace() policy.AddressSpace {
	if s := r.req.Client.AddressSpace; s != "" {
		return s
	}
	o := r.origin()
	if o.IsOpaque() {
		return policy.AddressSpacePublic
	}
	u, err := url.Parse(o.String())
	if err != nil {
		return policy.AddressSpacePublic
	}
	return r.addressSpaceOf(u)
}

// ancestors are the client's ancestor origins: the top-level page's, when
// the page is framed.
func (r *run) ancestors() []policy.Origin {
	top := r.req.Client.topLevel()
	if top == r.origin() {
		return nil
	}
	return []policy.Origin{top}
}

// destination is the request's destination: "" for fetch() and XHR,
// "image" for an element request (corsim's element is <img>), "document"
// for a navigation.
func (r *run) destination() string {
	switch {
	case r.req.Mode == ModeNavigate:
		return "document"
	case r.req.Initiator == InitiatorElement:
		return "image"
	}
	return ""
}

// targetAddressSpace is the request's target IP address space: fetch()'s
// option or, without one, the local space of a private IP literal or
// .local name (LNA #fetching), on the first URL only; Chromium clears it
// on a redirect (LocalNetworkAccessChecker::ResetForRedirect).
func (r *run) targetAddressSpace() policy.AddressSpace {
	if r.hop() > 0 {
		return ""
	}
	declared := r.req.TargetAddressSpace
	if !r.p.TargetAddressSpaceOption {
		declared = ""
	}
	return policy.InitialTargetAddressSpace(r.urls[0], declared)
}

// mixedContent is main fetch steps 6 and 7
// (https://fetch.spec.whatwg.org/#concept-main-fetch): "Upgrade a mixed
// content request to a potentially trustworthy URL, if appropriate", then
// "If should fetching request be blocked as mixed content … returns
// blocked, return a network error". Main fetch runs again for every
// redirect hop, and so does this.
//
// Only http: URLs are checked: the engines reject every other scheme that
// is not potentially trustworthy (ftp:, …) with their own scheme error
// before mixed content is asked (Chromium's FetchManager, conformance
// suite), which main fetch's later steps model.
func (r *run) mixedContent() *policy.Failure {
	if r.currentURL().Scheme != "http" {
		return nil
	}
	mc := policy.MixedContentRequest{
		URL: r.currentURL(), Destination: r.destination(),
		ClientOrigin: r.origin(), AncestorOrigins: r.ancestors(),
		TopLevelNavigation: r.req.Mode == ModeNavigate && len(r.ancestors()) == 0,
		LoopbackIsInsecure: r.p.MixedContentBlocksLoopback,
	}
	if r.p.LocalNetworkAccess {
		mc.TargetAddressSpace, mc.ClientAddressSpace = r.targetAddressSpace(), r.clientAddressSpace()
	}
	if up, ok := policy.UpgradeMixedContent(mc); ok {
		r.urls[r.hop()] = up
		mc.URL = up
		r.event(Event{Step: StepMixedContent, Spec: "https://w3c.github.io/webappsec-mixed-content/#upgrade-algorithm", Outcome: OutcomeOK, Detail: "upgraded"})
	}
	if err := policy.CheckMixedContent(mc); err != nil {
		f := asFailure(err, policy.CodeMixedContentBlocked, anchorMixedBlock)
		r.event(Event{Step: StepMixedContent, Spec: anchorMixedBlock, Outcome: OutcomeFail, Err: f})
		return f
	}
	if policy.IsMixedContent(mc) {
		r.event(Event{Step: StepMixedContent, Spec: anchorMixedBlock, Outcome: OutcomeWarn, Detail: mc.URL.String()})
	}
	return nil
}

// localNetworkAccess is the Local Network Access check
// (https://wicg.github.io/local-network-access/#local-network-access-check),
// which the draft adds to HTTP-network fetch once a connection is
// obtained: before any byte of the request (a preflight too) is sent.
func (r *run) localNetworkAccess(u *url.URL) *policy.Failure {
	if !r.p.LocalNetworkAccess {
		return nil
	}
	space := r.addressSpaceOf(u)
	pageURL, _ := url.Parse(r.origin().String())
	lr := policy.LocalNetworkRequest{
		Origin: r.origin(), CurrentURL: u,
		ClientAddressSpace:     r.clientAddressSpace(),
		ClientSecure:           pageURL != nil && policy.IsSecureContext(pageURL, r.ancestors()),
		HasDocument:            true,
		TargetAddressSpace:     r.targetAddressSpace(),
		ResourceAddressSpace:   space,
		Permission:             r.req.Client.LocalNetworkPermission,
		PromptAnswer:           r.p.LocalNetworkPromptAnswer,
		AskFromInsecureContext: r.p.LocalNetworkAskInsecure,
	}
	if err := policy.CheckLocalNetworkAccess(lr); err != nil {
		f := asFailure(err, policy.CodeLocalNetworkPermissionDenied, anchorLNACheck)
		r.event(Event{Step: StepLocalNetwork, Spec: f.Spec, Outcome: OutcomeFail, Detail: string(space), Err: f})
		return f
	}
	if policy.LessPublic(space, lr.ClientAddressSpace) {
		r.event(Event{Step: StepLocalNetwork, Spec: anchorLNACheck, Outcome: OutcomeOK, Detail: string(space)})
	}
	return nil
}

// headerBlockSize is the size of wr's header block as it came over
// HTTP/1.1: status line, each "Name: value" line, the blank line.
func headerBlockSize(wr *WireResponse) int {
	n := len("HTTP/1.1 000 ") + len(wr.StatusText) + 2
	for _, h := range wr.Header {
		n += len(h.Name) + 2 + len(h.Value) + 2
	}
	return n + 2
}

// responseSize fails a response whose header block is larger than the
// engine's network stack accepts (HTTP-network fetch: "If aborted …
// network error" stands for the engine giving up on the response).
func (r *run) responseSize(wr *WireResponse) *policy.Failure {
	limit := r.p.MaxResponseHeaderBytes
	if limit <= 0 {
		return nil
	}
	n := headerBlockSize(wr)
	if n <= limit {
		return nil
	}
	f := failure(CodeResponseHeadersTooBig, anchorNetFetch, strconv.Itoa(n),
		"the response's headers are "+strconv.Itoa(n)+" bytes, more than the "+strconv.Itoa(limit)+
			" bytes this browser accepts, so it drops the response (send fewer or smaller headers)")
	r.event(Event{Step: StepResponseSize, Spec: anchorNetFetch, Outcome: OutcomeFail, Detail: strconv.Itoa(n), Err: f})
	return f
}

// responseHeaderBytes fails a response with a header value that holds a
// control byte other than tab under
// Profile.RefuseControlBytesInResponseHeaders: the engine's HTTP parser
// gives up on the response, which HTTP-network fetch sees as a network
// error, though the request was sent.
func (r *run) responseHeaderBytes(wr *WireResponse) *policy.Failure {
	if !r.p.RefuseControlBytesInResponseHeaders {
		return nil
	}
	for _, h := range wr.Header {
		i := strings.IndexFunc(h.Value, func(c rune) bool { return (c < 0x20 && c != '\t') || c == 0x7f })
		if i < 0 {
			continue
		}
		f := failure(CodeResponseHeaderByte, anchorNetFetch, h.Name,
			fmt.Sprintf("the response header %s holds the control byte 0x%02X, which this browser's network stack refuses, so it drops the response (send header values without control characters)", h.Name, h.Value[i]))
		r.event(Event{Step: StepResponseHeaderBytes, Spec: anchorNetFetch, Outcome: OutcomeFail, Detail: h.Name, Err: f})
		return f
	}
	return nil
}

// corp is HTTP fetch step 4 (https://fetch.spec.whatwg.org/#concept-http-fetch):
// "If either request's response tainting or response's type is "opaque",
// and the cross-origin resource policy check … returns blocked, then
// return a network error."
func (r *run) corp(wr *WireResponse) *policy.Failure {
	if r.tainting != TaintingOpaque {
		return nil
	}
	err := policy.CheckCORP(policy.CORPRequest{
		Origin: r.origin(), ResponseURL: r.currentURL(), Headers: wr.Header,
		IncludesCredentials: r.includeCredentials(), PSL: r.f.PublicSuffixList,
	})
	if err == nil {
		if policy.ParseCORP(wr.Header) != "" {
			r.event(Event{Step: StepCORP, Spec: anchorCORPCheck, Outcome: OutcomeOK})
		}
		return nil
	}
	f := asFailure(err, policy.CodeCORPSameOrigin, anchorCORPCheck)
	r.event(Event{Step: StepCORP, Spec: anchorCORPCheck, Outcome: OutcomeFail, Err: f})
	return f
}

// fetchMetadata is "append the Fetch metadata headers for httpRequest"
// in HTTP-network-or-cache fetch; preflight says the request is a
// CORS-preflight request (mode cors, destination empty).
func (r *run) fetchMetadata(preflight bool) policy.HeaderList {
	if !r.p.FetchMetadata {
		return nil
	}
	mode, dest := string(r.req.Mode), r.destination()
	if preflight {
		mode, dest = string(ModeCORS), ""
	}
	return policy.FetchMetadataHeaders(policy.MetadataRequest{
		URLList: r.urls, Origin: r.origin(), Mode: mode, Destination: dest, PSL: r.f.PublicSuffixList,
	})
}
