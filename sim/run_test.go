package sim_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
)

// TestFailuresNameFileLineAndCommand checks the failure format and that a
// conditional page never panics the runner.
func TestFailuresNameFileLineAndCommand(t *testing.T) {
	src := []byte(`# t
# spec: https://fetch.spec.whatwg.org/
browsers chromium firefox
[chromium] page https://app.example
server https://api.example config api.conf
fetch https://api.example/x
expect status 201
-- api.conf --
origins https://app.example
`)
	res := sim.RunSource(context.Background(), "f.txtar", src, sim.Options{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	fs := res.Failures()
	if len(fs) != 3 {
		t.Fatalf("failures: %v", fs)
	}
	want := []string{
		"f.txtar:7: expect status 201: expected 201, got 200 (chromium)",
		"f.txtar:6: fetch https://api.example/x: no page is open under this profile",
		"f.txtar:7: expect status 201: no fetch ran before this check under this profile (firefox)",
	}
	for i, w := range want {
		if !strings.HasPrefix(fs[i].Error(), w) {
			t.Errorf("failure %d:\n got %s\nwant %s", i, fs[i], w)
		}
	}
}

// TestUnknownHandler reports a missing handler with the names it knows.
func TestUnknownHandler(t *testing.T) {
	src := []byte("page https://a.example\nserver https://b.example handler nope\n? fetch https://b.example/\n")
	res := sim.RunSource(context.Background(), "h.txtar", src, sim.Options{})
	fs := res.Failures()
	if len(fs) != 1 || !strings.Contains(fs[0].Msg, `no handler named "nope" (registered: bad-header, big-headers, echo-origin, panic, plain)`) {
		t.Fatalf("failures: %v", fs)
	}
}

// TestRunAll runs parsed scenarios in parallel: results come back in the
// order given, and done is called once per scenario.
func TestRunAll(t *testing.T) {
	var scs []*scenario.Scenario
	for i := range 9 {
		src := fmt.Sprintf("page https://app.example\nserver https://api.example config api.conf\nfetch https://api.example/%d\nexpect status 200\n-- api.conf --\norigins https://app.example\n", i)
		sc, err := scenario.Parse(fmt.Sprintf("s%d.txtar", i), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		scs = append(scs, sc)
	}
	var done atomic.Int64
	res := sim.RunAll(context.Background(), scs, sim.Options{}, func() { done.Add(1) })
	if len(res) != len(scs) || done.Load() != int64(len(scs)) {
		t.Fatalf("%d results, done called %d times, for %d scenarios", len(res), done.Load(), len(scs))
	}
	for i, r := range res {
		if r.Name != fmt.Sprintf("s%d.txtar", i) || !r.OK() {
			t.Errorf("result %d: %s ok=%v", i, r.Name, r.OK())
		}
	}
	if got := sim.RunAll(context.Background(), nil, sim.Options{}, nil); len(got) != 0 {
		t.Errorf("no scenarios: %d results", len(got))
	}
}
