package webkit

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"os"
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

func TestSmoke(t *testing.T) {
	if err := FindBinaries(); err != nil {
		t.Skip(err)
	}
	cert := testCert(t, "app.test", "api.test")
	app := serveTLS(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>x</title>"))
	}))
	api := serveTLS(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Logf("api got %s %s origin=%q acrm=%q", r.Method, r.RequestURI, r.Header.Get("Origin"), r.Header.Get("Access-Control-Request-Method"))
		if r.URL.Path == "/ok" {
			w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
		}
		w.Write([]byte("hi"))
	}))
	ctx := context.Background()
	start := time.Now()
	b, err := Launch(ctx, Options{Routes: map[string]string{"app.test:443": app, "api.test:443": api}, Cert: cert})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Logf("session %s after %v", b.Version(), time.Since(start))
	if err := s.Open(ctx, "https://app.test/page"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://api.test/ok", "https://api.test/no", "https://nowhere.test/x"} {
		out, d, err := s.Eval(ctx, `fetch("`+u+`", {method: "PUT"}).then(r => r.status + " " + r.type, e => String(e))`)
		t.Logf("%s: %q %v %v", u, out, d, err)
	}
	_ = os.Stdout
}

func TestSmokePage(t *testing.T) {
	if err := FindBinaries(); err != nil {
		t.Skip(err)
	}
	cert := testCert(t, "app.test", "api.test")
	app := serveTLS(t, cert, http.NotFoundHandler())
	api := serveTLS(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Logf("api got %s %s origin=%q acrm=%q", r.Method, r.RequestURI, r.Header.Get("Origin"), r.Header.Get("Access-Control-Request-Method"))
		if r.URL.Path == "/ok" {
			w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
		}
		w.Write([]byte("hi"))
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Launch(ctx, Options{Routes: map[string]string{"app.test:443": app, "api.test:443": api}, Cert: cert})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r := b.StartPageRun()
	start := time.Now()
	if err := r.Open(ctx, DriveURL("https://app.test", "", false)); err != nil {
		t.Fatal(err)
	}
	t.Logf("open %v", time.Since(start))
	for _, u := range []string{"https://api.test/ok", "https://api.test/no", "https://nowhere.test/x"} {
		for _, m := range []string{"GET", "PUT"} {
			st := time.Now()
			out, id, err := r.Eval(ctx, `fetch("`+u+`", {method: "`+m+`"}).then(r => r.status + " " + r.type, e => String(e))`)
			t.Logf("%d %s %s: %q %v %v", id, m, u, out, time.Since(st), err)
		}
	}
	if err := r.Open(ctx, DriveURL("https://app.test", "", true)); err != nil {
		t.Fatal(err)
	}
	out, id, err := r.Eval(ctx, `fetch("https://api.test/ok").then(r => r.status + " " + r.type, e => String(e))`)
	t.Logf("%d sandboxed: %q %v", id, out, err)
	st := time.Now()
	con := r.Close()
	t.Logf("close %v", time.Since(st))
	for id, ls := range con {
		for _, l := range ls {
			t.Logf("%d: %s", id, l)
		}
	}
	t.Logf("all lines: %q", r.lines)
}
