package audit

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim/server"
)

// countingTransport counts the requests that reach next.
type countingTransport struct {
	next fetch.Transport
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(ctx context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
	c.n.Add(1)
	return c.next.RoundTrip(ctx, r)
}

func table(t *testing.T, rep *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Issue 15: with nothing listening the audit said "no findings" and
// returned a nil error. Now it is incomplete, says so first, names the
// cause, gives the endpoint up after a few unanswered requests, and never
// says "no findings".
func TestAuditUnreachableIsIncomplete(t *testing.T) {
	ct := &countingTransport{next: &server.Live{Client: server.NewLiveClient(5 * time.Second)}}
	rep, err := Audit(context.Background(), Target{Transport: ct, Origins: []string{"http://localhost:3000"},
		Endpoints: []string{"http://127.0.0.1:1/x"}}, Options{})
	var inc *IncompleteError
	if !errors.As(err, &inc) {
		t.Fatalf("err = %v, want an *IncompleteError", err)
	}
	if rep == nil || !rep.Incomplete || rep.Failed == 0 || len(rep.Failures) != 1 || rep.Failures[0].Cause != server.CauseUnreachable {
		t.Fatalf("report: incomplete %v, failed %d, failures %+v", rep != nil && rep.Incomplete, rep.Failed, rep.Failures)
	}
	if got := ct.n.Load(); got != DefaultMaxConsecutiveFailures {
		t.Errorf("%d requests sent to a dead server, want %d (then the endpoint is given up)", got, DefaultMaxConsecutiveFailures)
	}
	if len(rep.GivenUp) != 1 {
		t.Errorf("given up: %v", rep.GivenUp)
	}
	out := table(t, rep)
	if !strings.HasPrefix(out, "corsim audit: INCOMPLETE: ") || !strings.Contains(out, "unreachable") || strings.Contains(out, "no findings:") {
		t.Errorf("table:\n%s", out)
	}
}

// After as many endpoints given up in a row the audit stops: the rest are
// not audited, so a dead server costs seconds, not hours.
func TestAuditStopsAfterEndpointsGivenUp(t *testing.T) {
	dead := fetch.TransportFunc(func(context.Context, *fetch.WireRequest) (*fetch.WireResponse, error) {
		return nil, &server.NoAnswerError{Cause: server.CauseTimeout, Method: "GET", URL: "x", Err: context.DeadlineExceeded}
	})
	ct := &countingTransport{next: dead}
	eps := make([]string, 50)
	for i := range eps {
		eps[i] = "https://api.target.example/" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	rep, err := Audit(context.Background(), Target{Transport: ct, Origins: own, Endpoints: eps}, Options{MaxConsecutiveFailures: 3})
	if err == nil || !rep.Incomplete {
		t.Fatal("complete audit of a dead server")
	}
	if len(rep.GivenUp) != 3 || len(rep.NotAudited) != 47 || ct.n.Load() != 9 {
		t.Errorf("given up %d, not audited %d, requests %d; want 3, 47, 9", len(rep.GivenUp), len(rep.NotAudited), ct.n.Load())
	}
	if rep.Failures[0].Cause != server.CauseTimeout {
		t.Errorf("failures %+v", rep.Failures)
	}
}

// A handler that panics on every request: "server panic", not "no
// findings".
func TestAuditPanickingHandler(t *testing.T) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	rep, err := Audit(context.Background(), Target{Transport: server.FromHandler(h), Origins: own,
		Endpoints: []string{"https://api.target.example/"}}, Options{})
	if err == nil || len(rep.Failures) == 0 || rep.Failures[0].Cause != server.CausePanic {
		t.Fatalf("err %v, failures %+v", err, rep.Failures)
	}
	if !strings.Contains(err.Error(), "server panic") {
		t.Errorf("error %q does not name the cause", err)
	}
}

// A handler that panics now and then: the audit goes on (no run of 8
// failures) but is still incomplete.
func TestAuditSomeRequestsFail(t *testing.T) {
	var n atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%5 == 0 {
			panic("every fifth request")
		}
	})
	rep, err := Audit(context.Background(), Target{Transport: server.FromHandler(h), Origins: own,
		Endpoints: []string{"https://api.target.example/"}}, Options{Mutations: -1})
	if err == nil || !rep.Incomplete || len(rep.GivenUp) != 0 || rep.Failed == 0 {
		t.Fatalf("err %v, incomplete %v, given up %v, failed %d", err, rep.Incomplete, rep.GivenUp, rep.Failed)
	}
}

// Issue 15: a deadline passing mid-endpoint returned a report and a nil
// error. Now the error wraps the deadline, and the report says it was
// interrupted.
func TestAuditDeadlineMidEndpoint(t *testing.T) {
	var n atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 40 {
			cancel() // the user presses Ctrl-C during the 40th request
		}
	})
	ct := &countingTransport{next: server.FromHandler(h)}
	rep, err := Audit(ctx, Target{Transport: ct, Origins: own,
		Endpoints: []string{"https://api.target.example/a", "https://api.target.example/b"}}, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled inside", err)
	}
	if !rep.Interrupted || !rep.Incomplete || len(rep.NotAudited) == 0 {
		t.Errorf("interrupted %v, incomplete %v, not audited %v", rep.Interrupted, rep.Incomplete, rep.NotAudited)
	}
	if got := ct.n.Load(); got > 41 {
		t.Errorf("%d requests after the interrupt at the 40th; want it to stop", got)
	}
}

// A hung handler (it never answers) with a per-request timeout: each
// request fails as a timeout and the endpoint is given up after a few.
func TestAuditHungServer(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ct := &countingTransport{next: server.FromHandler(h)}
	rep, err := Audit(context.Background(), Target{Transport: ct, Origins: own,
		Endpoints: []string{"https://api.target.example/"}}, Options{Timeout: time.Millisecond})
	if err == nil || rep.Failures[0].Cause != server.CauseTimeout || ct.n.Load() != DefaultMaxConsecutiveFailures {
		t.Fatalf("err %v, failures %+v, requests %d", err, rep.Failures, ct.n.Load())
	}
}

// The rate limiter gives up its wait when the context ends.
func TestRateLimitedStopsOnCancel(t *testing.T) {
	ok := fetch.TransportFunc(func(context.Context, *fetch.WireRequest) (*fetch.WireResponse, error) {
		return &fetch.WireResponse{Status: 200}, nil
	})
	r := newRateLimited(ok, 1.0/3600) // one request an hour
	req := &fetch.WireRequest{Method: "GET", URL: mustURL(t, "https://api.example/")}
	if _, err := r.RoundTrip(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.RoundTrip(ctx, req); !errors.Is(err, context.Canceled) {
		t.Errorf("second request within the hour: %v, want it to wait and give up on cancel", err)
	}
}

// Progress counts what the report counts.
func TestProgress(t *testing.T) {
	var last Progress
	calls := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/b") {
			panic("b is broken")
		}
	})
	rep, _ := Audit(context.Background(), Target{Transport: server.FromHandler(h), Origins: own,
		Endpoints: []string{"https://api.target.example/a", "https://api.target.example/b"}}, Options{Mutations: -1,
		Progress: func(p Progress) { last = p; calls++ }})
	want := Progress{Endpoints: 2, Done: 2, Requests: rep.Requests, Failed: rep.Failed}
	if last != want || calls != rep.Requests+2 || rep.Failed == 0 {
		t.Errorf("last progress %+v after %d calls, want %+v after %d", last, calls, want, rep.Requests+2)
	}
}
