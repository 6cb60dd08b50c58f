package browser

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Network is the simulated internet a Browser reaches: one server
// (a fetch.Transport) per origin. A request to an origin without a server
// fails as a real one would at the network level — a DNS failure when no
// server uses the host at all, a refused connection when the host has
// servers on other ports or schemes. Network implements fetch.Transport and
// is safe for concurrent use; several browsers may share one.
type Network struct {
	mu sync.RWMutex
	// servers holds one entry per origin, in the order first served.
	// Most networks have a handful, which a scan finds faster than a map
	// lookup and which costs one small allocation; index maps fast keys
	// to positions once there are more than indexFrom.
	servers []netServer
	index   map[fastKey]int
	// spaces holds the declared IP address space of hosts (lowercase,
	// without port), for Local Network Access.
	spaces map[string]policy.AddressSpace
	// fallback serves every origin without a server of its own
	// (Serve("*", t)); nil for none.
	fallback fetch.Transport
}

// netServer is one origin's server.
type netServer struct {
	origin policy.Origin
	// key is the origin's scheme and URL host (as the URL parser
	// serializes them), so routing needs no origin computation.
	key fastKey
	t   fetch.Transport
}

// indexFrom is the number of servers above which a Network keeps an index.
const indexFrom = 8

type fastKey struct{ scheme, host string }

// fastKeyOf is the fast key of an origin: its scheme and the part of its
// serialization after "scheme://" (host, and port when not the default).
func fastKeyOf(o policy.Origin) fastKey {
	s := o.String()
	return fastKey{scheme: o.Scheme(), host: s[min(len(o.Scheme())+3, len(s)):]}
}

// NewNetwork returns an empty network.
func NewNetwork() *Network { return &Network{} }

// Serve registers t as the server of origin (a serialized origin such as
// "https://api.example" or "http://localhost:8080"; a URL is accepted and
// reduced to its origin). A later call for the same origin replaces the
// server; a nil t removes it. The origin "*" registers a catch-all server
// that answers every origin without a server of its own.
func (n *Network) Serve(origin string, t fetch.Transport) error {
	if origin == "*" {
		n.mu.Lock()
		n.fallback = t
		n.mu.Unlock()
		return nil
	}
	o, err := parseServeOrigin(origin)
	if err != nil {
		return err
	}
	key := fastKeyOf(o)
	n.mu.Lock()
	defer n.mu.Unlock()
	i := n.find(key)
	switch {
	case t == nil && i >= 0:
		n.servers = append(n.servers[:i], n.servers[i+1:]...)
		n.reindex()
	case t != nil && i >= 0:
		n.servers[i].t = t
	case t != nil:
		n.servers = append(n.servers, netServer{origin: o, key: key, t: t})
		if n.index != nil {
			n.index[key] = len(n.servers) - 1
		} else {
			n.reindex()
		}
	}
	return nil
}

// find returns the position of the server with key k, or -1. The caller
// holds n.mu.
func (n *Network) find(k fastKey) int {
	if n.index != nil {
		if i, ok := n.index[k]; ok {
			return i
		}
		return -1
	}
	for i := range n.servers {
		if n.servers[i].key == k {
			return i
		}
	}
	return -1
}

// reindex rebuilds the index (or drops it for a small network). The
// caller holds n.mu for writing.
func (n *Network) reindex() {
	if len(n.servers) <= indexFrom {
		n.index = nil
		return
	}
	n.index = make(map[fastKey]int, len(n.servers))
	for i := range n.servers {
		n.index[n.servers[i].key] = i
	}
}

func parseServeOrigin(s string) (policy.Origin, error) {
	o, err := policy.ParseOrigin(s)
	if err != nil {
		u, uerr := policy.ParseURL(s)
		if uerr != nil {
			return policy.Origin{}, fmt.Errorf("browser: %q is neither an origin nor a URL: %w", s, err)
		}
		o = policy.OriginOf(u)
	}
	if o.IsOpaque() {
		return policy.Origin{}, fmt.Errorf("browser: %q has an opaque origin; a server needs a scheme, host and port", s)
	}
	return o, nil
}

// Snapshot returns a copy of the network as it is now: later Serve calls
// on n do not change it (the servers themselves are shared).
func (n *Network) Snapshot() *Network {
	n.mu.RLock()
	defer n.mu.RUnlock()
	c := &Network{servers: slices.Clone(n.servers), spaces: maps.Clone(n.spaces), fallback: n.fallback}
	c.reindex()
	return c
}

