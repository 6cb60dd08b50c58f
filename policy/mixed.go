package policy

import (
	"net/url"
	"slices"
)

// Spec anchor of the W3C Mixed Content specification (Level 2, 2026-01).
const specMixedContent = "https://w3c.github.io/webappsec-mixed-content/"

// CodeMixedContentBlocked: a secure context fetched a URL that is not
// potentially trustworthy and the request could not be upgraded
// (https://w3c.github.io/webappsec-mixed-content/#should-block-fetch).
const CodeMixedContentBlocked Code = "mixed-content-blocked"

// MixedContentRequest is what the mixed content algorithms read from a
// request and its client.
type MixedContentRequest struct {
	// URL is the request's current URL.
	URL *url.URL
	// Destination is the request's destination ("" for fetch() and XHR,
	// "image", "audio", "video", "script", "document", "iframe", …).
	// See https://fetch.spec.whatwg.org/#concept-request-destination.
	Destination string
	// Initiator is the request's initiator ("" for most requests,
	// "imageset" for <img srcset> and <picture>).
	Initiator string
	// ClientOrigin is the origin of the request's client (the page).
	ClientOrigin Origin
	// AncestorOrigins are the origins of the client's ancestor frames,
	// nearest first; empty for a top-level page.
	AncestorOrigins []Origin
	// TopLevelNavigation is true for a navigation of a top-level traversable
	// (destination "document" with no parent), which mixed content never blocks.
	TopLevelNavigation bool
	// TargetAddressSpace is the request's target IP address space
	// (Local Network Access), or "" when null.
	TargetAddressSpace AddressSpace
	// ClientAddressSpace is the IP address space of the client's policy
	// container (the page's server), or "" when unknown.
	ClientAddressSpace AddressSpace
	// LoopbackIsInsecure makes an http: URL on a loopback host mixed
	// content too: an engine deviation (WebKitGTK 2.50 observed), not the
	// spec, which treats loopback as potentially trustworthy.
	LoopbackIsInsecure bool
	// UserAllowsMixedContent models the per-site user setting that lets
	// blockable mixed content load (#requirements-user-controls).
	UserAllowsMixedContent bool
}

// IsMixedContent reports whether the request is mixed content
// (https://w3c.github.io/webappsec-mixed-content/#mixed-content): its URL is
// not a potentially trustworthy URL and its client prohibits mixed security
// contexts. A request can be mixed content and still be allowed by
// CheckMixedContent (the user's setting, a top-level navigation, a declared
// local network request); Chromium 156 then logs a security warning ("…
// requested an insecure resource '…'. This content should also be served
// over HTTPS.") instead of the blocking error.
func IsMixedContent(r MixedContentRequest) bool {
	return r.URL != nil && !r.trustworthy() && r.prohibits()
}

// prohibits is ProhibitsMixedSecurityContexts for the request's client,
// where under LoopbackIsInsecure an http: loopback origin is no more
// trustworthy than any other http: origin.
func (r MixedContentRequest) prohibits() bool {
	if !r.LoopbackIsInsecure {
		return ProhibitsMixedSecurityContexts(r.ClientOrigin, r.AncestorOrigins)
	}
	secure := func(o Origin) bool { return o.Scheme() != "http" && IsPotentiallyTrustworthyOrigin(o) }
	return secure(r.ClientOrigin) || slices.ContainsFunc(r.AncestorOrigins, secure)
}

// trustworthy reports whether the request's URL is potentially
// trustworthy for mixed content: as Secure Contexts says, less an http:
// loopback URL under LoopbackIsInsecure.
func (r MixedContentRequest) trustworthy() bool {
	if r.LoopbackIsInsecure && r.URL.Scheme == "http" {
		return false
	}
	return IsPotentiallyTrustworthyURL(r.URL)
}

// ProhibitsMixedSecurityContexts implements "Does settings prohibit mixed
// security contexts?"
// (https://w3c.github.io/webappsec-mixed-content/#categorize-settings-object):
// true when the client's origin (step 1) or the origin of any ancestor
// frame's document (step 2) is potentially trustworthy.
func ProhibitsMixedSecurityContexts(client Origin, ancestors []Origin) bool {
	if IsPotentiallyTrustworthyOrigin(client) {
		return true
	}
	for _, a := range ancestors {
		if IsPotentiallyTrustworthyOrigin(a) {
			return true
		}
	}
	return false
}

