package fetch

import (
	"net/url"

	"github.com/corsim/corsim/policy"
)

// The per-fetch allocation. A Result and the usual sizes of its slices come
// in one allocation. Its size is most of what a fetch costs (allocating it
// and the garbage collection it causes were half the time of the
// benchmarks), so it comes in two shapes, chosen before the fetch starts by
// a guess that costs only memory when it is wrong: a slice that outgrows
// its array simply moves to the heap.

// resultBuf is the part of the allocation every fetch uses. Its free lists
// point into the arrays of the simpleBuf or preflightBuf that embeds it;
// everything in it ends up reachable from the Result.
type resultBuf struct {
	res       Result
	resp      Response
	urls      [2]*url.URL
	freeWreqs []WireRequest   // wire requests not yet handed out
	freeHdrs  []policy.Header // header lines not yet handed out
}

// simpleBuf fits a cross-origin request without a preflight and at most
// one note before main fetch (usually Accept): 8 trace events, one
// exchange, header lines for the request's list plus Origin (shared with
// its wire request) and the filtered response.
type simpleBuf struct {
	resultBuf
	events [8]Event
	wire   [1]Exchange
	wreqs  [1]WireRequest
	hdrs   [7]policy.Header
}

// preflightBuf fits the rest, sized for a preflighted request that the
// cache answers — one report, one exchange, header lines for the request
// plus Origin and the filtered response — with a trace long enough for a
// sent preflight too (9 events on a cache hit, 12 when a preflight is
// sent, with one note). The rest of what sending the preflight needs comes
// in one more allocation, a coldBuf: a cold cache pays 300 bytes more so
// that a warm one does not carry them (see preflightRoom).
type preflightBuf struct {
	preflightParts
	events [preflightEvents]Event
}

// preflightEvents is the trace a preflightBuf holds.
const preflightEvents = 12

// preflightParts is a preflightBuf without its trace. A request with more
// notes than the trace has room for (a default Content-Type besides
// Accept) gets one, and its trace in an allocation of the size a sent
// preflight needs, rather than a trace that sending the preflight would
// outgrow and copy.
type preflightParts struct {
	resultBuf
	wire  [1]Exchange
	pre   [1]PreflightReport
	wreqs [1]WireRequest
	hdrs  [5]policy.Header
}

// likelyPreflight guesses whether the first hop of req takes main fetch's
// preflight branch.
func likelyPreflight(req *Request) bool {
	return req.UseCORSPreflight || req.UnsafeRequest && req.Mode == ModeCORS &&
		(len(req.Header) > 0 || !policy.IsCORSSafelistedMethod(req.Method))
}

// newResultBuf returns the allocation for a fetch with the given number of
// notes (trace events before main fetch) that is or is not likely to
// preflight, with the Result's slices pointing into it.
func newResultBuf(notes int, preflight bool) *resultBuf {
	if !preflight && notes <= 1 {
		b := new(simpleBuf)
		b.res.Trace, b.res.Wire = b.events[:0], b.wire[:0]
		b.freeWreqs, b.freeHdrs = b.wreqs[:], b.hdrs[:]
		return &b.resultBuf
	}
	// A sent preflight: the notes, then main fetch's 4 events to the cache
	// lookup and 7 more (see preflightRoom).
	var b *preflightParts
	if sent := notes + 11; sent <= preflightEvents {
		pb := new(preflightBuf)
		b = &pb.preflightParts
		b.res.Trace = pb.events[:0]
	} else {
		b = new(preflightParts)
		b.res.Trace = make([]Event, 0, sent)
	}
	b.res.Wire, b.res.Preflights = b.wire[:0], b.pre[:0]
	b.freeWreqs, b.freeHdrs = b.wreqs[:], b.hdrs[:]
	return &b.resultBuf
}

// headers returns an empty header list for about n lines, made of free
// header lines: its capacity is n when there are enough, else what is
// left (even 0). Appending past the capacity moves the list to the heap,
// as append does, so a list never overlaps another.
func (b *resultBuf) headers(n int) policy.HeaderList {
	n = min(n, len(b.freeHdrs))
	h := b.freeHdrs[:0:n]
	b.freeHdrs = b.freeHdrs[n:]
	return h
}

// wireRequest returns a zeroed WireRequest, from the free ones if any.
func (b *resultBuf) wireRequest() *WireRequest {
	if len(b.freeWreqs) > 0 {
		w := &b.freeWreqs[0]
		b.freeWreqs = b.freeWreqs[1:]
		return w
	}
	return new(WireRequest)
}

// coldBuf is the room a sent preflight needs beyond a preflightBuf, in
// one allocation: two exchanges (preflight and actual request), the
// preflight's wire request and its 4 header lines.
type coldBuf struct {
	wire [2]Exchange
	wreq WireRequest
	hdrs [4]policy.Header
}

// preflightRoom makes room for sending a CORS-preflight and the actual
// request after it, and returns the preflight's zeroed wire request and an
// empty header list for its 4 lines. A trace or exchange list that
// already has room stays where it is.
func (r *run) preflightRoom() (*WireRequest, policy.HeaderList) {
	// The events still to come: the preflight's (sent, checked, stored),
	// then the actual request's (Origin, sent, CORS check, filtered).
	r.reserveEvents(7)
	c := new(coldBuf)
	if w := r.res.Wire; cap(w)-len(w) < 2 && len(w)+2 <= len(c.wire) {
		r.res.Wire = append(c.wire[:0], w...)
	}
	return &c.wreq, c.hdrs[:0:len(c.hdrs)]
}

// reserveEvents makes room for n more trace events, with one allocation of
// the right size (rather than append's doubling) when the trace's array is
// too small.
func (r *run) reserveEvents(n int) {
	t := r.res.Trace
	if cap(t)-len(t) >= n {
		return
	}
	grown := make([]Event, len(t), len(t)+n)
	copy(grown, t)
	r.res.Trace = grown
}
