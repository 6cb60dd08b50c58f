package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/scenario"
)

// engine is the simulated browser one profile's run drives.
type engine struct {
	b    *browser.Browser
	page *browser.Page
	// perm is the local-network permission of pages opened from now on.
	perm policy.Permission
}

func newEngine(profile string, seed int64) (*engine, error) {
	p, ok := browser.ProfileByName(profile)
	if !ok {
		return nil, fmt.Errorf("unknown profile %q", profile)
	}
	if seed == 0 {
		seed = 1
	}
	return &engine{b: browser.New(p, browser.WithSeed(seed))}, nil
}

func (e *engine) now() time.Time { return e.b.Now() }

func (e *engine) advance(d time.Duration) { e.b.Advance(d) }

func (e *engine) open(pg *scenario.Page) {
	if pg.Space != "" && !pg.Origin.IsOpaque() {
		e.b.Network().DeclareAddressSpace(pg.Origin.Host(), pg.Space)
	}
	e.page = e.b.OpenClient(pg.Client(e.perm))
}

// serve registers t for origin (serialized) or, for "*", every origin
// without a server of its own; a space declares the host's IP address
// space, for Local Network Access.
func (e *engine) serve(origin string, t fetch.Transport, space policy.AddressSpace) error {
	if space != "" && origin != "*" {
		if o, err := policy.ParseOrigin(origin); err == nil {
			e.b.Network().DeclareAddressSpace(o.Host(), space)
		}
	}
	return e.b.Serve(origin, t)
}

func (e *engine) fetch(ctx context.Context, init fetch.RequestInit) *FetchStep {
	fs := &FetchStep{Init: init, Client: e.page.Client(), At: e.b.Now(), Profile: e.b.Profile(), servers: e.b.Network().Snapshot(),
		cookiesBefore: e.b.Cookies()}
	var out *browser.Outcome
	if init.Initiator == fetch.InitiatorXHR {
		out = e.page.XHR(ctx, init.Method, init.URL, browser.XHRRequest{
			Header: init.Header, Body: init.Body,
			WithCredentials: init.Credentials == fetch.CredentialsInclude,
			UploadListeners: init.UploadListeners,
		})
	} else {
		out = e.page.Fetch(ctx, "", init)
	}
	fs.Browser = out
	fs.RequestErr = out.RequestErr
	fs.Result = out.Result
	fs.JSError = out.JSError
	fs.Console = out.Console
	if out.RequestErr != nil {
		fs.Outcome = scenario.OutcomeNetworkError
	} else {
		fs.Outcome = Classify(out.Result)
	}
	fs.CacheEntries = len(e.b.CacheEntries())
	fs.Cookies = len(e.b.Cookies())
	return fs
}
