package scenario_test

import (
	"fmt"

	"github.com/corsim/corsim/sim/scenario"
)

// Parse reads a scenario file: its commands in order, each with its line,
// and the files of its archive. A mistake is reported as file:line.
func ExampleParse() {
	src := []byte(`# A PUT needs a preflight that allows it.
browsers chromium firefox
page https://app.example
server https://api.example config api.conf
fetch PUT https://api.example/items -d 'x'
expect preflight sent
-- api.conf --
origins https://app.example
methods PUT
`)
	sc, err := scenario.Parse("put.txtar", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sc.Title)
	fmt.Println(sc.Browsers)
	for _, c := range sc.Commands {
		fmt.Println(c.Line, c.Name)
	}
	fmt.Println(len(sc.Files["api.conf"]), "bytes of api.conf")

	_, err = scenario.Parse("bad.txtar", []byte("page https://app.example\nfetch https://api.example/ --mode cros\n"))
	fmt.Println(err)
	// Output:
	// A PUT needs a preflight that allows it.
	// [chromium firefox]
	// 2 browsers
	// 3 page
	// 4 server
	// 5 fetch
	// 6 expect
	// 40 bytes of api.conf
	// bad.txtar:2: fetch: --mode "cros": want one of cors, no-cors, same-origin, navigate
}
