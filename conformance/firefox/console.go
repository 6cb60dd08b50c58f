package firefox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// consoleListener is evaluated once in the chrome scope (the browser
// window, reachable with --remote-allow-system-access). It registers an
// nsIConsoleListener with the console service, which sees every message
// the web console would show — warnings too, which BiDi's log.entryAdded
// leaves out — and keeps each nsIScriptError with its category (for the
// CORS lines: the security.properties key, such as
// CORSMissingAllowOrigin2), its flags (warning, info or error) and the inner
// window it belongs to. __corsimDrain() returns and forgets them.
const consoleListener = `(() => {
  if (globalThis.__corsimDrain) return "again";
  const kept = [];
  Services.console.registerListener({
    observe(m) {
      let e = null;
      try { e = m.QueryInterface(Ci.nsIScriptError); } catch (x) {}
      if (!e) { kept.push({text: String(m.message), category: "", warning: false, window: 0, chrome: true}); return; }
      kept.push({text: e.errorMessage, category: e.category || "", warning: (e.flags & Ci.nsIScriptError.warningFlag) != 0,
        info: (e.flags & Ci.nsIScriptError.infoFlag) != 0, window: e.innerWindowID, chrome: !!e.isFromChromeContext, source: e.sourceName || ""});
    },
  });
  globalThis.__corsimDrain = () => JSON.stringify(kept.splice(0));
  return "installed";
})()`

// trustAuthority adds the lab's test authority to the profile's
// certificate store as a trust anchor for TLS servers ("C,,"): Firefox then
// trusts exactly the lab's leaf, offline, with no exception and no
// acceptInsecureCerts.
const trustAuthority = `((der) => {
  const db = Cc["@mozilla.org/security/x509certdb;1"].getService(Ci.nsIX509CertDB);
  db.addCertFromBase64(der, "C,,");
  return "trusted";
})(%q)`

// consoleEntry is one message the chrome-scope listener kept.
type consoleEntry struct {
	Text     string `json:"text"`
	Category string `json:"category"`
	Warning  bool   `json:"warning"`
	Info     bool   `json:"info"`
	Window   int64  `json:"window"`
	Chrome   bool   `json:"chrome"`
	Source   string `json:"source"`
}

// setUpChrome finds a chrome-scope browsing context, installs the console
// listener there and trusts the lab's authority.
func (b *Browser) setUpChrome(ctx context.Context) error {
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
			URL     string `json:"url"`
		} `json:"contexts"`
	}
	if err := b.bidi.call(ctx, "browsingContext.getTree", map[string]any{"moz:scope": "chrome", "maxDepth": 0}, &tree); err != nil {
		return fmt.Errorf("%w (the chrome scope needs --remote-allow-system-access)", err)
	}
	for _, c := range tree.Contexts {
		if strings.HasPrefix(c.URL, "chrome://browser/") {
			b.chrome = c.Context
			break
		}
	}
	if b.chrome == "" && len(tree.Contexts) > 0 {
		b.chrome = tree.Contexts[0].Context
	}
	if b.chrome == "" {
		return errors.New("firefox: no chrome-scope browsing context")
	}
	if _, err := b.evaluate(ctx, b.chrome, consoleListener, false); err != nil {
		return fmt.Errorf("firefox: installing the console listener: %w", err)
	}
	if _, err := b.evaluate(ctx, b.chrome, fmt.Sprintf(trustAuthority, b.lab.Cert().CABase64()), false); err != nil {
		return fmt.Errorf("firefox: trusting the lab's test authority: %w", err)
	}
	return nil
}

// drainConsole returns the console service's messages since the last call.
func (b *Browser) drainConsole(ctx context.Context) ([]consoleEntry, error) {
	raw, err := b.evaluate(ctx, b.chrome, "__corsimDrain()", false)
	if err != nil {
		return nil, fmt.Errorf("firefox: reading the console: %w", err)
	}
	var out []consoleEntry
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("firefox: reading the console: %w", err)
	}
	return out, nil
}

// evaluate runs expr in browsing context target (script.evaluate) and
// returns its value, which must be a string (or, awaited, a promise of
// one).
func (b *Browser) evaluate(ctx context.Context, target, expr string, await bool) (string, error) {
	var res struct {
		Type   string `json:"type"`
		Result struct {
			Type  string          `json:"type"`
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := b.bidi.call(ctx, "script.evaluate", map[string]any{
		"expression":      expr,
		"target":          map[string]any{"context": target},
		"awaitPromise":    await,
		"resultOwnership": "none",
	}, &res)
	if err != nil {
		return "", err
	}
	if res.Type == "exception" {
		return "", fmt.Errorf("firefox: script threw: %s", res.ExceptionDetails.Text)
	}
	if res.Result.Type != "string" {
		return "", fmt.Errorf("firefox: script returned a %s, want a string", res.Result.Type)
	}
	var s string
	if err := json.Unmarshal(res.Result.Value, &s); err != nil {
		return "", fmt.Errorf("firefox: script result: %w", err)
	}
	return s, nil
}
