package fuzz

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// seedFiles returns the contents of the seed files matching pattern under
// the module's testdata directory.
func seedFiles(t testing.TB, pattern string) map[string][]byte {
	return seedMap(seedList(t, pattern))
}

// seed is one seed file.
type seed struct {
	name string
	src  []byte
}

func seedMap(l []seed) map[string][]byte {
	m := map[string][]byte{}
	for _, s := range l {
		m[s.name] = s.src
	}
	return m
}

// seedList returns the seed files matching pattern under the module's
// testdata directory, sorted by name.
func seedList(t testing.TB, pattern string) []seed {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", pattern))
	if err != nil {
		t.Fatal(err)
	}
	var out []seed
	for _, f := range files { // Glob sorts
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, seed{f, b})
	}
	return out
}

// pipelineSeedsFrom decodes testdata/fuzz/pipeline/*.seed: numbers (one byte
// each) separated by white space, with "#" comments.
func pipelineSeedsFrom(t testing.TB) [][]byte {
	var out [][]byte
	for _, s := range pipelineSeedsNamed(t) {
		out = append(out, s.data)
	}
	return out
}

type namedSeed struct {
	name string
	data []byte
}

func pipelineSeedsNamed(t testing.TB) []namedSeed {
	var out []namedSeed
	for _, sd := range seedList(t, "fuzz/pipeline/*.seed") {
		name, src := sd.name, sd.src
		var b []byte
		for _, line := range strings.Split(string(src), "\n") {
			line, _, _ = strings.Cut(line, "#")
			for _, w := range strings.Fields(line) {
				n, err := strconv.Atoi(w)
				if err != nil || n < 0 || n > 255 {
					t.Fatalf("%s: %q is not a byte", name, w)
				}
				b = append(b, byte(n))
			}
		}
		out = append(out, namedSeed{name, b})
	}
	return out
}

// header returns the value of a "# key: value" comment line in src.
func header(src []byte, key string) string {
	for _, line := range strings.Split(string(src), "\n") {
		if v, ok := strings.CutPrefix(line, "# "+key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
