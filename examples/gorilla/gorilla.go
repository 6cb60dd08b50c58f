// Package gorilla puts the items API behind the CORS middleware of
// github.com/gorilla/handlers (tested at v1.5.2).
//
// What a user learns:
//   - SingleOrigin: gorilla/handlers sets Vary: Origin only when more than
//     one origin is configured, yet with one origin it still answers
//     Access-Control-Allow-Origin: <that origin>. A shared cache may then
//     serve one origin's answer to another (gorilla/handlers#248, open).
//     Everything else about the configuration passes in every browser.
//   - Correct: the same configuration with a one-line middleware in front
//     that adds Vary: Origin.
//   - TwoOrigins: with several origins gorilla does set Vary: Origin, but
//     only on allowed origins' responses; the response to a disallowed
//     origin has none, although an allowed origin gets other headers — the
//     exact case of gorilla/handlers#248.
//   - MaxAge is capped at 600 seconds by gorilla itself: asking for an
//     hour gets ten minutes.
package gorilla

import (
	"net/http"

	"github.com/gorilla/handlers"

	"github.com/corsim/corsim/examples/itemsapi"
)

func options(origins ...string) []handlers.CORSOption {
	return []handlers.CORSOption{
		handlers.AllowedOrigins(origins),
		handlers.AllowedMethods([]string{"GET", "PUT"}),
		handlers.AllowedHeaders([]string{"Content-Type"}),
		handlers.ExposedHeaders([]string{"X-Request-Id"}),
		handlers.AllowCredentials(),
		handlers.MaxAge(600),
	}
}

// SingleOrigin allows https://app.example with credentials.
func SingleOrigin() http.Handler {
	return handlers.CORS(options("https://app.example")...)(itemsapi.Handler())
}

// varyOrigin adds Vary: Origin to every response. gorilla/handlers does
// not touch Vary when a single origin is configured, so the line survives.
func varyOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		next.ServeHTTP(w, r)
	})
}

// Correct is SingleOrigin with Vary: Origin added in front.
func Correct() http.Handler { return varyOrigin(SingleOrigin()) }

// TwoOrigins allows https://app.example and https://admin.example.
func TwoOrigins() http.Handler {
	return handlers.CORS(options("https://app.example", "https://admin.example")...)(itemsapi.Handler())
}

// LongMaxAge asks for a one-hour preflight cache; gorilla caps MaxAge at
// 600 seconds.
func LongMaxAge() http.Handler {
	opts := append(options("https://app.example"), handlers.MaxAge(3600))
	return varyOrigin(handlers.CORS(opts...)(itemsapi.Handler()))
}
