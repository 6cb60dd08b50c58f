package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenScenarios are rendered in every format and compared with
// testdata/NAME.FORMAT.
var goldenScenarios = []string{
	"../../testdata/labs/01-simple-get.txtar",
	"../../testdata/labs/02-json-post-preflight.txtar",
	"../../testdata/scenarios/redirect-tainted-needs-null.txtar",
}

func run(t *testing.T, path string) *sim.Result {
	t.Helper()
	res := sim.RunFiles(context.Background(), []string{path}, sim.Options{})[0]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	// Golden files name the scenario by its base name, wherever it runs.
	res.Name = filepath.Base(path)
	return res
}

func TestGolden(t *testing.T) {
	formats := map[string]func(*bytes.Buffer, *sim.Result) error{
		"story.txt":  func(b *bytes.Buffer, r *sim.Result) error { return report.Text(b, r) },
		"json":       func(b *bytes.Buffer, r *sim.Result) error { return report.JSON(b, r) },
		"mermaid.md": func(b *bytes.Buffer, r *sim.Result) error { return report.Mermaid(b, r) },
		"html":       func(b *bytes.Buffer, r *sim.Result) error { return report.HTML(b, r) },
	}
	for _, path := range goldenScenarios {
		res := run(t, path)
		for ext, render := range formats {
			name := strings.TrimSuffix(filepath.Base(path), ".txtar") + "." + ext
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := render(&buf, res); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", name)
				if *update {
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), buf.String()); diff != "" {
					t.Errorf("%s differs (-want +got; run with -update if the change is right):\n%s", golden, diff)
				}
			})
		}
	}
}

// TestJSONSchema checks the fields docs/json-schema.md promises.
func TestJSONSchema(t *testing.T) {
	res := run(t, "../../testdata/labs/02-json-post-preflight.txtar")
	var buf bytes.Buffer
	if err := report.JSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema"] != report.Schema {
		t.Fatalf("schema %v", doc["schema"])
	}
	sc := doc["scenarios"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "title", "spec", "ok", "runs"} {
		if _, ok := sc[k]; !ok {
			t.Errorf("scenario lacks %q", k)
		}
	}
	steps := sc["runs"].([]any)[0].(map[string]any)["steps"].([]any)
	var fetches []map[string]any
	for _, s := range steps {
		if f, ok := s.(map[string]any)["fetch"]; ok {
			fetches = append(fetches, f.(map[string]any))
		}
	}
	if len(fetches) != 2 {
		t.Fatalf("%d fetch steps, want 2", len(fetches))
	}
	blocked, allowed := fetches[0], fetches[1]
	for _, k := range []string{"outcome", "preflight", "response", "error", "wire", "trace", "request", "console", "reachedServer"} {
		if _, ok := blocked[k]; !ok {
			t.Errorf("fetch lacks %q", k)
		}
	}
	if blocked["outcome"] != "blocked" || allowed["outcome"] != "allowed" {
		t.Errorf("outcomes %v, %v", blocked["outcome"], allowed["outcome"])
	}
	pf := blocked["preflight"].(map[string]any)
	for _, k := range []string{"required", "reason", "sent", "fromCache", "request", "response"} {
		if _, ok := pf[k]; !ok {
			t.Errorf("preflight lacks %q", k)
		}
	}
	if pf["required"] != true || pf["sent"] != true || pf["fromCache"] != false {
		t.Errorf("preflight %v", pf)
	}
	e := blocked["error"].(map[string]any)
	for _, k := range []string{"code", "message", "console"} {
		if _, ok := e[k]; !ok {
			t.Errorf("error lacks %q", k)
		}
	}
	if e["code"] != "header-not-allowed" {
		t.Errorf("error code %v", e["code"])
	}
	r := allowed["response"].(map[string]any)
	if r["type"] != "cors" || r["status"] != float64(200) {
		t.Errorf("response %v", r)
	}
	if len(allowed["wire"].([]any)) != 2 {
		t.Errorf("wire %v", allowed["wire"])
	}
}

// TestHTMLSelfContained checks that the page loads nothing from elsewhere.
func TestHTMLSelfContained(t *testing.T) {
	res := run(t, "../../testdata/labs/05-redirects.txtar")
	var buf bytes.Buffer
	if err := report.HTML(&buf, res); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, bad := range []string{"<script", "<link", " src=", "@import", "url(http"} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	if !strings.Contains(s, "<svg") || strings.Count(s, "<svg") != len(res.Runs) {
		t.Errorf("want one inline SVG per profile run")
	}
}

