package playground_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/corsim/corsim/sim/playground"
)

// ExampleNew serves the playground (corsim serve does this on
// 127.0.0.1:7878) and runs a scenario through its API as the page does.
func ExampleNew() {
	pg, err := playground.New(os.DirFS("../../testdata/labs")) // corsim.Labs in the binary
	if err != nil {
		panic(err)
	}
	defer pg.Close()
	ts := httptest.NewServer(pg)
	defer ts.Close()

	body := `{"source": "# One GET.\npage https://app.example\nserver https://api.example config api.conf\nfetch https://api.example/x\n-- api.conf --\norigins https://app.example\n"}`
	r, err := http.Post(ts.URL+"/api/run", "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer r.Body.Close()
	var got struct {
		Report struct {
			Scenarios []struct {
				Runs []struct {
					Profile string
					Steps   []struct{ Fetch *struct{ Outcome string } }
				}
			}
		}
	}
	json.NewDecoder(r.Body).Decode(&got)
	run := got.Report.Scenarios[0].Runs[0]
	fmt.Println(run.Profile, run.Steps[2].Fetch.Outcome) // steps: page, server, fetch
	// Output: chromium allowed
}
