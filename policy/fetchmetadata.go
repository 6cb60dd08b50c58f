package policy

import "net/url"

// Spec anchor of the W3C Fetch Metadata Request Headers specification.
const specFetchMetadata = "https://w3c.github.io/webappsec-fetch-metadata/"

// MetadataRequest is what the Fetch metadata algorithms read from a request.
type MetadataRequest struct {
	// URLList is the request's URL list (the first URL, then every redirect
	// target); its last element is the current URL.
	URLList []*url.URL
	// Origin is the request's origin.
	Origin Origin
	// Mode is the request's mode: "cors", "no-cors", "same-origin",
	// "navigate" or "websocket".
	Mode string
	// Destination is the request's destination ("" for fetch() and XHR).
	Destination string
	// UserInitiatedNavigation is true for a navigation the user started
	// directly (typing an address, a bookmark): Sec-Fetch-Site is "none".
	UserInitiatedNavigation bool
	// UserActivation is the request's user-activation (navigations only).
	UserActivation bool
	// PSL is the public suffix list for "same site"; nil means
	// DefaultPublicSuffixList.
	PSL PublicSuffixList
}

// FetchMetadataHeaders implements "append the Fetch metadata headers for a
// request" (https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-append-the-fetch-metadata-headers-for-a-request),
// which HTTP-network-or-cache fetch runs for every request it sends
// (https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch).
// It returns the headers to set, in the spec's order: none at all when the
// current URL is not a potentially trustworthy URL (step 1, which reads
// "request's URL"; Chromium's services/network/sec_header_helpers.cc tests
// the URL the hop goes to and removes the headers on a redirect to an
// untrustworthy URL, and corsim follows the engine; Chromium sends none to
// http://api.test), else Sec-Fetch-Dest, Sec-Fetch-Mode,
// Sec-Fetch-Site and, for a navigation with user activation, Sec-Fetch-User.
func FetchMetadataHeaders(r MetadataRequest) HeaderList {
	if len(r.URLList) == 0 || !IsPotentiallyTrustworthyURL(r.URLList[len(r.URLList)-1]) {
		return nil
	}
	l := HeaderList{
		{Name: "Sec-Fetch-Dest", Value: SecFetchDest(r.Destination)},
		{Name: "Sec-Fetch-Mode", Value: r.Mode},
		{Name: "Sec-Fetch-Site", Value: SecFetchSite(r)},
	}
	if r.Mode == "navigate" && r.UserActivation {
		l = append(l, Header{Name: "Sec-Fetch-User", Value: "?1"})
	}
	return l
}

// SecFetchDest implements "set the Sec-Fetch-Dest header" step 3
// (https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-set-dest):
// the destination, with the empty destination spelled "empty".
func SecFetchDest(destination string) string {
	if destination == "" {
		return "empty"
	}
	return destination
}

// SecFetchSite implements "set the Sec-Fetch-Site header"
// (https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-set-site):
// "none" for a navigation the user started directly (step 4); otherwise,
// walking the whole URL list (step 5), "same-origin" while every URL is same
// origin with the request's origin, "same-site" once one is only same site,
// and "cross-site" from the first URL that is not same site, which ends the
// walk. A redirect through another site therefore makes the request
// cross-site even if it comes back.
func SecFetchSite(r MetadataRequest) string {
	if r.Mode == "navigate" && r.UserInitiatedNavigation {
		return "none"
	}
	value := "same-origin"
	for _, u := range r.URLList {
		o := OriginOf(u)
		if SameOrigin(o, r.Origin) {
			continue
		}
		value = "cross-site"
		if !SameSite(r.Origin, o, r.PSL) {
			break
		}
		value = "same-site"
	}
	return value
}
