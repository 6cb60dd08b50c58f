package corstest

import "github.com/corsim/corsim/fetch"

// RequestOption sets part of the fetch() call a Page makes.
type RequestOption func(*fetch.RequestInit)

// JSON gives the request a JSON body, as
// fetch(url, {body: JSON.stringify(v), headers: {"Content-Type":
// "application/json"}}) does. application/json is not a CORS-safelisted
// Content-Type, so the request needs a preflight
// (https://fetch.spec.whatwg.org/#cors-safelisted-request-header).
func JSON(body string) RequestOption {
	return func(i *fetch.RequestInit) {
		i.Header.Set("Content-Type", "application/json")
		i.Body = fetch.Body{Kind: fetch.BodyText, Data: body}
	}
}

// Text gives the request a string body; its default Content-Type is
// text/plain;charset=UTF-8, which is CORS-safelisted.
func Text(body string) RequestOption {
	return func(i *fetch.RequestInit) { i.Body = fetch.Body{Kind: fetch.BodyText, Data: body} }
}

// Header appends a request header, as the headers member of fetch()'s init
// does. Forbidden request-headers (Cookie, Origin, …) are dropped, as the
// browser drops them.
func Header(name, value string) RequestOption {
	return func(i *fetch.RequestInit) { i.Header.Append(name, value) }
}

// Credentials makes the request credentialed: credentials: "include", so
// cookies and HTTP authentication go along and the server must answer with
// Access-Control-Allow-Credentials: true and an explicit origin
// (https://fetch.spec.whatwg.org/#concept-cors-check).
func Credentials() RequestOption {
	return func(i *fetch.RequestInit) { i.Credentials = fetch.CredentialsInclude }
}

// XHR makes the request with XMLHttpRequest instead of fetch(); browsers
// word their console messages differently for it.
func XHR() RequestOption {
	return func(i *fetch.RequestInit) { i.Initiator = fetch.InitiatorXHR }
}
