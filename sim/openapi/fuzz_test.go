package openapi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/corsim/corsim/sim/openapi"
)

// FuzzLoad checks that reading a document and deriving its operations
// never panics, whatever the bytes.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "openapi", "*.yaml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a/{b}":{"get":{"parameters":[{"name":"b","in":"path","required":true}]}}}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := openapi.Load("f.yaml", src)
		if err != nil {
			return
		}
		_, _ = d.Operations("https://api.example/v1")
	})
}
