package fuzz

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// bytes is a reader over fuzz input that yields zeros once exhausted, so
// every input decodes to some script.
type bytes struct {
	b []byte
	i int
}

func (r *bytes) byte() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

// n returns a number in [0, k).
func (r *bytes) n(k int) int { return int(r.byte()) % k }

func pick[T any](r *bytes, list []T) T { return list[r.n(len(list))] }

// The pipeline's world: pages at a few origins, one API origin.
const apiOrigin = "https://api.example"

var (
	clientOrigins = []string{"https://app.example", apiOrigin, "http://app.example", "null", "https://evil.example", "https://sub.api.example", "https://api.example:8443"}
	urlPaths      = []string{"/", "/x", "/x?y=1", "/a/b"}
	methods       = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "patch", "OPTIONS", "CUSTOM", "get"}
	headerNames   = []string{"Content-Type", "Accept", "X-Custom", "Authorization", "Accept-Language", "Range", "DPR", "Width", "Save-Data", "Content-Language", "x-custom"}
	headerValues  = []string{"text/plain", "application/json", "bytes=0-", "bytes=-5", "on", "1.5", "en", "1", "multipart/form-data; boundary=x", "a\"b", strings.Repeat("v", 200), ""}
	statuses      = []int{200, 204, 299, 300, 301, 401, 404, 500, 206}
	acacValues    = []string{"", "true", "True", " true", "false", "true, true"}
	maxAges       = []string{"", "0", "-1", "abc", "10", "100000", "7201", "1.5"}
	steps         = []time.Duration{0, time.Second, 5 * time.Second, 601 * time.Second, 7201 * time.Second, 86401 * time.Second}
)

// answer is how the fuzzed server answers one kind of request.
type answer struct {
	status int
	acao   int // index into the ACAO choices of acaoLines
	acac   string
	acam   int
	acah   int
	maxAge string
}

func decodeAnswer(r *bytes) answer {
	return answer{status: pick(r, statuses), acao: r.n(10), acac: pick(r, acacValues), acam: r.n(7), acah: r.n(8), maxAge: pick(r, maxAges)}
}

// acaoLines turns an ACAO choice into header lines for a request whose
// Origin header is origin ("" when none was sent).
func acaoLines(choice int, origin string) []string {
	switch choice {
	case 1:
		return []string{origin}
	case 2:
		return []string{origin + "/"}
	case 3:
		return []string{strings.ToUpper(origin)}
	case 4:
		return []string{"*"}
	case 5:
		return []string{"null"}
	case 6:
		return []string{origin, origin} // two lines: combined "o, o"
	case 7:
		return []string{" " + origin + "\t"}
	case 8:
		return []string{origin + ", https://other.example"}
	case 9:
		return []string{"https://app.example"}
	}
	return nil
}

// respond builds the server's answer to a wire request.
func (a answer) respond(req *fetch.WireRequest) *fetch.WireResponse {
	h := policy.HeaderList{}
	origin, _ := req.Header.Get("Origin")
	for _, v := range acaoLines(a.acao, origin) {
		h.Append("Access-Control-Allow-Origin", v)
	}
	if a.acac != "" {
		h.Append("Access-Control-Allow-Credentials", a.acac)
	}
	if req.Preflight {
		acrm, _ := req.Header.Get("Access-Control-Request-Method")
		acrh, _ := req.Header.Get("Access-Control-Request-Headers")
		switch a.acam {
		case 1:
			h.Append("Access-Control-Allow-Methods", acrm)
		case 2:
			h.Append("Access-Control-Allow-Methods", strings.ToLower(acrm))
		case 3:
			h.Append("Access-Control-Allow-Methods", "*")
		case 4:
			h.Append("Access-Control-Allow-Methods", "GET, PUT")
		case 5:
			h.Append("Access-Control-Allow-Methods", "PUT;")
		case 6:
			h.Append("Access-Control-Allow-Methods", ",,,"+acrm+",,,")
		}
		switch a.acah {
		case 1:
			h.Append("Access-Control-Allow-Headers", acrh)
		case 2:
			h.Append("Access-Control-Allow-Headers", "*")
		case 3: // rs/cors#184: one line per name, as AWS API Gateway sends them
			for _, n := range strings.Split(acrh, ",") {
				h.Append("Access-Control-Allow-Headers", n)
			}
		case 4: // CVE-2025-47908: comma-heavy
			h.Append("Access-Control-Allow-Headers", strings.Repeat(",", 300)+acrh+strings.Repeat(" ,", 300))
		case 5:
			h.Append("Access-Control-Allow-Headers", "*, authorization")
		case 6:
			h.Append("Access-Control-Allow-Headers", "x-custom")
		case 7:
			h.Append("Access-Control-Allow-Headers", "bad header")
		}
		if a.maxAge != "" {
			h.Append("Access-Control-Max-Age", a.maxAge)
		}
	}
	return &fetch.WireResponse{Status: a.status, Header: h, Body: []byte("body")}
}

