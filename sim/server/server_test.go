package server

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/fetch"
)

// req builds a WireRequest; hdr alternates names and values.
func req(method, rawURL string, hdr ...string) *fetch.WireRequest {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	r := &fetch.WireRequest{Method: method, URL: u}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Append(hdr[i], hdr[i+1])
	}
	r.Preflight = method == "OPTIONS" && r.Header.Contains("Access-Control-Request-Method")
	return r
}

func mustConfig(t testing.TB, src string) *Config {
	t.Helper()
	c, err := ParseConfig("test.cfg", []byte(src))
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	return c
}

// roundTrip sends r to the compiled server directly and through
// FromHandler, checks that both agree, and returns the response.
func roundTrip(t *testing.T, c *Config, r *fetch.WireRequest) *fetch.WireResponse {
	t.Helper()
	s := c.Server()
	direct, err := s.RoundTrip(context.Background(), r)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	viaHandler, err := FromHandler(c.Handler()).RoundTrip(context.Background(), r)
	if err != nil {
		t.Fatalf("FromHandler RoundTrip: %v", err)
	}
	if d := cmp.Diff(viaHandler, direct); d != "" {
		t.Errorf("Server.RoundTrip and FromHandler(Server) differ (-handler +direct):\n%s", d)
	}
	return direct
}

// hdr renders the lines of the named headers as "Name: value" lines, or
// "-" for absent ones, for compact comparisons.
func hdr(resp *fetch.WireResponse, names ...string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString("|")
		}
		v, ok := resp.Header.Get(n)
		if !ok {
			v = "-"
		}
		b.WriteString(v)
	}
	return b.String()
}

const baseCfg = `
origins https://app.example https://*.app.example
methods GET POST PUT
headers Content-Type X-Token
expose X-Request-Id
max-age 600
route /items GET POST PUT
route /items/{id} GET DELETE
route /files/{path...} GET
`

const (
	acao = "Access-Control-Allow-Origin"
	acac = "Access-Control-Allow-Credentials"
	acam = "Access-Control-Allow-Methods"
	acah = "Access-Control-Allow-Headers"
	aceh = "Access-Control-Expose-Headers"
	acma = "Access-Control-Max-Age"
)

