package chicors_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/examples/chicors"
	"github.com/corsim/corsim/examples/internal/expect"
)

const (
	app  = "https://app.example"
	evil = "https://evil.example"
)

func TestCorrect(t *testing.T) {
	t.Parallel()
	ct := corstest.New(t, chicors.Correct(), corstest.Browsers(corstest.AllBrowsers()...))
	for _, m := range []string{"PUT", "PATCH"} {
		c := ct.From(app).Fetch(m, "/api/items", corstest.JSON(`{"name":"pen"}`), corstest.Credentials())
		c.Allowed().Exposes("X-Request-Id").PreflightCachedFor(10 * time.Minute).VariesOnOrigin(evil)
		ct.From(evil).Fetch(m, "/api/items", corstest.JSON(`{}`), corstest.Credentials()).Blocked().VariesOnOrigin(app)
	}
}

// go-chi/cors#27: a lower-case method is echoed upper-cased.
func TestLowercasePatchIsUppercased(t *testing.T) {
	t.Parallel()
	for _, h := range []struct {
		name    string
		handler http.Handler
	}{{"Correct", chicors.Correct()}, {"LowercaseMethods", chicors.LowercaseMethods()}} {
		t.Run(h.name, func(t *testing.T) {
			t.Parallel()
			rec := new(corstest.Recorder)
			ct := corstest.New(rec, h.handler, corstest.Browsers(corstest.AllBrowsers()...))
			ct.From(app).Fetch("patch", "/api/items", corstest.JSON(`{}`), corstest.Credentials()).Allowed()
			expect.Caught(t, rec,
				"patch https://api.example/api/items from https://app.example",
				"Access-Control-Request-Method: patch",
				"Access-Control-Allow-Methods: PATCH",
				"Method patch is not allowed by Access-Control-Allow-Methods in preflight response.",
				`- "Access-Control-Allow-Methods": "PATCH, patch",`,
				`+ "Access-Control-Allow-Methods": "PATCH",`,
			)
		})
	}
}
