package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
)

func printResp(resp *fetch.WireResponse) {
	fmt.Println(resp.Status)
	for _, h := range resp.Header {
		fmt.Printf("%s: %s\n", h.Name, h.Value)
	}
}

func ExampleParseConfig() {
	cfg, err := server.ParseConfig("api.cfg", []byte(`
origins https://app.example
credentials true
methods PUT
headers Content-Type
max-age 600
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse("https://api.example/items/1")
	preflight := &fetch.WireRequest{Method: "OPTIONS", URL: u, Preflight: true, Header: policy.HeaderList{
		{Name: "Origin", Value: "https://app.example"},
		{Name: "Access-Control-Request-Method", Value: "PUT"},
		{Name: "Access-Control-Request-Headers", Value: "content-type"},
	}}
	resp, _ := cfg.Server().RoundTrip(context.Background(), preflight)
	printResp(resp)
	// Output:
	// 204
	// Access-Control-Allow-Credentials: true
	// Access-Control-Allow-Headers: Content-Type
	// Access-Control-Allow-Methods: PUT
	// Access-Control-Allow-Origin: https://app.example
	// Access-Control-Max-Age: 600
	// Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers
}

func ExampleParseConfig_errors() {
	_, err := server.ParseConfig("api.cfg", []byte("origins https://app.example/\ncredentials yes\n"))
	fmt.Println(err)
	// Output:
	// api.cfg:1: origin "https://app.example/" has a path, query or fragment; an origin is scheme://host[:port], with no trailing slash
	// api.cfg:2: credentials "yes": want true or false
}

// A lab switches on a deliberate mistake: the server now trusts any origin
// that ends with its host.
func ExampleMistake() {
	cfg, _ := server.ParseConfig("lab.cfg", []byte("origins https://app.example\ncredentials true\nmistake suffix-match\n"))
	u, _ := url.Parse("https://api.example/me")
	resp, _ := cfg.Server().RoundTrip(context.Background(), &fetch.WireRequest{Method: "GET", URL: u,
		Header: policy.HeaderList{{Name: "Origin", Value: "https://evilapp.example"}}})
	v, _ := resp.Header.Get("Access-Control-Allow-Origin")
	fmt.Println(v)
	// Output: https://evilapp.example
}

func ExampleFromHandler() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			panic("not implemented yet")
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		fmt.Fprintln(w, "hello")
	})
	t := server.FromHandler(h)
	u, _ := url.Parse("https://api.example/")
	resp, _ := t.RoundTrip(context.Background(), &fetch.WireRequest{Method: "GET", URL: u})
	printResp(resp)
	_, err := t.RoundTrip(context.Background(), &fetch.WireRequest{Method: "DELETE", URL: u})
	var he *server.HandlerError
	if errors.As(err, &he) {
		fmt.Println(he.Kind, he.Detail)
	}
	// Output:
	// 200
	// Access-Control-Allow-Origin: *
	// Content-Length: 6
	// Content-Type: text/plain; charset=utf-8
	// panic not implemented yet
}

func ExampleParseCanned() {
	c, err := server.ParseCanned("lab.txtar", []byte(`Two Access-Control-Allow-Origin lines: the browser sees "a, b".
-- OPTIONS /items --
HTTP/1.1 204 No Content
Access-Control-Allow-Origin: https://app.example
Access-Control-Allow-Origin: https://app.example
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse("https://api.example/items")
	resp, _ := c.RoundTrip(context.Background(), &fetch.WireRequest{Method: "OPTIONS", URL: u})
	printResp(resp)
	// Output:
	// 204
	// Access-Control-Allow-Origin: https://app.example
	// Access-Control-Allow-Origin: https://app.example
}

func ExampleLive() {
	live := &server.Live{} // SendUnsafe is off
	u, _ := url.Parse("https://staging.example/orders")
	_, err := live.RoundTrip(context.Background(), &fetch.WireRequest{Method: "DELETE", URL: u})
	fmt.Println(err)
	// Output:
	// DELETE https://staging.example/orders not sent: only preflights and GET, HEAD and OPTIONS requests go to a live server unless unsafe requests may be sent (DELETE could change the server's data)
}
