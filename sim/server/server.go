package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Server is a compiled declarative CORS server (see Config). It is an
// http.Handler, for real sockets, and a fetch.Transport that answers
// without building any net/http value; both give the same status, header
// lines and body, except that a net/http server also adds Date. It keeps
// no state between requests and is safe for concurrent use.
type Server struct {
	cfg         Config
	rules       []originRule
	anyOrigin   bool
	allowNull   bool
	mistakes    mistakeSet
	routes      []route
	implemented map[string]bool
	dependent   bool // the answer depends on Origin, so Vary: Origin is due
	methodsWild bool
	headersWild bool
	methods     string
	headers     string
	expose      string
}

// Server compiles a snapshot of c. Invalid entries (see Validate) are
// ignored: an invalid origin never matches, an invalid route never exists.
func (c *Config) Server() *Server {
	s := &Server{cfg: cloneConfig(c), implemented: map[string]bool{}}
	for _, m := range c.Mistakes {
		s.mistakes |= bit(m)
	}
	for _, o := range c.Origins {
		switch o {
		case "*":
			s.anyOrigin = true
		case "null":
			s.allowNull = true
		default:
			if r, ok := compileOrigin(o); ok {
				s.rules = append(s.rules, r)
			}
		}
	}
	constant := s.mistakes.has(MistakeWildcardWithCredentials) || s.anyOrigin && !s.mistakes.has(MistakeReflectOrigin)
	s.dependent = !constant
	s.methodsWild = len(c.Methods) == 1 && c.Methods[0] == "*"
	s.headersWild = len(c.Headers) == 1 && c.Headers[0] == "*"
	s.methods = strings.Join(c.Methods, ", ")
	s.headers = strings.Join(c.Headers, ", ")
	s.expose = strings.Join(c.Expose, ", ")
	for _, m := range standardMethods {
		s.implemented[m] = true
	}
	if !s.methodsWild {
		for _, m := range c.Methods {
			s.implemented[m] = true
		}
	}
	noOptions := s.mistakes.has(MistakePreflight404)
	routes := c.Routes
	if len(routes) == 0 {
		all := append([]string(nil), standardMethods...)
		for _, m := range c.Methods {
			if m != "*" && !slices.Contains(all, m) {
				all = append(all, m)
			}
		}
		routes = []Route{{Path: "/{path...}", Methods: all}}
	}
	for _, r := range routes {
		if checkRoute(r) != "" {
			continue
		}
		cr := compileRoute(r, noOptions)
		for _, m := range cr.methods {
			s.implemented[m] = true
		}
		s.routes = append(s.routes, cr)
	}
	return s
}

func cloneConfig(c *Config) Config {
	d := *c
	d.Origins = append([]string(nil), c.Origins...)
	d.Methods = append([]string(nil), c.Methods...)
	d.Headers = append([]string(nil), c.Headers...)
	d.Expose = append([]string(nil), c.Expose...)
	d.ResponseHeaders = c.ResponseHeaders.Clone()
	d.Mistakes = append([]Mistake(nil), c.Mistakes...)
	d.Routes = make([]Route, len(c.Routes))
	for i, r := range c.Routes {
		d.Routes[i] = Route{Path: r.Path, Methods: append([]string(nil), r.Methods...)}
	}
	return d
}

// Config returns a copy of the configuration s was compiled from.
func (s *Server) Config() *Config {
	c := cloneConfig(&s.cfg)
	return &c
}

// maxAnswerLines bounds the header lines respond and addServerDefaults add
// besides the configured response headers: a preflight sends at most six
// (Vary, ACAO, ACAC, ACAM, ACAH, Max-Age), any other answer at most seven
// (Content-Type, Allow, ACAO, ACAC, ACEH, Vary, Content-Length).
const maxAnswerLines = 8

// answer is a response before it is written out.
type answer struct {
	status int
	header policy.HeaderList
	body   []byte
}

func (a *answer) add(name, value string) {
	a.header = append(a.header, policy.Header{Name: name, Value: value})
}

// jsonBody sets a small JSON body and its Content-Type: the object
// {k1: v1, k2: v2} (k2 "" for a one-member object), keys given in sorted
// order, written exactly as json.Marshal writes a map[string]string
// (sorted keys, HTML-safe escaping), followed by a newline.
func (a *answer) jsonBody(k1, v1, k2, v2 string) {
	b := make([]byte, 0, 16+len(k1)+len(v1)+len(k2)+len(v2))
	b = append(b, '{')
	b = appendJSONString(b, k1)
	b = append(b, ':')
	b = appendJSONString(b, v1)
	if k2 != "" {
		b = append(b, ',')
		b = appendJSONString(b, k2)
		b = append(b, ':')
		b = appendJSONString(b, v2)
	}
	a.body = append(b, '}', '\n')
	a.add("Content-Type", "application/json")
}

