package fetch_test

import (
	"context"
	"fmt"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

func ExampleNewRequest() {
	page, _ := policy.ParseOrigin("https://app.example")
	req, err := fetch.NewRequest(fetch.Client{Origin: page}, fetch.RequestInit{
		Method: "post",
		URL:    "https://api.example/items",
		Header: policy.HeaderList{{Name: "Cookie", Value: "a=b"}, {Name: "X-Trace", Value: "1"}},
		Body:   fetch.Body{Kind: fetch.BodyURLSearchParams, Data: "a=1"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.Method, req.Header)
	fmt.Println("dropped:", req.DroppedHeaders[0].Name, req.DroppedReasons[0].Code)

	_, err = fetch.NewRequest(fetch.Client{Origin: page}, fetch.RequestInit{Method: "PUT", URL: "https://api.example/", Mode: fetch.ModeNoCORS})
	fmt.Println(err.(*policy.Failure).Code)
	// Output:
	// POST [{X-Trace 1} {Content-Type application/x-www-form-urlencoded;charset=UTF-8}]
	// dropped: Cookie forbidden-header
	// no-cors-unsafe-method
}

func ExampleFetcher_Fetch() {
	page, _ := policy.ParseOrigin("https://app.example")
	server := fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		h := policy.HeaderList{{Name: "Access-Control-Allow-Origin", Value: "https://app.example"}}
		if r.Preflight {
			h = append(h, policy.Header{Name: "Access-Control-Allow-Methods", Value: "PUT"},
				policy.Header{Name: "Access-Control-Max-Age", Value: "60"})
			return &fetch.WireResponse{Status: 204, Header: h}, nil
		}
		return &fetch.WireResponse{Status: 200, Header: h, Body: []byte("done")}, nil
	})
	clock := fetch.NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	f := &fetch.Fetcher{Profile: fetch.Spec, Cache: fetch.NewPreflightCache(fetch.Spec, 1), Clock: clock, Transport: server}
	req, _ := fetch.NewRequest(fetch.Client{Origin: page}, fetch.RequestInit{Method: "PUT", URL: "https://api.example/items/1"})

	for _, wait := range []time.Duration{0, 30 * time.Second, 31 * time.Second} {
		clock.Advance(wait)
		res := f.Fetch(context.Background(), req)
		for _, x := range res.Wire {
			fmt.Print(x.Request.Method, " ")
		}
		fmt.Println("→", res.Response.Type, res.Response.Status, string(res.Response.Body), "from cache:", res.Preflights[0].FromCache)
	}
	// Output:
	// OPTIONS PUT → cors 200 done from cache: false
	// PUT → cors 200 done from cache: true
	// OPTIONS PUT → cors 200 done from cache: false
}
