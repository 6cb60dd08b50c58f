package browser_test

import (
	"context"
	"fmt"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// An API that answers preflights but forgets Access-Control-Allow-Origin on
// the actual response: the PUT reaches the server, yet script is blocked.
func api() fetch.Transport {
	return fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		if r.Preflight {
			return &fetch.WireResponse{Status: 204, Header: policy.HeaderList{
				{Name: "Access-Control-Allow-Origin", Value: "https://app.example"},
				{Name: "Access-Control-Allow-Methods", Value: "PUT"},
			}}, nil
		}
		return &fetch.WireResponse{Status: 200, Body: []byte("saved")}, nil
	})
}

func ExampleNew() {
	b := browser.New(browser.Firefox, browser.WithSeed(42))
	if err := b.Serve("https://api.example", api()); err != nil {
		panic(err)
	}
	page, err := b.Open("https://app.example")
	if err != nil {
		panic(err)
	}
	o := page.Fetch(context.Background(), "https://api.example/items/1", fetch.RequestInit{Method: "PUT"})
	fmt.Println(o.JSError)
	fmt.Println("reached server:", o.Result.ReachedServer)
	for _, m := range o.Console {
		fmt.Println(m.Text)
	}
	// Output:
	// TypeError: NetworkError when attempting to fetch resource.
	// reached server: true
	// Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/items/1. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.
}

func ExamplePage_Fetch() {
	for _, p := range browser.Profiles() {
		b := browser.New(p)
		_ = b.Serve("https://api.example", api())
		page, _ := b.Open("https://app.example")
		o := page.Fetch(context.Background(), "https://api.example/items/1", fetch.RequestInit{Method: "PUT"})
		fmt.Printf("%s: %s\n", p.Name, o.Console[0].Text)
	}
	// Output:
	// spec: network error fetching https://api.example/items/1: the response has no Access-Control-Allow-Origin header (https://fetch.spec.whatwg.org/#concept-cors-check)
	// chromium: Access to fetch at 'https://api.example/items/1' from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.
	// firefox: Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/items/1. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.
	// webkit: Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200
}

func ExamplePage_XHR() {
	b := browser.New(browser.Chromium)
	_ = b.Serve("https://api.example", api())
	page, _ := b.Open("https://app.example")
	o := page.XHR(context.Background(), "PUT", "https://api.example/items/1", browser.XHRRequest{WithCredentials: true})
	fmt.Println(o.XHR.Status, o.XHR.Events)
	fmt.Println(o.Console[0].Text)
	// Output:
	// 0 [loadstart readystatechange:4 error loadend]
	// Access to XMLHttpRequest at 'https://api.example/items/1' from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.
}

func ExampleBrowser_Advance() {
	b := browser.New(browser.WebKit)
	_ = b.Serve("https://api.example", api())
	page, _ := b.Open("https://app.example")
	put := fetch.RequestInit{Method: "PUT", URL: "https://api.example/items/1"}
	page.Fetch(context.Background(), "", put)
	fmt.Println("entries:", len(b.CacheEntries()))
	b.Advance(6e9) // 6 s: past the 5 s default max-age
	fmt.Println("entries:", len(b.CacheEntries()))
	// Output:
	// entries: 1
	// entries: 0
}

// ExampleOutcome_ReadHeader reads a header the server did not expose, as
// xhr.getResponseHeader does: null, and Chromium's console line.
func ExampleOutcome_ReadHeader() {
	b := browser.New(browser.Chromium)
	_ = b.Serve("https://api.example", fetch.TransportFunc(func(context.Context, *fetch.WireRequest) (*fetch.WireResponse, error) {
		return &fetch.WireResponse{Status: 200, Header: policy.HeaderList{
			{Name: "Access-Control-Allow-Origin", Value: "https://app.example"},
			{Name: "X-Secret", Value: "hidden"},
		}}, nil
	}))
	page, err := b.Open("https://app.example")
	if err != nil {
		fmt.Println(err)
		return
	}
	o := page.XHR(context.Background(), "GET", "https://api.example/data", browser.XHRRequest{})
	rd := o.ReadHeader("X-Secret")
	fmt.Println(rd.Null, rd.Console[0].Text)
	// Output: true Refused to get unsafe header "X-Secret"
}
