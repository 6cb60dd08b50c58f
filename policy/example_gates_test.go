package policy_test

import (
	"fmt"
	"net/netip"
	"net/url"

	"github.com/corsim/corsim/policy"
)

func ExampleCheckMixedContent() {
	page, _ := policy.ParseOrigin("https://app.example")
	for _, s := range []string{"http://api.example/items", "http://127.0.0.1:8080/items", "https://api.example/items"} {
		u, _ := policy.ParseURL(s)
		err := policy.CheckMixedContent(policy.MixedContentRequest{URL: u, ClientOrigin: page})
		fmt.Println(s, "->", err == nil)
	}
	// Output:
	// http://api.example/items -> false
	// http://127.0.0.1:8080/items -> true
	// https://api.example/items -> true
}

func ExampleCheckLocalNetworkAccess() {
	page, _ := policy.ParseOrigin("https://app.example")
	u, _ := policy.ParseURL("http://127.0.0.1:8080/")
	err := policy.CheckLocalNetworkAccess(policy.LocalNetworkRequest{
		Origin:               page,
		CurrentURL:           u,
		ClientAddressSpace:   policy.AddressSpacePublic,
		ClientSecure:         true,
		HasDocument:          true,
		ResourceAddressSpace: policy.AddressSpaceOf(netip.MustParseAddr("127.0.0.1")),
		Permission:           policy.PermissionPrompt,
		PromptAnswer:         policy.PermissionDenied, // headless Chromium
	})
	fmt.Println(err.(*policy.Failure).Code)
	// Output: local-network-permission-denied
}

func ExampleFetchMetadataHeaders() {
	page, _ := policy.ParseOrigin("https://app.example")
	u, _ := policy.ParseURL("https://api.example/items")
	for _, h := range policy.FetchMetadataHeaders(policy.MetadataRequest{URLList: []*url.URL{u}, Origin: page, Mode: "cors"}) {
		fmt.Printf("%s: %s\n", h.Name, h.Value)
	}
	// Output:
	// Sec-Fetch-Dest: empty
	// Sec-Fetch-Mode: cors
	// Sec-Fetch-Site: cross-site
}

func ExampleIsPotentiallyTrustworthyURL() {
	for _, s := range []string{"https://api.example/", "http://api.example/", "http://localhost:8080/", "http://127.0.0.1/", "http://[::1]/", "data:,x"} {
		u, _ := policy.ParseURL(s)
		fmt.Println(s, policy.IsPotentiallyTrustworthyURL(u))
	}
	// Output:
	// https://api.example/ true
	// http://api.example/ false
	// http://localhost:8080/ true
	// http://127.0.0.1/ true
	// http://[::1]/ true
	// data:,x true
}

func ExampleAddressSpaceOf() {
	for _, s := range []string{"127.0.0.1", "192.168.1.10", "100.64.0.1", "fd00::1", "::ffff:10.0.0.1", "8.8.8.8"} {
		fmt.Println(s, policy.AddressSpaceOf(netip.MustParseAddr(s)))
	}
	// Output:
	// 127.0.0.1 loopback
	// 192.168.1.10 local
	// 100.64.0.1 local
	// fd00::1 local
	// ::ffff:10.0.0.1 local
	// 8.8.8.8 public
}

func ExampleCheckCORP() {
	page, _ := policy.ParseOrigin("https://app.example")
	img, _ := policy.ParseURL("https://cdn.example/logo.png")
	err := policy.CheckCORP(policy.CORPRequest{Origin: page, ResponseURL: img,
		Headers: policy.HeaderList{{Name: "Cross-Origin-Resource-Policy", Value: "same-site"}}})
	fmt.Println(err)
	// Output: the response's Cross-Origin-Resource-Policy is same-site and https://app.example is not the same site as https://cdn.example
}
