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
