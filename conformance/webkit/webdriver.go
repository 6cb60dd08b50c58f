package webkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// wdClient speaks WebDriver classic (https://w3c.github.io/webdriver/) to
// one WebKitWebDriver on loopback.
type wdClient struct {
	base string // http://127.0.0.1:PORT
	http *http.Client
}

func newWDClient(addr string) *wdClient {
	// No proxy from the environment: the driver is on loopback.
	tr := &http.Transport{Proxy: nil, DisableCompression: true}
	return &wdClient{base: "http://" + addr, http: &http.Client{Transport: tr}}
}

// wdError is a WebDriver error response (§6.6 "Errors").
type wdError struct {
	Code    string `json:"error"`
	Message string `json:"message"`
}

func (e *wdError) Error() string { return "webdriver: " + e.Code + ": " + e.Message }

// call sends one command and decodes its "value" into out (if non-nil).
func (c *wdClient) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("webdriver: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("webdriver: %s %s: %w", method, path, err)
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("webdriver: %s %s: status %d, body %.200q", method, path, resp.StatusCode, raw)
	}
	if resp.StatusCode != http.StatusOK {
		var e wdError
		if json.Unmarshal(env.Value, &e) == nil && e.Code != "" {
			return &e
		}
		return fmt.Errorf("webdriver: %s %s: status %d", method, path, resp.StatusCode)
	}
	if out != nil {
		return json.Unmarshal(env.Value, out)
	}
	return nil
}

// ready polls GET /status until the driver answers.
func (c *wdClient) ready(ctx context.Context) error {
	for {
		var st struct {
			Ready bool `json:"ready"`
		}
		if err := c.call(ctx, http.MethodGet, "/status", nil, &st); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("webkit: WebKitWebDriver did not answer: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// wdSession is one WebDriver session: one MiniBrowser process that the
// driver launched, with an ephemeral (fresh) website data store.
type wdSession struct {
	c       *wdClient
	id      string
	version string
}

// newSession starts MiniBrowser through the driver (New Session, §8.1)
// with the given arguments. acceptInsecureCerts makes it take the lab's
// self-signed certificate; WebKitGTK honours it (observed in 2.50).
// timeoutMS is the script and page-load timeout in the browser's own
// clock (which libfaketime may speed up).
func (c *wdClient) newSession(ctx context.Context, binary string, args []string, timeoutMS int) (*wdSession, error) {
	caps := map[string]any{
		"capabilities": map[string]any{
			"alwaysMatch": map[string]any{
				"acceptInsecureCerts": true,
				"timeouts":            map[string]any{"script": timeoutMS, "pageLoad": timeoutMS},
				"webkitgtk:browserOptions": map[string]any{
					"binary": binary,
					"args":   args,
				},
			},
		},
	}
	var out struct {
		SessionID    string `json:"sessionId"`
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := c.call(ctx, http.MethodPost, "/session", caps, &out); err != nil {
		return nil, err
	}
	return &wdSession{c: c, id: out.SessionID, version: out.Capabilities.BrowserVersion}, nil
}

// navigate loads url and waits for its load event (§10.1 Navigate To).
func (s *wdSession) navigate(ctx context.Context, url string) error {
	return s.c.call(ctx, http.MethodPost, "/session/"+s.id+"/url", map[string]string{"url": url}, nil)
}

// switchToFrame makes the first frame of the current document the one
// scripts run in (§11.5 Switch To Frame, by index); switchToTop undoes it.
func (s *wdSession) switchToFrame(ctx context.Context) error {
	return s.c.call(ctx, http.MethodPost, "/session/"+s.id+"/frame", map[string]any{"id": 0}, nil)
}

// executeAsync runs script with args (§13.2.2 Execute Async Script); the
// script calls its last argument with the result.
func (s *wdSession) executeAsync(ctx context.Context, script string, args []any, out any) error {
	if args == nil {
		args = []any{}
	}
	return s.c.call(ctx, http.MethodPost, "/session/"+s.id+"/execute/async", map[string]any{"script": script, "args": args}, out)
}

// close ends the session, which makes the driver stop MiniBrowser.
func (s *wdSession) close(ctx context.Context) error {
	return s.c.call(ctx, http.MethodDelete, "/session/"+s.id, nil, nil)
}
