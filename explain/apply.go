package explain

import (
	"context"
	"strings"

	"github.com/corsim/corsim/fetch"
)

// Apply returns the request and the servers with every change of f made:
// the page's changes on init, the server's on the answers servers give.
// It reads only the changes as listed, so a program (or a test) can check
// a fix independently of how it was found.
func (f *Fix) Apply(init fetch.RequestInit, servers fetch.Transport) (fetch.RequestInit, fetch.Transport) {
	var server []Change
	for _, c := range f.Changes {
		if c.Side == SideServer {
			server = append(server, c)
		}
	}
	return applyPage(init, f.Changes), applied{servers, server}
}

// applyPage returns init with the page changes among cs made.
func applyPage(init fetch.RequestInit, cs []Change) fetch.RequestInit {
	init.Header = init.Header.Clone()
	for _, c := range cs {
		if c.Side != SidePage {
			continue
		}
		switch c.Field {
		case FieldCredentials:
			init.Credentials = fetch.CredentialsMode(c.Need)
		case FieldHeader:
			if c.Need == "" {
				init.Header.Delete(c.Header)
				continue
			}
			init.Header.Set(c.Header, c.Need)
			if strings.EqualFold(c.Header, "Content-Type") && init.Body.Type != "" {
				init.Body.Type = c.Need
			}
		case FieldUpload:
			init.UploadListeners = false
		case FieldMode:
			init.Mode = fetch.Mode(c.Need)
		case FieldRedirect:
			init.Redirect = fetch.RedirectMode(c.Need)
		case FieldURL:
			init.URL = c.Need
		case FieldTargetAddressSpace:
			init.TargetAddressSpace = c.Need
		}
	}
	return init
}

// applied is a transport whose answers carry a fix's server changes.
type applied struct {
	next    fetch.Transport
	changes []Change
}

func (a applied) RoundTrip(ctx context.Context, q *fetch.WireRequest) (*fetch.WireResponse, error) {
	resp, err := a.next.RoundTrip(ctx, q)
	if err != nil || resp == nil || q.URL == nil {
		return resp, err
	}
	var c *fetch.WireResponse
	for _, ch := range a.changes {
		if (ch.Response == AnswerPreflight) != q.Preflight || ch.URL != q.URL.String() {
			continue
		}
		if c == nil {
			cp := *resp
			cp.Header = resp.Header.Clone()
			c = &cp
		}
		if ch.Status != 0 {
			c.Status, c.StatusText = ch.Status, ""
			c.Header.Delete("Location")
		}
		if ch.Header != "" {
			c.Header.Set(ch.Header, ch.Need)
		}
	}
	if c == nil {
		return resp, nil
	}
	return c, nil
}
