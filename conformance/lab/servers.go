package lab

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PagePath is the reserved path at which every origin's listener serves the
// blank HTML page that steps run in. Requests for it (and for
// /favicon.ico) are answered by the lab, never by a scenario's handler, and
// are not recorded.
const PagePath = "/__corsim/page"

// maxRecordedBody bounds how much of a request body is kept in a Request.
const maxRecordedBody = 64 << 10

// ErrUnknownOrigin is returned (wrapped) when a handler or step names an
// origin that the lab was not started with: every origin must be declared
// up front, because the engines' name mappings are fixed at launch.
var ErrUnknownOrigin = errors.New("lab: origin not in the pool")

// Request is one HTTP request that a lab server received, as recorded
// before the scenario's handler saw it.
type Request struct {
	// Server is the origin whose listener received the request, in
	// serialised form (e.g. "https://api.test").
	Server string
	// Method is the request method as sent (e.g. "OPTIONS").
	Method string
	// Target is the path and query of the request (origin-form, also
	// when it came through the lab's proxy in absolute form).
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

// Log is the server side of one scenario: the handler of each origin and
// every request the servers received while the log was active. An origin
// without a handler answers 404 (its requests are still recorded).
type Log struct {
	mu       sync.Mutex
	handlers map[string]http.Handler
	requests []Request
	servers  *Servers
}

// Serve installs h as the handler of origin for the rest of the scenario
// (nil removes it: the origin then answers 404), as a scenario's server
// command does, midway too. origin must be in the pool.
func (l *Log) Serve(origin string, h http.Handler) error {
	o, err := l.servers.Lookup(origin)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if h == nil {
		delete(l.handlers, o.Serialized)
	} else {
		l.handlers[o.Serialized] = h
	}
	return nil
}

// Requests returns every request recorded so far, in arrival order.
func (l *Log) Requests() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.requests)
}

// Len is the number of requests recorded so far: a mark for Since.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.requests)
}

// Since returns the requests recorded after mark (a value of Len).
func (l *Log) Since(mark int) []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	if mark > len(l.requests) {
		return nil
	}
	return slices.Clone(l.requests[mark:])
}

// record appends r and returns the handler for its origin (nil: none).
func (l *Log) record(r Request) http.Handler {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, r)
	return l.handlers[r.Server]
}

// Servers is a lab: one loopback listener per origin of a fixed pool
// (127.0.0.1, a random port, TLS with the lab's Cert for https origins),
// and a proxy that answers for exactly those origins. One Log is active
// at a time; its handlers answer and it records the requests.
type Servers struct {
	cert    *Cert
	servers map[string]*originServer // by serialised origin
	byHost  map[string]*originServer // by scheme + " " + host:port
	origins []string                 // sorted serialised origins
	active  atomic.Pointer[Log]
	slot    chan struct{} // one-slot semaphore: one Log at a time
	proxy   *proxy
}

