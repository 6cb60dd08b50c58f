package policy

import (
	"net/netip"
	"net/url"
	"testing"

	"pgregory.net/rapid"
)

// FuzzGates checks invariants that tie the gate predicates together for
// any URL: a potentially trustworthy URL is never mixed content; fetch()
// from an https page to anything else is; an upgrade only ever changes
// http to https; Fetch metadata headers go exactly to trustworthy URLs.
func FuzzGates(f *testing.F) {
	for _, s := range []string{"http://api.test/", "https://api.test/", "http://127.0.0.1:8080/", "http://[::1]/", "http://localhost./x",
		"http://app.localhost/", "ws://a.test/", "data:text/plain,x", "file:///etc/passwd", "about:blank", "http://0x7f.1/", "blob:https://a.test/1"} {
		f.Add(s, "image")
	}
	page := OriginOf(mustParse("https://app.example/"))
	f.Fuzz(func(t *testing.T, raw, dest string) {
		u, err := ParseURL(raw)
		if err != nil {
			return
		}
		trusted := IsPotentiallyTrustworthyURL(u)
		err = CheckMixedContent(MixedContentRequest{URL: u, ClientOrigin: page})
		if trusted && err != nil {
			t.Fatalf("%s is trustworthy but blocked: %v", u, err)
		}
		if !trusted && failCode(err) != CodeMixedContentBlocked {
			t.Fatalf("%s is not trustworthy and fetch() from an https page is not blocked (%v)", u, err)
		}
		up, changed := UpgradeMixedContent(MixedContentRequest{URL: u, Destination: dest, ClientOrigin: page})
		if changed {
			if u.Scheme != "http" || up.Scheme != "https" || up.Host != u.Host || up.Path != u.Path || up.RawQuery != u.RawQuery {
				t.Fatalf("upgrade %s -> %s changed more than the scheme", u, up)
			}
			if err := CheckMixedContent(MixedContentRequest{URL: up, Destination: dest, ClientOrigin: page}); err != nil {
				t.Fatalf("upgraded %s still blocked: %v", up, err)
			}
		} else if up != u {
			t.Fatalf("no upgrade but a new URL %s for %s", up, u)
		}
		h := FetchMetadataHeaders(MetadataRequest{URLList: []*url.URL{u}, Origin: page, Mode: "cors"})
		if (len(h) > 0) != trusted {
			t.Fatalf("%s: trustworthy %v but %d Fetch metadata headers", u, trusted, len(h))
		}
	})
}

func mustParse(s string) *url.URL {
	u, err := ParseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestPropAddressSpaceMapped: an IPv4 address and its IPv4-mapped IPv6 form
// are in the same space (LNA "determine the IP address space" step 1).
func TestPropAddressSpaceMapped(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "ipv4")
		v4 := netip.AddrFrom4([4]byte(b))
		mapped := netip.AddrFrom16(v4.As16())
		if AddressSpaceOf(v4) != AddressSpaceOf(mapped) {
			t.Fatalf("%s is %q but %s is %q", v4, AddressSpaceOf(v4), mapped, AddressSpaceOf(mapped))
		}
		if AddressSpaceOf(v4) == "" {
			t.Fatalf("%s has no address space", v4)
		}
	})
}

// TestPropLNAMonotone: a request is never refused for going to a space at
// least as public as the page's, and is always refused from a non-secure
// page when it goes to a less public one (no target space declared).
func TestPropLNAMonotone(t *testing.T) {
	spaces := []AddressSpace{AddressSpaceLoopback, AddressSpaceLocal, AddressSpacePublic}
	rapid.Check(t, func(t *rapid.T) {
		client := rapid.SampledFrom(spaces).Draw(t, "client")
		resource := rapid.SampledFrom(spaces).Draw(t, "resource")
		secure := rapid.Bool().Draw(t, "secure")
		perm := rapid.SampledFrom([]Permission{PermissionGranted, PermissionDenied, PermissionPrompt}).Draw(t, "perm")
		ans := rapid.SampledFrom([]Permission{PermissionGranted, PermissionDenied}).Draw(t, "answer")
		err := CheckLocalNetworkAccess(LocalNetworkRequest{
			Origin: OriginOf(mustParse("https://app.example/")), CurrentURL: mustParse("http://target.test/"),
			ClientAddressSpace: client, ClientSecure: secure, HasDocument: true,
			ResourceAddressSpace: resource, Permission: perm, PromptAnswer: ans})
		switch {
		case !LessPublic(resource, client) && err != nil:
			t.Fatalf("%s page to %s server refused: %v", client, resource, err)
		case LessPublic(resource, client) && !secure && failCode(err) != CodeLocalNetworkInsecureContext:
			t.Fatalf("non-secure %s page to %s server: %v", client, resource, err)
		case LessPublic(resource, client) && secure:
			granted := perm == PermissionGranted || perm == PermissionPrompt && ans == PermissionGranted
			if granted != (err == nil) {
				t.Fatalf("secure %s page to %s server, permission %s/%s: %v", client, resource, perm, ans, err)
			}
		}
	})
}