// Origins returns the origins that have a server, serialized, in no
// particular order.
func (n *Network) Origins() []string {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make([]string, 0, len(n.servers))
	for i := range n.servers {
		out = append(out, n.servers[i].origin.String())
	}
	return out
}

// RoundTrip sends req to the server registered for the origin of its URL.
func (n *Network) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if req == nil || req.URL == nil {
		return nil, &NetError{Kind: ErrInvalidURL}
	}
	var t fetch.Transport
	n.mu.RLock()
	if i := n.find(fastKey{req.URL.Scheme, req.URL.Host}); i >= 0 {
		t = n.servers[i].t
	}
	n.mu.RUnlock()
	if t != nil {
		return t.RoundTrip(ctx, req)
	}
	// The URL does not spell its origin as a served origin's
	// serialization does (or nothing serves it): compare origins.
	o := policy.OriginOf(req.URL)
	hostKnown := false
	n.mu.RLock()
	for i := range n.servers {
		if n.servers[i].origin == o {
			t = n.servers[i].t
			break
		}
		if n.servers[i].origin.Host() == o.Host() {
			hostKnown = true
		}
	}
	if t == nil {
		t = n.fallback
	}
	n.mu.RUnlock()
	if t == nil {
		kind := ErrNameNotResolved
		if hostKnown {
			kind = ErrConnectionRefused
		}
		return nil, &NetError{Kind: kind, Host: req.URL.Host, Origin: o.String()}
	}
	return t.RoundTrip(ctx, req)
}

// NetErrorKind names a network-level failure in Chromium's net error
// spelling (net/base/net_error_list.h), which the console renderers map to
// each browser's wording.
type NetErrorKind string

// Network failures the simulated network produces.
const (
	// ErrNameNotResolved: no server uses the host (a DNS failure).
	ErrNameNotResolved NetErrorKind = "ERR_NAME_NOT_RESOLVED"
	// ErrConnectionRefused: the host has servers, but not on this scheme
	// and port.
	ErrConnectionRefused NetErrorKind = "ERR_CONNECTION_REFUSED"
	// ErrInvalidURL: the request had no URL.
	ErrInvalidURL NetErrorKind = "ERR_INVALID_URL"
)

// NetError is the error Network returns when a request cannot reach a
// server. The fetch algorithm turns it into a transport-error network
// error; Outcome keeps it for the console.
type NetError struct {
	Kind   NetErrorKind
	Host   string // the URL's host[:port]
	Origin string // the serialized origin nothing serves
}

// Error says what failed, for people.
func (e *NetError) Error() string {
	switch e.Kind {
	case ErrNameNotResolved:
		return "DNS lookup of " + hostOnly(e.Host) + " failed: no server is registered for " + e.Origin
	case ErrConnectionRefused:
		return "connection to " + e.Host + " refused: the host has no server for " + e.Origin
	}
	return "invalid URL"
}

func hostOnly(hostport string) string {
	if hostport == "" || hostport[0] == '[' {
		return hostport
	}
	for i := len(hostport) - 1; i >= 0; i-- {
		if hostport[i] == ':' {
			return hostport[:i]
		}
	}
	return hostport
}

// DeclareAddress says that host (a name such as "printer.example", no
// port) resolves to addr, whose IP address space Local Network Access then
// uses for every server on that host ("server https://printer.example at
// 192.168.1.5" in a scenario). corsim never resolves names: a host without
// a declaration is public unless it is an IP literal or localhost.
func (n *Network) DeclareAddress(host string, addr netip.Addr) {
	n.DeclareAddressSpace(host, policy.AddressSpaceOf(addr))
}

// DeclareAddressSpace says that host is in the IP address space s.
func (n *Network) DeclareAddressSpace(host string, s policy.AddressSpace) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.spaces == nil {
		n.spaces = map[string]policy.AddressSpace{}
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	n.spaces[strings.ToLower(strings.TrimSuffix(host, "."))] = s
}

// AddressSpaceOf implements fetch.AddressSpaces: the declared space of u's
// host, else fetch.DefaultAddressSpaces's answer.
func (n *Network) AddressSpaceOf(u *url.URL) policy.AddressSpace {
	if u == nil {
		return policy.AddressSpacePublic
	}
	n.mu.RLock()
	s, ok := n.spaces[strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))]
	n.mu.RUnlock()
	if ok {
		return s
	}
	return fetch.DefaultAddressSpaces{}.AddressSpaceOf(u)
}
