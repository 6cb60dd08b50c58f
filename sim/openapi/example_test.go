package openapi_test

import (
	"fmt"
	"os"

	"github.com/corsim/corsim/sim/openapi"
)

func ExampleDoc_Operations() {
	src, err := os.ReadFile("../../testdata/openapi/api.yaml")
	if err != nil {
		panic(err)
	}
	d, err := openapi.Load("api.yaml", src)
	if err != nil {
		panic(err)
	}
	ops, err := d.Operations("https://api.example")
	if err != nil {
		panic(err)
	}
	for _, o := range ops[3:5] {
		fmt.Println(o.Name(), "→", o.Init.Method, o.Init.URL, "credentials", o.Init.Credentials)
	}
	// Output:
	// updateItem (PUT /items/{id}, application/json) → PUT https://api.example/items/42 credentials same-origin
	// deleteItem (DELETE /items/{id}) → DELETE https://api.example/items/42 credentials include
}
