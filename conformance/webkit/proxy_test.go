package webkit

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// proxyClient is an HTTP client that reaches everything through p, trusting
// any certificate (the proxy's own is a test one).
func proxyClient(p *Proxy) *http.Client {
	u, _ := url.Parse("http://" + p.Addr())
	return &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyURL(u), TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true},
		Timeout:       5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func serveHTTP(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// TestProxyAnswersOnlyTheLab: the proxy forwards the lab's authorities
// (http and, through CONNECT, https) with the request's own Host, and
// forwards nothing else: an unknown name gets no answer at all.
func TestProxyAnswersOnlyTheLab(t *testing.T) {
	cert := testCert(t, "app.test", "api.test")
	var got atomic.Value
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Method + " " + r.Host + r.RequestURI + " origin=" + r.Header.Get("Origin"))
		io.WriteString(w, "ok")
	})
	routes := map[string]string{"app.test:80": serveHTTP(t, h), "api.test:443": serveTLS(t, cert, h)}
	p, err := StartProxy(routes, cert)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c := proxyClient(p)
	for _, tc := range []struct{ url, want string }{
		{"http://app.test/a?b", "GET app.test/a?b origin=https://x.test"},
		{"https://api.test/c", "GET api.test/c origin=https://x.test"},
	} {
		req, _ := http.NewRequest("GET", tc.url, nil)
		req.Header.Set("Origin", "https://x.test")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "ok" || got.Load() != tc.want {
			t.Errorf("%s: body %q, server saw %q, want %q", tc.url, body, got.Load(), tc.want)
		}
	}
	for _, u := range []string{"http://elsewhere.test/", "https://elsewhere.test/", "http://api.test/", "https://app.test/"} {
		got.Store("")
		if resp, err := c.Get(u); err == nil {
			resp.Body.Close()
			t.Errorf("%s: answered %s, want no answer (not a lab authority)", u, resp.Status)
		}
		if got.Load() != "" {
			t.Errorf("%s: forwarded as %q", u, got.Load())
		}
	}
}

// TestProxyDrivePath: requests under DrivePath are the drive handler's,
// never the origin's.
func TestProxyDrivePath(t *testing.T) {
	cert := testCert(t, "app.test")
	var origin atomic.Int32
	routes := map[string]string{"app.test:80": serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { origin.Add(1) }))}
	p, err := StartProxy(routes, cert)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.SetDrive(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "drive "+r.URL.Path) }))
	resp, err := proxyClient(p).Get("http://app.test" + DrivePath + "/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "drive "+DrivePath+"/x" || origin.Load() != 0 {
		t.Errorf("body %q, origin server hit %d times; want the drive handler only", body, origin.Load())
	}
}

// TestProxyNoConnectionHeader: a response that ends with its connection
// reaches the browser without a Connection header the server did not send.
func TestProxyNoConnectionHeader(t *testing.T) {
	cert := testCert(t, "app.test")
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			c.Read(buf)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nbody")
			c.Close()
		}
	}()
	p, err := StartProxy(map[string]string{"app.test:80": ln.Addr().String()}, cert)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp4", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET http://app.test/ HTTP/1.1\r\nHost: app.test\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	raw, _ := io.ReadAll(c)
	if want := "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nbody"; string(raw) != want {
		t.Errorf("the browser got %q, want %q", raw, want)
	}
}

func TestSplitConsole(t *testing.T) {
	lines := []string{
		"noise",
		"https://app.test/__corsim/drive/page:11:16: CONSOLE LOG " + markStart + "1",
		"CONSOLE SECURITY ERROR Origin https://app.test is not allowed by Access-Control-Allow-Origin. Status code: 200",
		"CONSOLE JS ERROR Fetch API cannot load https://api.test/no due to access control checks.",
		"https://app.test/__corsim/drive/page:15:16: CONSOLE LOG " + markEnd + "1",
		"CONSOLE JS ERROR between steps",
		"x:1:1: CONSOLE LOG " + markStart + "2",
		"x:1:1: CONSOLE LOG " + markEnd + "2",
	}
	got := splitConsole(lines)
	if len(got[1]) != 2 || len(got[2]) != 0 || len(got) != 2 {
		t.Fatalf("splitConsole = %v", got)
	}
	for _, tc := range []struct{ line, src, lv, text string }{
		{got[1][0], "security", "error", "Origin https://app.test is not allowed by Access-Control-Allow-Origin. Status code: 200"},
		{got[1][1], "javascript", "error", "Fetch API cannot load https://api.test/no due to access control checks."},
		{"CONSOLE LOG hello world", "console-api", "log", "hello world"},
		{"CONSOLE NETWORK WARNING w", "network", "warning", "w"},
	} {
		src, lv, text := ParseConsole(tc.line)
		if src != tc.src || lv != tc.lv || text != tc.text {
			t.Errorf("ParseConsole(%q) = %q, %q, %q; want %q, %q, %q", tc.line, src, lv, text, tc.src, tc.lv, tc.text)
		}
	}
	if !strings.HasPrefix(DriveURL("https://a.test", "https://b.test", false), "https://a.test"+drivePage+"?frame=") {
		t.Errorf("DriveURL with a frame: %s", DriveURL("https://a.test", "https://b.test", false))
	}
}
