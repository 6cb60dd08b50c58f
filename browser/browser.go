package browser

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// Epoch is the time a Browser's virtual clock starts at unless WithClock
// says otherwise: a fixed instant, so runs repeat.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// SystemClock is the real wall clock, for live use (a Browser fetching
// from real servers). Simulations use fetch.VirtualClock instead.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Browser is a simulated browser: a profile, a clock, one CORS-preflight
// cache shared by all its pages, and the Network of servers it can reach.
// It is safe for concurrent use: many pages may fetch at once.
type Browser struct {
	// fetcher holds the profile, clock and cache; the accessors read them
	// from it.
	fetcher fetch.Fetcher
	net     *Network
	dialect *dialect
	// lnaPerm is the local-network permission pages open with.
	lnaPerm policy.Permission
	jar     *cookie.Jar
	// pages counts the opaque origins OpenClient made up.
	pages atomic.Int64
}

// Option configures a Browser in New.
type Option func(*config)

type config struct {
	clock   fetch.Clock
	seed    int64
	net     *Network
	noCache bool
	psl     policy.PublicSuffixList
	tr      fetch.Transport
	lnaPerm policy.Permission
	spaces  fetch.AddressSpaces
}

// WithAddressSpaces makes the browser take the address space of each
// server from a (for instance another browser's Network) instead of its
// own Network's declarations: for re-running a fetch through WithTransport.
func WithAddressSpaces(a fetch.AddressSpaces) Option { return func(cf *config) { cf.spaces = a } }

// WithClock sets the clock (default: a fetch.VirtualClock at Epoch). Pass
// SystemClock{} for live use.
func WithClock(c fetch.Clock) Option { return func(cf *config) { cf.clock = c } }

// WithSeed seeds the preflight cache's random eviction (Chromium's purge of
// 10 entries at a random index), so a run repeats exactly. Default 1.
func WithSeed(seed int64) Option { return func(cf *config) { cf.seed = seed } }

// WithNetwork makes the browser reach the servers of n (shared with other
// browsers, e.g. to compare profiles side by side). Default: a new, empty
// Network.
func WithNetwork(n *Network) Option { return func(cf *config) { cf.net = n } }

// WithTransport makes the browser send every request through t instead of
// its Network (which then stays empty): for re-running a fetch against
// servers seen through a filter, as explanations do to confirm a fix.
func WithTransport(t fetch.Transport) Option { return func(cf *config) { cf.tr = t } }

// WithLocalNetworkPermission sets the state of the local-network
// permission for every page Open and OpenFrame open (OpenClient takes the
// client's own): policy.PermissionGranted (the user allowed
// it), PermissionDenied, or PermissionPrompt (the default: the browser
// asks, and the profile's LocalNetworkPromptAnswer is the answer —
// headless Chromium denies, headless Firefox never answers).
func WithLocalNetworkPermission(p policy.Permission) Option {
	return func(cf *config) { cf.lnaPerm = p }
}

// WithoutPreflightCache models a user agent without a CORS-preflight cache
// (every non-simple request is preflighted).
func WithoutPreflightCache() Option { return func(cf *config) { cf.noCache = true } }

// WithPublicSuffixList sets the list that decides sites (partition keys,
// redirect taint); default policy.DefaultPublicSuffixList.
func WithPublicSuffixList(l policy.PublicSuffixList) Option {
	return func(cf *config) { cf.psl = l }
}

// New returns a browser that behaves as profile p (Chromium, Firefox,
// WebKit, Spec or any fetch.Profile; its Name chooses the console wording,
// see the package doc).
func New(p fetch.Profile, opts ...Option) *Browser {
	cf := config{seed: 1}
	for _, o := range opts {
		if o != nil {
			o(&cf)
		}
	}
	if cf.clock == nil {
		cf.clock = fetch.NewVirtualClock(Epoch)
	}
	if cf.net == nil {
		cf.net = NewNetwork()
	}
	b := &Browser{net: cf.net, dialect: dialectFor(p.Name), jar: newJar(p, cf.clock, cf.psl)}
	b.fetcher = fetch.Fetcher{Profile: p, Clock: cf.clock, Transport: cf.net, PublicSuffixList: cf.psl,
		AddressSpaces: cf.net, Cookies: b.jar}
	if cf.spaces != nil {
		b.fetcher.AddressSpaces = cf.spaces
	}
	b.lnaPerm = cf.lnaPerm
	if cf.tr != nil {
		b.fetcher.Transport = cf.tr
	}
	if !cf.noCache {
		b.fetcher.Cache = fetch.NewPreflightCache(p, cf.seed)
	}
	return b
}

