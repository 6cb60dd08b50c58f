package lab

import (
	"fmt"
	"net/url"
	"strings"
)

// Origin is one origin of a lab's pool: its serialisation and its parts.
type Origin struct {
	// Serialized is the origin as a browser writes it, e.g.
	// "https://api.test" (default port omitted).
	Serialized string
	// Scheme is "http" or "https".
	Scheme string
	// Host is the lower-case host, an IPv6 literal without brackets.
	Host string
	// Port is the effective port, always present ("443").
	Port string
}

// ParseOrigin canonicalises an origin string such as "https://API.test:443"
// into its serialisation and parts. Only http and https are accepted; a
// path, query, fragment or userinfo is an error.
func ParseOrigin(s string) (Origin, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Origin{}, fmt.Errorf("lab: origin %q: %w", s, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return Origin{}, fmt.Errorf("lab: origin %q: scheme must be http or https", s)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return Origin{}, fmt.Errorf("lab: origin %q: must be scheme://host[:port] only", s)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return Origin{}, fmt.Errorf("lab: origin %q: no host", s)
	}
	port := u.Port()
	def := defaultPort(scheme)
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
	return Origin{Serialized: ser, Scheme: scheme, Host: host, Port: port}, nil
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// HostPort is host:port with the effective port, an IPv6 host in brackets
// ("api.test:443"): the authority a proxy's CONNECT names and the pattern
// of Chromium's MAP rules.
func (o Origin) HostPort() string {
	if strings.Contains(o.Host, ":") {
		return "[" + o.Host + "]:" + o.Port
	}
	return o.Host + ":" + o.Port
}
