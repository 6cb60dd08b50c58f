package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplayGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"replay-chromium.txt", []string{"replay", "testdata/har/chromium.har"}, exitFail},
		{"replay-firefox.txt", []string{"replay", "testdata/har/firefox.har"}, exitFail},
		{"replay-webkit.txt", []string{"replay", "--browser", "chromium,webkit", "testdata/har/webkit.har"}, exitFail},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := corsim(t, "", tt.args...)
			wantCode(t, r, tt.code)
			golden(t, tt.name, r.stdout)
		})
	}
}

func TestReplayContent(t *testing.T) {
	r := corsim(t, "", "replay", "testdata/har/chromium.har")
	wantContains(t, "chromium replay", r.stdout,
		"browsers differ: allowed in Chromium, Firefox and Safari (WebKit); blocked in the Fetch standard",
		"* does not cover Authorization: list it by name",
		"the HAR shows this request without its preflight",
		"3 requests: 1 blocked in some browser, 1 with an unknown verdict")
	// -v tells each story (the explain view) and lists what was skipped.
	r = corsim(t, "", "replay", "-v", "--browser", "webkit", "testdata/har/webkit.har")
	wantContains(t, "-v", r.stdout, "left out User-Agent", "Step by step (Fetch standard):", "Not replayed:", "webkit.har:20: GET https://app.example/: same-origin")
	// Overriding credentials turns the Firefox POST's * into the problem
	// or, with omit, into no problem at all.
	r = corsim(t, "", "replay", "--credentials", "omit", "testdata/har/firefox.har")
	wantCode(t, r, exitOK)
	wantContains(t, "omit", r.stdout, "credentials omit", "1 request: 0 blocked in some browser, 0 with an unknown verdict, 1 allowed")
	// Standard input.
	src, err := os.ReadFile(filepath.Join(moduleRoot(t), "testdata", "har", "firefox.har"))
	if err != nil {
		t.Fatal(err)
	}
	r = corsim(t, string(src), "replay", "-", "--browser", "spec")
	wantCode(t, r, exitFail)
	wantContains(t, "stdin", r.stdout, "stdin:226: POST https://api.example/orders")
}

// TestReplayRealChromium replays the HAR written from the real Chromium's
// network events: the preflighted PUT is allowed everywhere, and the GET
// that Chromium blocked has no recorded response, so its verdict is
// unknown rather than guessed.
func TestReplayRealChromium(t *testing.T) {
	r := corsim(t, "", "replay", "testdata/har/chromium-real.har")
	wantCode(t, r, exitOK)
	wantContains(t, "real", r.stdout,
		"chromium-real.har:232: PUT https://api.test/items/42",
		"preflight in the HAR: line 364, answered 204 No Content",
		"from a page at https://app.test (its Referer header)",
		"the HAR has no response for the request GET https://api.test/profile: the browser recorded no response (net::ERR_FAILED)",
		"2 requests: 0 blocked in some browser, 1 with an unknown verdict, 1 allowed or not sent")
}

func TestReplayBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.har")
	if err := os.WriteFile(bad, []byte("{\"log\": {\"entries\": [\n{\"request\": {\"method\": 7}}]}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"replay"}, "missing FILE.har"},
		{[]string{"replay", "a.har", "b.har"}, "want one HAR file"},
		{[]string{"replay", "nope.har"}, "nope.har: no such file"},
		{[]string{"replay", bad}, "bad.har:2: log.entries[0].request.method: want string, got a JSON number"},
		{[]string{"replay", "--credentials", "yes", "testdata/har/chromium.har"}, `--credentials "yes": want include, omit or same-origin`},
		{[]string{"replay", "--send-unsafe", "testdata/har/chromium.har"}, "--send-unsafe needs --live"},
		{[]string{"replay", "--browser", "lynx", "testdata/har/chromium.har"}, `unknown browser "lynx"`},
		{[]string{"replay", "cmd/corsim/testdata/api.conf"}, "api.conf:1: not valid JSON"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			wantOneLineError(t, corsim(t, "", tt.args...), tt.want)
		})
	}
}

// TestReplayLive replays a HAR recorded against a loopback server with
// --live: safe requests and preflights go out, the unsafe DELETE does not.
func TestReplayLive(t *testing.T) {
	cors := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "http://localhost:3000")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, DELETE")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Write([]byte("ok\n"))
	}
	mc, srv := newCounter(t, cors)
	entry := func(method, path string) map[string]any {
		return map[string]any{
			"request": map[string]any{"method": method, "url": srv.URL + path, "headers": []map[string]string{
				{"name": "Origin", "value": "http://localhost:3000"}, {"name": "Sec-Fetch-Mode", "value": "cors"}}},
			"response": map[string]any{"status": 0, "_error": "net::ERR_FAILED"},
		}
	}
	doc := map[string]any{"log": map[string]any{"version": "1.2", "entries": []any{entry("GET", "/items"), entry("DELETE", "/items/1")}}}
	b, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "live.har")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := corsim(t, "", "replay", "--live", "--browser", "chromium", path)
	wantCode(t, r, exitOK)
	wantContains(t, "live", r.stdout, "chromium  ALLOWED", "chromium  NOT SENT", "add --send-unsafe")
	if mc.count("DELETE") != 0 || mc.count("GET") != 1 || mc.count("OPTIONS") != 1 {
		t.Errorf("server got GET %d, OPTIONS %d, DELETE %d; want 1, 1, 0", mc.count("GET"), mc.count("OPTIONS"), mc.count("DELETE"))
	}
	r = corsim(t, "", "replay", "--live", "--send-unsafe", "--browser", "chromium", path)
	wantCode(t, r, exitOK)
	if mc.count("DELETE") != 1 {
		t.Errorf("--send-unsafe: server got %d DELETE, want 1", mc.count("DELETE"))
	}
}
