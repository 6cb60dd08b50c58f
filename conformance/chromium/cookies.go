package chromium

import (
	"context"
	"fmt"
	"net/http"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// SetCookie stores a cookie in the session's browser context with
// Network.setCookie, as if the server at rawURL had sent the Set-Cookie
// value line on a first-party visit: the user already has it. Expiry
// attributes are ignored (a session cookie); Partitioned is not supported.
// See https://chromedevtools.github.io/devtools-protocol/tot/Network#method-setCookie.
func (s *Session) SetCookie(ctx context.Context, rawURL, line string) error {
	c, err := http.ParseSetCookie(line)
	if err != nil {
		return fmt.Errorf("chromium: cookie %q: %w", line, err)
	}
	if c.Partitioned {
		return fmt.Errorf("chromium: cookie %q: seeding a Partitioned cookie is not supported", line)
	}
	p := network.SetCookieParams{Name: c.Name, Value: c.Value, URL: rawURL, Domain: c.Domain, Path: c.Path,
		Secure: &c.Secure, HTTPOnly: &c.HttpOnly}
	switch c.SameSite {
	case http.SameSiteStrictMode:
		p.SameSite = network.CookieSameSiteStrict
	case http.SameSiteLaxMode:
		p.SameSite = network.CookieSameSiteLax
	case http.SameSiteNoneMode:
		p.SameSite = network.CookieSameSiteNone
	}
	return runIn(ctx, s.tabCtx, func(cc context.Context) error {
		_, err := chromedp.Call(cc, network.SetCookie, p)
		if err != nil {
			return fmt.Errorf("chromium: Network.setCookie %s for %s: %w", c.Name, rawURL, err)
		}
		return nil
	})
}
