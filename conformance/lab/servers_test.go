package lab

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func startLab(t *testing.T) *Servers {
	t.Helper()
	s, err := Start([]string{"http://app.test", "https://api.test", "http://api.test:8080"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func begin(t *testing.T, s *Servers, hs map[string]http.Handler) *Log {
	t.Helper()
	l, err := s.Begin(t.Context().Done(), hs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.End(l) })
	return l
}

func hello(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = io.WriteString(w, "hello "+r.Method)
}

// TestProxy: through the proxy, an http origin is served by absolute-form
// requests and an https origin through a CONNECT tunnel whose certificate
// chains to the lab's authority; the log records origin-form targets; an
// unknown name is refused without a response and remembered.
func TestProxy(t *testing.T) {
	s := startLab(t)
	l := begin(t, s, map[string]http.Handler{"http://app.test": http.HandlerFunc(hello), "https://api.test": http.HandlerFunc(hello)})
	pool := x509.NewCertPool()
	pool.AddCert(s.Cert().CA)
	proxyURL, _ := url.Parse("http://" + s.ProxyAddr())
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, u := range []string{"http://app.test/a?b=1", "https://api.test/x", "http://api.test:8080/none"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Origin", "http://app.test")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("%s: %d %q", u, resp.StatusCode, body)
	}
	var got []string
	for _, r := range l.Requests() {
		got = append(got, fmt.Sprintf("%s %s%s origin=%s", r.Method, r.Server, r.Target, r.Origin))
	}
	want := []string{"GET http://app.test/a?b=1 origin=http://app.test", "GET https://api.test/x origin=http://app.test", "GET http://api.test:8080/none origin=http://app.test"}
	if !slices.Equal(got, want) {
		t.Errorf("log:\n got  %q\n want %q", got, want)
	}
	if _, err := client.Get("http://elsewhere.example/"); err == nil {
		t.Error("the proxy answered for a name outside the pool")
	}
	if _, err := client.Get("https://api.test:444/"); err == nil {
		t.Error("the proxy tunnelled to a port outside the pool")
	}
	// (Go's client retries a GET whose connection closed: Compact.)
	if got := slices.Compact(s.Refused()); !slices.Equal(got, []string{"elsewhere.example", "api.test:444"}) {
		t.Errorf("refused %q", got)
	}
}

// TestPageNotRecorded: the page route is the lab's, with its sandbox and
// frame forms, and is not logged.
func TestPageNotRecorded(t *testing.T) {
	s := startLab(t)
	l := begin(t, s, nil)
	c, err := net.Dial("tcp", s.Addr("http://app.test"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s?sandbox=1&frame=%s HTTP/1.1\r\nHost: app.test\r\n\r\n", PagePath, url.QueryEscape("https://api.test/p?a=<b>"))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Security-Policy") != "sandbox allow-scripts" || !strings.Contains(string(body), `<iframe id=corsim src="https://api.test/p?a=&lt;b&gt;">`) {
		t.Errorf("page: %v %s", resp.Header, body)
	}
	if n := l.Len(); n != 0 {
		t.Errorf("the page was recorded: %v", l.Requests())
	}
}

func TestOriginForm(t *testing.T) {
	for in, want := range map[string]string{
		"/a?b": "/a?b", "http://x.test/a?b": "/a?b", "http://x.test": "/", "http://x.test?q": "/?q", "*": "*",
	} {
		if got := originForm(in); got != want {
			t.Errorf("originForm(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLeafChainsToAuthority(t *testing.T) {
	c, err := NewCert([]string{"api.test"})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c.CA)
	if _, err := c.TLS.Leaf.Verify(x509.VerifyOptions{DNSName: "api.test", Roots: pool}); err != nil {
		t.Error(err)
	}
	if !strings.HasPrefix(string(c.CAPEM()), "-----BEGIN CERTIFICATE-----") || len(c.CABase64()) < 100 {
		t.Errorf("CA encodings: %q %q", c.CAPEM(), c.CABase64())
	}
}
