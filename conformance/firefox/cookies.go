package firefox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// SetCookie stores a cookie in the session's user context with WebDriver
// BiDi storage.setCookie, as if the server at rawURL had sent the
// Set-Cookie value line on a first-party visit (the unpartitioned jar).
// Expiry attributes are ignored (a session cookie); Partitioned is not
// supported. See https://w3c.github.io/webdriver-bidi/#command-storage-setCookie.
func (s *Session) SetCookie(ctx context.Context, rawURL, line string) error {
	c, err := http.ParseSetCookie(line)
	if err != nil {
		return fmt.Errorf("firefox: cookie %q: %w", line, err)
	}
	if c.Partitioned {
		return fmt.Errorf("firefox: cookie %q: seeding a Partitioned cookie is not supported", line)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("firefox: cookie URL %q: %w", rawURL, err)
	}
	domain := u.Hostname()
	if c.Domain != "" {
		domain = strings.TrimPrefix(c.Domain, ".")
	}
	path := c.Path
	if path == "" {
		path = "/"
	}
	ck := map[string]any{"name": c.Name, "value": map[string]any{"type": "string", "value": c.Value},
		"domain": domain, "path": path, "secure": c.Secure, "httpOnly": c.HttpOnly}
	switch c.SameSite {
	case http.SameSiteStrictMode:
		ck["sameSite"] = "strict"
	case http.SameSiteLaxMode:
		ck["sameSite"] = "lax"
	case http.SameSiteNoneMode:
		ck["sameSite"] = "none"
	}
	params := map[string]any{"cookie": ck, "partition": map[string]any{"type": "storageKey", "userContext": s.userContext}}
	if err := s.b.bidi.call(ctx, "storage.setCookie", params, nil); err != nil {
		return fmt.Errorf("firefox: storage.setCookie %s for %s: %w", c.Name, rawURL, err)
	}
	return nil
}
