// Package expect holds the one helper the examples share: checking that
// corstest caught a misconfiguration and said why.
package expect

import (
	"strings"
	"testing"

	"github.com/corsim/corsim/corstest"
)

// Caught fails t unless rec holds a CORS assertion failure (not a setup
// error) whose message contains every fragment. With -v it logs the
// message, which is what the developer would have read.
func Caught(t testing.TB, rec *corstest.Recorder, fragments ...string) {
	t.Helper()
	if !rec.Failed() {
		t.Fatalf("corsim did not catch the misconfiguration")
	}
	if rec.Fatal() {
		t.Fatalf("setup error instead of a CORS verdict:\n%s", rec)
	}
	msg := strings.Join(strings.Fields(strings.ReplaceAll(rec.String(), "\u00a0", " ")), " ")
	for _, f := range fragments {
		if !strings.Contains(msg, strings.Join(strings.Fields(f), " ")) {
			t.Errorf("the failure message lacks %q:\n%s", f, rec)
		}
	}
	t.Logf("what corsim reported:\n%s", rec)
}
