package fetch

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/corsim/corsim/policy"
)

// spaces is an AddressSpaces from a host → space table.
type spaces map[string]policy.AddressSpace

func (s spaces) AddressSpaceOf(u *url.URL) policy.AddressSpace { return s[u.Hostname()] }

// TestGates runs each gate where fetch.bs (or its amending spec) puts it,
// with a profile that enforces every gate.
func TestGates(t *testing.T) {
	enforcing := Profile{LocalNetworkAccess: true, LocalNetworkPromptAnswer: policy.PermissionDenied,
		TargetAddressSpaceOption: true, MaxResponseHeaderBytes: 1024, FetchMetadata: true}
	big := strings.Repeat("x", 2000)
	tests := []struct {
		name    string
		page    string
		init    RequestInit
		srv     server
		perm    policy.Permission
		gate    Gate
		code    policy.Code
		reached bool
	}{
		{name: "https page, http URL: mixed content", page: "https://app.example", init: RequestInit{URL: "http://api.example/x"},
			gate: GateMixedContent, code: policy.CodeMixedContentBlocked},
		{name: "https page, http loopback: not mixed, but a local network request", page: "https://app.example", init: RequestInit{URL: "http://127.0.0.1/x"},
			gate: GateLocalNetwork, code: policy.CodeLocalNetworkPermissionDenied},
		{name: "granted permission", page: "https://app.example", init: RequestInit{URL: "https://printer.example/x"}, perm: policy.PermissionGranted,
			srv: server{act: fixed(200, "Access-Control-Allow-Origin", "*")}, gate: GateNone, reached: true},
		{name: "non-secure page refused", page: "http://app.example", init: RequestInit{URL: "http://printer.example/x"},
			gate: GateLocalNetwork, code: policy.CodeLocalNetworkInsecureContext},
		{name: "declared loopback target passes mixed content, then needs the permission", page: "https://app.example",
			init: RequestInit{URL: "http://lo.example/x", TargetAddressSpace: "loopback"}, gate: GateLocalNetwork, code: policy.CodeLocalNetworkPermissionDenied},
		{name: "declared target mismatch", page: "https://app.example",
			init: RequestInit{URL: "https://printer.example/x", TargetAddressSpace: "loopback"}, gate: GateLocalNetwork, code: policy.CodeLocalNetworkTargetMismatch},
		{name: "header block over the limit", page: "https://app.example", init: RequestInit{URL: "https://api.example/x"},
			srv: server{act: fixed(200, "Access-Control-Allow-Origin", "*", "X-Big", big)}, gate: GateResponseSize, code: CodeResponseHeadersTooBig, reached: true},
		{name: "CORP same-origin on a no-cors response", page: "https://app.example", init: RequestInit{URL: "https://api.example/x", Mode: ModeNoCORS},
			srv: server{act: fixed(200, "Cross-Origin-Resource-Policy", "same-origin")}, gate: GateCORP, code: policy.CodeCORPSameOrigin, reached: true},
		{name: "CORP ignored in cors mode", page: "https://app.example", init: RequestInit{URL: "https://api.example/x"},
			srv: server{act: fixed(200, "Access-Control-Allow-Origin", "*", "Cross-Origin-Resource-Policy", "same-origin")}, gate: GateNone, reached: true},
		{name: "redirect to http is checked on the hop", page: "https://app.example", init: RequestInit{URL: "https://api.example/r"},
			srv: server{act: fixed(302, "Location", "http://api.example/x", "Access-Control-Allow-Origin", "*")}, gate: GateMixedContent, code: policy.CodeMixedContentBlocked, reached: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newFetcher(enforcing, tt.srv)
			f.AddressSpaces = spaces{"printer.example": policy.AddressSpaceLocal, "lo.example": policy.AddressSpaceLoopback,
				"app.example": policy.AddressSpacePublic, "api.example": policy.AddressSpacePublic}
			c := Client{Origin: mustOrigin(t, tt.page), LocalNetworkPermission: tt.perm}
			res := f.Fetch(context.Background(), mustRequest(t, c, tt.init))
			if g := GateOf(res.Err); g != tt.gate || code(res.Err) != tt.code {
				t.Errorf("gate %q code %q, want %q %q; trace %v", g, code(res.Err), tt.gate, tt.code, steps(res))
			}
			if res.ReachedServer != tt.reached {
				t.Errorf("reached server = %v, want %v", res.ReachedServer, tt.reached)
			}
		})
	}
}

// TestFetchMetadataOnTheWire: Sec-Fetch-* go to https URLs, preflights
// included, and not to http ones.
func TestFetchMetadataOnTheWire(t *testing.T) {
	f, _ := newFetcher(Profile{FetchMetadata: true}, server{pre: echoOrigin(204, "Access-Control-Allow-Methods", "PUT"), act: echoOrigin(200)})
	res := f.Fetch(context.Background(), mustRequest(t, newClient(t), RequestInit{Method: "PUT", URL: "https://api.example/x"}))
	for _, x := range res.Wire {
		if v, _ := x.Request.Header.Get("Sec-Fetch-Mode"); v != "cors" {
			t.Errorf("%s: Sec-Fetch-Mode %q, want cors", x.Request.Method, v)
		}
		if v, _ := x.Request.Header.Get("Sec-Fetch-Site"); v != "cross-site" {
			t.Errorf("%s: Sec-Fetch-Site %q, want cross-site", x.Request.Method, v)
		}
	}
	page := Client{Origin: mustOrigin(t, "http://app.example")}
	res = f.Fetch(context.Background(), mustRequest(t, page, RequestInit{URL: "http://api.example/x"}))
	if len(res.Wire) != 1 || res.Wire[0].Request.Header.Contains("Sec-Fetch-Site") {
		t.Errorf("an http URL got Sec-Fetch-*: %v", res.Wire)
	}
}
