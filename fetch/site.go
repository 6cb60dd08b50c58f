package fetch

import (
	"sync"

	"github.com/corsim/corsim/policy"
)

// sameSite is policy.SameSite under the Fetcher's public suffix list
// (https://html.spec.whatwg.org/multipage/browsers.html#same-site).
func (r *run) sameSite(a, b policy.Origin) bool {
	if a.IsOpaque() || b.IsOpaque() {
		return policy.SameOrigin(a, b)
	}
	return r.site(a) == r.site(b)
}

// site is policy.Site under the Fetcher's public suffix list. With the
// default list (read-only, so one memo serves every Fetcher) the sites are
// memoized per process: a lookup in the list costs about as much as a
// whole simple fetch, and a fetch needs one per preflight-cache key (the
// partition key) and up to four per redirect (redirect-taint). Kept for
// BenchmarkCorpusFetchSteps (conformance, the corpus replay): without it
// the replay ran 10.6% more instructions (garbage collection off) and
// about 7% more CPU time (medians of seven alternated runs).
func (r *run) site(o policy.Origin) string {
	if r.f.PublicSuffixList != nil || o.IsOpaque() {
		return policy.Site(o, r.f.PublicSuffixList)
	}
	return defaultSite(o)
}

// siteMemo is the memo of defaultSite. It is bounded: it starts afresh
// when full.
var siteMemo struct {
	mu sync.RWMutex
	m  map[policy.Origin]string
}

const siteMemoSize = 4096

// defaultSite returns policy.Site(o, nil), memoized.
func defaultSite(o policy.Origin) string {
	siteMemo.mu.RLock()
	s, ok := siteMemo.m[o]
	siteMemo.mu.RUnlock()
	if ok {
		return s
	}
	s = policy.Site(o, nil)
	siteMemo.mu.Lock()
	if siteMemo.m == nil || len(siteMemo.m) >= siteMemoSize {
		siteMemo.m = make(map[policy.Origin]string)
	}
	siteMemo.m[o] = s
	siteMemo.mu.Unlock()
	return s
}
