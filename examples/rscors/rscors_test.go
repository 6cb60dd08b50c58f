package rscors_test

import (
	"testing"
	"time"

	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/examples/internal/expect"
	"github.com/corsim/corsim/examples/rscors"
)

const (
	app  = "https://app.example"
	evil = "https://evil.example"
)

// put is the request the app makes: a credentialed JSON PUT.
func put(ct *corstest.Tester, origin string) *corstest.Check {
	return ct.From(origin).Fetch("PUT", "/api/items", corstest.JSON(`{"name":"pen"}`), corstest.Credentials())
}

func TestCorrect(t *testing.T) {
	t.Parallel()
	ct := corstest.New(t, rscors.Correct(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct, app).Allowed().Exposes("X-Request-Id").PreflightCachedFor(10 * time.Minute).VariesOnOrigin(evil)
	put(ct, evil).Blocked().VariesOnOrigin(app)
}

// rs/cors#197: "h*" with credentials reflects any origin.
func TestWildcardPatternReflectsAnyOrigin(t *testing.T) {
	t.Parallel()
	rec := new(corstest.Recorder)
	ct := corstest.New(rec, rscors.WildcardPattern(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct, app).Allowed() // the app still works, which is why nobody notices
	put(ct, evil).Blocked()
	expect.Caught(t, rec,
		"PUT https://api.example/api/items from https://evil.example with credentials",
		"want: blocked",
		"Chromium allowed: cors response, status 200, after a preflight",
		"the server echoed the request's Origin in Access-Control-Allow-Origin",
		`+ "Access-Control-Allow-Origin": "https://evil.example",`,
	)
}

// rs/cors#185: OPTIONS never reaches a per-route middleware.
func TestPerRouteCORSPreflightGets405(t *testing.T) {
	t.Parallel()
	rec := new(corstest.Recorder)
	put(corstest.New(rec, rscors.PerRouteCORS()), app).Allowed()
	expect.Caught(t, rec,
		"Chromium blocked in the preflight (missing-allow-origin)",
		"HTTP/1.1 405 Method Not Allowed",
		"Allow: GET, HEAD, PUT",
		"Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		"204 instead of 405",
	)

	ct := corstest.New(t, rscors.PerRouteCORSFixed())
	put(ct, app).Allowed().Exposes("X-Request-Id")
}

// rs/cors#1: authentication in front of CORS rejects the preflight.
func TestAuthBeforeCORSRejectsPreflight(t *testing.T) {
	t.Parallel()
	rec := new(corstest.Recorder)
	put(corstest.New(rec, rscors.AuthBeforeCORS(), corstest.Browsers(corstest.AllBrowsers()...)), app).Allowed()
	expect.Caught(t, rec,
		"HTTP/1.1 401 Unauthorized",
		"actual request: not sent",
		"answer the preflight (OPTIONS) with a 2xx status before authentication or routing rejects it: 204 instead of 401",
		"confirmed in Chromium, Firefox, WebKit, Spec:",
		"Cross-Origin Request Blocked", // Firefox's console, below Chromium's story
	)

	// The fix. The actual request carries the session cookie in a real
	// browser; here the simulated browser has no cookie jar, so the API
	// answers 401 — but with CORS headers, so script can read that 401.
	ct := corstest.New(t, rscors.AuthAfterCORS(), corstest.Browsers(corstest.AllBrowsers()...))
	c := put(ct, app).Allowed()
	if got := c.Result(corstest.Chromium).Response.Status; got != 401 {
		t.Errorf("status = %d, want the API's own 401, readable by script", got)
	}
}
