// Package rscors puts the items API behind github.com/rs/cors (tested at
// v1.11.1) in four ways: one correct, three that corsim catches.
//
// What a user learns:
//   - Correct: the configuration a credentialed single-page app needs, and
//     the corstest lines that keep it correct.
//   - WildcardPattern: rs/cors's one-"*" origin patterns are plain
//     prefix/suffix matches; "h*" with credentials lets any http(s) page
//     read your users' data (rs/cors#197, open).
//   - PerRouteCORS: wrapping only the handler of a Go 1.22 method pattern
//     ("PUT /api/items") means OPTIONS never reaches rs/cors; the mux
//     answers the preflight with 405 (rs/cors#185; golang/go#61410).
//   - AuthBeforeCORS: an authentication layer in front of rs/cors rejects
//     the preflight, which never carries credentials, with 401 (the reason
//     rs/cors stops the chain on preflights, rs/cors#1).
package rscors

import (
	"net/http"

	"github.com/rs/cors"

	"github.com/corsim/corsim/examples/itemsapi"
)

// options is the correct rs/cors configuration for https://app.example.
func options() cors.Options {
	return cors.Options{
		AllowedOrigins:   []string{"https://app.example"},
		AllowedMethods:   []string{http.MethodGet, http.MethodPut},
		AllowedHeaders:   []string{"Content-Type"},
		ExposedHeaders:   []string{"X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           600, // seconds; Chromium caps at 7200, WebKit at 600
	}
}

// Correct wraps the whole API (router included) in rs/cors, configured for
// a credentialed app at https://app.example that PUTs JSON, reads
// X-Request-Id and reuses its preflights for 10 minutes.
func Correct() http.Handler {
	return cors.New(options()).Handler(itemsapi.Handler())
}

// WildcardPattern is Correct with the origin list "h*", which someone
// meant as "our hosts". rs/cors matches it as prefix "h" and empty suffix,
// so https://evil.example matches and, with AllowCredentials, gets its
// Origin echoed in Access-Control-Allow-Origin.
func WildcardPattern() http.Handler {
	o := options()
	o.AllowedOrigins = []string{"h*"}
	return cors.New(o).Handler(itemsapi.Handler())
}

// PerRouteCORS registers the API on a Go 1.22 ServeMux with method
// patterns and wraps each route's handler in rs/cors. The preflight is an
// OPTIONS request, which matches no pattern, so the mux answers 405 Method
// Not Allowed itself and rs/cors never sees it.
func PerRouteCORS() http.Handler {
	c := cors.New(options())
	mux := http.NewServeMux()
	mux.Handle("GET /api/items", c.Handler(itemsapi.PutOnly()))
	mux.Handle("PUT /api/items", c.Handler(itemsapi.PutOnly()))
	return mux
}

// PerRouteCORSFixed is the same mux wrapped as a whole: rs/cors answers
// the preflight before routing.
func PerRouteCORSFixed() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/items", itemsapi.PutOnly())
	mux.Handle("PUT /api/items", itemsapi.PutOnly())
	return cors.New(options()).Handler(mux)
}

// requireSession is a typical authentication middleware: no session
// cookie, no entry.
func requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie("session"); err != nil {
			w.Header().Set("Www-Authenticate", `Cookie realm="api"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// AuthBeforeCORS puts authentication outside rs/cors. A preflight carries
// no cookies (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0), so
// the auth layer answers it 401 without CORS headers.
func AuthBeforeCORS() http.Handler {
	return requireSession(cors.New(options()).Handler(itemsapi.Handler()))
}

// AuthAfterCORS is the fix: rs/cors first, so it answers the preflight and
// stops; the actual request, which carries the cookie, then meets auth.
func AuthAfterCORS() http.Handler {
	return cors.New(options()).Handler(requireSession(itemsapi.Handler()))
}