// step is one fetch of the script.
type step struct {
	client  string
	init    fetch.RequestInit
	pre     answer
	act     answer
	advance time.Duration
}

func decodeScript(data []byte) []step {
	r := &bytes{b: data}
	var out []step
	for n := 1 + r.n(4); n > 0; n-- {
		s := step{client: pick(r, clientOrigins)}
		s.init = fetch.RequestInit{
			Method:      pick(r, methods),
			URL:         apiOrigin + pick(r, urlPaths),
			Credentials: pick(r, []fetch.CredentialsMode{fetch.CredentialsOmit, fetch.CredentialsSameOrigin, fetch.CredentialsInclude}),
			Mode:        fetch.ModeCORS,
		}
		for k := r.n(4); k > 0; k-- {
			s.init.Header = append(s.init.Header, policy.Header{Name: pick(r, headerNames), Value: pick(r, headerValues)})
		}
		if r.n(4) == 0 && s.init.Method != "GET" && s.init.Method != "HEAD" {
			s.init.Body = fetch.Body{Kind: fetch.BodyText, Data: "x"}
		}
		s.pre, s.act = decodeAnswer(r), decodeAnswer(r)
		s.advance = pick(r, steps)
		out = append(out, s)
	}
	return out
}

func clientOf(s string) fetch.Client {
	if s == "null" {
		return fetch.Client{Origin: policy.OpaqueOrigin("sandbox")}
	}
	o, err := policy.ParseOrigin(s)
	if err != nil {
		panic("bad fixture origin " + s)
	}
	return fetch.Client{Origin: o}
}

// read reports whether script can read the response.
func read(res *fetch.Result) bool { return res.Err == nil && res.Response != nil }

// mayDiffer is the documented-differences predicate: whether a browser
// profile p may reach another verdict than the spec for this request on a
// fresh cache. Only two Profile fields change a first fetch's verdict
// (the others change the error reported, or the cache, which a fresh
// fetcher does not have):
//   - Safelist: an extended safelist (Chromium's client hints) can make a
//     request simple that the spec preflights, so the preflight's answer
//     no longer matters;
//   - WildcardCoversAuthorization: "Access-Control-Allow-Headers: *" lets
//     an Authorization header through (Chromium 156 as shipped, Firefox,
//     WebKit; browsers.md §4).
func mayDiffer(p fetch.Profile, req *fetch.Request) bool {
	if !slices.Equal(p.Safelist.UnsafeNames(req.Header), policy.UnsafeRequestHeaderNames(req.Header)) {
		return true
	}
	return p.WildcardCoversAuthorization && req.Header.Contains("Authorization")
}

