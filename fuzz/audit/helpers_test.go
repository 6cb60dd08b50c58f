package audit

import (
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/corsim/corsim/policy"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

type policyHeader = policy.Header

// atomic32 is a flag set from handler goroutines.
type atomic32 struct{ v atomic.Bool }

func (a *atomic32) set()      { a.v.Store(true) }
func (a *atomic32) get() bool { return a.v.Load() }
