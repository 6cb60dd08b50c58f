package firefox

import (
	"net/http"
	"testing"

	"github.com/corsim/corsim/conformance/lab"
)

func acao(value string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if value != "" {
			w.Header().Set("Access-Control-Allow-Origin", value)
		}
		w.Header().Set("X-Secret", "s")
		_, _ = w.Write([]byte("hello"))
	})
}

func TestProbe(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, map[string]http.Handler{"https://api.test": acao("https://app.test"), "http://api.test": acao("")})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	for _, req := range []lab.FetchRequest{
		{URL: "https://api.test/data?x=1"},
		{URL: "http://api.test/data"},
		{URL: "https://api.test/put", Method: "PUT"},
		{URL: "https://api.test/auth", Headers: []lab.Header{{Name: "Authorization", Value: "x"}}},
	} {
		res, err := s.Fetch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %+v", req.URL, *res)
	}
	t.Logf("refused: %v", b.Lab().Refused())
}