// checkInvariants asserts the properties every fetch keeps, whatever the
// server says and whatever is in the cache.
func checkInvariants(t *testing.T, name string, req *fetch.Request, res *fetch.Result) {
	t.Helper()
	origin := req.Client.Origin
	url := req.URLList[0]
	creds := req.Credentials == fetch.CredentialsInclude
	serialized := origin.String()
	// 1. Same-origin requests never meet CORS.
	if policy.SameOrigin(origin, policy.OriginOf(url)) {
		if !read(res) || res.Tainting != fetch.TaintingBasic || len(res.Preflights) > 0 {
			t.Fatalf("%s: same-origin request %s %s blocked or preflighted: err %v, tainting %s, preflights %d",
				name, req.Method, url, res.Err, res.Tainting, len(res.Preflights))
		}
		return
	}
	// 2. A CORS-safelisted request (spec safelist) is never preflighted.
	if policy.IsCORSSafelistedMethod(req.Method) && len(policy.UnsafeRequestHeaderNames(req.Header)) == 0 && !req.UseCORSPreflight {
		for _, p := range res.Preflights {
			if p.Sent || p.FromCache {
				t.Fatalf("%s: safelisted %s request with headers %v took the preflight branch", name, req.Method, req.Header)
			}
		}
	}
	// 3. A credentialed read needs ACAO byte-equal to the origin and ACAC
	// exactly "true", on the actual response and on any preflight.
	trim := func(s string) string { return strings.Trim(s, " \t\r\n") }
	checkCreds := func(what string, h policy.HeaderList) {
		acao, _ := h.Get("Access-Control-Allow-Origin")
		acac, _ := h.Get("Access-Control-Allow-Credentials")
		if trim(acao) != serialized || trim(acac) != "true" {
			t.Fatalf("%s: credentialed read from %s allowed with %s ACAO %q, ACAC %q", name, serialized, what, acao, acac)
		}
	}
	if read(res) && res.Tainting == fetch.TaintingCORS && creds {
		checkCreds("actual", res.Response.Internal.Header)
		for _, p := range res.Preflights {
			if p.Sent && p.Response != nil {
				checkCreds("preflight", p.Response.Header)
			}
		}
	}
	// 4. A read never happens without a matching ACAO (or "*" uncredentialed).
	if read(res) && res.Tainting == fetch.TaintingCORS {
		acao, _ := res.Response.Internal.Header.Get("Access-Control-Allow-Origin")
		if a := trim(acao); a != serialized && (a != "*" || creds) {
			t.Fatalf("%s: CORS read from %s with ACAO %q (credentials %v)", name, serialized, acao, creds)
		}
	}
}

// FuzzPipeline runs a fuzzed script — up to four requests, each with a
// fuzzed server answer for the preflight and the actual request, with
// fuzzed clock steps between them — through the four browser profiles,
// each with its own preflight cache and virtual clock, and checks:
//   - no panic;
//   - a credentialed request is read only when ACAO equals the origin byte
//     for byte and ACAC is "true" (actual response and preflight);
//   - same-origin requests are never blocked by CORS nor preflighted;
//   - a CORS-safelisted request is never preflighted;
//   - on a fresh cache the four profiles agree on the verdict and on
//     whether a preflight was sent, except where mayDiffer says a
//     documented difference applies.
func FuzzPipeline(f *testing.F) {
	for _, s := range pipelineSeedsFrom(f) {
		f.Add(s)
	}
	profiles := browser.Profiles()
	f.Fuzz(func(t *testing.T, data []byte) {
		script := decodeScript(data)
		var cur *step
		tr := fetch.TransportFunc(func(_ context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
			if req.Preflight {
				return cur.pre.respond(req), nil
			}
			return cur.act.respond(req), nil
		})
		clocks := make([]*fetch.VirtualClock, len(profiles))
		cached := make([]*fetch.Fetcher, len(profiles))
		fresh := make([]*fetch.Fetcher, len(profiles))
		for i, p := range profiles {
			clocks[i] = fetch.NewVirtualClock(browser.Epoch)
			cached[i] = &fetch.Fetcher{Profile: p, Cache: fetch.NewPreflightCache(p, 1), Clock: clocks[i], Transport: tr}
			fresh[i] = &fetch.Fetcher{Profile: p, Clock: clocks[i], Transport: tr}
		}
		for k := range script {
			cur = &script[k]
			req, err := fetch.NewRequest(clientOf(cur.client), cur.init)
			if err != nil {
				if _, ok := err.(*policy.Failure); !ok {
					t.Fatalf("NewRequest error %T: %v", err, err)
				}
				continue
			}
			var specRead, specPre bool
			for i, p := range profiles {
				res := cached[i].Fetch(context.Background(), req)
				checkInvariants(t, p.Name+" (cached)", req, res)
				fr := fresh[i].Fetch(context.Background(), req)
				checkInvariants(t, p.Name, req, fr)
				pre := len(fr.Preflights) > 0 && fr.Preflights[0].Sent
				if i == 0 {
					specRead, specPre = read(fr), pre
					continue
				}
				if (read(fr) != specRead || pre != specPre) && !mayDiffer(p, req) {
					t.Fatalf("step %d: %s disagrees with spec outside the documented differences: read %v (spec %v), preflight %v (spec %v); request %s %s from %s headers %v; err %v",
						k, p.Name, read(fr), specRead, pre, specPre, req.Method, req.URLList[0], cur.client, req.Header, fr.Err)
				}
			}
			for i := range clocks {
				clocks[i].Advance(cur.advance)
			}
		}
	})
}
