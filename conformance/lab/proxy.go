package lab

import (
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// proxy is the lab's HTTP proxy. A browser configured to use it for every
// URL reaches the pool's origins by their real names and ports without any
// name resolution: an absolute-form request for an http origin is served by
// that origin's listener code in-process, and a CONNECT to an https
// origin's host:port is joined to that origin's TLS listener on loopback.
// Every other authority is refused (the connection is closed without a
// response, which the browser sees as a network error, as for a name that
// does not resolve) and remembered, so a suite can report a browser that
// tried to reach the outside world.
type proxy struct {
	s    *Servers
	srv  *http.Server
	addr string

	mu      sync.Mutex
	refused []string
}

func startProxy(s *Servers) (*proxy, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{s: s, addr: ln.Addr().String()}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }() // ends with ErrServerClosed on Close
	return p, nil
}

func (p *proxy) refusedList() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.refused)
}

// ServeHTTP implements http.Handler.
func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connect(w, r)
		return
	}
	if r.URL.Scheme != "http" || r.URL.Host == "" {
		p.refuse(w, r.RequestURI)
		return
	}
	spec, err := ParseOrigin("http://" + r.URL.Host)
	target := p.s.byHost["http "+spec.HostPort()]
	if err != nil || target == nil {
		p.refuse(w, r.URL.Host)
		return
	}
	target.ServeHTTP(w, r)
}

// connect joins a CONNECT tunnel to the listener of the https origin it
// names.
func (p *proxy) connect(w http.ResponseWriter, r *http.Request) {
	spec, err := ParseOrigin("https://" + r.Host)
	target := p.s.byHost["https "+spec.HostPort()]
	if err != nil || target == nil {
		p.refuse(w, r.Host)
		return
	}
	up, err := net.Dial("tcp4", target.addr)
	if err != nil {
		p.refuse(w, r.Host)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "lab proxy: cannot tunnel", http.StatusInternalServerError)
		return
	}
	down, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	if _, err := io.WriteString(down, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil {
		up.Close()
		down.Close()
		return
	}
	// Bytes the client sent after the CONNECT line (the TLS ClientHello)
	// may already sit in the reader.
	if n := buf.Reader.Buffered(); n > 0 {
		b, _ := buf.Reader.Peek(n)
		if _, err := up.Write(b); err != nil {
			up.Close()
			down.Close()
			return
		}
	}
	go pipe(up, down)
	go pipe(down, up)
}

// pipe copies from src to dst until either side ends, then closes both.
func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// refuse closes the client's connection without a response.
func (p *proxy) refuse(w http.ResponseWriter, authority string) {
	p.mu.Lock()
	p.refused = append(p.refused, authority)
	p.mu.Unlock()
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	http.Error(w, "lab proxy: not a lab origin", http.StatusBadGateway)
}