// appendJSONString appends s as a JSON string, as encoding/json writes it:
// printable ASCII other than '"', '\\', '<', '>' and '&' is copied, and any
// other string goes through json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil { // cannot happen for a string
				q = []byte(`""`)
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// RoundTrip implements fetch.Transport. The header lines come out sorted by
// name, with the Content-Length a net/http server would add.
func (s *Server) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("server: request without a URL")
	}
	var a answer
	s.respond(&a, req.Method, req.URL.Path, func(name string) (string, bool) {
		if !slices.Contains(headersRead, name) {
			return "", false // respond asks only these (RequestHeadersRead)
		}
		return req.Header.Get(name)
	})
	h := addServerDefaults(a.header, req.Method, a.status, a.body)
	sortLines(h)
	body := a.body
	if req.Method == http.MethodHead || !bodyAllowed(a.status) {
		body = nil
	}
	return &fetch.WireResponse{Status: a.status, Header: h, Body: body}, nil
}

// headersRead are the request headers respond reads: its answers depend on
// the method, the path and these alone.
var headersRead = []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"}

// RequestHeadersRead implements fetch.HeaderReader: the server's answer
// depends on the method, the URL's path, and the Origin,
// Access-Control-Request-Method and Access-Control-Request-Headers
// request headers only (RoundTrip hands respond no other).
func (s *Server) RequestHeadersRead() []string { return slices.Clone(headersRead) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	get := func(name string) (string, bool) {
		vs := r.Header.Values(name)
		return strings.Join(vs, ", "), len(vs) > 0
	}
	var a answer
	s.respond(&a, r.Method, r.URL.Path, get)
	wh := w.Header()
	for _, l := range a.header {
		wh[l.Name] = append(wh[l.Name], l.Value)
	}
	w.WriteHeader(a.status)
	if len(a.body) > 0 && bodyAllowed(a.status) {
		_, _ = w.Write(a.body)
	}
}

// respond decides the answer to one request into a. get returns the value
// of a request header (all lines joined with ", ").
func (s *Server) respond(a *answer, method, path string, get func(string) (string, bool)) {
	// Room for every line respond and addServerDefaults may add, so the
	// list is allocated once.
	a.header = make(policy.HeaderList, 0, maxAnswerLines+len(s.cfg.ResponseHeaders))
	origin, hasOrigin := get("Origin")
	acrm, hasACRM := get("Access-Control-Request-Method")
	if method == http.MethodOptions {
		// The mistakes that put a layer in front of the CORS code: that
		// layer answers OPTIONS itself, without CORS headers.
		switch {
		case s.mistakes.has(MistakePreflight401):
			a.status = http.StatusUnauthorized
			a.add("Www-Authenticate", `Bearer realm="api"`)
			a.jsonBody("error", "unauthorized", "", "")
			return
		case s.mistakes.has(MistakePreflight404):
			a.status = http.StatusNotFound
			a.jsonBody("error", "not found", "path", path)
			return
		}
		// A CORS-preflight request is an OPTIONS request with an Origin
		// and an Access-Control-Request-Method header.
		// https://fetch.spec.whatwg.org/#cors-preflight-request
		if hasOrigin && hasACRM {
			s.preflight(a, origin, acrm, get)
			return
		}
	}
	s.resource(a, method, path)
	// CORS headers on every non-preflight response, errors included,
	// as a CORS middleware wrapping the router adds them.
	// https://fetch.spec.whatwg.org/#http-responses
	if hasOrigin {
		if acao, ok := s.allowOrigin(origin); ok {
			a.add("Access-Control-Allow-Origin", acao)
			if s.credentials(acao) {
				a.add("Access-Control-Allow-Credentials", "true")
			}
			if s.expose != "" {
				a.add("Access-Control-Expose-Headers", s.expose)
			}
		}
	}
	if s.dependent && !s.mistakes.has(MistakeNoVary) {
		// https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
		a.add("Vary", "Origin")
	}
}