func TestCorrectServer(t *testing.T) {
	pre := func(origin, method, headers string) *fetch.WireRequest {
		h := []string{"Origin", origin, "Access-Control-Request-Method", method}
		if headers != "" {
			h = append(h, "Access-Control-Request-Headers", headers)
		}
		return req("OPTIONS", "https://api.example/items", h...)
	}
	tests := []struct {
		name   string
		extra  string // appended to baseCfg
		req    *fetch.WireRequest
		status int
		names  []string
		want   string
	}{
		{"allowed origin reflected with Vary", "", req("GET", "https://api.example/items", "Origin", "https://app.example"),
			200, []string{acao, acac, aceh, "Vary"}, "https://app.example|-|X-Request-Id|Origin"},
		{"credentials add ACAC", "credentials true", req("GET", "https://api.example/items", "Origin", "https://app.example"),
			200, []string{acao, acac}, "https://app.example|true"},
		{"disallowed origin gets no CORS headers but Vary", "", req("GET", "https://api.example/items", "Origin", "https://evil.test"),
			200, []string{acao, acac, aceh, "Vary"}, "-|-|-|Origin"},
		{"no Origin still Vary", "", req("GET", "https://api.example/items"),
			200, []string{acao, "Vary"}, "-|Origin"},
		{"subdomain pattern", "", req("GET", "https://api.example/items", "Origin", "https://a.b.app.example"),
			200, []string{acao}, "https://a.b.app.example"},
		{"subdomain pattern needs a label", "", req("GET", "https://api.example/items", "Origin", "https://.app.example"),
			200, []string{acao}, "-"},
		{"subdomain pattern keeps scheme", "", req("GET", "https://api.example/items", "Origin", "http://a.app.example"),
			200, []string{acao}, "-"},
		{"suffix without dot is not a subdomain", "", req("GET", "https://api.example/items", "Origin", "https://evilapp.example"),
			200, []string{acao}, "-"},
		{"prefix is not a match", "", req("GET", "https://api.example/items", "Origin", "https://app.example.evil.test"),
			200, []string{acao}, "-"},
		{"http twin is not a match", "", req("GET", "https://api.example/items", "Origin", "http://app.example"),
			200, []string{acao}, "-"},
		{"null is not trusted", "", req("GET", "https://api.example/items", "Origin", "null"),
			200, []string{acao}, "-"},
		{"null listed", "origins null", req("GET", "https://api.example/items", "Origin", "null"),
			200, []string{acao}, "null"},
		{"preflight", "", pre("https://app.example", "PUT", "x-token"),
			204, []string{acao, acac, acam, acah, acma, "Vary"},
			"https://app.example|-|GET, POST, PUT|Content-Type, X-Token|600|Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
		{"preflight status", "preflight-status 200", pre("https://app.example", "PUT", ""),
			200, []string{acao}, "https://app.example"},
		{"preflight from disallowed origin", "", pre("https://evil.test", "PUT", "x-token"),
			204, []string{acao, acam, acah, acma, "Vary"}, "-|-|-|-|Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
		{"preflight does not echo", "", pre("https://app.example", "DELETE", "x-evil"),
			204, []string{acam, acah}, "GET, POST, PUT|Content-Type, X-Token"},
		{"preflight has no ACEH", "", pre("https://app.example", "PUT", ""),
			204, []string{aceh}, "-"},
		{"OPTIONS without ACRM is not a preflight", "", req("OPTIONS", "https://api.example/items", "Origin", "https://app.example"),
			204, []string{"Allow", acao, acam}, "GET, HEAD, POST, PUT, OPTIONS|https://app.example|-"},
		{"max-age raw", "max-age abc\n", pre("https://app.example", "PUT", ""), 0, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := baseCfg + tt.extra
			if tt.name == "max-age raw" {
				src = strings.Replace(baseCfg, "max-age 600", "max-age -1", 1)
				resp := roundTrip(t, mustConfig(t, src), tt.req)
				if got := hdr(resp, acma); got != "-1" {
					t.Errorf("max-age = %q, want -1", got)
				}
				return
			}
			resp := roundTrip(t, mustConfig(t, src), tt.req)
			if resp.Status != tt.status {
				t.Errorf("status = %d, want %d", resp.Status, tt.status)
			}
			if got := hdr(resp, tt.names...); got != tt.want {
				t.Errorf("headers %v:\n got %s\nwant %s", tt.names, got, tt.want)
			}
		})
	}
}

func TestWildcards(t *testing.T) {
	pre := req("OPTIONS", "https://api.example/x", "Origin", "https://a.test",
		"Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "authorization,x-a")
	get := req("GET", "https://api.example/x", "Origin", "https://a.test")
	tests := []struct {
		cfg       string
		r         *fetch.WireRequest
		names     []string
		want      string
		wantError bool
	}{
		{"origins *\nmethods *\nheaders *", pre, []string{acao, acac, acam, acah}, "*|-|*|*", false},
		{"origins *", get, []string{acao, "Vary"}, "*|-", false},
		{"origins https://a.test\ncredentials true\nmethods *\nheaders *", pre, []string{acao, acac, acam, acah},
			"https://a.test|true|PATCH|authorization,x-a", false},
		{"origins https://a.test\ncredentials true\nheaders *",
			req("OPTIONS", "https://api.example/x", "Origin", "https://a.test", "Access-Control-Request-Method", "PUT"),
			[]string{acah}, "-", false},
		{"origins *\ncredentials true", get, nil, "", true},
	}
	for _, tt := range tests {
		c, err := ParseConfig("w.cfg", []byte(tt.cfg))
		if tt.wantError {
			if err == nil || !strings.Contains(err.Error(), "w.cfg:1: ") {
				t.Errorf("%q: err = %v, want a w.cfg:1 error", tt.cfg, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		resp := roundTrip(t, c, tt.r)
		if got := hdr(resp, tt.names...); got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.cfg, got, tt.want)
		}
	}
}

// TestMistakes checks that every mistake is observable: the same request
// gets a different answer with and without it.
func TestMistakes(t *testing.T) {
	const base = "origins https://app.example\ncredentials true\nmethods PUT\nheaders X-Token\n"
	pre := func(origin string) *fetch.WireRequest {
		return req("OPTIONS", "https://api.example/items", "Origin", origin,
			"Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "x-evil")
	}
	get := func(origin string) *fetch.WireRequest {
		return req("GET", "https://api.example/items", "Origin", origin)
	}
	tests := []struct {
		m       Mistake
		r       *fetch.WireRequest
		names   []string
		without string
		with    string
	}{
		{MistakeReflectOrigin, get("https://evil.test"), []string{acao, acac}, "-|-", "https://evil.test|true"},
		{MistakeWildcardWithCredentials, get("https://evil.test"), []string{acao, acac, "Vary"}, "-|-|Origin", "*|true|-"},
		{MistakeNoVary, get("https://app.example"), []string{acao, "Vary"}, "https://app.example|Origin", "https://app.example|-"},
		{MistakePreflight401, pre("https://app.example"), []string{"status", acao, "Www-Authenticate"}, "204|https://app.example|-", `401|-|Bearer realm="api"`},
		{MistakePreflight404, pre("https://app.example"), []string{"status", acao}, "204|https://app.example", "404|-"},
		{MistakePreflight404, req("DELETE", "https://api.example/items"), []string{"status", "Allow"}, "405|GET, HEAD, OPTIONS", "405|GET, HEAD"},
		{MistakeSuffixMatch, get("https://evilapp.example"), []string{acao}, "-", "https://evilapp.example"},
		{MistakePrefixMatch, get("https://app.example.evil.test"), []string{acao}, "-", "https://app.example.evil.test"},
		{MistakeTrustNull, get("null"), []string{acao, acac}, "-|-", "null|true"},
		{MistakeHTTPSTrustHTTP, get("http://app.example"), []string{acao}, "-", "http://app.example"},
		{MistakeReflectRequestHeaders, pre("https://app.example"), []string{acah}, "X-Token", "x-evil"},
		{MistakeReflectRequestMethod, pre("https://app.example"), []string{acam}, "PUT", "DELETE"},
		{MistakeUnescapedDot, get("https://appxexample"), []string{acao}, "-", "https://appxexample"},
		{MistakeAnySubdomain, get("https://evil.app.example"), []string{acao}, "-", "https://evil.app.example"},
		{MistakeSubstringMatch, get("https://pp.example"), []string{acao}, "-", "https://pp.example"},
		{MistakeSubstringMatch, get("https://app.exampl"), []string{acao}, "-", "https://app.exampl"},
		{MistakeSubstringMatch, get("https://evilapp.example"), []string{acao}, "-", "-"},
	}
	covered := map[Mistake]bool{}
	for _, tt := range tests {
		covered[tt.m] = true
		t.Run(string(tt.m), func(t *testing.T) {
			cfg := base
			if tt.m == MistakeWildcardWithCredentials {
				cfg = "origins https://app.example\n"
			}
			if tt.m == MistakePreflight404 {
				cfg += "route /items GET\n"
			}
			for i, src := range []string{cfg, cfg + "mistake " + string(tt.m) + "\n"} {
				resp := roundTrip(t, mustConfig(t, src), tt.r)
				got := hdr(resp, tt.names...)
				if tt.names[0] == "status" { // pseudo-name: the status code
					got = itoa(resp.Status) + "|" + hdr(resp, tt.names[1:]...)
				}
				want := []string{tt.without, tt.with}[i]
				if got != want {
					t.Errorf("mistake on=%v: got %s, want %s", i == 1, got, want)
				}
			}
		})
	}
	for _, m := range Mistakes() {
		if !covered[m] {
			t.Errorf("mistake %s has no test", m)
		}
		if m.Describe() == "" {
			t.Errorf("mistake %s has no description", m)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRFC9110(t *testing.T) {
	c := mustConfig(t, baseCfg+"route /admin PURGE\n")
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/items", 200, "-"},
		{"HEAD", "/items", 200, "-"},
		{"OPTIONS", "/items", 204, "GET, HEAD, POST, PUT, OPTIONS"}, // §9.3.7
		{"DELETE", "/items", 405, "GET, HEAD, POST, PUT, OPTIONS"},  // §15.5.6
		{"PATCH", "/items", 405, "GET, HEAD, POST, PUT, OPTIONS"},   // implemented elsewhere: 405, not 501
		{"PURGE", "/items", 405, "GET, HEAD, POST, PUT, OPTIONS"},   // implemented by /admin
		{"PURGE", "/admin", 200, "-"},                               //
		{"FOO", "/items", 501, "-"},                                 // §15.6.2
		{"patch", "/items", 501, "-"},                               // methods are case-sensitive (§9.1)
		{"GET", "/nope", 404, "-"},                                  //
		{"FOO", "/nope", 501, "-"},                                  // 501 is about the method, whatever the path
		{"DELETE", "/items/7", 200, "-"},                            //
		{"OPTIONS", "/items/7", 204, "GET, HEAD, DELETE, OPTIONS"},  //
		{"PUT", "/items/7", 405, "GET, HEAD, DELETE, OPTIONS"},      //
		{"GET", "/items/", 404, "-"},                                // {id} needs a segment
		{"GET", "/items/7/x", 404, "-"},                             //
		{"GET", "/files", 200, "-"},                                 // {path...} takes any rest
		{"GET", "/files/a/b/c", 200, "-"},                           //
		{"GET", "/items?x=1", 200, "-"},                             //
	}
	for _, tt := range tests {
		r := req(tt.method, "https://api.example"+tt.path)
		resp := roundTrip(t, c, r)
		allow := hdr(resp, "Allow")
		if resp.Status != tt.status || allow != tt.allow {
			t.Errorf("%s %s: %d Allow %q, want %d Allow %q", tt.method, tt.path, resp.Status, allow, tt.status, tt.allow)
		}
	}
}

func TestNoRoutes(t *testing.T) {
	c := mustConfig(t, "origins https://app.example\nmethods PURGE\n")
	for _, tt := range []struct {
		method string
		status int
	}{{"GET", 200}, {"DELETE", 200}, {"PURGE", 200}, {"OPTIONS", 204}, {"BREW", 501}} {
		resp := roundTrip(t, c, req(tt.method, "https://api.example/any/path"))
		if resp.Status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.method, resp.Status, tt.status)
		}
	}
	resp := roundTrip(t, c, req("OPTIONS", "https://api.example/"))
	if got := hdr(resp, "Allow"); got != "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, PURGE" {
		t.Errorf("Allow = %q", got)
	}
}

func TestBodiesAndDefaults(t *testing.T) {
	c := mustConfig(t, baseCfg+"response-header Cache-Control: no-store\n")
	get := roundTrip(t, c, req("GET", "https://api.example/items/42"))
	if got, want := string(get.Body), `{"method":"GET","path":"/items/42"}`+"\n"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	if got := hdr(get, "Content-Type", "Content-Length", "Cache-Control"); got != "application/json|"+itoa(len(get.Body))+"|no-store" {
		t.Errorf("headers = %s", got)
	}
	head := roundTrip(t, c, req("HEAD", "https://api.example/items/42"))
	if len(head.Body) != 0 || hdr(head, "Content-Length") != hdr(get, "Content-Length") {
		t.Errorf("HEAD: body %q, Content-Length %s (GET has %s)", head.Body, hdr(head, "Content-Length"), hdr(get, "Content-Length"))
	}
	pre := roundTrip(t, c, req("OPTIONS", "https://api.example/items", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT"))
	if pre.Header.Contains("Cache-Control") || pre.Header.Contains("Content-Length") || len(pre.Body) != 0 {
		t.Errorf("preflight: %v %q", pre.Header, pre.Body)
	}
	// Lines are sorted by name.
	for i := 1; i < len(get.Header); i++ {
		if get.Header[i-1].Name > get.Header[i].Name {
			t.Errorf("header lines not sorted: %v", get.Header)
		}
	}
}

// TestServerSnapshot: changing a Config after Handler does not change the
// server.
func TestServerSnapshot(t *testing.T) {
	c := mustConfig(t, "origins https://app.example\n")
	s := c.Server()
	c.Origins[0] = "https://other.example"
	resp, _ := s.RoundTrip(context.Background(), req("GET", "https://api.example/", "Origin", "https://app.example"))
	if hdr(resp, acao) != "https://app.example" {
		t.Errorf("server changed with its config: %v", resp.Header)
	}
	if got := s.Config().Origins; !cmp.Equal(got, []string{"https://app.example"}) {
		t.Errorf("Config() = %v", got)
	}
}

func TestOriginHeaderSplitAcrossLines(t *testing.T) {
	c := mustConfig(t, "origins https://app.example\nmistake reflect-origin\n")
	r := req("GET", "https://api.example/", "Origin", "https://a.test", "Origin", "https://b.test")
	resp := roundTrip(t, c, r)
	if got := hdr(resp, acao); got != "https://a.test, https://b.test" {
		t.Errorf("ACAO = %q", got)
	}
}

// TestInvalidWildcardCredentials: a programmatic Config with origins "*"
// and credentials is invalid; its server never pairs "*" with ACAC.
func TestInvalidWildcardCredentials(t *testing.T) {
	c := &Config{Origins: []string{"*"}, Credentials: true}
	if c.Validate() == nil {
		t.Error("Validate accepted origins * with credentials")
	}
	resp := roundTrip(t, c, req("GET", "https://api.example/", "Origin", "https://a.test"))
	if got := hdr(resp, acao, acac); got != "*|-" {
		t.Errorf("got %s, want *|-", got)
	}
}

// RoundTrip's answer depends on the method, the path and the headers
// RequestHeadersRead names only: other request headers, any values, give
// the same answer (what the auditor relies on to judge one answer under
// profiles that differ in them).
func TestRequestHeadersRead(t *testing.T) {
	s := mustConfig(t, "origins https://app.example\nmethods PUT\nheaders X-Token\ncredentials true\nexpose X-Id\n").Server()
	var _ fetch.HeaderReader = s
	others := []string{"Sec-Fetch-Mode", "cors", "Sec-Fetch-Site", "cross-site", "Referer", "https://app.example/",
		"Cookie", "sid=1", "Accept-Language", "en", "Accept", "*/*", "Content-Type", "application/json", "User-Agent", "x"}
	for _, base := range [][]string{
		{"GET", "https://api.example/x", "Origin", "https://app.example"},
		{"GET", "https://api.example/x", "Origin", "https://evil.example"},
		{"OPTIONS", "https://api.example/x", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-token"},
		{"OPTIONS", "https://api.example/x"},
		{"PUT", "https://api.example/x", "Origin", "https://app.example"},
	} {
		plain, err := s.RoundTrip(context.Background(), req(base[0], base[1], base[2:]...))
		if err != nil {
			t.Fatal(err)
		}
		more, err := s.RoundTrip(context.Background(), req(base[0], base[1], append(slices.Clone(base[2:]), others...)...))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(plain, more); d != "" {
			t.Errorf("%v: headers outside RequestHeadersRead changed the answer (-without +with):\n%s", base, d)
		}
	}
	for _, n := range s.RequestHeadersRead() {
		if !slices.Contains(headersRead, n) {
			t.Errorf("RequestHeadersRead names %s, which respond is not given", n)
		}
	}
}
