package openapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/corsim/corsim/corstest"
)

// shopAPI is the Express app of testdata/openapi/api.yaml as a Go
// handler: its CORS layer allows the front end with credentials, and
// lists X-CSRF-Token among the allowed headers.
func shopAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == "https://app.example" {
			w.Header().Set("Access-Control-Allow-Origin", "https://app.example")
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-CSRF-Token")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	})
}

// TestOperationsInGoTest is the go test form of corsim check: every
// operation of the document, as the front end makes it, against an
// http.Handler through corstest, in every browser.
func TestOperationsInGoTest(t *testing.T) {
	d := load(t, "api.yaml")
	ops, err := d.Operations("https://api.example")
	if err != nil {
		t.Fatal(err)
	}
	ct := corstest.New(t, shopAPI(), corstest.ServerURL("https://api.example"), corstest.Browsers(corstest.AllBrowsers()...))
	for _, op := range ops {
		t.Run(op.Name(), func(t *testing.T) {
			ct.From("https://app.example").FetchInit(op.Init).Allowed()
		})
	}
	// From another origin every credentialed operation is blocked.
	for _, op := range ops {
		if strings.Contains(op.Security, "cookie") {
			ct.From("https://evil.example").FetchInit(op.Init).Blocked()
		}
	}
}
