package fetch

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/corsim/corsim/policy"
)

// snapTransport answers through next and keeps a copy of every request's
// header list as the Transport saw it.
type snapTransport struct {
	mu   sync.Mutex
	next Transport
	seen []policy.HeaderList
}

func (s *snapTransport) RoundTrip(ctx context.Context, r *WireRequest) (*WireResponse, error) {
	s.mu.Lock()
	s.seen = append(s.seen, slices.Clone(r.Header))
	s.mu.Unlock()
	return s.next.RoundTrip(ctx, r)
}

// chainServer answers the first hops with 307 to the next URL of chain,
// preflights with pre, and the last hop with act.
func chainServer(chain []string, pre, act func(*WireRequest) *WireResponse) Transport {
	return TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) {
		if r.Preflight {
			return pre(r), nil
		}
		for i, u := range chain[:len(chain)-1] {
			if r.URL.String() == u {
				w := echoOrigin(307, "Location", chain[i+1])(r)
				return w, nil
			}
		}
		return act(r), nil
	})
}

// TestResultKeepsWhatWasSent: over requests with and without preflights,
// redirects and notes before main fetch, each wire request's header list
// in the Result is what the Transport saw; no two wire lists share memory
// (overwriting one changes no other); and the filtered response's headers
// are policy's filter of the last response.
func TestResultKeepsWhatWasSent(t *testing.T) {
	allowAll := echoOrigin(204, "Access-Control-Allow-Methods", "PUT, DELETE",
		"Access-Control-Allow-Headers", "X-Token, Content-Type", "Access-Control-Max-Age", "600")
	act := echoOrigin(200, "Content-Type", "text/plain", "X-Request-Id", "1", "Cache-Control", "no-cache",
		"Access-Control-Expose-Headers", "X-Request-Id")
	chain := []string{"https://api.example/a", "https://api.example/b", "https://other.example/c", "https://third.example/d"}
	sameChain := []string{page + "/a", page + "/b", page + "/c"}
	cases := []struct {
		name    string
		init    RequestInit
		profile Profile
		chain   []string
		twice   bool // fetch twice (cold, then warm)
	}{
		{name: "simple GET", init: RequestInit{URL: chain[0]}, chain: chain[:1]},
		{name: "credentialed GET", init: RequestInit{URL: chain[0], Credentials: CredentialsInclude}, chain: chain[:1]},
		{name: "preflighted PUT cold then warm", init: RequestInit{Method: "PUT", URL: chain[0], Header: hl("X-Token", "1")}, chain: chain[:1], twice: true},
		{name: "preflighted PUT over redirects", init: RequestInit{Method: "PUT", URL: chain[0], Header: hl("X-Token", "1", "Content-Type", "text/plain")}, chain: chain, twice: true},
		{name: "simple GET over redirects", init: RequestInit{URL: chain[0]}, chain: chain},
		{name: "same-origin GET over redirects (no Origin header)", init: RequestInit{URL: sameChain[0]}, chain: sameChain},
		{name: "no-cors GET over redirects", init: RequestInit{URL: chain[0], Mode: ModeNoCORS}, chain: chain},
		{name: "simple POST with a text body", init: RequestInit{Method: "POST", URL: chain[0], Body: Body{Kind: BodyText, Data: "x"}}, chain: chain[:1]},
		{name: "three notes before main fetch", init: RequestInit{URL: chain[0], Header: hl("Cookie", "a=b", "Accept", "text/html")},
			profile: Profile{AcceptLanguage: "en"}, chain: chain[:1]},
		{name: "XHR upload listeners", init: RequestInit{Method: "POST", URL: chain[0], Initiator: InitiatorXHR, UploadListeners: true,
			Body: Body{Kind: BodyText, Data: "x"}}, chain: chain[:2], twice: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := &snapTransport{next: chainServer(tc.chain, allowAll, act)}
			f, _ := newFetcher(tc.profile, tr)
			req := mustRequest(t, newClient(t), tc.init)
			runs := 1
			if tc.twice {
				runs = 2
			}
			for range runs {
				tr.seen = nil
				res := f.Fetch(context.Background(), req)
				if res.Err != nil {
					t.Fatalf("Fetch: %v\n%v", res.Err, steps(res))
				}
				if len(res.Wire) != len(tr.seen) {
					t.Fatalf("%d exchanges, transport saw %d", len(res.Wire), len(tr.seen))
				}
				last := res.Wire[len(res.Wire)-1].Response
				want := policy.FilterBasicResponseHeaders(last.Header)
				if res.Response.Type == TypeCORS {
					want = policy.FilterCORSResponseHeaders(last.Header, policy.ExposedHeaderNames(last.Header, res.Request.Credentials == CredentialsInclude))
				}
				if res.Response.Type == TypeOpaque {
					want = nil
				}
				if !slices.Equal(res.Response.Header, want) {
					t.Errorf("response headers %v, want %v", res.Response.Header, want)
				}
				// Overwrite each wire list in turn: the others, and the
				// response, must not change.
				for i := range res.Wire {
					h := res.Wire[i].Request.Header
					if !slices.Equal(h, tr.seen[i]) {
						t.Fatalf("exchange %d: header %v in the Result, %v sent", i, h, tr.seen[i])
					}
					for j := range h {
						h[j] = policy.Header{Name: "X-Overwritten", Value: "x"}
					}
					for k := i + 1; k < len(res.Wire); k++ {
						if !slices.Equal(res.Wire[k].Request.Header, tr.seen[k]) {
							t.Fatalf("overwriting exchange %d's headers changed exchange %d's", i, k)
						}
					}
					if !slices.Equal(res.Response.Header, want) {
						t.Fatalf("overwriting exchange %d's headers changed the response's", i)
					}
				}
			}
		})
	}
}
