package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/server"
)

// defaultLiveTimeout is how long a live request may take when --timeout is
// not given.
const defaultLiveTimeout = 10 * time.Second

// liveFlags are the flags every command that talks to a real server takes
// (fetch --live, explain --live, allow, audit --live): how long to wait and
// which certificates to trust.
type liveFlags struct {
	timeout  time.Duration
	insecure bool
	cacert   string
}

// addLiveFlags defines --timeout, --insecure and --cacert on fs.
func addLiveFlags(fs *flag.FlagSet) *liveFlags {
	l := &liveFlags{}
	fs.DurationVar(&l.timeout, "timeout", defaultLiveTimeout, "")
	fs.BoolVar(&l.insecure, "insecure", false, "")
	fs.BoolVar(&l.insecure, "k", false, "")
	fs.StringVar(&l.cacert, "cacert", "", "")
	return l
}

// writeLiveFlagsHelp prints the help lines of the live flags.
func writeLiveFlagsHelp(w io.Writer) {
	writeFlagHelp(w, "--timeout D", fmt.Sprintf("give up on a live request after D, e.g. 30s (default %v)", defaultLiveTimeout))
	writeFlagHelp(w, "--insecure, -k", "accept any TLS certificate of the live server (a self-signed staging server)")
	writeFlagHelp(w, "--cacert FILE", "trust only the certificate authorities in this PEM file for the live server")
}

// client builds the HTTP client a live request goes out with: the
// timeout, and the TLS trust the flags ask for. Errors name the flag.
func (l *liveFlags) client() (*http.Client, error) {
	if l.timeout <= 0 {
		return nil, fmt.Errorf("--timeout %v: want a positive duration such as 10s", l.timeout)
	}
	c := server.NewLiveClient(l.timeout)
	if !l.insecure && l.cacert == "" {
		return c, nil
	}
	if l.insecure && l.cacert != "" {
		return nil, fmt.Errorf("--insecure and --cacert exclude each other")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if l.insecure {
		cfg.InsecureSkipVerify = true
	} else {
		pem, err := sim.ReadInputFile(l.cacert)
		if err != nil {
			return nil, fmt.Errorf("--cacert %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--cacert %s: no PEM certificate in the file (want -----BEGIN CERTIFICATE----- blocks)", l.cacert)
		}
		cfg.RootCAs = pool
	}
	c.Transport.(*http.Transport).TLSClientConfig = cfg
	return c, nil
}

// newLive returns the live server transport for the flags; sendUnsafe lets
// unsafe requests go out.
func (l *liveFlags) newLive(sendUnsafe bool) (*server.Live, error) {
	c, err := l.client()
	if err != nil {
		return nil, err
	}
	return &server.Live{Client: c, SendUnsafe: sendUnsafe}, nil
}