// UpgradeMixedContent implements "Upgrade a mixed content request to a
// potentially trustworthy URL, if appropriate"
// (https://w3c.github.io/webappsec-mixed-content/#upgrade-algorithm). It
// returns the URL the request continues with and whether it was upgraded.
// Only upgradeable content moves: an http: image (not from imageset), audio
// or video whose host is a domain, requested by a client that prohibits
// mixed security contexts, becomes https: (the port stays as parsed; a null
// port means 443 afterwards). Local Network Access adds one exception: a
// local network request that declares its target IP address space is not
// upgraded (https://wicg.github.io/local-network-access/#integration-with-mixed-content;
// see CheckMixedContent for what "declares" covers).
//
// Fetch's main fetch runs this before asking whether the request is blocked
// (https://fetch.spec.whatwg.org/#concept-main-fetch step 6).
func UpgradeMixedContent(r MixedContentRequest) (*url.URL, bool) {
	u := r.URL
	if u == nil {
		return nil, false
	}
	// Step 1: the conditions under which the request is left alone.
	switch {
	case IsPotentiallyTrustworthyURL(u): // 1.1
		return u, false
	case isIPHost(u): // 1.2
		return u, false
	case !ProhibitsMixedSecurityContexts(r.ClientOrigin, r.AncestorOrigins): // 1.3
		return u, false
	case r.Destination != "image" && r.Destination != "audio" && r.Destination != "video": // 1.4
		return u, false
	case r.Destination == "image" && r.Initiator == "imageset": // 1.5
		return u, false
	case declaresLocalNetworkRequest(r): // LNA exception 6
		return u, false
	}
	// Step 2: http becomes https.
	if asciiLower(u.Scheme) != "http" {
		return u, false
	}
	up := *u
	up.Scheme = "https"
	return &up, true
}

// CheckMixedContent implements "Should fetching request be blocked as mixed
// content?" (https://w3c.github.io/webappsec-mixed-content/#should-block-fetch)
// for a request whose URL UpgradeMixedContent has already handled. It
// returns nil (allowed) when, per step 1:
//
//  1. the client does not prohibit mixed security contexts;
//  2. the request's current URL is potentially trustworthy (https:, wss:,
//     http://localhost, http://127.0.0.1, http://[::1], data:, file:);
//  3. the user has allowed mixed content for the site;
//  4. the request is a top-level navigation;
//
// or, by Local Network Access's amendment, the request declares a target IP
// address space that makes it a local network request
// (https://wicg.github.io/local-network-access/#integration-with-mixed-content).
// The draft words that condition as "origin is not potentially trustworthy
// and target IP address space is local", which cannot be meant as written
// (such an origin never prohibits mixed content) and leaves out "loopback",
// which its own IDL enum and Chromium accept. corsim follows the behaviour
// WPT's fetch/local-network-access/mixed-content-fetch.tentative.https.window.js
// expects: a target space of "local" or "loopback" that is less public than
// the client's space exempts the request (public to loopback succeeds with
// targetAddressSpace "loopback"); the same option on a request that is not a
// local network request (public to public, loopback to loopback) does not.
// CheckLocalNetworkAccess then checks that the server really is in that
// space and asks for the permission. Otherwise (step 2) the request is
// blocked and the error is a *Failure with code CodeMixedContentBlocked.
// fetch() and XMLHttpRequest requests (destination "") are blockable
// content, never upgraded.
func CheckMixedContent(r MixedContentRequest) error {
	switch {
	case !r.prohibits():
		return nil
	case r.URL != nil && r.trustworthy():
		return nil
	case r.UserAllowsMixedContent:
		return nil
	case r.TopLevelNavigation:
		return nil
	case declaresLocalNetworkRequest(r):
		return nil
	}
	subject := ""
	if r.URL != nil {
		subject = r.URL.String()
	}
	return fail(CodeMixedContentBlocked, specMixedContent+"#should-block-fetch", subject,
		"the page was loaded over a secure connection and "+quoteURL(subject)+
			" is not a secure URL, so the browser blocks the request as mixed content before it is sent (serve it over https)")
}

// declaresLocalNetworkRequest reports whether the request's declared
// target IP address space is local or loopback and less public than its
// client's space.
func declaresLocalNetworkRequest(r MixedContentRequest) bool {
	t := r.TargetAddressSpace
	return (t == AddressSpaceLocal || t == AddressSpaceLoopback) && LessPublic(t, r.ClientAddressSpace)
}

func quoteURL(s string) string {
	if s == "" {
		return "the URL"
	}
	return "'" + s + "'"
}

// isIPHost reports whether u's host is an IP address.
func isIPHost(u *url.URL) bool {
	_, ok := hostIP(hostOnly(u.Host))
	return ok
}

// hostOnly strips a port from a URL's Host field ("[::1]:80" → "[::1]").
func hostOnly(hp string) string {
	h, _, _, _ := splitHostPort(hp)
	return asciiLower(h)
}
