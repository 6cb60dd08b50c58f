package lab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Cert is the test PKI of one lab: a fresh certificate authority made for
// this run only and one leaf certificate, signed by it, that every HTTPS
// listener presents. Each engine trusts exactly this and nothing more:
// Chromium the leaf's key (--ignore-certificate-errors-spki-list with
// SPKI), Firefox the authority (added to the profile's certificate store
// as a trust anchor, CAPEM).
type Cert struct {
	// TLS is the leaf certificate and key, with the authority's
	// certificate in the chain.
	TLS tls.Certificate
	// SPKI is the base64 of the SHA-256 of the leaf's
	// SubjectPublicKeyInfo.
	SPKI string
	// CA is the authority's certificate.
	CA *x509.Certificate
}

// CAPEM returns the authority's certificate in PEM form.
func (c *Cert) CAPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.CA.Raw})
}

// CABase64 returns the authority's DER certificate in base64 (no PEM
// armour), as nsIX509CertDB.addCertFromBase64 takes it.
func (c *Cert) CABase64() string {
	return base64.StdEncoding.EncodeToString(c.CA.Raw)
}

// NewCert makes a fresh P-256 authority and a leaf whose subject
// alternative names cover every host in hosts (names as DNS names, IP
// literals as IP addresses). Both are valid from an hour before they are
// made for 90 days: long enough for a browser on a fake clock that jumps
// a day or more ahead.
func NewCert(hosts []string) (*Cert, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("lab: generating the test authority's key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "corsim conformance test authority"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(90 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("lab: creating the test authority: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("lab: parsing the test authority: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("lab: generating the test key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "corsim conformance"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(90 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("lab: creating the test certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("lab: parsing the test certificate: %w", err)
	}
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	return &Cert{
		TLS:  tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key, Leaf: leaf},
		SPKI: base64.StdEncoding.EncodeToString(sum[:]),
		CA:   ca,
	}, nil
}

// serial is a random certificate serial number.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
