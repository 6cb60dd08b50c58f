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
// a host so that a page can live at such an origin.
//
//   - chromium: measured on this project's machine with Chromium
//     156.0.8078.108 (`new URL("https://www.target.com" + c + ".evil.com").origin`
//     in headless Chromium): every byte the URL standard allows round-trips
//     unchanged except "*", which Chromium percent-encodes to "%2A", so the
//     literal string is never sent. That is the URL parser only; whether the
//     DNS resolver then looks such a name up was not measured.
//   - firefox, webkit: inferred from the scanners' browser notes
//     (nuclei-templates and CORScanner, summarised in
//     shared/reference/ecosystem.md §2.2 item 11): "_" and "-" work in every
//     browser, "$" and "+" also in Firefox and Safari, and
//     "~ = & * ) ( ' ! ; ," only in Safari. Bytes the notes do not mention
//     ('"', "{", "}", "`") are taken as refused by Firefox and accepted by
//     WebKit (whose notes say it accepts most), which is a guess.
var hostByteSupport = map[byte]struct{ firefox, webkit bool }{
	'_': {true, true}, '$': {true, true}, '+': {true, true},
	'~': {false, true}, '=': {false, true}, '&': {false, true}, '*': {false, true},
	')': {false, true}, '(': {false, true}, '\'': {false, true}, '!': {false, true},
	';': {false, true}, ',': {false, true},
	'"': {false, true}, '{': {false, true}, '}': {false, true}, '`': {false, true},
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
				a.Source = SourceInferred
				for j := 0; j < len(special); j++ {
					s, known := hostByteSupport[special[j]]
					ok := known && (name == "webkit" && s.webkit || name == "firefox" && s.firefox)
					if !ok && !known && name == "webkit" {
						ok = true // unmentioned and spec-valid: WebKit follows the spec [inferred]
					}
					if !ok {
						a.Accepts = false
						break
					}
				}
			}
		}
		out[i] = a
	}
	return out
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
