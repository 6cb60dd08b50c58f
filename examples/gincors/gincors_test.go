package gincors_test

import (
	"testing"
	"time"

	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/examples/gincors"
	"github.com/corsim/corsim/examples/internal/expect"
)

const (
	app  = "https://app.example"
	evil = "https://evil.example"
)

func put(ct *corstest.Tester, origin string) *corstest.Check {
	return ct.From(origin).Fetch("PUT", "/api/items", corstest.JSON(`{"name":"pen"}`), corstest.Credentials())
}

func TestCorrect(t *testing.T) {
	t.Parallel()
	ct := corstest.New(t, gincors.Correct(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct, app).Allowed().Exposes("X-Request-Id").PreflightCachedFor(10 * time.Minute).VariesOnOrigin(evil)
	put(ct, evil).Blocked()
	// gin-contrib/cors#184: a disallowed origin gets 403 even for a simple
	// request; blocked either way.
	c := ct.From(evil).Fetch("GET", "/api/items").Blocked()
	if got := c.Result(corstest.Chromium).Wire[0].Response.Status; got != 403 {
		t.Errorf("status for a disallowed origin = %d, want gin-contrib/cors's 403", got)
	}
}

// gin-contrib/cors#14, #31, #103: "*" with credentials locks the app out.
func TestAnyOriginWithCredentialsBlocksTheApp(t *testing.T) {
	t.Parallel()
	rec := new(corstest.Recorder)
	ct := corstest.New(rec, gincors.AnyOriginWithCredentials(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct, app).Allowed()
	expect.Caught(t, rec,
		"Chromium blocked in the preflight (wildcard-origin-with-credentials)",
		"Access-Control-Allow-Origin: *",
		"Access-Control-Allow-Credentials: true",
		"The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
		`- "Access-Control-Allow-Origin": "https://app.example",`,
		`+ "Access-Control-Allow-Origin": "*",`,
		"Cross-Origin Request Blocked",
	)
}
