package playground_test

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/corsim/corsim/sim/playground"
)

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	pg, err := playground.New(os.DirFS("../../testdata/labs"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(pg)
	t.Cleanup(func() { ts.Close(); pg.Close() })
	return ts
}

func post(t *testing.T, url string, body, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	r, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if r.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(r.Body)
		t.Fatalf("POST %s: %s: %s", url, r.Status, msg)
	}
	if err := json.NewDecoder(r.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func lab(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../testdata/labs/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type lineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// TestLabs: the page is offered every lab with its title.
func TestLabs(t *testing.T) {
	ts := newServer(t)
	r, err := http.Get(ts.URL + "/api/labs")
	if err != nil {
		t.Fatal(err)
	}
	var labs []struct{ Name, Title, Source string }
	json.NewDecoder(r.Body).Decode(&labs)
	files, _ := fs.Glob(os.DirFS("../../testdata/labs"), "*.txtar")
	if len(labs) != len(files) || len(labs) == 0 {
		t.Fatalf("got %d labs, want %d", len(labs), len(files))
	}
	if labs[0].Name != "01-simple-get.txtar" || !strings.HasPrefix(labs[0].Title, "Lab 1:") {
		t.Errorf("first lab = %s %q", labs[0].Name, labs[0].Title)
	}
}

// TestRunErrorsAtTheirLines: every problem of a scenario comes back at
// its line, and none is a report.
func TestRunErrorsAtTheirLines(t *testing.T) {
	ts := newServer(t)
	var got struct {
		Errors []lineError
		Report json.RawMessage
	}
	post(t, ts.URL+"/api/run", map[string]any{"source": "page https://a.example\nfetch\nbogus x\n"}, &got)
	if len(got.Errors) != 2 || got.Errors[0].Line != 2 || got.Errors[1].Line != 3 || !strings.HasPrefix(got.Errors[1].Message, "bogus: unknown command") {
		t.Errorf("errors = %+v, want line 2 (fetch) and line 3 (bogus)", got.Errors)
	}
	if got.Report != nil {
		t.Errorf("a scenario that does not parse got a report")
	}
}

// TestRunReport: a run answers the JSON report corsim run --json prints
// and the HTML of the story (prose, diagram, verdict table).
func TestRunReport(t *testing.T) {
	ts := newServer(t)
	var got struct {
		Errors []lineError
		Report struct {
			Schema    string
			Scenarios []struct {
				OK   bool
				Runs []struct{ Profile string }
			}
		}
		HTML string
	}
	post(t, ts.URL+"/api/run", map[string]any{"name": "01-simple-get.txtar", "source": lab(t, "01-simple-get.txtar"), "browsers": []string{"chromium", "firefox"}}, &got)
	if len(got.Errors) != 0 || got.Report.Schema != "corsim.report/v1" || len(got.Report.Scenarios) != 1 {
		t.Fatalf("run: errors %+v, report %+v", got.Errors, got.Report)
	}
	sc := got.Report.Scenarios[0]
	if !sc.OK || len(sc.Runs) != 2 || sc.Runs[1].Profile != "firefox" {
		t.Errorf("scenario = %+v, want it passing under chromium and firefox", sc)
	}
	for _, want := range []string{"Now the API opts in", "<svg", "Verdicts"} {
		if !strings.Contains(got.HTML, want) {
			t.Errorf("the story's HTML lacks %q", want)
		}
	}
}

// TestLiveServesTheScenario: "run in this browser" serves the scenario's
// server for real on a loopback port under the rewritten origins, swaps
// it at each server command, records what it received, and predicts the
// fetches for the same origins.
func TestLiveServesTheScenario(t *testing.T) {
	ts := newServer(t)
	var plan struct {
		Errors  []lineError
		ID      string
		Origins map[string]string
		Steps   []struct {
			Line  int
			Kind  string
			Fetch *struct{ URL, Method string }
		}
		Predicted struct {
			Scenarios []struct {
				Runs []struct {
					Steps []struct {
						Line  int
						Fetch *struct{ Outcome string }
					}
				}
			}
		}
	}
	page := ts.URL // http://127.0.0.1:PORT
	post(t, ts.URL+"/api/live", map[string]any{"name": "01-simple-get.txtar", "source": lab(t, "01-simple-get.txtar"), "page": page, "profile": "chromium"}, &plan)
	if len(plan.Errors) != 0 {
		t.Fatalf("errors: %+v", plan.Errors)
	}
	if plan.Origins["https://shop.example"] != page || !regexp.MustCompile(`^http://localhost:\d+$`).MatchString(plan.Origins["https://api.example"]) {
		t.Fatalf("origins = %v, want the page on %s and the API on localhost", plan.Origins, page)
	}
	var kinds []string
	for _, s := range plan.Steps {
		kinds = append(kinds, s.Kind)
	}
	if strings.Join(kinds, " ") != "server fetch server fetch" {
		t.Fatalf("steps = %v", kinds)
	}
	var outcomes []string
	for _, s := range plan.Predicted.Scenarios[0].Runs[0].Steps {
		if s.Fetch != nil {
			outcomes = append(outcomes, s.Fetch.Outcome)
		}
	}
	if strings.Join(outcomes, " ") != "blocked allowed" {
		t.Errorf("predicted %v, want blocked then allowed", outcomes)
	}
	url := plan.Steps[1].Fetch.URL
	get := func() *http.Response {
		req, _ := http.NewRequest("GET", strings.Replace(url, "localhost", "127.0.0.1", 1), nil)
		req.Header.Set("Origin", page)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r
	}
	var stepped struct{ Errors []lineError }
	post(t, ts.URL+"/api/live/"+plan.ID+"/step", map[string]int{"line": plan.Steps[0].Line}, &stepped)
	if r := get(); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("the plain server sent ACAO %q", r.Header.Get("Access-Control-Allow-Origin"))
	}
	post(t, ts.URL+"/api/live/"+plan.ID+"/step", map[string]int{"line": plan.Steps[2].Line}, &stepped)
	if r := get(); r.Header.Get("Access-Control-Allow-Origin") != page {
		t.Errorf("after the server command, ACAO = %q, want the page's loopback origin %s", r.Header.Get("Access-Control-Allow-Origin"), page)
	}
	r, err := http.Get(ts.URL + "/api/live/" + plan.ID + "/seen?from=1")
	if err != nil {
		t.Fatal(err)
	}
	var seen []playground.Seen
	json.NewDecoder(r.Body).Decode(&seen)
	if len(seen) != 1 || seen[0].Origin != "https://api.example" || seen[0].Method != "GET" || seen[0].Path != "/prices" {
		t.Errorf("seen from 1 = %+v, want the second GET /prices", seen)
	}
}

// TestLiveRefusesWhatItCannotRun: a page that is not on loopback gets a
// reason, not a session.
func TestLiveRefusesWhatItCannotRun(t *testing.T) {
	ts := newServer(t)
	var plan struct {
		Errors []lineError
		ID     string
	}
	post(t, ts.URL+"/api/live", map[string]any{"source": lab(t, "01-simple-get.txtar"), "page": "https://example.com"}, &plan)
	if len(plan.Errors) != 1 || plan.ID != "" || !strings.Contains(plan.Errors[0].Message, "loopback") {
		t.Errorf("a page off loopback: %+v", plan)
	}
}

// TestOnlyLoopbackNames: a request for another host name (DNS
// rebinding) is refused; the page itself loads nothing from elsewhere.
func TestOnlyLoopbackNames(t *testing.T) {
	ts := newServer(t)
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.Host = "evil.example"
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host evil.example: %s, want 421", r.Status)
	}
	for _, asset := range []string{"/", "/app.js", "/style.css"} {
		r, err := http.Get(ts.URL + asset)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || len(b) == 0 {
			t.Fatalf("%s: %s", asset, r.Status)
		}
		if m := regexp.MustCompile(`(src|href)="(https?:)?//`).Find(b); m != nil {
			t.Errorf("%s loads from elsewhere: %s", asset, m)
		}
	}
}
