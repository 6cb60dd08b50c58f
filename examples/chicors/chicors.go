// Package chicors puts the items API behind github.com/go-chi/cors (tested
// at v1.2.2).
//
// What a user learns:
//   - Correct: a credentialed configuration for https://app.example that
//     passes in every browser, with Vary handled for shared caches.
//   - Correct, again: go-chi/cors upper-cases methods, both the configured
//     ones and the one it echoes in Access-Control-Allow-Methods. Browsers
//     upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT
//     (https://fetch.spec.whatwg.org/#concept-method-normalize), so
//     fetch(url, {method: "patch"}) sends "patch", gets "PATCH" back and
//     is blocked — and no configuration can allow it (go-chi/cors#27,
//     open at v1.2.2).
package chicors

import (
	"net/http"

	"github.com/go-chi/cors"

	"github.com/corsim/corsim/examples/itemsapi"
)

// Correct wraps the API in go-chi/cors for a credentialed app at
// https://app.example that GETs, PUTs and PATCHes JSON and reads
// X-Request-Id.
func Correct() http.Handler {
	return cors.Handler(cors.Options{
		AllowedOrigins:   []string{"https://app.example"},
		AllowedMethods:   []string{"GET", "PUT", "PATCH"},
		AllowedHeaders:   []string{"Content-Type"},
		ExposedHeaders:   []string{"X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           600,
	})(itemsapi.Handler())
}

// LowercaseMethods is the configuration a user reaches for when a
// lower-case "patch" is blocked: listing "patch" too. go-chi/cors
// upper-cases the list, so it changes nothing.
func LowercaseMethods() http.Handler {
	return cors.Handler(cors.Options{
		AllowedOrigins:   []string{"https://app.example"},
		AllowedMethods:   []string{"GET", "PUT", "PATCH", "patch"},
		AllowedHeaders:   []string{"Content-Type"},
		AllowCredentials: true,
	})(itemsapi.Handler())
}
