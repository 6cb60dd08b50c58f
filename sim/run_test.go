package sim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/corsim/corsim/sim"
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
	src := []byte("page https://a.example\nserver https://b.example handler nope\n")
	res := sim.RunSource(context.Background(), "h.txtar", src, sim.Options{})
	fs := res.Failures()
	if len(fs) != 1 || !strings.Contains(fs[0].Msg, `no handler named "nope" (registered: bad-header, echo-origin, panic, plain)`) {
		t.Fatalf("failures: %v", fs)
	}
}
