package conformance

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/conformance/lab"
	"github.com/corsim/corsim/sim/scenario"
)

// These tests need no browser: they pin how each side is reduced to a Step.

func TestNormalizeHeaders(t *testing.T) {
	got := normalizeHeaders(
		[]string{"X-B", "Content-Type", "x-b", "Date", "A"},
		[]string{"1", "text/plain", "2", "Mon, 01 Jan 2026 00:00:00 GMT", "z"})
	want := []Header{{"a", "z"}, {"content-type", "text/plain"}, {"x-b", "1, 2"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestFromResultPreflight(t *testing.T) {
	pre := lab.Request{Server: "https://api.test", Method: "OPTIONS", Target: "/x", Origin: "https://app.test", HasOrigin: true, RequestMethod: "PUT"}
	put := lab.Request{Server: "https://api.test", Method: "PUT", Target: "/x", Origin: "https://app.test", HasOrigin: true}
	get := lab.Request{Server: "https://api.test", Method: "GET", Target: "/x"}
	for _, tc := range []struct {
		name  string
		reqs  []lab.Request
		needs bool
		want  string
	}{
		{"preflight reached the server", []lab.Request{pre, put}, true, PreflightSent},
		{"needed, not sent, actual sent: cache hit", []lab.Request{put}, true, PreflightCached},
		{"needed, nothing sent", nil, true, PreflightNone},
		{"simple request", []lab.Request{get}, false, PreflightNone},
	} {
		st := FromResult(&lab.Result{Requests: tc.reqs}, tc.needs)
		if st.Preflight != tc.want {
			t.Errorf("%s: Preflight = %q, want %q", tc.name, st.Preflight, tc.want)
		}
		if len(st.Requests) != len(tc.reqs) {
			t.Errorf("%s: %d requests, want %d", tc.name, len(st.Requests), len(tc.reqs))
		}
	}
	st := FromResult(&lab.Result{Requests: []lab.Request{get}}, false)
	if st.Requests[0].Origin != noOrigin {
		t.Errorf("absent Origin recorded as %q, want %q", st.Requests[0].Origin, noOrigin)
	}
}

const testScenario = `# two fetches, a wait, a fetch to an unserved origin
page https://app.test
server https://api.test config api.conf
fetch PUT https://api.test/items
advance 500ms
fetch PUT https://api.test/items
! fetch https://gone.test/x
-- api.conf --
origins https://app.test
methods PUT
max-age 1
`

func parse(t *testing.T, src string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Parse("test.txtar", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestRunCorsimSteps(t *testing.T) {
	sc := parse(t, testScenario)
	run, err := RunCorsim(context.Background(), sc, "chromium", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Steps) != 3 {
		t.Fatalf("%d steps, want 3", len(run.Steps))
	}
	if s := run.Steps[0]; s.Preflight != PreflightSent || !s.Resolved || len(s.Requests) != 2 ||
		s.Requests[0].Method != "OPTIONS" || s.Requests[0].ACRM != "PUT" {
		t.Errorf("first PUT: %+v", s)
	}
	if s := run.Steps[1]; s.Preflight != PreflightCached || len(s.Requests) != 1 {
		t.Errorf("second PUT within max-age: %+v", s)
	}
	// The unserved origin: no server received anything, a DNS failure.
	if s := run.Steps[2]; s.Resolved || s.Requests != nil || s.Error != "TypeError: Failed to fetch" ||
		!cmp.Equal(s.Console, []string{"network/error: Failed to load resource: net::ERR_NAME_NOT_RESOLVED"}) {
		t.Errorf("fetch to an unserved origin: %+v", s)
	}
	simRun, _, err := RunSim(context.Background(), sc, "chromium", nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(simRun.Steps, run.Steps); d != "" {
		t.Errorf("the suite's replay differs from the scenario runner's (-runner +suite):\n%s", d)
	}
}

func TestCodesFromConsole(t *testing.T) {
	sc := parse(t, `# blocked
page https://app.test
server https://api.test config api.conf
! fetch https://api.test/x
! fetch PUT https://api.test/x
-- api.conf --
origins https://other.test
`)
	run, err := RunCorsim(context.Background(), sc, "chromium", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := [][]string{run.Steps[0].Codes, run.Steps[1].Codes}
	want := [][]string{{"MissingAllowOriginHeader"}, {"PreflightMissingAllowOriginHeader"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestCheck(t *testing.T) {
	if err := Check(parse(t, testScenario), "chromium", LaunchOptions{}); err != nil {
		t.Errorf("replayable scenario: %v", err)
	}
	long := parse(t, "# long\npage https://app.test\nfetch https://app.test/\nadvance 2h\n")
	if err := Check(long, "chromium", LaunchOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("2h wait: err = %v, want ErrUnsupported", err)
	}
	stream := parse(t, "# stream\npage https://app.test\nfetch https://app.test/ --body stream -d x\n")
	if err := Check(stream, "chromium", LaunchOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("stream body: err = %v, want ErrUnsupported", err)
	}
	// Conditions count: a long wait under another profile only is fine.
	cond := parse(t, "# cond\npage https://app.test\nfetch https://app.test/\n[firefox] advance 2h\n")
	if err := Check(cond, "chromium", LaunchOptions{}); err != nil {
		t.Errorf("firefox-only wait: %v", err)
	}
	// A clock 1000 times faster makes a 2 h wait 7.2 s; 100 times, 72 s.
	if err := Check(long, "chromium", LaunchOptions{ClockRate: 1000}); err != nil {
		t.Errorf("2h wait on a clock 1000x: %v", err)
	}
	if err := Check(long, "chromium", LaunchOptions{ClockRate: 100}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("2h wait on a clock 100x: err = %v, want ErrUnsupported", err)
	}
	// On a fake clock a 2 h wait is a jump.
	if err := Check(long, "chromium", LaunchOptions{FakeClock: true}); err != nil {
		t.Errorf("2h wait on a fake clock: %v", err)
	}
}

func TestOrigins(t *testing.T) {
	sc := parse(t, testScenario)
	if d := cmp.Diff([]string{"https://app.test", "https://api.test"}, Origins(sc, "chromium")); d != "" {
		t.Errorf("Origins (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"https://api.test", "https://api.test", "https://gone.test"}, FetchOrigins(sc, "chromium")); d != "" {
		t.Errorf("FetchOrigins (-want +got):\n%s", d)
	}
	if needsOwnBrowser(sc, "chromium", []string{"https://app.test", "https://api.test"}) {
		t.Error("gone.test is not in the pool: the shared browser fails to resolve it")
	}
	if !needsOwnBrowser(sc, "chromium", []string{"https://app.test", "https://api.test", "https://gone.test"}) {
		t.Error("gone.test is in the pool: the scenario needs its own browser")
	}
}

func TestProfileFeatures(t *testing.T) {
	p, err := Profile("chromium+CorsNonWildcardRequestHeadersSupport")
	feats := features(p.Name)
	if err != nil || p.WildcardCoversAuthorization || !cmp.Equal(feats, []string{"CorsNonWildcardRequestHeadersSupport"}) {
		t.Errorf("Profile = %v, %v, %v", p.Name, feats, err)
	}
	if _, err := Profile("chromium+NoSuchFeature"); err == nil {
		t.Error("unknown feature accepted")
	}
}

// TestContentLengthFactorsOutBoundary: two multipart bodies that differ
// only in their boundary's length compare equal; other bodies keep their
// Content-Length as sent.
func TestContentLengthFactorsOutBoundary(t *testing.T) {
	body := func(b string) []byte {
		return []byte("--" + b + "\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n--" + b + "--\r\n")
	}
	short, long := "----WebKitFormBoundaryabcdefghijklmnop", "----geckoformboundary0123456789abcdef0123456789abcde"
	a := contentLength(strconv.Itoa(len(body(short))), "multipart/form-data; boundary="+short, body(short))
	b := contentLength(strconv.Itoa(len(body(long))), "multipart/form-data; boundary="+long, body(long))
	if a != b || a != "65 + 2×boundary" {
		t.Errorf("contentLength: %q and %q, want both %q", a, b, "65 + 2×boundary")
	}
	if got := contentLength("5", "text/plain", []byte("hello")); got != "5" {
		t.Errorf("contentLength of a text body = %q, want 5", got)
	}
	if got := contentLength("", "", nil); got != "" {
		t.Errorf("contentLength without the header = %q, want empty", got)
	}
}

// The cookie store's console lines go after the others, each group keeping
// its order: Firefox logs them and a CORS failure in either order.
func TestCookieLinesLast(t *testing.T) {
	got := []string{"cookiesCHIPS/warning: a", "CORS/error: b", "cookieSameSite/warning: c", "CORS/error: d"}
	cookieLinesLast(got)
	want := []string{"CORS/error: b", "CORS/error: d", "cookiesCHIPS/warning: a", "cookieSameSite/warning: c"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
