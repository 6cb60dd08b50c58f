package policy

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// PublicSuffixList gives the public suffix of a domain. It has the same
// shape as net/http/cookiejar.PublicSuffixList, so the same implementations
// serve both. See https://url.spec.whatwg.org/#host-public-suffix.
type PublicSuffixList interface {
	// PublicSuffix returns the public suffix of domain ("co.uk" for
	// "www.example.co.uk").
	PublicSuffix(domain string) string
	// String names the list and its version, for reports.
	String() string
}

// DefaultPublicSuffixList is the list compiled into golang.org/x/net/publicsuffix.
// It is read-only.
var DefaultPublicSuffixList PublicSuffixList = publicsuffix.List

// RegistrableDomain returns the host's registrable domain: the public suffix
// plus one more label, or "" when the host is an IP address, equals its
// public suffix, or is empty.
// See https://url.spec.whatwg.org/#host-registrable-domain.
func RegistrableDomain(host string, psl PublicSuffixList) string {
	if psl == nil {
		psl = DefaultPublicSuffixList
	}
	if host == "" || host[0] == '[' || endsInANumber(host) {
		return ""
	}
	// url#host-public-suffix: a trailing dot is kept on the suffix; the list
	// itself is queried without it.
	trailing := strings.HasSuffix(host, ".")
	h := strings.TrimSuffix(host, ".")
	if h == "" {
		return ""
	}
	suffix := psl.PublicSuffix(h)
	if suffix == "" || suffix == h || !strings.HasSuffix(h, "."+suffix) {
		return ""
	}
	rest := h[:len(h)-len(suffix)-1]
	label := rest[strings.LastIndexByte(rest, '.')+1:]
	rd := label + "." + suffix
	if trailing {
		rd += "."
	}
	return rd
}

// Site returns the serialized site of an origin: "null" for an opaque
// origin, else scheme "://" followed by the host's registrable domain, or
// the host itself when it has none.
// See https://html.spec.whatwg.org/multipage/browsers.html#obtain-a-site.
// A nil psl means DefaultPublicSuffixList.
func Site(o Origin, psl PublicSuffixList) string {
	if o.IsOpaque() {
		return "null"
	}
	h := RegistrableDomain(o.host, psl)
	if h == "" {
		h = o.host
	}
	return o.scheme + "://" + h
}

// SameSite reports whether a and b are (schemefully) same site: their sites are the same opaque origin, or both are (scheme, host)
// pairs with equal scheme and equal registrable domain (or host when there
// is none). Ports are ignored.
// See https://html.spec.whatwg.org/multipage/browsers.html#same-site.
// A nil psl means DefaultPublicSuffixList.
func SameSite(a, b Origin, psl PublicSuffixList) bool {
	if a.IsOpaque() || b.IsOpaque() {
		return SameOrigin(a, b)
	}
	return Site(a, psl) == Site(b, psl)
}

// SchemelesslySameSite reports whether a and b are schemelessly same site:
// the same opaque origin, or tuple origins whose hosts are equal and have
// no registrable domain, or whose registrable domains are equal and
// non-null. Schemes and ports are ignored.
// See https://html.spec.whatwg.org/multipage/browsers.html#schemelessly-same-site.
// A nil psl means DefaultPublicSuffixList.
func SchemelesslySameSite(a, b Origin, psl PublicSuffixList) bool {
	if a.IsOpaque() || b.IsOpaque() {
		return SameOrigin(a, b)
	}
	ra, rb := RegistrableDomain(a.host, psl), RegistrableDomain(b.host, psl)
	if ra == "" && rb == "" {
		return a.host == b.host
	}
	return ra != "" && ra == rb
}