// Profile returns the browser's profile.
func (b *Browser) Profile() fetch.Profile { return b.fetcher.Profile }

// Clock returns the browser's clock.
func (b *Browser) Clock() fetch.Clock { return b.fetcher.Clock }

// Now returns the browser clock's time.
func (b *Browser) Now() time.Time { return b.fetcher.Clock.Now() }

// Advance moves a virtual clock forward by d and reports whether it could
// (false for a clock that is not a *fetch.VirtualClock).
func (b *Browser) Advance(d time.Duration) bool {
	vc, ok := b.fetcher.Clock.(*fetch.VirtualClock)
	if ok {
		vc.Advance(d)
	}
	return ok
}

// Network returns the network the browser reaches.
func (b *Browser) Network() *Network { return b.net }

// Serve registers t as the server of origin on the browser's network (see
// Network.Serve).
func (b *Browser) Serve(origin string, t fetch.Transport) error { return b.net.Serve(origin, t) }

// Cache returns the browser's CORS-preflight cache (nil with
// WithoutPreflightCache).
func (b *Browser) Cache() *fetch.PreflightCache { return b.fetcher.Cache }

// CacheEntries returns a snapshot of the live preflight-cache entries.
func (b *Browser) CacheEntries() []fetch.CacheEntry {
	if b.fetcher.Cache == nil {
		return nil
	}
	return b.fetcher.Cache.Entries(b.Now())
}

// ClearCache empties the preflight cache (as clearing browsing data does).
func (b *Browser) ClearCache() {
	if b.fetcher.Cache != nil {
		b.fetcher.Cache.Clear()
	}
}

// Page is a document open in a Browser: the client of the requests it
// makes. A Page is immutable and safe for concurrent use.
type Page struct {
	b      *Browser
	client fetch.Client
}

// Open opens a top-level page at origin (a serialized origin or a URL).
func (b *Browser) Open(origin string) (*Page, error) {
	o, err := parseServeOrigin(origin)
	if err != nil {
		return nil, err
	}
	return &Page{b: b, client: fetch.Client{Origin: o, TopLevelOrigin: o, LocalNetworkPermission: b.lnaPerm}}, nil
}

// OpenFrame opens a page at origin inside a top-level page at top: its
// requests are made from origin, but cache partitions (top-level site for
// Chromium, Firefox and the spec; top-level origin for WebKit) come from
// top.
func (b *Browser) OpenFrame(origin, top string) (*Page, error) {
	o, err := parseServeOrigin(origin)
	if err != nil {
		return nil, err
	}
	t, err := parseServeOrigin(top)
	if err != nil {
		return nil, err
	}
	return b.OpenClient(fetch.Client{Origin: o, TopLevelOrigin: t, LocalNetworkPermission: b.lnaPerm}), nil
}

// OpenClient opens a page for an arbitrary client, e.g. one with an opaque
// origin (a sandboxed frame, whose requests carry Origin: null).
//
// A client whose origin is opaque without an ID (policy.ParseOrigin("null"))
// gets a fresh one: each sandboxed page is an origin of its own.
func (b *Browser) OpenClient(c fetch.Client) *Page {
	if c.Origin.IsOpaque() && c.Origin.ID() == "" {
		c.Origin = policy.OpaqueOrigin(fmt.Sprintf("page-%d", b.pages.Add(1)))
	}
	return &Page{b: b, client: c}
}

// Browser returns the browser the page is open in.
func (p *Page) Browser() *Browser { return p.b }

// Client returns the page's environment: its origin and top-level origin.
func (p *Page) Client() fetch.Client { return p.client }

// Origin returns the page's origin.
func (p *Page) Origin() policy.Origin { return p.client.Origin }
