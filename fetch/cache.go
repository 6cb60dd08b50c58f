package fetch

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// CacheKey is the part of a CORS-preflight cache entry that "cache entry
// match" compares first: the network partition key, the byte-serialized
// request origin and the request's current URL.
// See https://fetch.spec.whatwg.org/#concept-cache-match.
type CacheKey struct {
	// Partition is the serialized network partition key (the client's
	// top-level site by default; see Profile.Partition).
	Partition string
	// Origin is the byte-serialized request origin ("null" when the
	// request is redirect-tainted, unless Profile.KeyByUntaintedOrigin).
	Origin string
	// URL is the serialized current URL, query included.
	URL string
}

// CacheEntry is one CORS-preflight cache entry as the spec defines it: a
// key, a max-age, a credentials flag and either a method or a header name
// (one of them is "").
// See https://fetch.spec.whatwg.org/#cors-preflight-cache.
type CacheEntry struct {
	Key         CacheKey
	Credentials bool
	Method      string
	HeaderName  string
	// MaxAge is the entry's max-age; Stored is when it was (last) stored
	// or updated, Expires = Stored + MaxAge.
	MaxAge  time.Duration
	Stored  time.Time
	Expires time.Time
}

type record struct {
	name        string
	credentials bool
	maxAge      time.Duration
	stored      time.Time
	expires     time.Time
}

func (r *record) live(now time.Time) bool { return now.Before(r.expires) }

type bucketKey struct {
	CacheKey
	cred bool // only with Profile.SeparateCredentials
}

type bucket struct {
	key     bucketKey
	methods []record
	headers []record
	seq     uint64 // insertion order
	used    uint64 // last store or hit
}

// PreflightCache is a user agent's CORS-preflight cache
// (https://fetch.spec.whatwg.org/#cors-preflight-cache), shaped by the
// cache knobs of a Profile. It is safe for concurrent use. Time is always
// passed in (from the Fetcher's Clock); the cache never reads the system
// clock.
type PreflightCache struct {
	mu   sync.Mutex
	p    cacheKnobs
	seed int64
	rng  *rand.Rand            // made on first use (EvictRandomRun only)
	m    map[bucketKey]*bucket // made by the first Store
	tick uint64
}

// cacheKnobs are the fields of a Profile the cache reads: a copy of them
// rather than of the whole Profile keeps a new browser's cache small.
type cacheKnobs struct {
	CacheCapacity                    int
	Eviction                         EvictionPolicy
	EvictRunLength                   int
	MaxCacheURLLength                int
	ReplaceEntries                   bool
	CacheWildcardCoversAuthorization bool
	NoWildcardReuse                  bool
	LiteralCredentialedWildcard      bool
	WildcardByStoredCredentials      bool
	EraseInsufficientEntry           bool
	SeparateCredentials              bool
}

// NewPreflightCache returns an empty cache that follows p's cache knobs.
// seed drives the random purge of EvictRandomRun, so runs are repeatable.
func NewPreflightCache(p Profile, seed int64) *PreflightCache {
	return &PreflightCache{seed: seed, p: cacheKnobs{
		CacheCapacity:                    p.CacheCapacity,
		Eviction:                         p.Eviction,
		EvictRunLength:                   p.EvictRunLength,
		MaxCacheURLLength:                p.MaxCacheURLLength,
		ReplaceEntries:                   p.ReplaceEntries,
		CacheWildcardCoversAuthorization: p.CacheWildcardCoversAuthorization,
		NoWildcardReuse:                  p.NoWildcardReuse,
		LiteralCredentialedWildcard:      p.LiteralCredentialedWildcard,
		WildcardByStoredCredentials:      p.WildcardByStoredCredentials,
		EraseInsufficientEntry:           p.EraseInsufficientEntry,
		SeparateCredentials:              p.SeparateCredentials,
	}}
}

// Len returns the number of entries stored, including expired entries not
// yet removed (they are removed when their key is next looked up or stored,
// or by eviction).
func (c *PreflightCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, b := range c.m {
		n += len(b.methods) + len(b.headers)
	}
	return n
}

// Keys returns the number of keys (what Profile.CacheCapacity counts).
func (c *PreflightCache) Keys() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Clear removes every entry (as clearing browsing data does).
func (c *PreflightCache) Clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// Entries returns a snapshot of the entries that are live at now, in a
// stable order (partition, origin, URL, credentials, method, header name).
func (c *PreflightCache) Entries(now time.Time) []CacheEntry {
	c.mu.Lock()
	var out []CacheEntry
	for _, b := range c.m {
		for _, r := range b.methods {
			if r.live(now) {
				out = append(out, r.entry(b.key.CacheKey, true))
			}
		}
		for _, r := range b.headers {
			if r.live(now) {
				out = append(out, r.entry(b.key.CacheKey, false))
			}
		}
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b CacheEntry) int {
		return cmp.Or(
			cmp.Compare(a.Key.Partition, b.Key.Partition),
			cmp.Compare(a.Key.Origin, b.Key.Origin),
			cmp.Compare(a.Key.URL, b.Key.URL),
			cmpBool(a.Credentials, b.Credentials),
			cmp.Compare(a.Method, b.Method),
			cmp.Compare(a.HeaderName, b.HeaderName),
		)
	})
	return out
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func (r record) entry(k CacheKey, method bool) CacheEntry {
	e := CacheEntry{Key: k, Credentials: r.credentials, MaxAge: r.maxAge, Stored: r.stored, Expires: r.expires}
	if method {
		e.Method = r.name
	} else {
		e.HeaderName = r.name
	}
	return e
}

