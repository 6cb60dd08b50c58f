package fetch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/corsim/corsim/policy"
	"pgregory.net/rapid"
)

// answer is a generated server answer: header lines and a status.
type answer struct {
	Status int
	Header policy.HeaderList
}

type scenario struct {
	Init RequestInit
	Pre  answer
	Act  answer
}

func optHeader(t *rapid.T, label, name string, values ...string) []policy.Header {
	i := rapid.IntRange(0, len(values)).Draw(t, label)
	if i == len(values) {
		return nil
	}
	return []policy.Header{{Name: name, Value: values[i]}}
}

func genAnswer(t *rapid.T, label string, statuses []int) answer {
	a := answer{Status: rapid.SampledFrom(statuses).Draw(t, label+".status")}
	a.Header = append(a.Header, optHeader(t, label+".acao", acao, "*", page, page+"/", "null", "https://APP.example")...)
	a.Header = append(a.Header, optHeader(t, label+".acac", acac, "true", "True")...)
	a.Header = append(a.Header, optHeader(t, label+".acam", acam, "*", "PUT, DELETE", "GET,patch", "PUT, *", "bad method")...)
	a.Header = append(a.Header, optHeader(t, label+".acah", acah, "*", "x-a", "X-A, content-type, authorization", "*, authorization")...)
	a.Header = append(a.Header, optHeader(t, label+".maxage", "Access-Control-Max-Age", "0", "10", "-1", "600")...)
	return a
}

func genScenario(t *rapid.T) scenario {
	var s scenario
	s.Init.Method = rapid.SampledFrom([]string{"GET", "HEAD", "POST", "PUT", "DELETE", "patch"}).Draw(t, "method")
	s.Init.URL = rapid.SampledFrom([]string{page + "/same", "https://api.example/r", "https://api.example/r?q=1"}).Draw(t, "url")
	s.Init.Credentials = rapid.SampledFrom([]CredentialsMode{CredentialsOmit, CredentialsSameOrigin, CredentialsInclude}).Draw(t, "creds")
	pool := []policy.Header{
		{Name: "Accept", Value: "text/html"}, {Name: "Content-Type", Value: "text/plain"},
		{Name: "Content-Type", Value: "application/json"}, {Name: "X-A", Value: "1"},
		{Name: "Authorization", Value: "Bearer t"}, {Name: "Content-Language", Value: "en"},
	}
	for i, h := range pool {
		if rapid.Bool().Draw(t, "h"+string(rune('0'+i))) {
			s.Init.Header = append(s.Init.Header, h)
		}
	}
	if s.Init.Method != "GET" && s.Init.Method != "HEAD" && rapid.Bool().Draw(t, "body") {
		s.Init.Body = Body{Kind: BodyText, Data: "payload"}
	}
	s.Pre = genAnswer(t, "pre", []int{200, 204, 404, 302})
	s.Act = genAnswer(t, "act", []int{200, 500, 401})
	return s
}

func (s scenario) transport() Transport {
	return TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) {
		a := s.Act
		if r.Preflight {
			a = s.Pre
		}
		return &WireResponse{Status: a.Status, Header: a.Header.Clone()}, nil
	})
}

func recase(l policy.HeaderList, upper bool) policy.HeaderList {
	out := l.Clone()
	for i := range out {
		if upper {
			out[i].Name = strings.ToUpper(out[i].Name)
		} else {
			out[i].Name = strings.ToLower(out[i].Name)
		}
	}
	return out
}

func preflightsOnWire(res *Result) int {
	n := 0
	for _, x := range res.Wire {
		if x.Preflight {
			n++
		}
	}
	return n
}

var corsCheckCodes = map[policy.Code]bool{
	policy.CodeMissingAllowOrigin: true, policy.CodeWildcardOriginWithCredentials: true,
	policy.CodeAllowOriginMismatch: true, policy.CodeAllowCredentialsNotTrue: true,
}

