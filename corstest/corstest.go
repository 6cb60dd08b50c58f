package corstest

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
)

// TB is the part of testing.TB that corstest uses. *testing.T, *testing.B
// and *testing.F satisfy it, and so does *Recorder, which keeps the
// failure messages so that a test can look at them.
//
// corstest calls Fatalf only when the test itself is set up wrongly (an
// origin or URL that does not parse); a failed CORS assertion is reported
// with Errorf, so every assertion of a test runs and reports.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// DefaultServerURL is the URL the handler under test is reached at when
// New is not given ServerURL. Its origin differs from every page origin a
// test is likely to use, so requests to it are cross-origin.
const DefaultServerURL = "https://api.example"

// Tester sends requests from simulated browser pages to one server and
// checks what the browsers let JavaScript see. Make one per test with New
// or NewTransport.
//
// A Tester is immutable after it is made and is safe for concurrent use:
// every Fetch runs in new browsers with an empty preflight cache and their
// own virtual clock, so results never depend on the order of checks or on
// other tests running in parallel.
type Tester struct {
	t        TB
	tr       fetch.Transport
	base     *url.URL
	browsers []Browser
	space    policy.AddressSpace
	cookies  []cookieSeed
}

// Option configures a Tester.
type Option func(*Tester)

// Browsers selects the browsers every check runs in; the default is
// Chromium alone. Pass AllBrowsers() to check Chromium, Firefox, WebKit and
// the Fetch standard itself.
func Browsers(b ...Browser) Option {
	return func(ts *Tester) { ts.browsers = append([]Browser(nil), b...) }
}

// ServerURL sets the URL the server is reached at (DefaultServerURL unless
// given). Paths passed to Page.Fetch are resolved against it.
func ServerURL(u string) Option {
	return func(ts *Tester) {
		p, err := url.Parse(u)
		if err != nil || p.Scheme == "" || p.Host == "" {
			ts.t.Helper()
			ts.t.Fatalf("corstest: ServerURL(%q): not an absolute URL", u)
			return
		}
		ts.base = p
	}
}

// ServerAddressSpace says which IP address space the server's address is
// in: policy.AddressSpaceLocal for a private address (192.168.x.x, 10.x,
// a printer or router), policy.AddressSpaceLoopback for 127.0.0.1 or ::1,
// policy.AddressSpacePublic otherwise. The default is what the server's
// URL says: loopback for localhost and 127.0.0.1, a literal address's own
// space, public for any other name. A page in a more public space then
// meets Local Network Access in the browsers that enforce it (Chromium,
// Firefox): a request from a public page to a local API is blocked unless
// the user grants the permission.
func ServerAddressSpace(space policy.AddressSpace) Option {
	return func(ts *Tester) { ts.space = space }
}

// New returns a Tester for h. The handler is called in-process (see
// server.FromHandler): no socket is opened, and h sees an *http.Request as a
// net/http server would build it, including a TLS state for https URLs.
//
// A declarative server.Config is tested the same way:
// New(t, cfg.Handler()).
func New(t TB, h http.Handler, opts ...Option) *Tester {
	t.Helper()
	return NewTransport(t, server.FromHandler(h), opts...)
}

// NewTransport returns a Tester for any fetch.Transport: a server.Config's
// Server, canned responses (server.Canned), or a live server over the
// network (&server.Live{SendUnsafe: true}, with ServerURL pointing at it) —
// the only way corstest opens sockets.
func NewTransport(t TB, tr fetch.Transport, opts ...Option) *Tester {
	t.Helper()
	base, _ := url.Parse(DefaultServerURL)
	ts := &Tester{t: t, tr: tr, base: base, browsers: []Browser{Chromium}}
	for _, o := range opts {
		o(ts)
	}
	if len(ts.browsers) == 0 {
		ts.browsers = []Browser{Chromium}
	}
	return ts
}

// From returns a page at origin (a serialized origin such as
// "https://app.example") from which requests can be made.
func (ts *Tester) From(origin string) *Page {
	ts.t.Helper()
	o, err := policy.ParseOrigin(origin)
	if err != nil {
		ts.t.Fatalf("corstest: From(%q): %v", origin, err)
		return &Page{ts: ts, bad: true}
	}
	return &Page{ts: ts, origin: o}
}

// Page is a document at one origin, in each of the Tester's browsers.
type Page struct {
	ts     *Tester
	origin policy.Origin
	bad    bool
}

// Origin returns the page's origin.
func (p *Page) Origin() string { return p.origin.String() }

// Fetch runs fetch(url, {method, ...}) from the page in a fresh instance
// of each browser and returns the results for checking. url may be a path,
// resolved against the Tester's server URL, or an absolute URL. Options
// add headers, a body and credentials.
func (p *Page) Fetch(method, url string, opts ...RequestOption) *Check {
	p.ts.t.Helper()
	init := fetch.RequestInit{Method: method, URL: p.ts.resolve(url)}
	for _, o := range opts {
		o(&init)
	}
	return p.FetchInit(init)
}

// FetchInit is Fetch with a complete fetch.RequestInit (mode, cache mode,
// redirect mode, XMLHttpRequest, …). A relative init.URL is resolved
// against the Tester's server URL.
func (p *Page) FetchInit(init fetch.RequestInit) *Check {
	p.ts.t.Helper()
	init.URL = p.ts.resolve(init.URL)
	c := &Check{ts: p.ts, page: p, init: init, told: new(bool)}
	if p.bad {
		c.bad = true
		return c
	}
	for _, b := range p.ts.browsers {
		c.runs = append(c.runs, newRun(b, p.ts.tr, p.ts.space, p.origin, init, p.ts.cookies))
	}
	for _, r := range c.runs {
		if r.setupErr != nil {
			p.ts.t.Fatalf("corstest: %s %s: the browser refuses to make this request: %v", init.Method, init.URL, r.setupErr)
			c.bad = true
			break
		}
	}
	return c
}

func (ts *Tester) resolve(raw string) string {
	if raw == "" {
		return ts.base.String()
	}
	ref, err := url.Parse(raw)
	if err != nil || ref.IsAbs() {
		return raw
	}
	if !strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "?") {
		raw = "/" + raw
		ref, _ = url.Parse(raw)
	}
	return ts.base.ResolveReference(ref).String()
}
