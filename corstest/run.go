package corstest

import (
	"context"
	"net/url"
	"time"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
)

// run is one request in one fresh browser: its own virtual clock and
// empty preflight cache, with the Tester's transport as the only server.
type run struct {
	profile Browser
	br      *browser.Browser
	page    *browser.Page
	init    fetch.RequestInit
	tr      fetch.Transport

	res      *fetch.Result
	out      *browser.Outcome
	console  []string
	jsError  string
	setupErr error
	// cookiesBefore is the jar before the request, for the explanation.
	cookiesBefore []cookie.Cookie
}

// newRun opens a page at origin in a new browser of profile p and makes
// the request once.
func newRun(p Browser, tr fetch.Transport, space policy.AddressSpace, origin policy.Origin, init fetch.RequestInit, cookies []cookieSeed) *run {
	r := &run{profile: p, init: init}
	// The transport is the only server on the browser's network, at the
	// origin of the request URL; a transport that knows where servers are
	// (a browser.Network) says their address spaces.
	r.br = browser.New(p, browser.WithClock(fetch.NewVirtualClock(browser.Epoch)))
	if u, err := url.Parse(init.URL); err == nil {
		if as, ok := tr.(fetch.AddressSpaces); ok && space == "" {
			space = as.AddressSpaceOf(u)
		}
		if space != "" {
			r.br.Network().DeclareAddressSpace(u.Hostname(), space)
		}
	}
	page := r.br.OpenClient(fetch.Client{Origin: origin, TopLevelOrigin: origin})
	r.page = page
	for _, c := range cookies {
		if err := r.br.SetCookie(c.url, c.line); err != nil {
			r.setupErr = err
			r.res = &fetch.Result{Err: &policy.Failure{Code: fetch.CodeInvalidRequest, Message: err.Error()}}
			return r
		}
	}
	r.res = r.do(tr)
	return r
}

// do makes the request through tr and records the outcome.
func (r *run) do(tr fetch.Transport) *fetch.Result {
	net := r.br.Network()
	if err := net.Serve(serverOrigin(r.init.URL), tr); err != nil {
		r.setupErr = err
		return &fetch.Result{Err: &policy.Failure{Code: fetch.CodeInvalidRequest, Message: err.Error()}}
	}
	r.tr = tr
	r.cookiesBefore = r.br.Cookies()
	var out *browser.Outcome
	ctx := context.Background()
	if r.init.Initiator == fetch.InitiatorXHR {
		out = r.page.XHR(ctx, r.init.Method, r.init.URL, browser.XHRRequest{
			Header:          r.init.Header,
			Body:            r.init.Body,
			WithCredentials: r.init.Credentials == fetch.CredentialsInclude,
			UploadListeners: r.init.UploadListeners,
		})
	} else {
		out = r.page.Fetch(ctx, "", r.init)
	}
	if out.RequestErr != nil {
		r.setupErr = out.RequestErr
		return &fetch.Result{Err: out.RequestErr}
	}
	r.console = r.console[:0]
	for _, m := range out.Console {
		r.console = append(r.console, m.Text)
	}
	r.jsError = out.JSError
	r.out = out
	return out.Result
}

// subject is the run as package explain takes it. A live server (see
// NewTransport) is never asked again: the explanation then works from the
// answers it recorded.
func (r *run) subject(tr fetch.Transport) explain.Subject {
	s := explain.Subject{Profile: r.profile, Client: r.page.Client(), Init: r.init, Outcome: r.out, Servers: r.br.Network().Snapshot(), Cookies: r.cookiesBefore}
	if _, live := tr.(*server.Live); live {
		s.Servers = nil
	}
	return s
}

// again repeats the request in the same browser.
func (r *run) again() *fetch.Result { return r.do(r.tr) }

// advance moves the browser's virtual clock forward.
func (r *run) advance(d time.Duration) { r.br.Advance(d) }

// serverOrigin is the origin part of a request URL, as the browser's
// network keys servers by.
func serverOrigin(raw string) string {
	u, err := policy.ParseURL(raw)
	if err != nil {
		return raw
	}
	return policy.OriginOf(u).String()
}
