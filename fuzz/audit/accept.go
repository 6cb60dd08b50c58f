package audit

import (
	"strings"

	"github.com/corsim/corsim/policy"
)

// Acceptance says whether one browser profile would ever send a given
// Origin string, and on what evidence.
type Acceptance struct {
	// Profile is the profile's name.
	Profile string `json:"profile"`
	// Accepts reports that a page can have this exact origin in that
	// browser, so its requests carry this exact Origin header.
	Accepts bool `json:"accepts"`
	// Source says where the answer comes from: "spec" (the URL standard's
	// host parser, as package policy implements it), "measured" (observed
	// in that browser) or "inferred" (second-hand: scanner notes).
	Source string `json:"source"`
}

// Evidence labels for Acceptance.Source.
const (
	SourceSpec     = "spec"
	SourceMeasured = "measured"
	SourceInferred = "inferred"
)

// hostByteSupport records, for the bytes other than letters, digits, "."
// and "-" that the URL standard allows in a domain, which engines accept in
// a host so that a page can live at such an origin and its requests carry
// it byte for byte.
//
//   - chromium: measured on this project's machine with Chromium
//     156.0.8078.108 (the page test: 156.0.8078.114): `new URL("https://www.target.com" + c + ".evil.com").origin`
//     in headless Chromium round-trips every byte the URL standard allows
//     except "*", which Chromium percent-encodes to "%2A", so the literal
//     string is never sent; and a page at http://www.target.example + c +
//     .attacker.example, loaded through the lab, sent exactly that Origin
//     for every byte below but "{", "}" and "`" (which the lab cannot
//     serve), "*" arriving as "%2A".
//   - firefox: observed in Firefox 153 ESR, same page test (the
//     conformance module's TestSpecialHostOrigins): "_", "$" and "+" load
//     and are sent as is; "~ = & ) ( ' ! ; ," fail before any request
//     (NS_ERROR_UNKNOWN_HOST: Firefox refuses the name itself), and "*"
//     and '"' are not URLs to it (NS_ERROR_MALFORMED_URI).
//   - webkit: observed in WebKitGTK 2.50, same test: "_ $ + ~ = & * ) ( '
//     ! ," load and are sent as is; with ";" the URL is invalid to the
//     network layer (the request line reads "(null)") and '"' is
//     percent-encoded to "%22": neither literal origin is ever sent.
//   - "{", "}" and "`" (observed: false) are inferred for Firefox and
//     WebKit: the lab cannot serve such a name (Go's URL parser refuses
//     it), so the page test cannot run. Taken as refused by Firefox (which
//     refuses every other punctuation byte but "_", "$" and "+") and
//     accepted by WebKit (which follows the URL standard for most), which
//     is a guess.
var hostByteSupport = map[byte]struct{ firefox, webkit, observed bool }{
	'_': {true, true, true}, '$': {true, true, true}, '+': {true, true, true},
	'~': {false, true, true}, '=': {false, true, true}, '&': {false, true, true}, '*': {false, true, true},
	')': {false, true, true}, '(': {false, true, true}, '\'': {false, true, true}, '!': {false, true, true},
	';': {false, false, true}, ',': {false, true, true}, '"': {false, false, true},
	'{': {false, true, false}, '}': {false, true, false}, '`': {false, true, false},
}

// ObservedHostBytes lists the special host bytes whose acceptance by
// Firefox and WebKit was observed in the real engines (hostByteSupport),
// in a fixed order: the conformance suite checks each again.
func ObservedHostBytes() string {
	var out []byte
	for _, c := range []byte("_$+~=&*)('!;,\"{}`") {
		if hostByteSupport[c].observed {
			out = append(out, c)
		}
	}
	return string(out)
}

// Accepts reports, for each profile name, whether that browser would send
// origin as an Origin header byte for byte. The rules:
//
//   - "null" is sent by every browser (opaque origins).
//   - Anything the spec's origin parser (policy.ParseOrigin) refuses is
//     sent by none: a URL parser never produces it (upper case, a path, a
//     default port, CR or LF, a forbidden host code point).
//   - Profile "spec" (and any name it does not know) accepts the rest.
//   - chromium, firefox and webkit follow hostByteSupport for the special
//     bytes of the host.
func Accepts(origin string, profiles []string) []Acceptance {
	out := make([]Acceptance, len(profiles))
	if origin == "null" {
		for i, p := range profiles {
			out[i] = Acceptance{Profile: p, Accepts: true, Source: SourceSpec}
		}
		return out
	}
	o, err := policy.ParseOrigin(origin)
	if err != nil {
		for i, p := range profiles {
			out[i] = Acceptance{Profile: p, Accepts: false, Source: SourceSpec}
		}
		return out
	}
	special := specialHostBytes(o.Host())
	for i, p := range profiles {
		a := Acceptance{Profile: p, Accepts: true, Source: SourceSpec}
		if special != "" {
			name, _, _ := strings.Cut(p, "+")
			switch name {
			case "chromium":
				a.Source = SourceMeasured
				a.Accepts = !strings.Contains(special, "*")
			case "firefox", "webkit":
				a.Accepts, a.Source = hostBytesAccepted(special, name == "webkit")
			}
		}
		out[i] = a
	}
	return out
}

// hostBytesAccepted says whether Firefox (or WebKit) accepts a host with
// the given special bytes, and on what evidence: one observed refusal
// settles it; otherwise an unobserved byte makes the answer inferred.
func hostBytesAccepted(special string, webkit bool) (bool, string) {
	accepts, source := true, SourceMeasured
	for j := 0; j < len(special); j++ {
		s, known := hostByteSupport[special[j]]
		ok := s.firefox
		if webkit {
			ok = s.webkit
		}
		switch {
		case !known:
			// Not in the table (a spec-valid byte no one listed): WebKit
			// follows the URL standard, Firefox refuses [inferred].
			ok, source = webkit, SourceInferred
		case !s.observed:
			source = SourceInferred
		}
		if !ok && (known && s.observed) {
			return false, SourceMeasured
		}
		accepts = accepts && ok
	}
	return accepts, source
}

// specialHostBytes returns the bytes of a serialized host other than ASCII
// letters, digits, "." and "-" (and the brackets and colons of an IPv6
// literal), each once.
func specialHostBytes(host string) string {
	if strings.HasPrefix(host, "[") {
		return ""
	}
	var b []byte
	for i := 0; i < len(host); i++ {
		c := host[i]
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || 'A' <= c && c <= 'Z' {
			continue
		}
		if strings.IndexByte(string(b), c) < 0 {
			b = append(b, c)
		}
	}
	return string(b)
}
