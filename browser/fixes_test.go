package browser

import (
	"context"
	"testing"

	"github.com/corsim/corsim/fetch"
)

// TestChromiumURLCredentialsQuotedAsWritten: Chromium 156 quotes the URL
// in the TypeError exactly as the script wrote it — password, upper-case
// host and empty password kept (conformance suite, url-with-credentials).
func TestChromiumURLCredentialsQuotedAsWritten(t *testing.T) {
	const prefix = "TypeError: Failed to execute 'fetch' on 'Window': Request cannot be constructed from a URL that includes credentials: "
	b := New(Chromium)
	p := mustOpen(t, b, appOrigin)
	for _, u := range []string{
		"https://user:pw@api.example/data",
		"https://user:pw@API.example/data?x",
		"https://user:@api.example/data",
	} {
		o := p.Fetch(context.Background(), u, fetch.RequestInit{})
		if o.RequestErr == nil || o.RequestErr.Code != fetch.CodeURLHasCredentials {
			t.Fatalf("%s: RequestErr = %v, want url-has-credentials", u, o.RequestErr)
		}
		if want := prefix + u; o.JSError != want {
			t.Errorf("JSError = %q\n want %q", o.JSError, want)
		}
		// The failure itself stays redacted (it goes into reports).
		if o.RequestErr.Subject == u && u != "https://user:@api.example/data" {
			t.Errorf("failure subject %q is not redacted", o.RequestErr.Subject)
		}
	}
}
