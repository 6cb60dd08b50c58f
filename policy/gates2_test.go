package policy

import (
	"net/netip"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMixedContent is a table over
// https://w3c.github.io/webappsec-mixed-content/#upgrade-algorithm and
// #should-block-fetch, as main fetch runs them: upgrade first, then ask.
func TestMixedContent(t *testing.T) {
	httpsPage := mustOrigin(t, "https://app.test")
	httpPage := mustOrigin(t, "http://app.test")
	for _, tc := range []struct {
		name        string
		page        Origin
		ancestors   []Origin
		url, dest   string
		initiator   string
		target      AddressSpace
		client      AddressSpace
		topLevelNav bool
		userAllows  bool
		wantURL     string
		wantCode    Code
	}{
		{name: "fetch from https to http is blocked", page: httpsPage, url: "http://api.test/items", wantURL: "http://api.test/items", wantCode: CodeMixedContentBlocked},
		{name: "XHR (destination empty) likewise", page: httpsPage, url: "http://api.test:8080/x", wantURL: "http://api.test:8080/x", wantCode: CodeMixedContentBlocked},
		{name: "https to https", page: httpsPage, url: "https://api.test/", wantURL: "https://api.test/"},
		{name: "http page is not restricted", page: httpPage, url: "http://api.test/", wantURL: "http://api.test/"},
		{name: "http frame inside https page is restricted", page: httpPage, ancestors: []Origin{httpsPage}, url: "http://api.test/", wantURL: "http://api.test/", wantCode: CodeMixedContentBlocked},
		{name: "localhost is trustworthy", page: httpsPage, url: "http://localhost:8080/", wantURL: "http://localhost:8080/"},
		{name: "127.0.0.1 is trustworthy", page: httpsPage, url: "http://127.0.0.1:8080/", wantURL: "http://127.0.0.1:8080/"},
		{name: "[::1] is trustworthy", page: httpsPage, url: "http://[::1]:8080/", wantURL: "http://[::1]:8080/"},
		{name: "ws is blocked", page: httpsPage, url: "ws://api.test/socket", wantURL: "ws://api.test/socket", wantCode: CodeMixedContentBlocked},
		{name: "image is upgraded", page: httpsPage, url: "http://cdn.test/a.png", dest: "image", wantURL: "https://cdn.test/a.png"},
		{name: "image keeps its explicit port", page: httpsPage, url: "http://cdn.test:8080/a.png", dest: "image", wantURL: "https://cdn.test:8080/a.png"},
		{name: "audio is upgraded", page: httpsPage, url: "http://cdn.test/a.mp3", dest: "audio", wantURL: "https://cdn.test/a.mp3"},
		{name: "video is upgraded", page: httpsPage, url: "http://cdn.test/a.mp4", dest: "video", wantURL: "https://cdn.test/a.mp4"},
		{name: "imageset image is not upgraded, then blocked", page: httpsPage, url: "http://cdn.test/a.png", dest: "image", initiator: "imageset", wantURL: "http://cdn.test/a.png", wantCode: CodeMixedContentBlocked},
		{name: "image on an IP literal is not upgraded, then blocked", page: httpsPage, url: "http://192.0.2.1/a.png", dest: "image", wantURL: "http://192.0.2.1/a.png", wantCode: CodeMixedContentBlocked},
		{name: "script is blockable", page: httpsPage, url: "http://cdn.test/a.js", dest: "script", wantURL: "http://cdn.test/a.js", wantCode: CodeMixedContentBlocked},
		{name: "top-level navigation is never mixed content", page: httpsPage, url: "http://other.test/", dest: "document", topLevelNav: true, wantURL: "http://other.test/"},
		{name: "user setting allows it", page: httpsPage, url: "http://api.test/", userAllows: true, wantURL: "http://api.test/"},
		// Local Network Access amendment, as WPT's mixed-content-fetch.tentative.https.window.js expects.
		// Observed in Chromium 156 (https page made public with --ip-address-space-overrides,
		// http loopback server): no target -> blocked ("This request has been blocked");
		// "loopback" -> mixed content only warned, then the LNA permission decides;
		// "local" -> warned, then InvalidLocalNetworkAccess; "public" -> blocked.
		{name: "public page, targetAddressSpace local exempts", page: httpsPage, client: AddressSpacePublic, url: "http://router.test/ping", target: AddressSpaceLocal, wantURL: "http://router.test/ping"},
		{name: "public page, targetAddressSpace loopback exempts", page: httpsPage, client: AddressSpacePublic, url: "http://agent.test/ping", target: AddressSpaceLoopback, wantURL: "http://agent.test/ping"},
		{name: "local page, targetAddressSpace loopback exempts", page: httpsPage, client: AddressSpaceLocal, url: "http://agent.test/ping", target: AddressSpaceLoopback, wantURL: "http://agent.test/ping"},
		{name: "local page, targetAddressSpace local is no local network request", page: httpsPage, client: AddressSpaceLocal, url: "http://router.test/ping", target: AddressSpaceLocal, wantURL: "http://router.test/ping", wantCode: CodeMixedContentBlocked},
		{name: "loopback page, targetAddressSpace loopback is no local network request", page: httpsPage, client: AddressSpaceLoopback, url: "http://agent.test/ping", target: AddressSpaceLoopback, wantURL: "http://agent.test/ping", wantCode: CodeMixedContentBlocked},
		{name: "unknown page space: no exemption", page: httpsPage, url: "http://router.test/ping", target: AddressSpaceLocal, wantURL: "http://router.test/ping", wantCode: CodeMixedContentBlocked},
		{name: "targetAddressSpace local image is not upgraded", page: httpsPage, client: AddressSpacePublic, url: "http://router.test/a.png", dest: "image", target: AddressSpaceLocal, wantURL: "http://router.test/a.png"},
		{name: "targetAddressSpace public does not exempt", page: httpsPage, client: AddressSpacePublic, url: "http://api.test/", target: AddressSpacePublic, wantURL: "http://api.test/", wantCode: CodeMixedContentBlocked},
	} {
		r := MixedContentRequest{URL: mustURL(t, tc.url), Destination: tc.dest, Initiator: tc.initiator,
			ClientOrigin: tc.page, AncestorOrigins: tc.ancestors, TopLevelNavigation: tc.topLevelNav,
			TargetAddressSpace: tc.target, ClientAddressSpace: tc.client, UserAllowsMixedContent: tc.userAllows}
		u, _ := UpgradeMixedContent(r)
		if u.String() != tc.wantURL {
			t.Errorf("%s: upgraded URL = %s, want %s", tc.name, u, tc.wantURL)
		}
		r.URL = u
		if got := failCode(CheckMixedContent(r)); got != tc.wantCode {
			t.Errorf("%s: CheckMixedContent code = %q, want %q", tc.name, got, tc.wantCode)
		}
		if tc.wantCode != "" && !IsMixedContent(r) {
			t.Errorf("%s: blocked but IsMixedContent is false", tc.name)
		}
	}
}

// TestAddressSpaceOf checks every row of
// https://wicg.github.io/local-network-access/#non-public-ip-address-blocks
// at its edges.
func TestAddressSpaceOf(t *testing.T) {
	for _, tc := range []struct {
		ip   string
		want AddressSpace
	}{
		{"127.0.0.1", AddressSpaceLoopback}, {"127.255.255.255", AddressSpaceLoopback},
		{"10.0.0.0", AddressSpaceLocal}, {"10.255.255.255", AddressSpaceLocal}, {"11.0.0.0", AddressSpacePublic},
		{"100.64.0.0", AddressSpaceLocal}, {"100.127.255.255", AddressSpaceLocal}, {"100.128.0.0", AddressSpacePublic}, {"100.63.255.255", AddressSpacePublic},
		{"172.16.0.0", AddressSpaceLocal}, {"172.31.255.255", AddressSpaceLocal}, {"172.32.0.0", AddressSpacePublic}, {"172.15.255.255", AddressSpacePublic},
		{"192.168.1.1", AddressSpaceLocal}, {"192.169.0.0", AddressSpacePublic},
		{"198.18.0.0", AddressSpaceLoopback}, {"198.19.255.255", AddressSpaceLoopback}, {"198.20.0.0", AddressSpacePublic},
		{"169.254.169.254", AddressSpaceLocal},
		{"0.0.0.0", AddressSpaceLoopback}, {"0.1.2.3", AddressSpaceLocal},
		{"8.8.8.8", AddressSpacePublic}, {"192.0.2.1", AddressSpacePublic},
		{"::1", AddressSpaceLoopback}, {"::", AddressSpaceLoopback}, {"::2", AddressSpacePublic},
		{"fc00::1", AddressSpaceLocal}, {"fdff:ffff::1", AddressSpaceLocal}, {"fe00::1", AddressSpacePublic},
		{"fe80::1", AddressSpaceLocal}, {"fe80::1%eth0", AddressSpaceLocal}, {"febf::1", AddressSpaceLocal},
		{"fec0::1", AddressSpaceLocal}, {"feff::1", AddressSpaceLocal},
		{"2001:db8::1", AddressSpaceLocal}, {"2001:db9::1", AddressSpacePublic},
		{"3fff::1", AddressSpaceLocal}, {"3fff:fff::1", AddressSpaceLocal}, {"3fff:1000::1", AddressSpacePublic},
		{"2606:4700::1111", AddressSpacePublic},
		{"::ffff:127.0.0.1", AddressSpaceLoopback}, {"::ffff:192.168.0.1", AddressSpaceLocal}, {"::ffff:8.8.8.8", AddressSpacePublic},
	} {
		if got := AddressSpaceOf(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("AddressSpaceOf(%s) = %q, want %q", tc.ip, got, tc.want)
		}
	}
	if got := AddressSpaceOf(netip.Addr{}); got != "" {
		t.Errorf("AddressSpaceOf(invalid) = %q, want \"\"", got)
	}
}

func TestLessPublic(t *testing.T) {
	spaces := []AddressSpace{AddressSpaceLoopback, AddressSpaceLocal, AddressSpacePublic, ""}
	var got []string
	for _, a := range spaces {
		for _, b := range spaces {
			if LessPublic(a, b) {
				got = append(got, string(a)+"<"+string(b))
			}
		}
	}
	want := []string{"loopback<local", "loopback<public", "local<public"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LessPublic pairs (-want +got):\n%s", diff)
	}
}

func TestParseAddressSpace(t *testing.T) {
	for _, s := range []string{"public", "local", "loopback"} {
		if got, err := ParseAddressSpace(s); err != nil || string(got) != s {
			t.Errorf("ParseAddressSpace(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "private", "Local", "unknown"} {
		if _, err := ParseAddressSpace(s); failCode(err) != CodeInvalidAddressSpace {
			t.Errorf("ParseAddressSpace(%q) error code = %q, want %q", s, failCode(err), CodeInvalidAddressSpace)
		}
	}
}

func TestInitialTargetAddressSpace(t *testing.T) {
	for _, tc := range []struct {
		url      string
		declared AddressSpace
		want     AddressSpace
	}{
		{"http://192.168.0.1/", "", AddressSpaceLocal},
		{"http://[fd00::1]/", "", AddressSpaceLocal},
		{"http://printer.local/", "", AddressSpaceLocal},
		{"http://printer.local./", "", AddressSpaceLocal},
		{"http://127.0.0.1/", "", ""}, // loopback is already trustworthy: no target set
		{"http://8.8.8.8/", "", ""},
		{"http://api.test/", "", ""},
		{"http://localhost/", "", ""},
		{"http://192.168.0.1/", AddressSpaceLoopback, AddressSpaceLoopback}, // declared wins
	} {
		if got := InitialTargetAddressSpace(mustURL(t, tc.url), tc.declared); got != tc.want {
			t.Errorf("InitialTargetAddressSpace(%s, %q) = %q, want %q", tc.url, tc.declared, got, tc.want)
		}
	}
}

// TestCheckLocalNetworkAccess follows the steps of
// https://wicg.github.io/local-network-access/#local-network-access-check
// and the two console texts chromium-harness.md observed.
func TestCheckLocalNetworkAccess(t *testing.T) {
	pub := mustOrigin(t, "https://app.example")
	for _, tc := range []struct {
		name       string
		origin     Origin
		url        string
		client     AddressSpace
		secure     bool
		noDocument bool
		target     AddressSpace
		resource   AddressSpace
		perm, ans  Permission
		askInsec   bool
		want       Code
	}{
		{name: "prompt nobody answers (headless Firefox)", origin: pub, url: "http://127.0.0.1:8080/", client: AddressSpacePublic, secure: true, resource: AddressSpaceLoopback, perm: PermissionPrompt, want: CodeLocalNetworkPermissionUnanswered},
		{name: "non-secure page asked (Firefox 153 ESR), denied", origin: mustOrigin(t, "http://app.test"), url: "http://127.0.0.1:8080/", client: AddressSpacePublic, askInsec: true, resource: AddressSpaceLoopback, perm: PermissionDenied, want: CodeLocalNetworkPermissionDenied},
		{name: "non-secure page asked (Firefox 153 ESR), granted", origin: mustOrigin(t, "http://app.test"), url: "http://127.0.0.1:8080/", client: AddressSpacePublic, askInsec: true, resource: AddressSpaceLoopback, perm: PermissionGranted},
		{name: "public to public", origin: pub, url: "https://api.example/", client: AddressSpacePublic, secure: true, resource: AddressSpacePublic},
		{name: "public to loopback, denied (headless)", origin: pub, url: "http://127.0.0.1:8080/", client: AddressSpacePublic, secure: true, resource: AddressSpaceLoopback, perm: PermissionPrompt, ans: PermissionDenied, want: CodeLocalNetworkPermissionDenied},
		{name: "public to loopback, granted", origin: pub, url: "http://127.0.0.1:8080/", client: AddressSpacePublic, secure: true, resource: AddressSpaceLoopback, perm: PermissionGranted},
		{name: "public to loopback, prompt answered yes", origin: pub, url: "http://127.0.0.1:8080/", client: AddressSpacePublic, secure: true, resource: AddressSpaceLoopback, perm: PermissionPrompt, ans: PermissionGranted},
		{name: "public to local, permission denied state", origin: pub, url: "http://192.168.0.1/", client: AddressSpacePublic, secure: true, resource: AddressSpaceLocal, perm: PermissionDenied, ans: PermissionGranted, want: CodeLocalNetworkPermissionDenied},
		{name: "non-secure page to loopback", origin: mustOrigin(t, "http://app.test"), url: "http://127.0.0.1:8080/", client: AddressSpacePublic, secure: false, resource: AddressSpaceLoopback, perm: PermissionGranted, want: CodeLocalNetworkInsecureContext},
		{name: "service worker to local", origin: pub, url: "http://192.168.0.1/", client: AddressSpacePublic, secure: true, noDocument: true, resource: AddressSpaceLocal, perm: PermissionGranted, want: CodeLocalNetworkPermissionDenied},
		{name: "local to loopback needs permission", origin: pub, url: "http://127.0.0.1/", client: AddressSpaceLocal, secure: true, resource: AddressSpaceLoopback, ans: PermissionDenied, want: CodeLocalNetworkPermissionDenied},
		{name: "state denied, no prompt", origin: pub, url: "http://127.0.0.1/", client: AddressSpacePublic, secure: true, resource: AddressSpaceLoopback, perm: PermissionDenied, want: CodeLocalNetworkPermissionDenied},
		{name: "local to local is not a local network request", origin: mustOrigin(t, "http://nas.test"), url: "http://192.168.0.2/", client: AddressSpaceLocal, resource: AddressSpaceLocal},
		{name: "loopback to loopback (the harness's loopback servers)", origin: mustOrigin(t, "http://app.test"), url: "http://api.test/", client: AddressSpaceLoopback, resource: AddressSpaceLoopback},
		{name: "loopback to public", origin: mustOrigin(t, "http://localhost"), url: "https://api.example/", client: AddressSpaceLoopback, resource: AddressSpacePublic},
		{name: "same-origin from a trustworthy origin is exempt", origin: mustOrigin(t, "https://router.test"), url: "https://router.test/admin", client: AddressSpacePublic, secure: true, resource: AddressSpaceLocal, ans: PermissionDenied},
		{name: "no policy container: no check", origin: pub, url: "http://127.0.0.1/", client: "", resource: AddressSpaceLoopback, ans: PermissionDenied},
		{name: "declared target matches, permission denied", origin: pub, url: "http://router.test/", client: AddressSpacePublic, secure: true, target: AddressSpaceLocal, resource: AddressSpaceLocal, ans: PermissionDenied, want: CodeLocalNetworkPermissionDenied},
		{name: "declared target matches, permission granted", origin: pub, url: "http://router.test/", client: AddressSpacePublic, secure: true, target: AddressSpaceLocal, resource: AddressSpaceLocal, perm: PermissionGranted},
		{name: "declared public target on a public server", origin: pub, url: "https://api.example/", client: AddressSpacePublic, secure: true, target: AddressSpacePublic, resource: AddressSpacePublic},
		{name: "declared target does not match", origin: pub, url: "http://router.test/", client: AddressSpacePublic, secure: true, target: AddressSpaceLocal, resource: AddressSpacePublic, want: CodeLocalNetworkTargetMismatch},
		{name: "declared loopback, resource local", origin: pub, url: "http://router.test/", client: AddressSpacePublic, secure: true, target: AddressSpaceLoopback, resource: AddressSpaceLocal, want: CodeLocalNetworkTargetMismatch},
	} {
		r := LocalNetworkRequest{Origin: tc.origin, CurrentURL: mustURL(t, tc.url), ClientAddressSpace: tc.client,
			ClientSecure: tc.secure, HasDocument: !tc.noDocument, TargetAddressSpace: tc.target,
			ResourceAddressSpace: tc.resource, Permission: tc.perm, PromptAnswer: tc.ans, AskFromInsecureContext: tc.askInsec}
		if got := failCode(CheckLocalNetworkAccess(r)); got != tc.want {
			t.Errorf("%s: code = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestCheckCORP is a table over
// https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check.
// Chromium 156 was observed to agree on the no-cors rows for https://app.test
// fetching https://api.test (same-origin and same-site blocked:
// net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin / .NotSameSite) and
// https://img.app.test (same-site allowed, same-origin blocked), and to
// ignore CORP on a cors-mode fetch.
func TestCheckCORP(t *testing.T) {
	page := mustOrigin(t, "https://app.example")
	hdr := func(vs ...string) HeaderList {
		var l HeaderList
		for _, v := range vs {
			l = append(l, Header{Name: "Cross-Origin-Resource-Policy", Value: v})
		}
		return l
	}
	for _, tc := range []struct {
		name     string
		origin   Origin
		url      string
		headers  HeaderList
		embedder EmbedderPolicy
		creds    bool
		nav      bool
		want     Code
	}{
		{name: "no header", origin: page, url: "https://cdn.test/a.png"},
		{name: "cross-origin", origin: page, url: "https://cdn.test/a.png", headers: hdr("cross-origin")},
		{name: "same-origin, other origin", origin: page, url: "https://cdn.test/a.png", headers: hdr("same-origin"), want: CodeCORPSameOrigin},
		{name: "same-origin, same origin", origin: page, url: "https://app.example/a.png", headers: hdr("same-origin")},
		{name: "same-origin, same site other origin", origin: page, url: "https://img.app.example/a.png", headers: hdr("same-origin"), want: CodeCORPSameOrigin},
		{name: "same-site, same site", origin: page, url: "https://img.app.example/a.png", headers: hdr("same-site")},
		{name: "same-site, cross site", origin: page, url: "https://cdn.test/a.png", headers: hdr("same-site"), want: CodeCORPSameSite},
		{name: "same-site, http page and https response", origin: mustOrigin(t, "http://app.example"), url: "https://img.app.example/a.png", headers: hdr("same-site"), want: CodeCORPSameSite},
		{name: "same-site, https page and http response", origin: page, url: "http://img.app.example/a.png", headers: hdr("same-site")},
		{name: "case-sensitive value is ignored", origin: page, url: "https://cdn.test/a.png", headers: hdr("Same-Origin")},
		{name: "a list is ignored", origin: page, url: "https://cdn.test/a.png", headers: hdr("same-site, same-origin")},
		{name: "two lines are ignored", origin: page, url: "https://cdn.test/a.png", headers: hdr("same-origin", "same-origin")},
		{name: "require-corp without header", origin: page, url: "https://cdn.test/a.png", embedder: EmbedderRequireCORP, want: CodeCORPSameOrigin},
		{name: "require-corp with cross-origin", origin: page, url: "https://cdn.test/a.png", headers: hdr("cross-origin"), embedder: EmbedderRequireCORP},
		{name: "credentialless, no credentials", origin: page, url: "https://cdn.test/a.png", embedder: EmbedderCredentialless},
		{name: "credentialless, with credentials", origin: page, url: "https://cdn.test/a.png", embedder: EmbedderCredentialless, creds: true, want: CodeCORPSameOrigin},
		{name: "navigation under unsafe-none", origin: page, url: "https://cdn.test/", headers: hdr("same-origin"), nav: true},
		{name: "navigation under require-corp", origin: page, url: "https://cdn.test/", embedder: EmbedderRequireCORP, nav: true, want: CodeCORPSameOrigin},
	} {
		err := CheckCORP(CORPRequest{Origin: tc.origin, ResponseURL: mustURL(t, tc.url), Headers: tc.headers,
			Embedder: tc.embedder, IncludesCredentials: tc.creds, ForNavigation: tc.nav})
		if got := failCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
}

// TestFetchMetadataHeaders is a table over
// https://w3c.github.io/webappsec-fetch-metadata/ §2 and §5. Chromium 156
// was observed to send Sec-Fetch-Site same-site from https://app.test to
// https://img.app.test, cross-site from http://app.test to it (schemeful),
// and no Sec-Fetch-* at all to http://api.test.
func TestFetchMetadataHeaders(t *testing.T) {
	page := mustOrigin(t, "https://app.example")
	for _, tc := range []struct {
		name     string
		urls     []string
		mode     string
		dest     string
		userNav  bool
		activate bool
		want     HeaderList
	}{
		{name: "fetch() cross-site", urls: []string{"https://api.test/"}, mode: "cors",
			want: HeaderList{{"Sec-Fetch-Dest", "empty"}, {"Sec-Fetch-Mode", "cors"}, {"Sec-Fetch-Site", "cross-site"}}},
		{name: "same-origin", urls: []string{"https://app.example/x"}, mode: "cors",
			want: HeaderList{{"Sec-Fetch-Dest", "empty"}, {"Sec-Fetch-Mode", "cors"}, {"Sec-Fetch-Site", "same-origin"}}},
		{name: "same-site image", urls: []string{"https://img.app.example/a.png"}, mode: "no-cors", dest: "image",
			want: HeaderList{{"Sec-Fetch-Dest", "image"}, {"Sec-Fetch-Mode", "no-cors"}, {"Sec-Fetch-Site", "same-site"}}},
		{name: "not trustworthy: nothing", urls: []string{"http://api.test/"}, mode: "cors"},
		{name: "loopback http is trustworthy", urls: []string{"http://127.0.0.1:8080/"}, mode: "cors",
			want: HeaderList{{"Sec-Fetch-Dest", "empty"}, {"Sec-Fetch-Mode", "cors"}, {"Sec-Fetch-Site", "cross-site"}}},
		{name: "redirect to an untrustworthy URL: nothing", urls: []string{"https://api.test/", "http://api.test/"}, mode: "cors"},
		{name: "redirect through another site stays cross-site", urls: []string{"https://api.test/", "https://app.example/back"}, mode: "cors",
			want: HeaderList{{"Sec-Fetch-Dest", "empty"}, {"Sec-Fetch-Mode", "cors"}, {"Sec-Fetch-Site", "cross-site"}}},
		{name: "same-site hop then same-origin", urls: []string{"https://img.app.example/", "https://app.example/"}, mode: "cors",
			want: HeaderList{{"Sec-Fetch-Dest", "empty"}, {"Sec-Fetch-Mode", "cors"}, {"Sec-Fetch-Site", "same-site"}}},
		{name: "schemeful: http page origin to https same host is cross-site", urls: []string{"https://app.example/"}, mode: "cors",
			want: HeaderList{{"Sec-Fetch-Dest", "empty"}, {"Sec-Fetch-Mode", "cors"}, {"Sec-Fetch-Site", "cross-site"}}},
		{name: "typed navigation with activation", urls: []string{"https://api.test/"}, mode: "navigate", dest: "document", userNav: true, activate: true,
			want: HeaderList{{"Sec-Fetch-Dest", "document"}, {"Sec-Fetch-Mode", "navigate"}, {"Sec-Fetch-Site", "none"}, {"Sec-Fetch-User", "?1"}}},
		{name: "navigation without activation", urls: []string{"https://api.test/"}, mode: "navigate", dest: "iframe",
			want: HeaderList{{"Sec-Fetch-Dest", "iframe"}, {"Sec-Fetch-Mode", "navigate"}, {"Sec-Fetch-Site", "cross-site"}}},
	} {
		origin := page
		if tc.name == "schemeful: http page origin to https same host is cross-site" {
			origin = mustOrigin(t, "http://app.example")
		}
		var urls []*url.URL
		for _, s := range tc.urls {
			urls = append(urls, mustURL(t, s))
		}
		got := FetchMetadataHeaders(MetadataRequest{URLList: urls, Origin: origin, Mode: tc.mode, Destination: tc.dest,
			UserInitiatedNavigation: tc.userNav, UserActivation: tc.activate})
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestIsMixedContent(t *testing.T) {
	page := mustOrigin(t, "https://app.test")
	for _, tc := range []struct {
		url  string
		page Origin
		want bool
	}{
		{"http://api.test/", page, true},
		{"https://api.test/", page, false},
		{"http://127.0.0.1/", page, false},
		{"http://api.test/", mustOrigin(t, "http://app.test"), false},
	} {
		if got := IsMixedContent(MixedContentRequest{URL: mustURL(t, tc.url), ClientOrigin: tc.page}); got != tc.want {
			t.Errorf("IsMixedContent(%s from %s) = %v, want %v", tc.url, tc.page, got, tc.want)
		}
	}
}