// preflight answers a CORS-preflight request.
// https://fetch.spec.whatwg.org/#http-responses
func (s *Server) preflight(a *answer, origin, acrm string, get func(string) (string, bool)) {
	a.status = s.cfg.PreflightStatus
	if a.status == 0 {
		a.status = http.StatusNoContent
	}
	if !s.mistakes.has(MistakeNoVary) {
		// The answer depends on all three request headers (rs/cors does
		// the same, for intermediary caches).
		a.add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	}
	acao, ok := s.allowOrigin(origin)
	if !ok {
		return // no CORS headers: the browser's CORS check fails
	}
	creds := s.credentials(acao)
	a.add("Access-Control-Allow-Origin", acao)
	if creds {
		a.add("Access-Control-Allow-Credentials", "true")
	}
	// Access-Control-Allow-Methods. With credentials, "*" is a literal
	// method name to browsers, so a correct server echoes the request.
	switch {
	case s.mistakes.has(MistakeReflectRequestMethod), s.methodsWild && creds:
		a.add("Access-Control-Allow-Methods", acrm)
	case s.methods != "":
		a.add("Access-Control-Allow-Methods", s.methods)
	}
	acrh, hasACRH := get("Access-Control-Request-Headers")
	switch {
	case (s.mistakes.has(MistakeReflectRequestHeaders) || s.headersWild && creds) && hasACRH:
		a.add("Access-Control-Allow-Headers", acrh)
	case s.headersWild && creds:
		// nothing requested, nothing to echo
	case s.headers != "":
		a.add("Access-Control-Allow-Headers", s.headers)
	}
	if s.cfg.MaxAge != "" {
		a.add("Access-Control-Max-Age", s.cfg.MaxAge)
	}
}

// resource answers a request as the routed application does: 501 for a
// method the server does not implement, 404 for an unknown path, 204 with
// Allow for a plain OPTIONS, 405 with Allow for a method the resource does
// not support, and otherwise 200 with a small JSON body.
func (s *Server) resource(a *answer, method, path string) {
	if !s.implemented[method] {
		// RFC 9110 §15.6.2: a method the server does not recognize for any
		// resource gets 501 Not Implemented.
		a.status = http.StatusNotImplemented
		a.jsonBody("error", "not implemented", "method", method)
		return
	}
	var rt *route
	for i := range s.routes {
		if s.routes[i].match(path) {
			rt = &s.routes[i]
			break
		}
	}
	switch {
	case rt == nil:
		a.status = http.StatusNotFound
		a.jsonBody("error", "not found", "path", path)
	case method == http.MethodOptions:
		// RFC 9110 §9.3.7: a successful OPTIONS response SHOULD send the
		// header fields that advertise optional features, e.g. Allow
		// (§10.2.1).
		a.status = http.StatusNoContent
		a.add("Allow", rt.allow)
	case !slices.Contains(rt.methods, method):
		// RFC 9110 §15.5.6: a 405 response MUST carry Allow with the
		// target resource's supported methods.
		a.status = http.StatusMethodNotAllowed
		a.add("Allow", rt.allow)
		a.jsonBody("allow", rt.allow, "error", "method not allowed")
	default:
		a.status = http.StatusOK
		rep := method
		if method == http.MethodHead {
			rep = http.MethodGet // RFC 9110 §9.3.2: HEAD gets GET's header fields
		}
		a.jsonBody("method", rep, "path", path)
		for _, h := range s.cfg.ResponseHeaders {
			a.add(h.Name, h.Value)
		}
	}
}

// credentials reports whether to send Access-Control-Allow-Credentials:
// true alongside acao. A correct server never pairs it with "*" (a Config
// with origins "*" and Credentials is invalid; its server sends "*" alone).
func (s *Server) credentials(acao string) bool {
	return s.mistakes.has(MistakeWildcardWithCredentials) || s.cfg.Credentials && acao != "*"
}

// allowOrigin decides whether origin is allowed and what
// Access-Control-Allow-Origin value to send.
// https://fetch.spec.whatwg.org/#http-access-control-allow-origin
func (s *Server) allowOrigin(origin string) (string, bool) {
	m := s.mistakes
	switch {
	case m.has(MistakeWildcardWithCredentials):
		return "*", true
	case m.has(MistakeReflectOrigin):
		return origin, true
	case s.anyOrigin:
		return "*", true
	case origin == "null":
		return "null", s.allowNull || m.has(MistakeTrustNull)
	}
	scheme, host, port, _ := splitOrigin(origin)
	for i := range s.rules {
		if s.rules[i].matchCorrect(origin, scheme, host, port) {
			return origin, true
		}
	}
	if m != 0 {
		for i := range s.rules {
			if s.rules[i].matchMistaken(m, origin, scheme, host, port) {
				return origin, true
			}
		}
	}
	return "", false
}
