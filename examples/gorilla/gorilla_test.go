package gorilla_test

import (
	"testing"
	"time"

	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/examples/gorilla"
	"github.com/corsim/corsim/examples/internal/expect"
)

const (
	app   = "https://app.example"
	admin = "https://admin.example"
	evil  = "https://evil.example"
)

func put(ct *corstest.Tester, origin string) *corstest.Check {
	return ct.From(origin).Fetch("PUT", "/api/items", corstest.JSON(`{"name":"pen"}`), corstest.Credentials())
}

func TestCorrect(t *testing.T) {
	t.Parallel()
	ct := corstest.New(t, gorilla.Correct(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct, app).Allowed().Exposes("X-Request-Id").PreflightCachedFor(10 * time.Minute).VariesOnOrigin(evil)
	put(ct, evil).Blocked().VariesOnOrigin(app)
}

// gorilla/handlers#248: one allowed origin, no Vary: Origin.
func TestSingleOriginHasNoVary(t *testing.T) {
	t.Parallel()
	// Browsers are happy: nothing in a browser depends on Vary.
	ct := corstest.New(t, gorilla.SingleOrigin(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct, app).Allowed().Exposes("X-Request-Id").PreflightCachedFor(10 * time.Minute)
	put(ct, evil).Blocked()

	// Shared caches are not.
	rec := new(corstest.Recorder)
	put(corstest.New(rec, gorilla.SingleOrigin()), app).VariesOnOrigin()
	expect.Caught(t, rec,
		"want: Vary lists Origin on responses that depend on it",
		"the preflight response names an origin (Access-Control-Allow-Origin: https://app.example) but has no Vary: Origin",
		"the response names an origin (Access-Control-Allow-Origin: https://app.example) but has no Vary: Origin",
	)
}

// gorilla/handlers#248: several origins, no Vary on a disallowed origin's
// response.
func TestTwoOriginsDisallowedOriginHasNoVary(t *testing.T) {
	t.Parallel()
	ct := corstest.New(t, gorilla.TwoOrigins())
	put(ct, app).Allowed().VariesOnOrigin(evil)
	put(ct, admin).Allowed().VariesOnOrigin(evil)

	rec := new(corstest.Recorder)
	ct = corstest.New(rec, gorilla.TwoOrigins())
	ct.From(evil).Fetch("GET", "/api/items").Blocked().VariesOnOrigin(app)
	expect.Caught(t, rec,
		"the response has no Vary: Origin, yet the same request from https://app.example gets other CORS headers",
		`+ "Access-Control-Allow-Origin": "https://app.example",`,
	)
}

// gorilla caps MaxAge at 600 s whatever you ask.
func TestMaxAgeCappedAt600(t *testing.T) {
	t.Parallel()
	rec := new(corstest.Recorder)
	ct := corstest.New(rec, gorilla.LongMaxAge(), corstest.Browsers(corstest.Chromium, corstest.Firefox))
	put(ct, app).PreflightCachedFor(time.Hour)
	expect.Caught(t, rec,
		`- "Access-Control-Max-Age": "3600",`,
		`+ "Access-Control-Max-Age": "600",`,
		"Chromium: after 1h0m0s the request was preflighted again; the preflight result was cached for 10m0s",
		"Firefox: after 1h0m0s the request was preflighted again",
	)
}
