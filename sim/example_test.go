package sim_test

import (
	"context"
	"fmt"

	"github.com/corsim/corsim/sim"
)

func ExampleRunSource() {
	src := []byte(`# PUT needs a preflight, which the server answers.
# spec: https://fetch.spec.whatwg.org/#cors-preflight-fetch-0
browsers chromium firefox
page https://app.example
server https://api.example config api.conf
! fetch DELETE https://api.example/items/1
expect error method-not-allowed
-- api.conf --
origins https://app.example
methods PUT
`)
	res := sim.RunSource(context.Background(), "example.txtar", src, sim.Options{})
	for _, run := range res.Runs {
		fs := run.Steps[3].Fetch
		fmt.Println(run.Profile, fs.Outcome, fs.Err().Code, run.OK())
	}
	// Output:
	// chromium blocked method-not-allowed true
	// firefox blocked method-not-allowed true
}