func (c *PreflightCache) bucketKey(k CacheKey, credentials bool) bucketKey {
	return bucketKey{CacheKey: k, cred: credentials && c.p.SeparateCredentials}
}

// matchCreds is the credentials part of cache entry match: an entry made
// with credentials serves every request, one made without serves only
// requests whose credentials mode is not include.
func matchCreds(entry, request bool) bool { return entry || !request }

// wildcardOK reports whether the "*" entry r may act as a wildcard for a
// request with the given credentials (see Profile.LiteralCredentialedWildcard
// and Profile.WildcardByStoredCredentials).
func (c *PreflightCache) wildcardOK(r *record, credentials bool) bool {
	if c.p.NoWildcardReuse || (c.p.WildcardByStoredCredentials && r.credentials) {
		return false
	}
	return c.p.LiteralCredentialedWildcard || !credentials
}

func (c *PreflightCache) matchMethod(b *bucket, method string, credentials bool, now time.Time) bool {
	for i := range b.methods {
		r := &b.methods[i]
		if !r.live(now) || !matchCreds(r.credentials, credentials) {
			continue
		}
		if r.name == method || (r.name == "*" && c.wildcardOK(r, credentials)) {
			return true
		}
	}
	return false
}

func (c *PreflightCache) matchHeader(b *bucket, name string, credentials bool, now time.Time) bool {
	for i := range b.headers {
		r := &b.headers[i]
		if !r.live(now) || !matchCreds(r.credentials, credentials) {
			continue
		}
		if strings.EqualFold(r.name, name) {
			return true
		}
		// Header-name cache entry match: "*" matches unless headerName is
		// a CORS non-wildcard request-header name (Authorization).
		if r.name == "*" && c.wildcardOK(r, credentials) &&
			(c.p.CacheWildcardCoversAuthorization || !strings.EqualFold(name, "authorization")) {
			return true
		}
	}
	return false
}

// MatchMethod reports whether there is a method cache entry match for
// method (https://fetch.spec.whatwg.org/#concept-cache-match-method).
// credentials is "the request's credentials mode is include".
func (c *PreflightCache) MatchMethod(k CacheKey, method string, credentials bool, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.get(k, credentials, now)
	return b != nil && c.matchMethod(b, method, credentials, now)
}

// MatchHeader reports whether there is a header-name cache entry match for
// name (https://fetch.spec.whatwg.org/#concept-cache-match-header).
func (c *PreflightCache) MatchHeader(k CacheKey, name string, credentials bool, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.get(k, credentials, now)
	return b != nil && c.matchHeader(b, name, credentials, now)
}

// lookup is HTTP fetch's cache test, under one lock: whether method has a
// match (when needMethod) and which of names have none. missing is nil
// when every name matched.
func (c *PreflightCache) lookup(k CacheKey, credentials bool, method string, needMethod bool, names []string, now time.Time) (methodOK bool, missing []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.get(k, credentials, now)
	if b == nil {
		if needMethod {
			return false, names
		}
		return true, names
	}
	methodOK = !needMethod || c.matchMethod(b, method, credentials, now)
	for i, n := range names {
		if !c.matchHeader(b, n, credentials, now) {
			if missing == nil {
				missing = make([]string, 0, len(names)-i)
			}
			missing = append(missing, n)
		}
	}
	if methodOK && missing == nil {
		c.tick++
		b.used = c.tick
	} else if c.p.EraseInsufficientEntry {
		delete(c.m, c.bucketKey(k, credentials))
	}
	return methodOK, missing
}

// get returns the bucket for k, dropping expired records (the spec's "must
// be removed after max-age") and the bucket itself when nothing is left.
func (c *PreflightCache) get(k CacheKey, credentials bool, now time.Time) *bucket {
	bk := c.bucketKey(k, credentials)
	b := c.m[bk]
	if b == nil {
		return nil
	}
	b.methods = dropExpired(b.methods, now)
	b.headers = dropExpired(b.headers, now)
	if len(b.methods) == 0 && len(b.headers) == 0 {
		delete(c.m, bk)
		return nil
	}
	return b
}

func dropExpired(rs []record, now time.Time) []record {
	for i := range rs {
		if !rs[i].live(now) {
			out := rs[:i]
			for _, r := range rs[i+1:] {
				if r.live(now) {
					out = append(out, r)
				}
			}
			return out
		}
	}
	return rs
}

