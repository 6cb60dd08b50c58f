package browser

import (
	"slices"
	"sync"

	"github.com/corsim/corsim/fetch"
)

// requestMemo remembers the last few requests a page built. A
// fetch.Request is immutable and may be fetched many times, concurrently,
// so a page that repeats a fetch (a poll, a benchmark, a scenario loop)
// reuses the validated request instead of parsing and validating again.
//
// The entries grow with use up to memoSize (most pages make one or two
// requests), so that opening a page costs no more than a small struct.
type requestMemo struct {
	mu      sync.Mutex
	entries []memoEntry
	next    int
}

const memoSize = 8

type memoEntry struct {
	init fetch.RequestInit
	req  *fetch.Request
}

func sameInit(a, b *fetch.RequestInit) bool {
	if a.Method != b.Method || a.URL != b.URL || a.Body != b.Body || a.Mode != b.Mode ||
		a.Credentials != b.Credentials || a.Redirect != b.Redirect || a.Cache != b.Cache ||
		a.Initiator != b.Initiator || a.UploadListeners != b.UploadListeners {
		return false
	}
	return slices.Equal(a.Header, b.Header)
}

// request returns the request for init, built by fetch.NewRequest or
// remembered from an identical init.
func (m *requestMemo) request(client fetch.Client, init fetch.RequestInit) (*fetch.Request, error) {
	m.mu.Lock()
	for i := range m.entries {
		e := &m.entries[i]
		if sameInit(&e.init, &init) {
			r := e.req
			m.mu.Unlock()
			return r, nil
		}
	}
	m.mu.Unlock()
	req, err := fetch.NewRequest(client, init)
	if err != nil {
		return nil, err
	}
	init.Header = init.Header.Clone() // the caller may reuse its slice
	m.mu.Lock()
	if len(m.entries) < memoSize {
		m.entries = append(m.entries, memoEntry{init: init, req: req})
	} else {
		m.entries[m.next] = memoEntry{init: init, req: req}
		m.next = (m.next + 1) % memoSize
	}
	m.mu.Unlock()
	return req, nil
}
