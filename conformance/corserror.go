package conformance

import "github.com/corsim/corsim/browser"

// CorsErrors returns the DevTools CORS error codes corsim's Chromium profile
// says real Chromium reports for outcome o: the IDs of its console lines.
// The browser package maps each failure code to Chromium's
// network::mojom::CorsError name there (browser/console_chromium.go), so
// comparing them with Network.loadingFailed's corsErrorStatus.corsError
// checks that mapping.
func CorsErrors(o *browser.Outcome) []string {
	var out []string
	for _, m := range o.Console {
		if m.ID != "" {
			out = append(out, m.ID)
		}
	}
	return out
}
