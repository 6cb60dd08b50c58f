package chromium

import (
	"net/http"
	"testing"
)

func TestSimpleGetAllowed(t *testing.T) {
	b := browserFor(t)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
		w.Header().Set("X-Secret", "s")
		w.Write([]byte("hello"))
	})
	s, ctx := session(t, b, Plan{Servers: map[string]http.Handler{"https://api.test": api}})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, FetchRequest{URL: "https://api.test/data?x=1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if !res.Resolved || res.Type != "cors" || res.Status != 200 || res.Body != "hello" {
		t.Errorf("got %+v", res)
	}
	mustEqual(t, "requests", summary(res.Requests), []string{"GET https://api.test/data?x=1 origin=https://app.test"})
}
