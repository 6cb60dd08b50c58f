package policy

import (
	"net/netip"
	"net/url"
	"strings"
)

// Spec anchors of the W3C Secure Contexts specification.
const specSecureContexts = "https://w3c.github.io/webappsec-secure-contexts/"

// IsPotentiallyTrustworthyOrigin reports whether o is a potentially
// trustworthy origin, following "Is origin potentially trustworthy?"
// (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy):
//
//  1. an opaque origin is not trustworthy;
//  3. scheme https or wss is;
//  4. a host in 127.0.0.0/8 or ::1/128 is;
//  5. "localhost", "localhost." and names ending in ".localhost" or
//     ".localhost." are (every current engine follows let-localhost-be-localhost);
//  6. scheme file is (see IsPotentiallyTrustworthyURL: corsim's file: URLs
//     have opaque origins, so this step is reached through the URL);
//  7. vendor schemes and 8. configured origins are not modelled;
//  9. anything else is not.
//
// Port and document.domain play no part (the spec's closing note).
func IsPotentiallyTrustworthyOrigin(o Origin) bool {
	if o.IsOpaque() {
		return false // step 1
	}
	switch o.scheme {
	case "https", "wss":
		return true // step 3
	case "file":
		return true // step 6
	}
	if isLoopbackHost(o.host) {
		return true // step 4
	}
	return isLocalhostName(o.host) // step 5
}

// IsPotentiallyTrustworthyURL reports whether u is a potentially trustworthy
// URL (https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy):
// "about:blank" and "about:srcdoc" (step 1) and data: URLs (step 2) are,
// because they inherit their creator's context; otherwise the URL's origin
// decides (step 3). A file: URL is trustworthy: the spec says user agents
// SHOULD treat file URLs so (#is-origin-trustworthy step 6) and Chromium,
// Firefox and WebKit do, although OriginOf gives file: URLs an opaque origin.
func IsPotentiallyTrustworthyURL(u *url.URL) bool {
	if u == nil {
		return false
	}
	scheme := asciiLower(u.Scheme)
	switch scheme {
	case "about":
		p := u.Opaque
		if p == "" {
			p = u.Path
		}
		return u.RawQuery == "" && (p == "blank" || p == "srcdoc")
	case "data":
		return true
	case "file":
		return true
	}
	return IsPotentiallyTrustworthyOrigin(OriginOf(u))
}

// isLoopbackHost reports whether a serialized host (dotted IPv4 or
// bracketed IPv6) is in 127.0.0.0/8 or is ::1.
func isLoopbackHost(host string) bool {
	a, ok := hostIP(host)
	if !ok {
		return false
	}
	if a.Is4() {
		return a.As4()[0] == 127
	}
	return a == netip.IPv6Loopback()
}

// hostIP returns the IP address of a serialized host, if it is one.
func hostIP(host string) (netip.Addr, bool) {
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		a, err := netip.ParseAddr(host[1 : len(host)-1])
		return a, err == nil
	}
	if host == "" || !endsInANumber(host) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	return a, err == nil && a.Is4()
}

// isLocalhostName implements step 5's name test: "localhost" or
// "localhost." or a name ending in ".localhost" or ".localhost.".
func isLocalhostName(host string) bool {
	h := strings.TrimSuffix(host, ".")
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// IsSecureContext reports whether an environment whose creation URL is u and
// whose ancestors' origins are ancestors (nearest first, top-level last) is a
// secure context, in the simplified form HTML gives for documents
// (https://html.spec.whatwg.org/multipage/webappapis.html#secure-context):
// every ancestor's origin must be potentially trustworthy, and so must the
// environment's own URL. Blink's Document::IsSecureContextImpl walks the
// same chain (own origin, then every parent frame's origin). Workers and
// sandboxed frames are not modelled.
func IsSecureContext(u *url.URL, ancestors []Origin) bool {
	for _, a := range ancestors {
		if !IsPotentiallyTrustworthyOrigin(a) {
			return false
		}
	}
	return IsPotentiallyTrustworthyURL(u)
}