// checkProperties asserts the properties for one fetch of s (the
// ones that need no second fetch).
func checkProperties(t interface{ Fatalf(string, ...any) }, s scenario, req *Request, res *Result) {
	sameOrigin := policy.SameOrigin(policy.OriginOf(req.URL()), req.Client.Origin) && len(res.URLList) == 1
	if sameOrigin && (preflightsOnWire(res) != 0 || res.Err != nil && (corsCheckCodes[res.Err.Code] || res.FailedInPreflight)) {
		t.Fatalf("same-origin request preflighted or blocked: %v", res.Err)
	}
	if !req.UseCORSPreflight && policy.IsCORSSafelistedMethod(req.Method) &&
		len(policy.UnsafeRequestHeaderNames(append(req.Header.Clone(), policy.Header{Name: "Accept", Value: "*/*"}))) == 0 &&
		preflightsOnWire(res) != 0 {
		t.Fatalf("safelisted request preflighted")
	}
	if !sameOrigin && res.Tainting == TaintingCORS && req.Credentials == CredentialsInclude && res.Err == nil && !res.Tainted {
		o, _ := res.Response.Internal.Header.Get(acao)
		c, _ := res.Response.Internal.Header.Get(acac)
		if o != page || c != "true" {
			t.Fatalf("credentialed request allowed with ACAO %q ACAC %q", o, c)
		}
	}
	if res.Err != nil && corsCheckCodes[res.Err.Code] && !res.FailedInPreflight {
		last := res.Wire[len(res.Wire)-1]
		if last.Preflight || !res.ReachedServer || last.Response == nil {
			t.Fatalf("blocked actual request not on the wire: %+v", res.Wire)
		}
	}
	if res.Err != nil && res.FailedInPreflight && (len(res.Wire) == 0 || !res.Wire[len(res.Wire)-1].Preflight) {
		t.Fatalf("failed preflight but the actual request was sent after it")
	}
	if (res.Err == nil) == (res.Response == nil) {
		t.Fatalf("Err %v with Response %v", res.Err, res.Response)
	}
}

var propClient = func() Client {
	o, err := policy.ParseOrigin(page)
	if err != nil {
		panic(err)
	}
	return Client{Origin: o}
}()

// TestFetchProperties: generated requests × server answers (issue 3's
// property list).
func TestFetchProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		c := propClient
		req, err := NewRequest(c, s.Init)
		if err != nil {
			t.Fatalf("NewRequest: %v", err)
		}
		f, clk := newFetcher(Spec, s.transport())
		res := f.Fetch(context.Background(), req)
		checkProperties(t, s, req, res)

		// Within max-age no second preflight; after it, one.
		if res.Err == nil && preflightsOnWire(res) == 1 {
			ma := policy.ParseMaxAge(res.Preflights[0].Response.Header)
			if ma.Kind == policy.MaxAgeValue {
				clk.Advance(time.Duration(ma.Seconds)*time.Second - time.Millisecond)
				again := f.Fetch(context.Background(), req)
				if preflightsOnWire(again) != 0 {
					t.Fatalf("preflight within max-age %ds", ma.Seconds)
				}
				clk.Advance(time.Millisecond)
				again = f.Fetch(context.Background(), req)
				if preflightsOnWire(again) != 1 {
					t.Fatalf("no preflight after max-age %ds", ma.Seconds)
				}
			}
		}

		// Header-name case never changes a verdict.
		upper := rapid.Bool().Draw(t, "upper")
		s2 := s
		s2.Init.Header = recase(s.Init.Header, upper)
		s2.Pre.Header = recase(s.Pre.Header, !upper)
		s2.Act.Header = recase(s.Act.Header, upper)
		req2, err := NewRequest(c, s2.Init)
		if err != nil {
			t.Fatalf("recased NewRequest: %v", err)
		}
		f2, _ := newFetcher(Spec, s2.transport())
		res2 := f2.Fetch(context.Background(), req2)
		if code(res.Err) != code(res2.Err) || preflightsOnWire(res) != preflightsOnWire(res2) || res.ReachedServer != res2.ReachedServer {
			t.Fatalf("case changed the verdict: %v/%d vs %v/%d", res.Err, preflightsOnWire(res), res2.Err, preflightsOnWire(res2))
		}
	})
}
