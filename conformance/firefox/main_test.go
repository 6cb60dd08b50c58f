package firefox

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"
)

// requireEnv makes a missing browser a failure instead of a skip (CI).
const requireEnv = "CORSIM_REQUIRE_BROWSER"

var shared struct {
	sync.Mutex
	b *Browser
}

func TestMain(m *testing.M) {
	code := m.Run()
	shared.Lock()
	if shared.b != nil {
		shared.b.Close()
	}
	shared.Unlock()
	os.Exit(code)
}

// testOrigins is the pool the test browser is launched with.
var testOrigins = []string{
	"http://app.test", "https://app.test", "http://api.test", "https://api.test",
	"http://other.test", "https://third.test", "http://api.test:8080",
}

// browserFor returns the shared browser, launching it on first use.
// Without a binary it skips the test (or fails it when
// CORSIM_REQUIRE_BROWSER=1).
func browserFor(t testing.TB) *Browser {
	t.Helper()
	if _, err := FindBinary(Options{}); err != nil {
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%v (%s=1 requires a browser)", err, requireEnv)
		}
		t.Skipf("no Firefox: install Debian's firefox-esr: apt-get install -y firefox-esr (%v)", err)
	}
	shared.Lock()
	defer shared.Unlock()
	if shared.b != nil {
		return shared.b
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := Options{Origins: testOrigins}
	if os.Getenv("CORSIM_FIREFOX_OUTPUT") != "" {
		opts.Output = os.Stderr // the browser's own output, for debugging
	}
	b, err := Launch(ctx, opts)
	if err != nil {
		t.Fatalf("launch: %v", err)
	}
	shared.b = b
	t.Logf("launched Firefox %s in %v", b.Version(), b.LaunchTime().Round(time.Millisecond))
	return b
}

// session opens a fresh session on b, closed at the end of t.
func session(t *testing.T, b *Browser, plan map[string]http.Handler) (*Session, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	s, err := b.NewSession(ctx, plan)
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close session: %v", err)
		}
	})
	return s, ctx
}

// summary renders the server requests compactly for assertions and logs.
func summary(s *Session, from int) []string {
	var out []string
	for _, r := range s.Requests()[from:] {
		line := fmt.Sprintf("%s %s%s", r.Method, r.Server, r.Target)
		if r.HasOrigin {
			line += " origin=" + r.Origin
		}
		if r.RequestMethod != "" {
			line += " acrm=" + r.RequestMethod
		}
		if r.RequestHeaders != "" {
			line += " acrh=" + r.RequestHeaders
		}
		out = append(out, line)
	}
	return out
}
