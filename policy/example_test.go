package policy_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/corsim/corsim/policy"
)

func ExampleParseOrigin() {
	for _, s := range []string{"https://a.example", "https://a.example/", "HTTPS://A.EXAMPLE", "https://a.example:443", "null"} {
		o, err := policy.ParseOrigin(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%s (opaque: %v)\n", o, o.IsOpaque())
	}
	// Output:
	// https://a.example (opaque: false)
	// error: "https://a.example/" is not a serialized origin: a serialized origin has no path, query or fragment (not even a trailing "/")
	// error: "HTTPS://A.EXAMPLE" is not a serialized origin: the scheme must be one of ftp, http, https, ws, wss in lowercase
	// error: "https://a.example:443" is not a serialized origin: the port 443 is the default port of https and is never serialized
	// null (opaque: true)
}

func ExampleParseURL() {
	u, _ := policy.ParseURL("HTTP://0x7f.1:80/index.html")
	fmt.Println(u, policy.OriginOf(u))
	// Output: http://127.0.0.1/index.html http://127.0.0.1
}

func ExampleUnsafeRequestHeaderNames() {
	headers := policy.HeaderList{
		{Name: "Accept", Value: "*/*"},
		{Name: "X-Trace", Value: "1"},
		{Name: "Content-Type", Value: "application/json"},
		{Name: "x-trace", Value: "2"},
	}
	fmt.Println(policy.UnsafeRequestHeaderNames(headers))
	for _, f := range (policy.Safelist{}).Explain(headers) {
		fmt.Printf("%s: %s\n", f.Code, f.Message)
	}
	// Output:
	// [content-type x-trace]
	// header-not-safelisted: X-Trace is not a CORS-safelisted request-header name (only Accept, Accept-Language, Content-Language, Content-Type and Range are)
	// content-type-not-safelisted: Content-Type essence application/json is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain
	// header-not-safelisted: x-trace is not a CORS-safelisted request-header name (only Accept, Accept-Language, Content-Language, Content-Type and Range are)
}

func ExampleCheckCORSSafelistedRequestHeader() {
	fmt.Println(policy.CheckCORSSafelistedRequestHeader("Content-Type", "text/plain;charset=utf-8"))
	fmt.Println(policy.CheckCORSSafelistedRequestHeader("Range", "bytes=0-1,2-3"))
	err := policy.CheckCORSSafelistedRequestHeader("Accept-Language", "en-US,en;q=0.9,"+strings.Repeat("x", 114))
	var f *policy.Failure
	if errors.As(err, &f) {
		fmt.Println(f.Code, "-", f.Message)
	}
	// Output:
	// <nil>
	// Range value "bytes=0-1,2-3" is not a single byte range: there is more after the end (only one range, no whitespace)
	// value-too-long - Accept-Language value is 129 bytes, over the 128-byte limit
}

func ExampleCORSCheck() {
	response := policy.HeaderList{
		{Name: "Access-Control-Allow-Origin", Value: "*"},
		{Name: "Access-Control-Allow-Credentials", Value: "true"},
	}
	fmt.Println(policy.CORSCheck(response, "https://app.example", false))
	err := policy.CORSCheck(response, "https://app.example", true)
	var f *policy.Failure
	if errors.As(err, &f) {
		fmt.Println(f.Code, "-", f.Message)
	}
	// Output:
	// <nil>
	// wildcard-origin-with-credentials - Access-Control-Allow-Origin is * but the request's credentials mode is include
}

func ExampleParseMaxAge() {
	for _, v := range []string{"600", "0", "-1", "1.5"} {
		m := policy.ParseMaxAge(policy.HeaderList{{Name: "Access-Control-Max-Age", Value: v}})
		fmt.Printf("%q: %v %d (spec uses %d)\n", v, m.Kind, m.Seconds, m.SpecSeconds())
	}
	fmt.Println(policy.ParseMaxAge(nil).Kind)
	// Output:
	// "600": value 600 (spec uses 600)
	// "0": zero 0 (spec uses 0)
	// "-1": negative -1 (spec uses 5)
	// "1.5": invalid 0 (spec uses 5)
	// absent
}