// TestRenderersNeverFailOnParseErrors renders a result that could not run.
func TestRenderersNeverFailOnParseErrors(t *testing.T) {
	res := sim.RunSource(context.Background(), "bad.txtar", []byte("bogus\n"), sim.Options{})
	if res.Err == nil {
		t.Fatal("want a parse error")
	}
	var buf bytes.Buffer
	for _, f := range []func() error{
		func() error { return report.Text(&buf, res) },
		func() error { return report.JSON(&buf, res) },
		func() error { return report.Mermaid(&buf, res) },
		func() error { return report.HTML(&buf, res) },
	} {
		if err := f(); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(buf.String(), "bad.txtar:1: bogus: unknown command") {
		t.Errorf("the error is not shown:\n%s", buf.String())
	}
}

// TestTextWriterStreams: the story told while the run goes on (TextWriter
// as the run's Observer, steps dropped) is the story Text tells of the
// kept result, under several profiles, failures included.
func TestTextWriterStreams(t *testing.T) {
	files, err := sim.Collect("../../testdata/scenarios", "../../testdata/labs")
	if err != nil {
		t.Fatal(err)
	}
	opts := sim.Options{Profiles: []string{"chromium", "firefox", "webkit", "spec"}}
	for _, f := range files {
		src, err := sim.ReadInputFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kept := sim.RunSource(context.Background(), f, src, opts)
		var want bytes.Buffer
		if err := report.Text(&want, kept); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		tw := report.NewTextWriter(&got)
		tw.Profiles = opts.Profiles
		tw.Begin(kept.Name, kept.Scenario)
		o := opts
		o.Observer, o.DropSteps = tw, true
		res := sim.Run(context.Background(), kept.Scenario, o)
		if err := tw.End(res); err != nil {
			t.Fatal(err)
		}
		for _, run := range res.Runs {
			if run.Steps != nil {
				t.Errorf("%s: steps kept with DropSteps", f)
			}
		}
		if d := cmp.Diff(want.String(), got.String()); d != "" {
			t.Errorf("%s: streamed story differs (-kept +streamed):\n%s", f, d)
		}
	}
}

// TestTextTellsTheLesson: the scenario's prose stands where it is written,
// the other browsers are told only where they differ, with why, and the
// verdict table has a column per browser.
func TestTextTellsTheLesson(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string // in this order
	}{
		{"../../testdata/labs/01-simple-get.txtar", []string{
			"The page at https://shop.example reads a price list",
			"line 10  ! fetch https://api.example/prices",
			"Now the API opts in for the shop's origin.",
			"line 17  server https://api.example config api.conf",
			"== webkit: the same as chromium at every step ==",
			"Verdicts",
			"  10    ! fetch https://api.example/prices  blocked   blocked  blocked  blocked",
		}},
		{"../../testdata/scenarios/cache-credentials.txtar", []string{
			"== firefox: where it differs from chromium ==",
			"line 7   firefox: allowed, preflight sent, where chromium: allowed, preflight cached; because the preflight cache does not cover the request (no live entry for PUT).",
		}},
	} {
		var b strings.Builder
		if err := report.Text(&b, run(t, tc.path)); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		at := 0
		for _, w := range tc.want {
			i := strings.Index(out[at:], w)
			if i < 0 {
				t.Errorf("%s: after byte %d the story lacks %q:\n%s", tc.path, at, w, out)
				break
			}
			at += i + len(w)
		}
	}
}

// TestJSONWriterStreams: the JSON document written while the run goes on
// (JSONWriter as the run's Observer, steps dropped) is byte for byte the
// one JSON writes of the kept result.
func TestJSONWriterStreams(t *testing.T) {
	files, err := sim.Collect("../../testdata/scenarios", "../../testdata/labs")
	if err != nil {
		t.Fatal(err)
	}
	opts := sim.Options{Profiles: []string{"chromium", "firefox", "webkit", "spec"}}
	for _, f := range files {
		src, err := sim.ReadInputFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kept := sim.RunSource(context.Background(), f, src, opts)
		var want bytes.Buffer
		if err := report.JSON(&want, kept); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		jw, err := report.NewJSONWriter(&got)
		if err != nil {
			t.Fatal(err)
		}
		o := opts
		o.Observer, o.DropSteps = jw, true
		res := sim.Run(context.Background(), kept.Scenario, o)
		if err := jw.End(res); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want.String(), got.String()); d != "" {
			t.Fatalf("%s: streamed JSON differs (-kept +streamed):\n%s", f, d)
		}
	}
}

// TestJSONStreamSeveral: the document a JSONStream writes of scenarios
// spooled one by one is byte for byte the one JSON writes of them all,
// for none, one and many.
func TestJSONStreamSeveral(t *testing.T) {
	files, err := sim.Collect("../../testdata/labs")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, len(files)} {
		var kept []*sim.Result
		var got bytes.Buffer
		st := report.NewJSONStream(&got)
		for _, f := range files[:n] {
			src, err := sim.ReadInputFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r := sim.RunSource(context.Background(), f, src, sim.Options{})
			kept = append(kept, r)
			jw, err := report.NewJSONWriter(nil)
			if err != nil {
				t.Fatal(err)
			}
			res := sim.Run(context.Background(), r.Scenario, sim.Options{Observer: jw, DropSteps: true})
			if err := jw.Finish(res); err != nil {
				t.Fatal(err)
			}
			if err := st.Write(jw); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := report.JSON(&want, kept...); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want.String(), got.String()); d != "" {
			t.Errorf("%d scenarios (-JSON +JSONStream):\n%s", n, d)
		}
	}
}
