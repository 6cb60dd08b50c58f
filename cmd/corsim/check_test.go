package main

import (
	"net/http"
	"strings"
	"testing"
)

var checkArgs = []string{"check", "--openapi", "testdata/openapi/api.yaml", "--from", "https://app.example", "--server", "testdata/openapi/api.conf"}

func TestCheckGolden(t *testing.T) {
	r := corsim(t, "", checkArgs...)
	wantCode(t, r, exitFail)
	golden(t, "check-api.txt", r.stdout)
	// The same document as OpenAPI 3.1 gives the same matrix.
	r31 := corsim(t, "", "check", "--openapi", "testdata/openapi/api31.yaml", "--from", "https://app.example", "--server", "testdata/openapi/api.conf")
	wantCode(t, r31, exitFail)
	got := strings.ReplaceAll(r31.stdout, "api31.yaml (OpenAPI 3.1.0)", "api.yaml (OpenAPI 3.0.3)")
	if got, want := strings.ReplaceAll(got, "api31.yaml", "api.yaml"), r.stdout; got != want {
		t.Errorf("3.1 output differs from 3.0:\n%s", lineDiff(want, got))
	}
}

func TestCheckSelect(t *testing.T) {
	r := corsim(t, "", append(checkArgs, "--skip", "deleteItem", "--browser", "chromium,webkit")...)
	wantCode(t, r, exitOK)
	wantContains(t, "skip", r.stdout, "5 operation requests checked in 2 browsers: 0 blocked (0 of 10 verdicts)")
	r = corsim(t, "", append(checkArgs, "--operation", "DELETE /items/{id}", "--operation", "getProfile", "--from", "https://evil.example")...)
	wantCode(t, r, exitFail)
	wantContains(t, "operation", r.stdout,
		"getProfile (GET /me) from https://evil.example",
		"4 operation requests checked in 4 browsers: 3 blocked (12 of 16 verdicts)")
}

func TestCheckBadInput(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--from", "https://app.example", "--server", "x.conf"}, "missing --openapi FILE"},
		{[]string{"check", "--openapi", "testdata/openapi/api.yaml", "--server", "x.conf"}, "missing --from ORIGIN"},
		{[]string{"check", "--openapi", "testdata/openapi/api.yaml", "--from", "https://app.example"}, "no server"},
		{append(checkArgs, "--skip", "nope"), `no operation "nope" in the document`},
		{append(checkArgs, "--format", "sarif"), `--format "sarif": want text, json or junit`},
		{[]string{"check", "--openapi", "nope.yaml", "--from", "https://app.example", "--server", "testdata/openapi/api.conf"}, "nope.yaml: no such file"},
		{[]string{"check", "--openapi", "testdata/har/chromium.har", "--from", "https://app.example", "--server", "testdata/openapi/api.conf"}, `testdata/har/chromium.har: openapi ""`},
		{[]string{"check", "--openapi", "testdata/openapi/api.yaml", "--from", "https://app.example/", "--server", "testdata/openapi/api.conf"}, "did you mean https://app.example?"},
	} {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			wantOneLineError(t, corsim(t, "", tt.args...), tt.want)
		})
	}
}

// TestCheckLive checks the document against a loopback server: the
// preflights and the GETs go out, the unsafe requests do not.
func TestCheckLive(t *testing.T) {
	cors := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "http://localhost:3000")
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-CSRF-Token")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Write([]byte("{}"))
	}
	mc, srv := newCounter(t, cors)
	r := corsim(t, "", "check", "--openapi", "testdata/openapi/api.yaml", "--from", "http://localhost:3000", "--live", srv.URL, "--browser", "chromium")
	wantCode(t, r, exitOK)
	wantContains(t, "live", r.stdout, "listItems (GET /items)", "not sent")
	for _, m := range []string{"PUT", "POST", "DELETE"} {
		if n := mc.count(m); n != 0 {
			t.Errorf("check --live sent %d %s requests without --send-unsafe", n, m)
		}
	}
	if mc.count("GET") != 2 || mc.count("OPTIONS") != 4 {
		t.Errorf("server got %d GET and %d OPTIONS, want 2 and 4", mc.count("GET"), mc.count("OPTIONS"))
	}
}