// Store records a successful preflight's result: CORS-preflight fetch steps
// 7.12–7.15 — for each method (header name), update the max-age of the
// existing entry or create one (https://fetch.spec.whatwg.org/#concept-cache-create-entry).
// With Profile.ReplaceEntries the key's old entries are dropped first. It
// reports whether anything was stored (false when the URL is too long for
// Profile.MaxCacheURLLength).
//
// Choice: "existing entry" means the entry with the same method (bytes) or
// header name (case-insensitively) and the same credentials flag; the spec
// reuses its match algorithm there, which would let a "*" entry or a
// credentialed entry absorb the update. An update also restarts the
// entry's max-age from now.
func (c *PreflightCache) Store(k CacheKey, credentials bool, methods, headerNames []string, maxAge time.Duration, now time.Time) bool {
	if c.p.MaxCacheURLLength > 0 && len(k.URL) >= c.p.MaxCacheURLLength {
		return false
	}
	if maxAge < 0 {
		maxAge = 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	bk := c.bucketKey(k, credentials)
	b := c.m[bk]
	if b == nil {
		if c.p.CacheCapacity > 0 && len(c.m) >= c.p.CacheCapacity {
			c.evict(now)
		}
		c.tick++
		b = &bucket{key: bk, seq: c.tick}
		// One array for both record lists, each capped at its length so
		// that a later merge that adds names reallocates only its list.
		recs := make([]record, 0, len(methods)+len(headerNames))
		b.methods = recs[:0:len(methods)]
		b.headers = recs[len(methods):len(methods)]
		if c.m == nil {
			c.m = make(map[bucketKey]*bucket)
		}
		c.m[bk] = b
	} else if c.p.ReplaceEntries {
		b.methods, b.headers = b.methods[:0], b.headers[:0]
	}
	c.tick++
	b.used = c.tick
	expires := now.Add(maxAge)
	for _, m := range methods {
		b.methods = upsert(b.methods, m, credentials, maxAge, now, expires, false)
	}
	for _, h := range headerNames {
		b.headers = upsert(b.headers, h, credentials, maxAge, now, expires, true)
	}
	return true
}

func upsert(rs []record, name string, cred bool, maxAge time.Duration, now, expires time.Time, fold bool) []record {
	for i := range rs {
		r := &rs[i]
		if r.credentials == cred && (r.name == name || (fold && strings.EqualFold(r.name, name))) {
			if !r.live(now) {
				// An expired entry is gone: this is a new entry.
				r.name = name
			}
			r.maxAge, r.stored, r.expires = maxAge, now, expires
			return rs
		}
	}
	return append(rs, record{name: name, credentials: cred, maxAge: maxAge, stored: now, expires: expires})
}

// ClearKey is "clear cache entries": remove every entry whose key, origin
// and URL are k's, whatever its credentials, method or header name.
// See https://fetch.spec.whatwg.org/#concept-cache-clear.
func (c *PreflightCache) ClearKey(k CacheKey) {
	c.mu.Lock()
	delete(c.m, bucketKey{CacheKey: k})
	delete(c.m, bucketKey{CacheKey: k, cred: true})
	c.mu.Unlock()
}

// evict makes room for one new key. Caller holds c.mu.
func (c *PreflightCache) evict(now time.Time) {
	switch c.p.Eviction {
	case EvictRandomRun:
		keys := make([]bucketKey, 0, len(c.m))
		for k := range c.m {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b bucketKey) int {
			return cmp.Or(cmp.Compare(a.Origin, b.Origin), cmp.Compare(a.URL, b.URL),
				cmp.Compare(a.Partition, b.Partition), cmpBool(a.cred, b.cred))
		})
		run := c.p.EvictRunLength
		if run <= 0 {
			run = defaultRunLength
		}
		run = min(run, len(keys))
		if c.rng == nil {
			c.rng = rand.New(rand.NewPCG(uint64(c.seed), 0x636f7273696d))
		}
		start := c.rng.IntN(len(keys) - run + 1)
		for _, k := range keys[start : start+run] {
			delete(c.m, k)
		}
	case EvictExpiredThenLRU:
		removed := false
		for k, b := range c.m {
			if !anyLive(b.methods, now) && !anyLive(b.headers, now) {
				delete(c.m, k)
				removed = true
			}
		}
		if !removed {
			c.deleteMin(func(b *bucket) uint64 { return b.used })
		}
	default:
		c.deleteMin(func(b *bucket) uint64 { return b.seq })
	}
}

func anyLive(rs []record, now time.Time) bool {
	for i := range rs {
		if rs[i].live(now) {
			return true
		}
	}
	return false
}

func (c *PreflightCache) deleteMin(f func(*bucket) uint64) {
	var (
		victim bucketKey
		best   uint64
		found  bool
	)
	for k, b := range c.m {
		if v := f(b); !found || v < best {
			victim, best, found = k, v, true
		}
	}
	if found {
		delete(c.m, victim)
	}
}