// Start starts the listeners for origins (serialisations as ParseOrigin
// takes them; duplicates are ignored) with a fresh Cert covering their
// hosts, and the proxy.
func Start(origins []string) (*Servers, error) {
	s := &Servers{servers: map[string]*originServer{}, byHost: map[string]*originServer{}, slot: make(chan struct{}, 1)}
	var specs []Origin
	hosts := map[string]bool{}
	for _, o := range origins {
		spec, err := ParseOrigin(o)
		if err != nil {
			return nil, err
		}
		if _, dup := s.servers[spec.Serialized]; dup {
			continue
		}
		s.servers[spec.Serialized] = nil
		specs = append(specs, spec)
		hosts[spec.Host] = true
	}
	hostList := make([]string, 0, len(hosts))
	for h := range hosts {
		hostList = append(hostList, h)
	}
	sort.Strings(hostList)
	var err error
	if s.cert, err = NewCert(hostList); err != nil {
		return nil, err
	}
	for _, spec := range specs {
		srv, err := startOriginServer(spec, s.cert, &s.active)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.servers[spec.Serialized] = srv
		s.byHost[spec.Scheme+" "+spec.HostPort()] = srv
		s.origins = append(s.origins, spec.Serialized)
	}
	sort.Strings(s.origins)
	if s.proxy, err = startProxy(s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Cert is the lab's test PKI.
func (s *Servers) Cert() *Cert { return s.cert }

// Origins lists the serialised origins of the pool, sorted.
func (s *Servers) Origins() []string { return slices.Clone(s.origins) }

// Hosts lists the distinct host names of the pool, sorted.
func (s *Servers) Hosts() []string {
	var out []string
	for _, o := range s.servers {
		if o != nil && !slices.Contains(out, o.spec.Host) {
			out = append(out, o.spec.Host)
		}
	}
	sort.Strings(out)
	return out
}

// Lookup canonicalises origin and checks that it is in the pool.
func (s *Servers) Lookup(origin string) (Origin, error) {
	spec, err := ParseOrigin(origin)
	if err != nil {
		return spec, err
	}
	if s.servers[spec.Serialized] == nil {
		return spec, fmt.Errorf("%w: %s (started with %v)", ErrUnknownOrigin, spec.Serialized, s.origins)
	}
	return spec, nil
}

// Addr returns the loopback address (127.0.0.1:PORT) of origin's
// listener, or "" when origin is not in the pool.
func (s *Servers) Addr(origin string) string {
	spec, err := ParseOrigin(origin)
	if err != nil {
		return ""
	}
	if o := s.servers[spec.Serialized]; o != nil {
		return o.addr
	}
	return ""
}

// ProxyAddr is the loopback address (127.0.0.1:PORT) of the lab's HTTP
// proxy: it answers absolute-form requests and CONNECT tunnels for the
// pool's origins only, by handing them to their listeners, and forwards
// nothing anywhere else (an unknown name gets its connection closed).
func (s *Servers) ProxyAddr() string { return s.proxy.addr }

// Refused lists the authorities the proxy refused (names outside the
// pool), in order: a browser that tried to reach the outside world.
func (s *Servers) Refused() []string { return s.proxy.refusedList() }

// Begin waits until no other Log is active (or until done is closed), then
// makes a fresh Log with handlers (by origin, each in the pool) active.
func (s *Servers) Begin(done <-chan struct{}, handlers map[string]http.Handler) (*Log, error) {
	l := &Log{handlers: map[string]http.Handler{}, servers: s}
	for o, h := range handlers {
		spec, err := s.Lookup(o)
		if err != nil {
			return nil, err
		}
		l.handlers[spec.Serialized] = h
	}
	select {
	case s.slot <- struct{}{}:
	case <-done:
		return nil, errors.New("lab: gave up waiting for the previous scenario to end")
	}
	s.active.Store(l)
	return l, nil
}

// End makes l inactive and frees the lab for the next Log. Calling it
// twice for one Log is a mistake that End ignores.
func (s *Servers) End(l *Log) {
	if s.active.CompareAndSwap(l, nil) {
		<-s.slot
	}
}

// Close stops the listeners and the proxy.
func (s *Servers) Close() {
	for _, o := range s.servers {
		if o != nil {
			_ = o.srv.Close()
		}
	}
	if s.proxy != nil {
		_ = s.proxy.srv.Close()
	}
}

// originServer is the loopback listener standing in for one origin. It
// serves the reserved page route itself and hands every other request to
// the handler of the active log, after recording it.
type originServer struct {
	spec   Origin
	srv    *http.Server
	addr   string // 127.0.0.1:PORT
	active *atomic.Pointer[Log]
}

// startOriginServer listens on a random loopback port (with TLS for https
// origins) and serves until closed.
func startOriginServer(spec Origin, cert *Cert, active *atomic.Pointer[Log]) (*originServer, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("lab: listening for %s: %w", spec.Serialized, err)
	}
	s := &originServer{spec: spec, addr: ln.Addr().String(), active: active}
	if spec.Scheme == "https" {
		ln = tls.NewListener(ln, &tls.Config{
			Certificates: []tls.Certificate{cert.TLS},
			NextProtos:   []string{"http/1.1"},
			MinVersion:   tls.VersionTLS12,
		})
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }() // ends with ErrServerClosed on Close
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
	l := s.active.Load()
	if l == nil {
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
		Server:         s.spec.Serialized,
		Method:         r.Method,
		Target:         originForm(r.RequestURI),
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
	h := l.record(rec)
	if h == nil {
		http.Error(w, "corsim: the scenario has no server for "+s.spec.Serialized, http.StatusNotFound)
		return
	}
	h.ServeHTTP(w, r)
}

// originForm turns an absolute-form request target (as a client sends it
// to a proxy) into origin-form; any other target is returned as it is.
func originForm(target string) string {
	rest, ok := strings.CutPrefix(target, "http://")
	if !ok {
		return target
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		if rest[i] == '?' {
			return "/" + rest[i:]
		}
		return rest[i:]
	}
	return "/"
}

// servePage writes the blank page that steps run in. With ?frame=URL the
// page embeds URL in an iframe, which is how a step runs inside a frame whose
// top-level site differs; with ?sandbox=1 it is a sandboxed document.
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
