package webkit

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Proxy is the harness's own HTTP proxy, the only way MiniBrowser reaches
// the lab: it answers the lab's authorities and nothing else. A request for
// an authority that has no Route is never forwarded: the proxy closes the
// connection, which the browser sees as a network error (as a name that
// does not resolve is in corsim's network). CONNECT to a lab authority is
// answered by the proxy itself, which ends the TLS session with the test
// certificate and forwards the decrypted requests to the origin's server
// over TLS on loopback, so the proxy sees every request, https ones too.
//
// Requests whose path starts with [DrivePath] are answered by the proxy's
// Drive handler, never forwarded: that is the channel of the page-driven
// run (drive.go).
type Proxy struct {
	ln     net.Listener
	cert   tls.Certificate
	routes map[string]string // lower-case host:port → 127.0.0.1:PORT
	out    *http.Transport

	mu    sync.Mutex
	drive http.Handler
	conns map[net.Conn]struct{}
	done  chan struct{}
	wg    sync.WaitGroup
}

// StartProxy listens on a loopback port and serves until Close. routes maps
// each lab authority ("api.test:443", "app.test:80") to the loopback
// address of its server (TLS for an https origin); cert is the certificate
// the proxy presents for every https authority.
func StartProxy(routes map[string]string, cert tls.Certificate) (*Proxy, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webkit: proxy: %w", err)
	}
	p := &Proxy{ln: ln, cert: cert, routes: map[string]string{}, conns: map[net.Conn]struct{}{}, done: make(chan struct{})}
	for a, r := range routes {
		p.routes[strings.ToLower(a)] = r
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	p.out = &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			r, ok := p.routes[strings.ToLower(addr)]
			if !ok {
				return nil, fmt.Errorf("webkit: proxy: %s is not a lab origin", addr)
			}
			return dialer.DialContext(ctx, "tcp4", r)
		},
		// The origins' servers present the same test certificate; the
		// connection never leaves loopback.
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback lab servers only
		DisableCompression:  true,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's loopback address, for MiniBrowser's --proxy.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetDrive installs the handler for DrivePath requests (nil: none).
func (p *Proxy) SetDrive(h http.Handler) {
	p.mu.Lock()
	p.drive = h
	p.mu.Unlock()
}

// Close stops the listener and closes every open connection.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	close(p.done)
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	p.out.CloseIdleConnections()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		select {
		case <-p.done:
			p.mu.Unlock()
			_ = c.Close()
			return
		default:
		}
		p.conns[c] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.forget(c)
			p.serve(c, bufio.NewReader(c), "", "")
		}()
	}
}

func (p *Proxy) forget(c net.Conn) {
	_ = c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// authority returns host:port with the scheme's default port filled in.
func authority(hostport, scheme string) string {
	if _, _, err := net.SplitHostPort(hostport); err == nil {
		return strings.ToLower(hostport)
	}
	port := "80"
	if scheme == "https" {
		port = "443"
	}
	return strings.ToLower(net.JoinHostPort(strings.Trim(hostport, "[]"), port))
}

// serve reads requests from one client connection. Outside a tunnel
// (tunnel == "") the browser sends absolute-form requests and CONNECT;
// inside one, origin-form requests for the tunnel's authority.
func (p *Proxy) serve(c net.Conn, br *bufio.Reader, scheme, tunnel string) {
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		if tunnel == "" && req.Method == http.MethodConnect {
			p.connect(c, req)
			return
		}
		s, a := scheme, tunnel
		if tunnel == "" {
			if req.URL.Scheme != "http" || req.URL.Host == "" {
				return // only absolute http URLs outside a tunnel
			}
			s, a = "http", authority(req.URL.Host, "http")
		}
		resp := p.answer(req, s, a)
		if resp == nil {
			return // not a lab origin: forward nothing, close
		}
		keep, err := writeResponse(c, resp)
		resp.Body.Close()
		if err != nil || req.Close || !keep {
			return
		}
	}
}

// connect answers CONNECT for a lab authority and serves the tunnel: TLS
// with the test certificate, then requests as in serve.
func (p *Proxy) connect(c net.Conn, req *http.Request) {
	a := authority(req.Host, "https")
	if _, ok := p.routes[a]; !ok {
		return
	}
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{p.cert}, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12})
	if err := tc.Handshake(); err != nil {
		return
	}
	p.serve(tc, bufio.NewReader(tc), "https", a)
}

// answer forwards req to the route of authority a (or lets the drive
// handler answer it) and returns the response, nil when a is not a lab
// origin or the server cannot be reached.
func (p *Proxy) answer(req *http.Request, scheme, a string) *http.Response {
	if _, ok := p.routes[a]; !ok {
		return nil
	}
	p.mu.Lock()
	drive := p.drive
	p.mu.Unlock()
	if drive != nil && strings.HasPrefix(req.URL.Path, DrivePath) {
		req.URL.Scheme, req.URL.Host = scheme, req.Host
		rec := httptest.NewRecorder()
		drive.ServeHTTP(rec, req)
		resp := rec.Result()
		resp.ContentLength = int64(rec.Body.Len())
		resp.Request = req
		return resp
	}
	out := req.Clone(req.Context())
	out.RequestURI = ""
	out.URL.Scheme = scheme
	out.URL.Host = a
	out.Host = req.Host
	// Hop-by-hop headers meant for the proxy.
	out.Header.Del("Proxy-Connection")
	out.Header.Del("Proxy-Authorization")
	resp, err := p.out.RoundTrip(out)
	if err == nil {
	}
	if err != nil {
		return nil // the browser sees the connection close: a network error
	}
	return resp
}

// writeResponse copies resp to the browser and reports whether the
// connection may carry another request. A response whose end is the end
// of the connection (no length, not chunked) is copied as it came, without
// the "Connection: close" header that Response.Write would add: the
// origin's server did not send one, and script could read it.
func writeResponse(c net.Conn, resp *http.Response) (keep bool, err error) {
	if !resp.Close || resp.ContentLength >= 0 || len(resp.TransferEncoding) > 0 {
		return !resp.Close, resp.Write(c)
	}
	bw := bufio.NewWriter(c)
	fmt.Fprintf(bw, "HTTP/%d.%d %s\r\n", resp.ProtoMajor, resp.ProtoMinor, resp.Status)
	if err := resp.Header.Write(bw); err != nil {
		return false, err
	}
	if _, err := bw.WriteString("\r\n"); err != nil {
		return false, err
	}
	if _, err := io.Copy(bw, resp.Body); err != nil {
		return false, err
	}
	return false, bw.Flush()
}
