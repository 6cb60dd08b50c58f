package conformance

import "github.com/corsim/corsim/browser"

// Codes returns the machine codes corsim's profile says the real browser
// reports for outcome o: the IDs of its console lines. The browser package
// gives each line the engine's own code — Chromium's
// network::mojom::CorsError name (browser/console_chromium.go), compared
// with Network.loadingFailed's corsErrorStatus.corsError; Firefox's
// security.properties key (browser/console_firefox.go), compared with the
// category of the console service's message — so comparing them checks
// that mapping.
func Codes(o *browser.Outcome) []string {
	var out []string
	for _, m := range o.Console {
		if m.ID != "" {
			out = append(out, m.ID)
		}
	}
	return out
}
