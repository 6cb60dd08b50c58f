package explain

import (
	"context"
	"errors"
	"strings"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// target names one answer of a server: the preflight or the actual
// response for one URL.
type target struct {
	preflight bool
	url       string
}

// setHeader is one response header a fix sends, and the failure code that
// asked for it (for the words of the change).
type setHeader struct {
	name, value string
	code        policy.Code
}

// edit is what a fix changes in one answer: its status (0: as sent) and
// headers (each replaces the lines of its name).
type edit struct {
	status     int
	statusCode policy.Code
	headers    []setHeader
}

// pageEdit is what a fix changes in the request the page makes.
type pageEdit struct {
	omitCredentials bool
	drop            []string   // header names to leave out
	textPlain       bool       // Content-Type: text/plain
	noUpload        bool       // no upload listeners
	modeCORS        fetch.Mode // the mode replaced by cors ("": none)
	url             string     // the URL without its user name and password
	follow          bool       // redirect mode follow
	// Gates beside CORS.
	https       string              // the URL over https: the API served over https too
	targetSpace policy.AddressSpace // fetch()'s targetAddressSpace
	grant       bool                // the user grants the local-network permission
}

func (p pageEdit) empty() bool {
	return !p.omitCredentials && len(p.drop) == 0 && !p.textPlain && !p.noUpload && p.modeCORS == "" && !p.follow && p.url == "" &&
		p.https == "" && p.targetSpace == "" && !p.grant
}

// apply returns init with the page's changes.
func (p pageEdit) apply(init fetch.RequestInit) fetch.RequestInit {
	return applyPage(init, pageChanges(p))
}

// remedy is a candidate fix: the page's changes and the server's, with
// the server's own answers (before the changes) for the diff.
type remedy struct {
	page  pageEdit
	order []target
	edits map[target]*edit
	sent  map[target]*fetch.WireResponse
	// stalled: a re-run stopped at a request the original fetch never
	// sent to servers that must not be asked again.
	stalled bool
}

func newRemedy(p pageEdit) *remedy {
	return &remedy{page: p, edits: map[target]*edit{}, sent: map[target]*fetch.WireResponse{}}
}

func (r *remedy) edit(t target) *edit {
	e := r.edits[t]
	if e == nil {
		e = &edit{}
		r.edits[t] = e
		r.order = append(r.order, t)
	}
	return e
}

// set makes answer t carry name: value and reports whether that changed
// the remedy.
func (r *remedy) set(t target, name, value string, code policy.Code) bool {
	e := r.edit(t)
	for i, h := range e.headers {
		if strings.EqualFold(h.name, name) {
			if h.value == value {
				return false
			}
			e.headers[i].value, e.headers[i].code = value, code
			return true
		}
	}
	e.headers = append(e.headers, setHeader{name, value, code})
	return true
}

// setStatus makes answer t carry status and reports whether that changed
// the remedy.
func (r *remedy) setStatus(t target, status int, code policy.Code) bool {
	e := r.edit(t)
	if e.status == status {
		return false
	}
	e.status, e.statusCode = status, code
	return true
}

// patched is a transport that changes the answers of next as a remedy
// says, and records the answers as next sent them.
type patched struct {
	next fetch.Transport
	r    *remedy
}

// ErrNotRecorded is the answer to a request whose answer corsim does not
// have: a request the original fetch never sent, when the servers must not
// be asked again (a live server), or a request a recording lacks (a HAR
// without that response). A server model that only knows recorded answers
// makes its error for such a request match ErrNotRecorded (errors.Is), so
// that a fix whose re-run reaches it is listed as not confirmed instead of
// not at all.
var ErrNotRecorded = errors.New("explain: corsim has no answer of the server to this request")

func (p patched) RoundTrip(ctx context.Context, q *fetch.WireRequest) (*fetch.WireResponse, error) {
	resp, err := p.next.RoundTrip(ctx, q)
	if err != nil || resp == nil || q.URL == nil {
		return resp, err
	}
	t := target{q.Preflight, q.URL.String()}
	if _, ok := p.r.sent[t]; !ok {
		p.r.sent[t] = resp
	}
	e := p.r.edits[t]
	if e == nil {
		return resp, nil
	}
	c := *resp
	c.Header = resp.Header.Clone()
	if e.status != 0 {
		c.Status, c.StatusText = e.status, ""
		c.Header.Delete("Location")
	}
	for _, h := range e.headers {
		c.Header.Set(h.name, h.value)
	}
	return &c, nil
}

// replay answers each request with the answer recorded for it in the
// original fetch: for servers that must not be asked again.
type replay []fetch.Exchange

func (rp replay) RoundTrip(_ context.Context, q *fetch.WireRequest) (*fetch.WireResponse, error) {
	for _, x := range rp {
		if x.Request != nil && x.Request.URL != nil && q.URL != nil && x.Preflight == q.Preflight &&
			x.Request.Method == q.Method && x.Request.URL.String() == q.URL.String() {
			if x.Err != nil {
				return nil, x.Err
			}
			return x.Response, nil
		}
	}
	return nil, ErrNotRecorded
}

// rerun makes the subject's request again in a fresh browser of its
// profile (no preflight cache), through the servers patched by r.
func rerun(ctx context.Context, s *Subject, r *remedy) *browser.Outcome {
	next := s.Servers
	if next == nil {
		var wire []fetch.Exchange
		if s.Outcome != nil && s.Outcome.Result != nil {
			wire = s.Outcome.Result.Wire
		}
		next = replay(wire)
	}
	var t fetch.Transport = patched{next, r}
	if r.page.https != "" {
		// "Serve the API over https": the same server answers the https
		// URL.
		t = overHTTPS{t}
	}
	opts := []browser.Option{browser.WithTransport(t), browser.WithoutPreflightCache()}
	if as, ok := s.Servers.(fetch.AddressSpaces); ok {
		// The re-run keeps where each server is, or Local Network
		// Access would not run again.
		opts = append(opts, browser.WithAddressSpaces(as))
	}
	b := browser.New(s.Profile, opts...)
	b.CookieJar().Restore(s.Cookies)
	client := s.Client
	if r.page.grant {
		client.LocalNetworkPermission = policy.PermissionGranted
	}
	return b.OpenClient(client).Fetch(ctx, "", r.page.apply(s.Init))
}

// overHTTPS answers an https request with the http server of the same
// host and port: the API served over https as well.
type overHTTPS struct{ next fetch.Transport }

func (o overHTTPS) RoundTrip(ctx context.Context, q *fetch.WireRequest) (*fetch.WireResponse, error) {
	if q.URL == nil || q.URL.Scheme != "https" {
		return o.next.RoundTrip(ctx, q)
	}
	resp, err := o.next.RoundTrip(ctx, q)
	if err == nil {
		return resp, nil
	}
	c := *q
	u := *q.URL
	u.Scheme = "http"
	c.URL = &u
	return o.next.RoundTrip(ctx, &c)
}

// passes reports whether script got what the request is for: a response
// it can read, or for mode no-cors an opaque one.
func passes(s *Subject, o *browser.Outcome) bool {
	switch Verdict(o) {
	case Allowed:
		return true
	case Opaque:
		return s.Init.Mode == fetch.ModeNoCORS
	}
	return false
}

// notRecorded reports that a re-run stopped at a request the original
// fetch never sent to a server that must not be asked again.
func notRecorded(o *browser.Outcome) bool {
	if o == nil || o.Result == nil {
		return false
	}
	for _, x := range o.Result.Wire {
		if errors.Is(x.Err, ErrNotRecorded) {
			return true
		}
	}
	return false
}
