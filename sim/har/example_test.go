package har_test

import (
	"fmt"
	"os"

	"github.com/corsim/corsim/sim/har"
)

func ExampleLog_Traffic() {
	src, err := os.ReadFile("../../testdata/har/firefox.har")
	if err != nil {
		panic(err)
	}
	l, err := har.Parse("firefox.har", src)
	if err != nil {
		panic(err)
	}
	calls, _ := l.Traffic()
	for _, c := range calls {
		fmt.Println(c.Init.Method, c.Init.URL, "from", c.Page, "credentials", c.Init.Credentials)
		fmt.Println("preflight in the HAR:", c.Preflight != nil, "recorded:", c.Recorded())
	}
	fmt.Println(l.Server().Keys())
	// Output:
	// POST https://api.example/orders from https://app.example credentials include
	// preflight in the HAR: true recorded: 201 Created
	// [GET https://app.example/dashboard OPTIONS https://api.example/orders POST https://api.example/orders]
}
