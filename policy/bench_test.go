package policy

import (
	"net/url"
	"testing"
)

var (
	sinkBool   bool
	sinkOrigin Origin
	sinkNames  []string
	sinkErr    error
	sinkURL    *url.URL
)

// BenchmarkParseURL: an URL already in canonical form (the fast path) and
// one that needs normalizing (the full parser).
func BenchmarkParseURL(b *testing.B) {
	for _, raw := range []string{"https://api.example:8443/data/items?id=7&x=y", "HTTPS://API.example:443/data/items?id=7&x=y"} {
		b.Run(raw[:5], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkURL, sinkErr = ParseURL(raw)
			}
			if sinkErr != nil {
				b.Fatal(sinkErr)
			}
		})
	}
}

func BenchmarkParseOrigin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkOrigin, sinkErr = ParseOrigin("https://app.example.com:8443")
	}
	if sinkErr != nil {
		b.Fatal(sinkErr)
	}
}

func BenchmarkIsSafelistedRequestHeader(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = IsCORSSafelistedRequestHeader("Content-Type", "text/plain;charset=UTF-8")
	}
	if !sinkBool {
		b.Fatal("not safelisted")
	}
}

func BenchmarkUnsafeRequestHeaderNames(b *testing.B) {
	l := HeaderList{
		{Name: "Accept", Value: "application/json, text/plain, */*"},
		{Name: "Accept-Language", Value: "en-US,en;q=0.9"},
		{Name: "Content-Type", Value: "application/x-www-form-urlencoded"},
		{Name: "Range", Value: "bytes=0-1023"},
	}
	b.ReportAllocs()
	for b.Loop() {
		sinkNames = UnsafeRequestHeaderNames(l)
	}
	if sinkNames != nil {
		b.Fatal(sinkNames)
	}
}

func BenchmarkCORSCheck(b *testing.B) {
	l := HeaderList{
		{Name: "Content-Type", Value: "application/json"},
		{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"},
		{Name: "Access-Control-Allow-Credentials", Value: "true"},
		{Name: "Vary", Value: "Origin"},
	}
	b.ReportAllocs()
	for b.Loop() {
		sinkErr = CORSCheck(l, "https://app.example.com", true)
	}
	if sinkErr != nil {
		b.Fatal(sinkErr)
	}
}

// responseNames are the names of a typical CORS response: three
// safelisted, four not (one of the same length as a safelisted name).
var responseNames = []string{"Content-Type", "Access-Control-Allow-Origin", "Cache-Control", "X-Request-Id",
	"Content-Length", "Vary", "Last-Modified", "Date"}

func BenchmarkIsCORSSafelistedResponseHeaderName(b *testing.B) {
	exposed := []string{"X-Request-Id"}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, name := range responseNames {
			if IsCORSSafelistedResponseHeaderName(name, exposed) {
				n++
			}
		}
	}
	if n%5 != 0 {
		b.Fatal(n)
	}
}

func BenchmarkHeaderListGet(b *testing.B) {
	l := HeaderList{
		{Name: "Content-Type", Value: "application/json"},
		{Name: "Content-Length", Value: "11"},
		{Name: "Cache-Control", Value: "no-store"},
		{Name: "Access-Control-Allow-Methods", Value: "PUT"},
		{Name: "Access-Control-Allow-Headers", Value: "X-Token"},
		{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"},
	}
	b.ReportAllocs()
	for b.Loop() {
		_, sinkBool = l.Get("access-control-allow-origin")
		sinkBool = sinkBool && !l.Contains("Access-Control-Allow-Credentials")
	}
	if !sinkBool {
		b.Fatal("Get")
	}
}
