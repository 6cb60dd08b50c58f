package firefox

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corsim/corsim/conformance/lab"
)

// The smoke tests check the harness's plumbing against facts recorded in
// shared/reference/engines-harness.md, with plain handlers.

func acao(value string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if value != "" {
			w.Header().Set("Access-Control-Allow-Origin", value)
		}
		w.Header().Set("X-Secret", "s")
		_, _ = w.Write([]byte("hello"))
	})
}

// preflighting answers OPTIONS with allow (204) and anything else with
// ACAO for https://app.test.
func preflighting(allow map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.test")
		if r.Method == http.MethodOptions {
			for k, v := range allow {
				w.Header().Set(k, v)
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		_, _ = w.Write([]byte("done"))
	})
}

func texts(cs []lab.ConsoleMessage) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Source+"/"+c.Level+": "+c.Text)
	}
	return out
}

func TestSimpleGetAllowed(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, map[string]http.Handler{"https://api.test": acao("https://app.test")})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, lab.FetchRequest{URL: "https://api.test/data?x=1"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resolved || res.Type != "cors" || res.Status != 200 || res.Body != "hello" {
		t.Errorf("got %+v", res)
	}
	want := []lab.Header{{Name: "content-length", Value: "5"}, {Name: "content-type", Value: "text/plain; charset=utf-8"}}
	if !slices.Equal(res.Headers, want) {
		t.Errorf("headers %v, want %v", res.Headers, want)
	}
	if got := summary(s, 0); !slices.Equal(got, []string{"GET https://api.test/data?x=1 origin=https://app.test"}) {
		t.Errorf("requests %q", got)
	}
	if len(res.Console) != 0 || len(res.Codes) != 0 {
		t.Errorf("console %q codes %v, want none", texts(res.Console), res.Codes)
	}
}

// TestPreflightFailureTwoLines: a preflight whose ACAM lacks the method
// logs the reason, then CORSDidNotSucceed2; the PUT is never sent.
func TestPreflightFailureTwoLines(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, map[string]http.Handler{"https://api.test": preflighting(map[string]string{"Access-Control-Allow-Methods": "GET"})})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, lab.FetchRequest{URL: "https://api.test/put", Method: "PUT"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resolved || res.Error != "TypeError: NetworkError when attempting to fetch resource." {
		t.Errorf("got %+v", res)
	}
	if want := []string{"CORSMethodNotFound", "CORSDidNotSucceed2"}; !slices.Equal(res.Codes, want) {
		t.Errorf("codes %v, want %v; console %q", res.Codes, want, texts(res.Console))
	}
	if got := summary(s, 0); !slices.Equal(got, []string{"OPTIONS https://api.test/put origin=https://app.test acrm=PUT"}) {
		t.Errorf("requests %q", got)
	}
}

// TestWarningFromConsoleService: ACAH * covering Authorization is allowed
// with a warning, which only the console service listener reports.
func TestWarningFromConsoleService(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, map[string]http.Handler{"https://api.test": preflighting(map[string]string{"Access-Control-Allow-Headers": "*"})})
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(ctx, lab.FetchRequest{URL: "https://api.test/auth", Headers: []lab.Header{{Name: "Authorization", Value: "Bearer x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resolved || !slices.Equal(res.Codes, []string{"CORSAllowHeaderFromPreflightDeprecation"}) {
		t.Fatalf("resolved %v codes %v console %q", res.Resolved, res.Codes, texts(res.Console))
	}
	if c := res.Console[0]; c.Level != "warning" || !strings.HasPrefix(c.Text, "Cross-Origin Request Warning:") {
		t.Errorf("console %+v", c)
	}
}

// TestFakeClock: on a fake clock a day passes at once: an entry of
// max-age 100000 (capped at 86400 s) covers a PUT after 86000 s and not
// after 86401 s.
func TestFakeClock(t *testing.T) {
	if !lab.CanFakeClock() {
		t.Skip("no C compiler for the fake clock")
	}
	browserFor(t) // skips without Firefox
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	b, err := Launch(ctx, Options{Origins: []string{"https://app.test", "https://api.test"}, FakeClock: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := b.NewSession(ctx, map[string]http.Handler{"https://api.test": preflighting(map[string]string{"Access-Control-Allow-Methods": "PUT", "Access-Control-Max-Age": "100000"})})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(ctx, "https://app.test"); err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, wait := range []time.Duration{0, 86000 * time.Second, 401 * time.Second} {
		if err := s.Wait(ctx, wait); err != nil {
			t.Fatal(err)
		}
		res, err := s.Fetch(ctx, lab.FetchRequest{URL: "https://api.test/p", Method: "PUT"})
		if err != nil || !res.Resolved {
			t.Fatalf("after %v: %+v, %v", wait, res, err)
		}
		for _, r := range res.Requests {
			methods = append(methods, r.Method)
		}
	}
	if want := []string{"OPTIONS", "PUT", "PUT", "OPTIONS", "PUT"}; !slices.Equal(methods, want) {
		t.Errorf("requests %v, want %v", methods, want)
	}
}

// TestOffline: nothing the browser did so far asked the proxy for a name
// outside the lab.
func TestOffline(t *testing.T) {
	b := browserFor(t)
	s, ctx := session(t, b, map[string]http.Handler{"http://app.test": acao("")})
	if err := s.Open(ctx, "http://app.test"); err != nil {
		t.Fatal(err)
	}
	wait := 8 * time.Second
	if s := os.Getenv("CORSIM_FIREFOX_OFFLINE_WAIT"); s != "" {
		// A longer look, for finding what still calls out.
		if d, err := time.ParseDuration(s); err == nil {
			wait = d
		}
	}
	time.Sleep(wait)
	if r := b.Lab().Refused(); len(r) != 0 {
		t.Errorf("the proxy refused %q: the browser tried to reach the outside world", r)
	}
}
