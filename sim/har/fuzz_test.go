package har_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim/har"
)

// FuzzParse checks that Parse never panics, that its errors name the
// file and a line, and that whatever it accepts can be reconstructed and
// served without panicking.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "har", "*.har"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://a.example/"},"response":{"status":"200"}}]}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		l, err := har.Parse("f.har", src)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.har:") {
					t.Fatalf("error line without file:line: %q", line)
				}
			}
			return
		}
		calls, _ := l.Traffic()
		s := l.Server()
		for _, c := range calls {
			if c.Init.URL == "" || c.Init.Method == "" {
				t.Fatalf("call without method or URL: %+v", c.Init)
			}
			u, err := url.Parse(c.Init.URL)
			if err != nil {
				continue
			}
			_, _ = s.RoundTrip(context.Background(), &fetch.WireRequest{Method: c.Init.Method, URL: u})
		}
	})
}
