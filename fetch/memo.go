package fetch

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/corsim/corsim/policy"
)

// hopMemo holds what the first hop of a request computes from its method
// and header list alone: the CORS-unsafe request-header names and the
// reasons it is not a simple request. They depend on the profile's
// safelist and Accept-Language and on the request's preflight flags too,
// which key the memo (a copy of a Request shares its memo box, and may have
// its flags changed).
type hopMemo struct {
	extra      []policy.SafelistExtension
	acceptLang string
	forced     bool // UseCORSPreflight
	unsafe     bool // UnsafeRequest
	method     string
	header0    *policy.Header
	nheader    int
	names      []string
	reasons    []*policy.Failure
}

// memoBox is shared by a Request and its copies; a mutex guards it.
type memoBox struct {
	mu    sync.Mutex
	memos []*hopMemo
}

// unsafeNamesForHop returns the CORS-unsafe request-header names of the
// current hop and, on hop 0 of a Request built by NewRequest, the memo they
// came from (nil otherwise). Later hops may have changed the method or
// header list, so they compute afresh. Only a request that goes down the
// preflight branch or has unsafe names gets a memo: for the others the
// names are nil, which UnsafeNames finds without allocating, and there are
// no reasons to build.
func (r *run) unsafeNamesForHop(hop int) ([]string, *hopMemo) {
	box := r.req.memo
	if hop != 0 || box == nil {
		return r.p.Safelist.UnsafeNames(r.header), nil
	}
	var h0 *policy.Header
	if len(r.req.Header) > 0 {
		h0 = &r.req.Header[0]
	}
	box.mu.Lock()
	for _, m := range box.memos {
		if m.method == r.req.Method && m.header0 == h0 && m.nheader == len(r.req.Header) &&
			m.forced == r.req.UseCORSPreflight && m.unsafe == r.req.UnsafeRequest &&
			m.acceptLang == r.p.AcceptLanguage && slices.Equal(m.extra, r.p.Safelist.Extra) {
			box.mu.Unlock()
			return m.names, m
		}
	}
	box.mu.Unlock()
	names := r.p.Safelist.UnsafeNames(r.header)
	preflight := r.needsPreflightBranchFor(names)
	if names == nil && !preflight {
		return nil, nil
	}
	m := &hopMemo{
		extra: frozenExtra(r.p.Safelist.Extra), acceptLang: r.p.AcceptLanguage,
		forced: r.req.UseCORSPreflight, unsafe: r.req.UnsafeRequest,
		method: r.req.Method, header0: h0, nheader: len(r.req.Header),
		names: names,
	}
	if preflight {
		m.reasons = r.reasons()
	}
	box.mu.Lock()
	if len(box.memos) < 8 {
		box.memos = append(box.memos, m)
	}
	box.mu.Unlock()
	return m.names, m
}

// lastExtra is the copy of a profile's safelist extensions that the last
// new memo keyed on. Nothing modifies it, so memos share it: a program
// uses one or two profiles, and each new request's memo would otherwise
// copy the same list.
var lastExtra atomic.Pointer[[]policy.SafelistExtension]

// frozenExtra returns a copy of extra that nobody modifies.
func frozenExtra(extra []policy.SafelistExtension) []policy.SafelistExtension {
	if p := lastExtra.Load(); p != nil && slices.Equal(*p, extra) {
		return *p
	}
	c := slices.Clone(extra)
	lastExtra.Store(&c)
	return c
}
