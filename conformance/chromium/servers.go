package chromium

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// PagePath is the reserved path at which every origin's listener serves the
// blank HTML page that steps run in. Requests for it (and for
// /favicon.ico) are answered by the harness, never by a Plan's handler, and
// are not recorded.
const PagePath = "/__corsim/page"

// maxRecordedBody bounds how much of a request body is kept in a Request.
const maxRecordedBody = 64 << 10

// Request is one HTTP request that a test server received, as recorded
// before the scenario's handler saw it.
type Request struct {
	// Server is the origin whose listener received the request, in
	// serialised form (e.g. "https://api.test").
	Server string
	// Method is the request method as sent (e.g. "OPTIONS").
	Method string
	// Target is the path and query of the request (RequestURI).
	Target string
	// Origin is the value of the Origin request header; HasOrigin tells an
	// absent header from an empty one.
	Origin    string
	HasOrigin bool
	// RequestMethod and RequestHeaders are the values of
	// Access-Control-Request-Method and Access-Control-Request-Headers
	// (empty when absent), as a CORS preflight carries them.
	RequestMethod  string
	RequestHeaders string
	// Header holds every request header (Go's canonical names; Host is in
	// Host, as net/http moves it there).
	Header http.Header
	Host   string
	// Body is the request body, truncated to 64 KiB.
	Body []byte
	// Time is when the request arrived.
	Time time.Time
}

// IsPreflight reports whether r looks like a CORS preflight: an OPTIONS
// request with Origin and Access-Control-Request-Method (Fetch §4.8
// https://fetch.spec.whatwg.org/#cors-preflight-fetch, steps 1–4).
func (r Request) IsPreflight() bool {
	return r.Method == http.MethodOptions && r.HasOrigin && r.RequestMethod != ""
}

// originSpec is one origin of the pool: its serialisation and the host:port
// pair that the browser's host-resolver rules map to the listener.
type originSpec struct {
	origin string // e.g. "https://api.test" (default port omitted)
	scheme string
	host   string // lower-case host, IPv6 without brackets
	port   string // effective port, always present
}

// parseOrigin canonicalises an origin string such as "https://API.test:443"
// into its serialisation and parts. Only http and https are accepted; a path,
// query, fragment or userinfo is an error.
func parseOrigin(s string) (originSpec, error) {
	u, err := url.Parse(s)
	if err != nil {
		return originSpec{}, fmt.Errorf("chromium: origin %q: %w", s, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return originSpec{}, fmt.Errorf("chromium: origin %q: scheme must be http or https", s)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return originSpec{}, fmt.Errorf("chromium: origin %q: must be scheme://host[:port] only", s)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return originSpec{}, fmt.Errorf("chromium: origin %q: no host", s)
	}
	port := u.Port()
	def := "80"
	if scheme == "https" {
		def = "443"
	}
	if port == "" {
		port = def
	}
	hostPart := host
	if strings.Contains(host, ":") {
		hostPart = "[" + host + "]"
	}
	ser := scheme + "://" + hostPart
	if port != def {
		ser += ":" + port
	}
	return originSpec{origin: ser, scheme: scheme, host: host, port: port}, nil
}

// hostPort is the pattern used in a MAP rule: host:port, IPv6 in brackets.
func (o originSpec) hostPort() string {
	if strings.Contains(o.host, ":") {
		return "[" + o.host + "]:" + o.port
	}
	return o.host + ":" + o.port
}

// originServer is the loopback listener standing in for one origin. It
// serves the reserved page route itself and hands every other request to
// the handler of the active session, after recording it.
type originServer struct {
	spec   originSpec
	ln     net.Listener
	srv    *http.Server
	addr   string // 127.0.0.1:PORT
	active *atomic.Pointer[Session]
}

// startOriginServer listens on a random loopback port (with TLS for https
// origins) and serves until closed.
func startOriginServer(spec originSpec, cert *testCert, active *atomic.Pointer[Session]) (*originServer, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("chromium: listening for %s: %w", spec.origin, err)
	}
	s := &originServer{spec: spec, addr: ln.Addr().String(), active: active}
	if spec.scheme == "https" {
		ln = tls.NewListener(ln, &tls.Config{
			Certificates: []tls.Certificate{cert.tls},
			NextProtos:   []string{"http/1.1"},
			MinVersion:   tls.VersionTLS12,
		})
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener was closed underneath; nothing to report to
		}
	}()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *originServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == PagePath {
		servePage(w, r)
		return
	}
	if r.URL.Path == "/favicon.ico" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	sess := s.active.Load()
	if sess == nil {
		http.Error(w, "corsim: no scenario is active", http.StatusServiceUnavailable)
		return
	}
	var body []byte
	if r.Body != nil {
		all, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		r.Body = io.NopCloser(bytes.NewReader(all))
		body = all
		if len(body) > maxRecordedBody {
			body = body[:maxRecordedBody]
		}
	}
	origin, hasOrigin := r.Header["Origin"]
	rec := Request{
		Server:         s.spec.origin,
		Method:         r.Method,
		Target:         r.RequestURI,
		HasOrigin:      hasOrigin,
		RequestMethod:  r.Header.Get("Access-Control-Request-Method"),
		RequestHeaders: r.Header.Get("Access-Control-Request-Headers"),
		Header:         r.Header.Clone(),
		Host:           r.Host,
		Body:           body,
		Time:           time.Now(),
	}
	if hasOrigin && len(origin) > 0 {
		rec.Origin = origin[0]
	}
	h := sess.record(rec)
	if h == nil {
		http.Error(w, "corsim: the scenario has no server for "+s.spec.origin, http.StatusNotFound)
		return
	}
	h.ServeHTTP(w, r)
}

// close stops the listener.
func (s *originServer) close() error {
	return s.srv.Close()
}

// servePage writes the blank page that steps run in. With ?frame=URL the
// page embeds URL in an iframe, which is how a step runs inside a frame whose
// top-level site differs.
func servePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Query().Get("sandbox") != "" {
		// A sandboxed document has an opaque origin: its requests carry
		// Origin: null (HTML §7.1 sandboxing, "sandboxed origin browsing
		// context flag").
		w.Header().Set("Content-Security-Policy", "sandbox allow-scripts")
	}
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><meta charset=utf-8><title>corsim</title></head><body>")
	if f := r.URL.Query().Get("frame"); f != "" {
		fmt.Fprintf(&b, `<iframe id=corsim src="%s"></iframe>`, html.EscapeString(f))
	}
	b.WriteString("</body></html>")
	_, _ = io.WriteString(w, b.String())
}
