package chromium

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/corsim/corsim/sim/har"
)

var writeHAR = flag.Bool("write-har", false, "write the real Chromium HAR to the main module's testdata/har/chromium-real.har")

// TestHARFromChromium records a scenario in the real Chromium — a JSON PUT
// that is preflighted and allowed, and a credentialed GET blocked because
// the server answers * — writes its DevTools network events as a HAR file,
// and reads it back with sim/har: the parser is tested on what the real
// browser reports. -write-har saves it as the fixture corsim replay's
// tests use.
func TestHARFromChromium(t *testing.T) {
	b := browserFor(t)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/items/42" && r.Method == http.MethodOptions:
			w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
			w.Header().Set("Access-Control-Allow-Methods", "PUT")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/items/42":
			w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":42}`))
		default:
			w.Header().Set("Access-Control-Allow-Origin", "*")
			_, _ = w.Write([]byte("secret"))
		}
	})
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"https://api.test": api}})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	put := FetchRequest{URL: "https://api.test/items/42", Method: "PUT", Headers: []Header{{Name: "Content-Type", Value: "application/json"}}, BodyKind: BodyText, Body: `{"done":true}`}
	if _, err := s.Fetch(ctx, put); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Fetch(ctx, FetchRequest{URL: "https://api.test/profile", Credentials: "include"}); err != nil {
		t.Fatal(err)
	}
	src, err := s.HAR()
	if err != nil {
		t.Fatal(err)
	}
	l, err := har.Parse("chromium-real.har", src)
	if err != nil {
		t.Fatalf("sim/har cannot read the HAR of the real Chromium: %v", err)
	}
	calls, _ := l.Traffic()
	var got []string
	for _, c := range calls {
		pf := "no preflight"
		if c.Preflight != nil {
			pf = "preflight " + c.Preflight.Request.Method + " " + c.Preflight.ResourceType
		}
		got = append(got, c.Init.Method+" "+c.Init.URL+" from "+c.Page.String()+" mode "+string(c.Init.Mode)+" credentials "+string(c.Init.Credentials)+"; "+pf+"; recorded "+c.Recorded())
	}
	t.Logf("calls: %q", got)
	if len(calls) != 2 {
		t.Fatalf("%d cross-origin calls, want 2:\n%s", len(calls), src)
	}
	p, g := calls[0], calls[1]
	if p.Init.Method != "PUT" || p.Page.String() != "https://app.test" || p.Init.Body.Data != `{"done":true}` || p.Entry.Response.Status != 200 {
		t.Errorf("the PUT: %q", got[0])
	}
	if ct, _ := p.Init.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("the PUT's Content-Type %q", ct)
	}
	if g.Init.Method != "GET" || g.Entry.Response.Error == "" {
		t.Errorf("the blocked GET: %q (error %q)", got[1], g.Entry.Response.Error)
	}
	if *writeHAR {
		out := filepath.Join("..", "..", "testdata", "har", "chromium-real.har")
		if err := os.WriteFile(out, append(src, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
