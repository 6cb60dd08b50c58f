package chromium

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// requireEnv makes a missing browser a failure instead of a skip (CI).
const requireEnv = "CORSIM_REQUIRE_BROWSER"

// browsers holds one launched browser per feature set for the whole test
// binary, started on first use and closed by TestMain.
var browsers struct {
	sync.Mutex
	m map[string]*Browser
}

func TestMain(m *testing.M) {
	code := m.Run()
	browsers.Lock()
	for _, b := range browsers.m {
		b.Close()
	}
	browsers.Unlock()
	os.Exit(code)
}

// testOrigins is the pool every test browser is launched with.
var testOrigins = []string{
	"http://app.test", "https://app.test", "http://api.test", "https://api.test",
	"http://other.test", "http://third.test", "https://third.test", "http://api.test:8080",
}

// browserFor returns the shared browser launched with features, launching
// it on first use. Without a binary it skips the test (or fails it when
// CORSIM_REQUIRE_BROWSER=1).
func browserFor(t testing.TB, features ...string) *Browser {
	t.Helper()
	if _, err := FindBinary(Options{}); err != nil {
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%v (%s=1 requires a browser)", err, requireEnv)
		}
		t.Skipf("no Chromium: install Debian's chromium: apt-get install -y chromium (%v)", err)
	}
	key := strings.Join(features, ",")
	browsers.Lock()
	defer browsers.Unlock()
	if b := browsers.m[key]; b != nil {
		return b
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Launch(ctx, Options{Origins: testOrigins, EnableFeatures: features})
	if err != nil {
		t.Fatalf("launch: %v", err)
	}
	if browsers.m == nil {
		browsers.m = map[string]*Browser{}
	}
	browsers.m[key] = b
	t.Logf("launched %s in %v (features %q)", b.Version(), b.LaunchTime().Round(time.Millisecond), features)
	return b
}

// session opens a fresh session on b for plan, closed at the end of t.
func session(t *testing.T, b *Browser, plan Plan) (*Session, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	s, err := b.NewSession(ctx, plan)
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("close session: %v", err)
		}
	})
	return s, ctx
}

// summary renders the server requests compactly for assertions and logs.
func summary(rs []Request) []string {
	var out []string
	for _, r := range rs {
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

func mustEqual[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %v\n want %v", what, got, want)
	}
}
