package corstest

import (
	"fmt"
	"strings"
	"sync"
)

// Recorder is a TB that records failures instead of failing a test, the
// way httptest.ResponseRecorder records a response: hand it to New to see
// what corstest would report, e.g. to show that a misconfiguration is
// caught. It is safe for concurrent use. Unlike testing.T, Fatalf does not
// stop the calling goroutine; corstest returns after calling it.
type Recorder struct {
	mu     sync.Mutex
	msgs   []string
	failed bool
	fatal  bool
}

// Helper does nothing; it is there to satisfy TB.
func (r *Recorder) Helper() {}

// Errorf records a failure.
func (r *Recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
	r.failed = true
}

// Fatalf records a fatal failure.
func (r *Recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
	r.failed, r.fatal = true, true
}

// Failed reports whether a failure was recorded.
func (r *Recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// Fatal reports whether Fatalf was called (a setup error, not a CORS
// verdict).
func (r *Recorder) Fatal() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatal
}

// Messages returns the recorded failure messages, in order.
func (r *Recorder) Messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

// String returns the messages separated by blank lines.
func (r *Recorder) String() string { return strings.Join(r.Messages(), "\n\n") }
