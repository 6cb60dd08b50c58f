package corstest_test

import (
	"strings"
	"testing"

	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/server"
)

// preflight401 is goodConfig behind authentication that answers the
// preflight 401.
func preflight401() *server.Config {
	c := goodConfig()
	c.Mistakes = []server.Mistake{server.MistakePreflight401}
	return c
}

// TestStoryOncePerChain: a chain of failing assertions on one request
// tells the request's story once; the later links give their want and the
// verdicts only.
func TestStoryOncePerChain(t *testing.T) {
	rec := new(corstest.Recorder)
	ct := corstest.New(rec, preflight401().Handler(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct.From(app)).Allowed().Exposes("X-Request-Id")
	msgs := rec.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2:\n%s", len(msgs), rec)
	}
	if n := strings.Count(rec.String(), "what happened in"); n != 1 {
		t.Errorf("the story is told %d times, want once:\n%s", n, rec)
	}
	if !strings.Contains(msgs[1], "want: script reads X-Request-Id") || !strings.Contains(msgs[1], "in the first failure for this request, above") {
		t.Errorf("second message:\n%s", msgs[1])
	}
	// Every browser gets the fix, not only the first failing one.
	if !strings.Contains(msgs[0], "confirmed in Chromium, Firefox, WebKit, Spec:\n     - answer the preflight (OPTIONS) with a 2xx status before authentication") {
		t.Errorf("first message lacks the fix for every browser:\n%s", msgs[0])
	}
	// A new request tells its own story.
	put(ct.From(app)).Allowed()
	if n := strings.Count(rec.String(), "what happened in"); n != 2 {
		t.Errorf("a second request's story is told %d times in all, want 2", n)
	}
}

// TestNeverReached: a failed preflight keeps the request from the server;
// a simple request reaches it even when script is blocked.
func TestNeverReached(t *testing.T) {
	good := new(corstest.Recorder)
	ct := corstest.New(good, preflight401().Handler(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct.From(app)).Blocked().NeverReached()
	if good.Failed() {
		t.Fatalf("a request stopped by its preflight failed NeverReached:\n%s", good)
	}
	rec := new(corstest.Recorder)
	ct = corstest.New(rec, goodConfig().Handler())
	ct.From(evil).Fetch("GET", "/api/items").Blocked().NeverReached()
	if msg := rec.String(); !rec.Failed() || !strings.Contains(msg, "want: the server never receives the request itself") ||
		!strings.Contains(msg, "a simple request") {
		t.Errorf("a simple request that reached the server passed, or said so badly:\n%s", msg)
	}
}

// TestFailsWith: the code must be the one every browser failed with.
func TestFailsWith(t *testing.T) {
	rec := new(corstest.Recorder)
	ct := corstest.New(rec, preflight401().Handler(), corstest.Browsers(corstest.AllBrowsers()...))
	put(ct.From(app)).In(corstest.WebKit).FailsWith(fetch.CodePreflightStatusNotOK)
	put(ct.From(app)).In(corstest.Chromium).FailsWith(policy.CodeMissingAllowOrigin)
	if rec.Failed() {
		t.Fatalf("the codes each browser fails with did not pass:\n%s", rec)
	}
	put(ct.From(app)).FailsWith(policy.CodeMissingAllowOrigin)
	if msg := rec.String(); !rec.Failed() || !strings.Contains(msg, "want: refused with missing-allow-origin") ||
		!strings.Contains(msg, "refused with preflight-status-not-ok instead") {
		t.Errorf("WebKit's other code did not fail FailsWith, or the message does not say so:\n%s", msg)
	}
}

// TestInOneBrowser: In narrows the assertions to one browser, and refuses
// a browser the Tester does not run.
func TestInOneBrowser(t *testing.T) {
	rec := new(corstest.Recorder)
	ct := corstest.New(rec, goodConfig().Handler(), corstest.Browsers(corstest.Chromium))
	put(ct.From(app)).In(corstest.Chromium).Allowed()
	if rec.Failed() {
		t.Fatalf("In(Chromium).Allowed() failed:\n%s", rec)
	}
	put(ct.From(app)).In(corstest.WebKit).Allowed()
	if !rec.Fatal() || !strings.Contains(rec.String(), "not one of the Tester's browsers") {
		t.Errorf("In(WebKit) on a Chromium-only Tester: %s", rec)
	}
}
