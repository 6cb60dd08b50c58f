package report

import (
	"bufio"
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"

	"github.com/corsim/corsim/sim"
)

// corpusSequences runs the scenario corpus and the labs under every
// profile and returns each run's sequence, named.
func corpusSequences(t *testing.T) map[string]*sequence {
	t.Helper()
	files, _ := filepath.Glob("../../testdata/scenarios/*.txtar")
	labs, _ := filepath.Glob("../../testdata/labs/*.txtar")
	files = append(files, labs...)
	if len(files) < 50 {
		t.Fatalf("found %d scenario files; is the corpus where this test looks?", len(files))
	}
	out := map[string]*sequence{}
	opts := sim.Options{Profiles: []string{"chromium", "firefox", "webkit", "spec"}}
	for _, res := range sim.RunFiles(context.Background(), files, opts) {
		for _, run := range res.Runs {
			out[filepath.Base(res.Name)+"/"+run.Profile] = buildSequence(run)
		}
	}
	return out
}

// TestSVGLabelsFit checks the diagram's layout over the whole corpus:
// every arrow's label fits between the lanes it joins, nothing sticks out
// of the picture, and no label of the corpus is cut (each is whole in its
// <tspan>s, the <title> aside).
func TestSVGLabelsFit(t *testing.T) {
	tspans := regexp.MustCompile(`<tspan[^>]*>([^<]*)</tspan>`)
	for name, s := range corpusSequences(t) {
		lay := layoutSVG(s)
		for _, l := range s.lanes {
			if x, hw := lay.x[l.id], lay.headW[l.id]; x-hw/2 < 0 || x+hw/2 > lay.width {
				t.Errorf("%s: lane %q's name box [%d, %d] outside [0, %d]", name, l.label, x-hw/2, x+hw/2, lay.width)
			}
		}
		for k, a := range s.arrows {
			w := labelW(lay.lines[k])
			x1, x2 := lay.x[a.from], lay.x[a.to]
			if a.kind == arrowNote {
				if x1-w/2 < 0 || x1+w/2 > lay.width {
					t.Errorf("%s: note %q sticks out of the picture", name, a.text)
				}
				continue
			}
			if d := max(x1, x2) - min(x1, x2); w > d {
				t.Errorf("%s: label %q is %d px wide between lanes %d px apart", name, a.text, w, d)
			}
			joined := strings.Join(lay.lines[k], "")
			if strings.Contains(joined, "…") || strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(a.text, " ", "") {
				t.Errorf("%s: label %q is drawn as %q", name, a.text, lay.lines[k])
			}
		}
		var b bytes.Buffer
		bw := bufio.NewWriter(&b)
		writeSVG(bw, s)
		bw.Flush()
		for _, m := range tspans.FindAllStringSubmatch(b.String(), -1) {
			if strings.Contains(m[1], "…") {
				t.Errorf("%s: a label is cut: %q", name, m[1])
			}
		}
	}
}

// TestWrapLabel: a long fetch line wraps inside the URL, a short one is
// one line, and a text beyond three lines ends with an ellipsis.
func TestWrapLabel(t *testing.T) {
	long := "fetch(PUT https://api.example/v1/organisations/acme-corporation/projects/12345/items/42?expand=owner,tags)"
	got := wrapLabel(long, 56, 3)
	want := []string{"fetch(PUT https://api.example/v1/organisations/acme-", "corporation/projects/12345/items/42?expand=owner,tags)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("wrapLabel(%q) = %q, want %q", long, got, want)
	}
	if got := wrapLabel("blocked (preflight): allow-credentials-not-true", 56, 3); len(got) != 1 {
		t.Errorf("a 47-character label wrapped: %q", got)
	}
	if got := wrapLabel(strings.Repeat("word ", 60), 20, 3); len(got) != 3 || !strings.HasSuffix(got[2], "…") {
		t.Errorf("a 300-character label in 3 lines of 20: %q", got)
	}
}

// TestWrapLabelProperties: lines are at most width characters, at most
// maxLines of them, and unless the text was cut (a final ellipsis) they
// hold every non-space character of the text in order.
func TestWrapLabelProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[a-z /,:()-]{0,200}`).Draw(t, "s")
		width := rapid.IntRange(6, 80).Draw(t, "width")
		maxLines := rapid.IntRange(1, 4).Draw(t, "maxLines")
		lines := wrapLabel(s, width, maxLines)
		if len(lines) == 0 || len(lines) > maxLines {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			if utf8.RuneCountInString(l) > width {
				t.Fatalf("line %q longer than %d", l, width)
			}
		}
		if last := lines[len(lines)-1]; !strings.HasSuffix(last, "…") {
			if got, want := strings.ReplaceAll(strings.Join(lines, ""), " ", ""), strings.ReplaceAll(s, " ", ""); got != want {
				t.Fatalf("lines %q lose text of %q", lines, s)
			}
		}
	})
}

// TestMermaidText: the characters Mermaid reads as syntax are written as
// its entity codes.
func TestMermaidText(t *testing.T) {
	in := "200 OK, ACAO https://a.example; #x <img src=y>\nnext"
	want := "200 OK, ACAO https://a.example#59; #35;x #60;img src=y#62; next"
	if got := mermaidText(in); got != want {
		t.Errorf("mermaidText(%q) = %q, want %q", in, got, want)
	}
}
