// Package fetch models the Fetch standard's fetch algorithm along its CORS
// path: main fetch, HTTP fetch, CORS-preflight fetch and the CORS-preflight
// cache, the HTTP-network-or-cache steps CORS sees (credentials, the Origin
// header), HTTP-redirect fetch with redirect-taint, and the filtered
// responses script gets. See https://fetch.spec.whatwg.org/#fetching.
//
// Build a Request with NewRequest (it validates as new Request() does),
// then run it with a Fetcher, which sends every request that would reach a
// server through a Transport and returns a Result: the filtered Response or
// a network error (*policy.Failure with a stable Code), whether the actual
// request reached the server, every preflight and why it was needed, the
// wire log, and a trace of typed Events citing spec steps.
//
// Every user-agent choice and browser difference is a field of Profile; the
// zero Profile is the spec. Time comes only from the Fetcher's Clock.
//
// # Reading the code
//
// The files follow the spec's "Fetching" section, one function per
// algorithm with its anchor: fetch.go has fetch, main fetch and scheme
// fetch; http.go HTTP fetch, HTTP-network-or-cache fetch (the part CORS
// sees) and HTTP-network fetch (the Transport); redirect.go HTTP-redirect
// fetch; preflight.go HTTP fetch's preflight decision, CORS-preflight
// fetch and the cache steps a fetch takes; cache.go the CORS-preflight
// cache; response.go the filtered responses. The CORS check and the other
// header predicates are package policy's. State the spec derives (the
// CORS-unsafe request-header names, the current URL's origin, the
// partition key) is derived where a step needs it; redirect-taint when the
// URL list grows; the request's origin is serialized once per fetch.
// Allocations are plain; the two optimisations kept live in leaf helpers
// that name the benchmark that justifies them (newTrace, site).
//
// Choices where the spec leaves room (each also documented where it
// applies): a "*" cache entry made by a credentialed preflight acts as a
// wildcard only for uncredentialed requests (Profile.LiteralCredentialedWildcard
// restores the literal reading); updating a cache entry restarts its
// max-age and only touches the entry with the same method/name and
// credentials; cache capacity counts keys, not per-method entries; the
// network partition key is the serialized top-level site (opaque → "null");
// a page without a URL is at the root of its origin (the referrer source);
// FormData bodies use a fixed boundary; a redirect's Referrer-Policy header
// is not applied; User-Agent, Sec-Fetch-*, cookies, CSP, mixed content,
// CORP, service workers and Private Network Access are not modelled.
package fetch
