package policy

import (
	"net/netip"
	"net/url"
	"strings"
)

// Spec anchor of the WICG Local Network Access draft (index.bs, 2026-04-22).
const specLNA = "https://wicg.github.io/local-network-access/"

// AddressSpace is an IP address space of Local Network Access
// (https://wicg.github.io/local-network-access/#ip-address-space-section):
// "public", "local" or "loopback". The empty AddressSpace means null
// (unknown, or no target address space given).
type AddressSpace string

// The three IP address spaces, most private first.
const (
	AddressSpaceLoopback AddressSpace = "loopback"
	AddressSpaceLocal    AddressSpace = "local"
	AddressSpacePublic   AddressSpace = "public"
)

// Local Network Access failure codes.
const (
	// CodeInvalidAddressSpace: a targetAddressSpace value is not one of
	// "public", "local", "loopback" (the IDL enum IPAddressSpace).
	CodeInvalidAddressSpace Code = "invalid-address-space"
	// CodeLocalNetworkInsecureContext: a local network request from a
	// client that is not a secure context is refused without asking
	// (https://wicg.github.io/local-network-access/#secure-context-restriction).
	// Chromium's CORS error InsecureLocalNetwork.
	CodeLocalNetworkInsecureContext Code = "local-network-insecure-context"
	// CodeLocalNetworkTargetMismatch: the request declared a target IP
	// address space and the resource is in another one. Chromium's CORS
	// error InvalidLocalNetworkAccess.
	CodeLocalNetworkTargetMismatch Code = "local-network-target-mismatch"
	// CodeLocalNetworkPermissionDenied: the user (or the browser, headless
	// Chromium denies at once) did not grant the local-network or
	// loopback-network permission. Chromium's CORS error
	// LocalNetworkAccessPermissionDenied.
	CodeLocalNetworkPermissionDenied Code = "local-network-permission-denied"
	// CodeLocalNetworkPermissionUnanswered: the browser asked for the
	// permission and nobody answered, so the request waits (headless
	// Firefox 153 ESR was observed to hold it; its prompt times out after
	// network.lna.prompt.timeout, 300000 ms in firefox.js).
	CodeLocalNetworkPermissionUnanswered Code = "local-network-permission-unanswered"
)

// ParseAddressSpace parses a targetAddressSpace value as fetch() receives
// it. The error is a *Failure with code CodeInvalidAddressSpace (fetch()
// rejects such a value with a TypeError).
func ParseAddressSpace(s string) (AddressSpace, error) {
	switch AddressSpace(s) {
	case AddressSpacePublic, AddressSpaceLocal, AddressSpaceLoopback:
		return AddressSpace(s), nil
	}
	return "", fail(CodeInvalidAddressSpace, specLNA+"#fetch-api", s,
		"targetAddressSpace must be \"public\", \"local\" or \"loopback\", not "+quoteOrEmpty(s))
}

func quoteOrEmpty(s string) string { return "\"" + s + "\"" }

// addressBlock is one row of the "Non-public IP address blocks" table.
type addressBlock struct {
	prefix netip.Prefix
	space  AddressSpace
}

// nonPublicBlocks is the table at
// https://wicg.github.io/local-network-access/#non-public-ip-address-blocks,
// in its order (0.0.0.0/32 is listed before 0.0.0.0/8 and wins).
var nonPublicBlocks = []addressBlock{
	{netip.MustParsePrefix("127.0.0.0/8"), AddressSpaceLoopback},   // RFC 1122
	{netip.MustParsePrefix("10.0.0.0/8"), AddressSpaceLocal},       // RFC 1918
	{netip.MustParsePrefix("100.64.0.0/10"), AddressSpaceLocal},    // RFC 6598 carrier-grade NAT
	{netip.MustParsePrefix("172.16.0.0/12"), AddressSpaceLocal},    // RFC 1918
	{netip.MustParsePrefix("192.168.0.0/16"), AddressSpaceLocal},   // RFC 1918
	{netip.MustParsePrefix("198.18.0.0/15"), AddressSpaceLoopback}, // RFC 2544 benchmarking
	{netip.MustParsePrefix("169.254.0.0/16"), AddressSpaceLocal},   // RFC 3927 link local
	{netip.MustParsePrefix("::1/128"), AddressSpaceLoopback},       // RFC 4291
	{netip.MustParsePrefix("fc00::/7"), AddressSpaceLocal},         // RFC 4193 unique local
	{netip.MustParsePrefix("fe80::/10"), AddressSpaceLocal},        // RFC 4291 link-local unicast
	{netip.MustParsePrefix("fec0::/10"), AddressSpaceLocal},        // RFC 3513 site-local (obsolete)
	{netip.MustParsePrefix("0.0.0.0/32"), AddressSpaceLoopback},    // null IP address
	{netip.MustParsePrefix("0.0.0.0/8"), AddressSpaceLocal},        // "this network"
	{netip.MustParsePrefix("::/128"), AddressSpaceLoopback},        // unspecified
	{netip.MustParsePrefix("2001:db8::/32"), AddressSpaceLocal},    // RFC 3849 documentation
	{netip.MustParsePrefix("3fff::/20"), AddressSpaceLocal},        // RFC 9637 documentation
}

