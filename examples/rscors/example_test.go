package rscors_test

import (
	"fmt"
	"strings"

	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/examples/rscors"
)

// The "h*" pattern of rs/cors#197, caught: a credentialed request from
// https://evil.example is readable in every browser.
func ExampleWildcardPattern() {
	t := new(corstest.Recorder) // stands in for the test's *testing.T
	ct := corstest.New(t, rscors.WildcardPattern(), corstest.Browsers(corstest.AllBrowsers()...))
	ct.From("https://evil.example").Fetch("PUT", "/api/items", corstest.JSON(`{}`), corstest.Credentials()).Blocked()

	fmt.Println(strings.Join(strings.Split(t.String(), "\n")[:7], "\n"))
	// Output:
	// PUT https://api.example/api/items from https://evil.example with credentials
	// want: blocked (script must not read the response)
	// verdicts:
	//     Chromium  allowed: cors response, status 200, after a preflight
	//     Firefox   allowed: cors response, status 200, after a preflight
	//     WebKit    allowed: cors response, status 200, after a preflight
	//     Spec      allowed: cors response, status 200, after a preflight
}
