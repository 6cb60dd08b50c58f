package policy

import "testing"

var (
	sinkBool   bool
	sinkOrigin Origin
	sinkNames  []string
	sinkErr    error
)

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
