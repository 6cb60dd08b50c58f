package corstest

import (
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
)

// Browser is a browser profile a check runs in: one of the variables below,
// or any profile package browser builds (browser.ChromiumWithFeatures, …).
type Browser = fetch.Profile

// The browsers corstest knows by name: what each does, and where it comes
// from, is documented in package browser.
var (
	// Chromium is Chromium as shipped (the default browser of a Tester).
	Chromium = browser.Chromium
	// Firefox is Gecko's CORS implementation.
	Firefox = browser.Firefox
	// WebKit is Safari's.
	WebKit = browser.WebKit
	// Spec is the Fetch standard to the letter.
	Spec = browser.Spec
)

// AllBrowsers returns Chromium, Firefox, WebKit and Spec, the order in
// which corstest reports verdicts.
func AllBrowsers() []Browser { return []Browser{Chromium, Firefox, WebKit, Spec} }

// displayName is how a failure message names a profile.
func displayName(p Browser) string {
	base, rest, plus := strings.Cut(p.Name, "+")
	var n string
	switch strings.ToLower(base) {
	case browser.NameChromium:
		n = "Chromium"
	case browser.NameFirefox:
		n = "Firefox"
	case browser.NameWebKit:
		n = "WebKit"
	case browser.NameSpec, "":
		n = "Spec"
	default:
		n = base
	}
	if plus {
		n += "+" + rest
	}
	return n
}
