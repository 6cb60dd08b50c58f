package sim_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
)

// corpus lists the scenario directories go test runs.
var corpus = []string{"../testdata/scenarios", "../testdata/labs"}

// TestScenarios runs every scenario of the corpus, one subtest per file
// and profile, like cmd/go's script tests. Each file must open with a
// one-line comment saying what it teaches and a "# spec:" anchor.
func TestScenarios(t *testing.T) {
	for _, dir := range corpus {
		files, err := sim.Collect(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no scenarios in %s", dir)
		}
		for _, file := range files {
			t.Run(strings.TrimSuffix(filepath.Base(dir)+"/"+filepath.Base(file), ".txtar"), func(t *testing.T) {
				t.Parallel()
				sc, err := scenario.ParseFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if sc.Title == "" || !strings.HasPrefix(sc.Spec, "https://") {
					t.Errorf("%s: must open with a one-line comment and a '# spec: https://…' line", file)
				}
				res := sim.Run(context.Background(), sc, sim.Options{})
				if res.Err != nil {
					t.Fatal(res.Err)
				}
				for _, run := range res.Runs {
					t.Run(run.Profile, func(t *testing.T) {
						for _, f := range run.Failures {
							t.Error(f)
						}
					})
				}
			})
		}
	}
}

// TestLabsBuildOnEachOther checks that the labs are numbered in order and
// that each has what a student needs: a title saying "Lab N:" and its
// lesson, a spec link, and a question to answer.
func TestLabsBuildOnEachOther(t *testing.T) {
	files, err := sim.Collect("../testdata/labs")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Errorf("%d labs, want at least 8", len(files))
	}
	for i, f := range files {
		base := filepath.Base(f)
		if want := fmt.Sprintf("%02d-", i+1); !strings.HasPrefix(base, want) {
			t.Errorf("lab %s: want a name starting with %s", base, want)
		}
		sc, err := scenario.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("Lab %d: ", i+1); !strings.HasPrefix(sc.Title, want) {
			t.Errorf("lab %s: title %q, want it to start with %q", base, sc.Title, want)
		}
		if !strings.HasPrefix(sc.Spec, "https://") {
			t.Errorf("lab %s: no spec link", base)
		}
		asks := false
		for _, p := range sc.Prose {
			asks = asks || strings.HasPrefix(p.Lines[0], "Question:")
		}
		if !asks {
			t.Errorf("lab %s: no paragraph starting with Question:", base)
		}
	}
}

// TestCorpusSize keeps the corpus at its promised size.
func TestCorpusSize(t *testing.T) {
	files, err := sim.Collect("../testdata/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 60 {
		t.Errorf("%d scenarios, want at least 60", len(files))
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}