// AddressSpaceOf implements "determine the IP address space"
// (https://wicg.github.io/local-network-access/#determine-the-ip-address-space):
// an IPv4-mapped IPv6 address (::ffff:0:0/96) is replaced by its IPv4
// address (step 1); the first row of the non-public table that contains the
// address gives its space (step 2); anything else is public (step 3). An
// invalid Addr yields "".
func AddressSpaceOf(a netip.Addr) AddressSpace {
	if !a.IsValid() {
		return ""
	}
	a = a.WithZone("").Unmap()
	for _, b := range nonPublicBlocks {
		if b.prefix.Contains(a) {
			return b.space
		}
	}
	return AddressSpacePublic
}

// LessPublic reports whether a is less public than b: loopback is less
// public than local and public, local less public than public
// (https://wicg.github.io/local-network-access/#ip-address-space-less-public).
// "" is never less public nor more public than anything.
func LessPublic(a, b AddressSpace) bool {
	return rank(a) > 0 && rank(b) > 0 && rank(a) < rank(b)
}

func rank(s AddressSpace) int {
	switch s {
	case AddressSpaceLoopback:
		return 1
	case AddressSpaceLocal:
		return 2
	case AddressSpacePublic:
		return 3
	}
	return 0
}

// InitialTargetAddressSpace implements the two steps Local Network Access
// adds to fetch right after the request's policy container is set
// (https://wicg.github.io/local-network-access/#fetching, "The fetch
// algorithm is amended"): when targetAddressSpace was not given (declared
// is ""), a URL whose host is an IP literal in the local space, or whose
// host's public suffix is "local" (mDNS names such as printer.local), gets
// the target space local; otherwise the declared value stands.
func InitialTargetAddressSpace(u *url.URL, declared AddressSpace) AddressSpace {
	if declared != "" || u == nil {
		return declared
	}
	host := hostOnly(u.Host)
	if a, ok := hostIP(host); ok {
		if AddressSpaceOf(a) == AddressSpaceLocal {
			return AddressSpaceLocal
		}
		return ""
	}
	h := strings.TrimSuffix(host, ".")
	if h == "local" || strings.HasSuffix(h, ".local") {
		return AddressSpaceLocal
	}
	return ""
}

// Permission is the state of a permission (https://w3c.github.io/permissions/#dfn-permission-state).
type Permission string

// Permission states. PermissionPrompt means the browser would ask the user;
// LocalNetworkRequest.PromptAnswer then says what the user answers.
const (
	PermissionGranted Permission = "granted"
	PermissionDenied  Permission = "denied"
	PermissionPrompt  Permission = "prompt"
)

// LocalNetworkRequest is what the Local Network Access check reads.
type LocalNetworkRequest struct {
	// Origin is the request's origin; CurrentURL its current URL.
	Origin     Origin
	CurrentURL *url.URL
	// ClientAddressSpace is the IP address space of the request's policy
	// container (the page's server); "" means there is no policy
	// container, and the check does not apply.
	ClientAddressSpace AddressSpace
	// ClientSecure says whether the request's client is a secure context.
	ClientSecure bool
	// HasDocument is false for clients without a document (service
	// workers), for which the draft refuses local network requests.
	HasDocument bool
	// TargetAddressSpace is the request's target IP address space (from
	// fetch()'s targetAddressSpace or InitialTargetAddressSpace), or "".
	// It applies to the first URL only: Chromium clears it when the request
	// is redirected (LocalNetworkAccessChecker::ResetForRedirect in
	// services/network/local_network_access_checker.cc).
	TargetAddressSpace AddressSpace
	// ResourceAddressSpace is the address space of the IP address the
	// connection reached (AddressSpaceOf of the server's declared address).
	ResourceAddressSpace AddressSpace
	// Permission is the current state of the permission the request needs
	// ("local-network" or "loopback-network"); PromptAnswer is what the user
	// answers when the state is PermissionPrompt: granted, denied (headless
	// Chromium denies at once), or "" for no answer (headless Firefox).
	Permission   Permission
	PromptAnswer Permission
	// AskFromInsecureContext asks a client that is not a secure context for
	// the permission like any other, where the draft and Chromium refuse the
	// request outright. Firefox 153.8.0esr was observed to ask.
	AskFromInsecureContext bool
}

