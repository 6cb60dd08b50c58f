package webkit

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

func testCert(t *testing.T, hosts ...string) tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "t"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: hosts,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func serveTLS(t *testing.T, cert tls.Certificate, h http.Handler) string {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}}))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// needBrowser skips t without WebKitGTK, or fails it when
// CORSIM_REQUIRE_BROWSER is set.
func needBrowser(t *testing.T) {
	t.Helper()
	if err := FindBinaries(); err != nil {
		if os.Getenv("CORSIM_REQUIRE_BROWSER") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// lab starts a page origin and an API origin (https, one test
// certificate) and a browser routed to them; api answers with ACAO for
// the page on /ok only.
func lab(t *testing.T, rate int) *Browser {
	return labWith(t, rate, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
		}
		w.Write([]byte("hi"))
	}))
}

// labWith is lab with api's handler.
func labWith(t *testing.T, rate int, api http.Handler) *Browser {
	cert := testCert(t, "app.test", "api.test")
	app := serveTLS(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>x</title>"))
	}))
	apiAddr := serveTLS(t, cert, api)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Launch(ctx, Options{Routes: map[string]string{"app.test:443": app, "api.test:443": apiAddr}, Cert: cert, ClockRate: rate})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

const fetchGET = `fetch("https://api.test/%s").then(r => r.status + " " + r.type, e => String(e))`

// TestWebDriverFetch: a WebDriver session reaches the lab through the
// proxy (https, the test certificate accepted) and reports what script
// saw; a name outside the lab fails like a network error.
func TestWebDriverFetch(t *testing.T) {
	needBrowser(t)
	b := lab(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(ctx, "https://app.test/page"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, url, want string }{
		{"ok", "https://api.test/ok", "200 cors"},
		{"no", "https://api.test/no", "TypeError: Load failed"},
	} {
		out, _, err := s.Eval(ctx, fmt.Sprintf(fetchGET, tc.path))
		if err != nil || out != tc.want {
			t.Errorf("fetch %s: %q, %v; want %q", tc.url, out, err, tc.want)
		}
	}
	out, _, err := s.Eval(ctx, `fetch("https://elsewhere.test/").then(r => "resolved", e => String(e))`)
	if err != nil || out != "TypeError: Load failed" {
		t.Errorf("fetch outside the lab: %q, %v", out, err)
	}
}

// TestPageRunConsole: the page-driven run attributes WebKitGTK's console
// lines (on stderr) to the step that caused them, in a top-level page
// and in a sandboxed one.
func TestPageRunConsole(t *testing.T) {
	needBrowser(t)
	b := lab(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := b.StartPageRun()
	defer r.Close()
	step := func(path string) (string, []string) {
		out, id, err := r.Eval(ctx, fmt.Sprintf(fetchGET, path))
		if err != nil {
			t.Fatal(err)
		}
		lines, ok := r.Console(id)
		if !ok {
			t.Fatalf("step %d: no end marker", id)
		}
		return out, lines
	}
	if err := r.Open(ctx, DriveURL("https://app.test", "", false)); err != nil {
		t.Fatal(err)
	}
	if out, lines := step("ok"); out != "200 cors" || len(lines) != 0 {
		t.Errorf("allowed fetch: %q, console %q", out, lines)
	}
	out, lines := step("no")
	want := []string{
		"CONSOLE SECURITY ERROR Origin https://app.test is not allowed by Access-Control-Allow-Origin. Status code: 200",
		"CONSOLE JS ERROR Fetch API cannot load https://api.test/no due to access control checks.",
	}
	if out != "TypeError: Load failed" || strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("blocked fetch: %q, console %q; want %q", out, lines, want)
	}
	if err := r.Open(ctx, DriveURL("https://app.test", "", true)); err != nil {
		t.Fatal(err)
	}
	out, lines = step("ok")
	if out != "TypeError: Load failed" || len(lines) == 0 || !strings.Contains(lines[0], "Origin null is not allowed") {
		t.Errorf("sandboxed fetch: %q, console %q", out, lines)
	}
}
