// Package itemsapi is the tiny JSON API every example puts behind a CORS
// middleware: the application code a CORS layer protects, with no CORS
// logic of its own.
//
// GET /api/items lists items; PUT /api/items stores one. Both answer JSON
// and set X-Request-Id, a header browser scripts can read only if the CORS
// layer exposes it. Any other method gets 405 with an Allow header
// (RFC 9110 §15.5.6); OPTIONS is left to the CORS layer in front.
package itemsapi

import (
	"io"
	"net/http"
)

// RequestID is the X-Request-Id value every response carries.
const RequestID = "req-42"

// Handler returns the API. It matches paths, not methods, so the CORS
// middleware in front of it sees every request, preflights included.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/items", items)
	return mux
}

func items(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", RequestID)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"name":"pen"}]`)
	case http.MethodPut, "PATCH", "patch":
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT, PATCH")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// PutOnly is Handler's PUT /api/items on its own, for routers that match
// methods themselves.
func PutOnly() http.Handler { return http.HandlerFunc(items) }