// PermissionName returns the permission a local network request to space
// needs: "local-network" or "loopback-network"
// (https://wicg.github.io/local-network-access/#permissions), or "".
func PermissionName(space AddressSpace) string {
	switch space {
	case AddressSpaceLocal:
		return "local-network"
	case AddressSpaceLoopback:
		return "loopback-network"
	}
	return ""
}

// CheckLocalNetworkAccess implements the "Local Network Access check"
// (https://wicg.github.io/local-network-access/#local-network-access-check)
// for a request whose connection reached an address in
// r.ResourceAddressSpace. It returns nil when the request may proceed, or a
// *Failure:
//
//   - step 2: a same-origin request from a potentially trustworthy origin
//     is exempt (Chromium puts this behind the feature
//     LocalNetworkAccessAllowPotentiallyTrustworthySameOrigin, whose default
//     corsim has not verified); step 3: no policy container, no check;
//   - step 4: with a target address space, the resource must be in exactly
//     that space (CodeLocalNetworkTargetMismatch). The draft then returns
//     "allowed" at once, yet its Mixed Content section says that when the
//     server is in the declared space "the permission can be checked", and
//     Chromium's launch notes say a granted permission is what relaxes mixed
//     content. corsim goes on to step 5, so a declared local network
//     request still needs the permission;
//   - step 5: a request to a less public space than the client's is a
//     local network request: refused from a non-secure context
//     (CodeLocalNetworkInsecureContext, unless AskFromInsecureContext) or a
//     client without a document, and otherwise allowed only when the
//     permission is granted, or is to be asked and the user grants it
//     (CodeLocalNetworkPermissionDenied; CodeLocalNetworkPermissionUnanswered
//     when no one answers).
//
// Permissions Policy ("allowed to use", step 5.9) is not modelled: the
// default allowlist 'self' admits top-level documents.
func CheckLocalNetworkAccess(r LocalNetworkRequest) error {
	space := r.ResourceAddressSpace
	// Step 2.
	if r.CurrentURL != nil && IsPotentiallyTrustworthyOrigin(r.Origin) && SameOrigin(OriginOf(r.CurrentURL), r.Origin) {
		return nil
	}
	// Step 3.
	if r.ClientAddressSpace == "" {
		return nil
	}
	subject := ""
	if r.CurrentURL != nil {
		subject = r.CurrentURL.String()
	}
	// Step 4.
	if r.TargetAddressSpace != "" {
		if space != r.TargetAddressSpace {
			return fail(CodeLocalNetworkTargetMismatch, specLNA+"#local-network-access-check", subject,
				"the request declared the target address space "+quoteOrEmpty(string(r.TargetAddressSpace))+
					" but the server is in the "+quoteOrEmpty(string(space))+" address space")
		}
	}
	// Step 5.
	if !LessPublic(space, r.ClientAddressSpace) {
		return nil
	}
	if !r.ClientSecure && !r.AskFromInsecureContext {
		return fail(CodeLocalNetworkInsecureContext, specLNA+"#secure-context-restriction", subject,
			"the page is not a secure context and the server is in the more private "+quoteOrEmpty(string(space))+
				" address space, so the browser refuses the request without asking")
	}
	if !r.HasDocument {
		return fail(CodeLocalNetworkPermissionDenied, specLNA+"#local-network-access-check", subject,
			"a client without a document (a service worker) cannot be granted access to the "+quoteOrEmpty(string(space))+" address space")
	}
	state := r.Permission
	if state == PermissionPrompt || state == "" {
		state = r.PromptAnswer
		if state == "" {
			return fail(CodeLocalNetworkPermissionUnanswered, specLNA+"#permission-prompt", subject,
				"the browser is asking the user for the "+quoteOrEmpty(PermissionName(space))+
					" permission to reach the "+quoteOrEmpty(string(space))+" address space and no one has answered, so the request waits")
		}
	}
	if state == PermissionGranted {
		return nil
	}
	return fail(CodeLocalNetworkPermissionDenied, specLNA+"#local-network-access-check", subject,
		"the request needs the "+quoteOrEmpty(PermissionName(space))+" permission to reach the "+quoteOrEmpty(string(space))+
			" address space and it was not granted")
}
