package server

import (
	"context"
	"net/http"
	"testing"
)

func BenchmarkServerPreflight(b *testing.B) {
	s := mustConfig(b, baseCfg).Server()
	r := req("OPTIONS", "https://api.example/items", "Origin", "https://a.app.example",
		"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-token")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.RoundTrip(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServerActual(b *testing.B) {
	s := mustConfig(b, baseCfg).Server()
	r := req("PUT", "https://api.example/items", "Origin", "https://app.example")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.RoundTrip(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromHandler(b *testing.B) {
	t := FromHandler(mustConfig(b, baseCfg).Handler())
	r := req("PUT", "https://api.example/items", "Origin", "https://app.example")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.RoundTrip(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromHandlerMinimal(b *testing.B) {
	t := FromHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}))
	r := req("GET", "https://api.example/items", "Origin", "https://app.example")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.RoundTrip(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanned(b *testing.B) {
	c, err := ParseCanned("b", []byte(cannedSrc))
	if err != nil {
		b.Fatal(err)
	}
	r := req("OPTIONS", "https://api.example/items")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.RoundTrip(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseConfig(b *testing.B) {
	src := []byte(baseCfg + "mistake suffix-match\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseConfig("b", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCanned(b *testing.B) {
	src := []byte(cannedSrc)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCanned("b", src); err != nil {
			b.Fatal(err)
		}
	}
}
