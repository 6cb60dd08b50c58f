package audit

import (
	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
)

// DefaultProfiles returns the profiles Audit judges with when
// Options.Profiles is nil: package browser's spec, Chromium, Firefox and
// WebKit profiles (browser.Profiles). Origin acceptance (Accepts) goes by
// their names; a "chromium+feature" variant counts as chromium.
func DefaultProfiles() []fetch.Profile { return browser.Profiles() }
