package har_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim/har"
)

func load(t *testing.T, name string) *har.Log {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "har", name)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := har.Parse(name, src)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return l
}

// summary is a call as one compact line: page (source), init, preflight.
func summary(c *har.Call) string {
	in := c.Init
	var hs []string
	for _, h := range in.Header {
		hs = append(hs, h.Name+"="+h.Value)
	}
	pf := "no preflight"
	if c.Preflight != nil {
		pf = fmt.Sprintf("preflight #%d", c.Preflight.Index)
	}
	body := ""
	if in.Body.Kind != "" {
		body = " body=" + in.Body.Data
	}
	return fmt.Sprintf("#%d %s %s from %s (%s) mode=%s credentials=%s api=%s headers=[%s]%s; %s; recorded %s",
		c.Entry.Index, in.Method, in.URL, c.Page, c.PageFrom, in.Mode, in.Credentials, in.Initiator, strings.Join(hs, " "), body, pf, c.Recorded())
}

func TestTrafficFixtures(t *testing.T) {
	tests := []struct {
		file    string
		creator string
		calls   []string
		skipped []string
	}{
		{
			file:    "chromium.har",
			creator: "WebInspector",
			calls: []string{
				"#3 PUT https://api.example/items/42 from https://app.example (its Origin header) mode=cors credentials=same-origin api=fetch headers=[accept-language=en-US,en;q=0.9 accept=*/* content-type=application/json] body={\"done\":true}; preflight #2; recorded 200",
				"#5 GET https://api.example/me from https://app.example (its Origin header) mode=cors credentials=same-origin api=fetch headers=[accept-language=en-US,en;q=0.9 accept=application/json authorization=Bearer eyJhbGciOi.e30.sig]; preflight #4; recorded 200",
				"#6 DELETE https://api.example/items/7 from https://app.example (its Origin header) mode=cors credentials=same-origin api=fetch headers=[accept-language=en-US,en;q=0.9 accept=*/*]; no preflight; recorded no response (net::ERR_FAILED)",
			},
			skipped: []string{"#0 a navigation (not subject to CORS)", "#1 same-origin (CORS does not apply)", "#7 same-origin (CORS does not apply)"},
		},
		{
			file:    "firefox.har",
			creator: "Firefox",
			calls: []string{
				"#2 POST https://api.example/orders from https://app.example (its Origin header) mode=cors credentials=include api=fetch headers=[Accept-Language=en-US,en;q=0.5 Accept=application/json Content-Type=application/json X-CSRF-Token=abc123] body={\"qty\":2}; preflight #1; recorded 201 Created",
			},
			skipped: []string{"#0 a navigation (not subject to CORS)"},
		},
		{
			file:    "webkit.har",
			creator: "WebKit Web Inspector",
			calls: []string{
				"#1 GET https://api.example/profile from https://app.example (its Origin header) mode=cors credentials=include api=fetch headers=[Accept-Language=en-GB,en;q=0.9 Accept=*/*]; no preflight; recorded 200 OK",
				"#2 PATCH https://api.example/profile from https://app.example (its Origin header) mode=cors credentials=same-origin api=fetch headers=[Accept-Language=en-GB,en;q=0.9 Accept=*/* Content-Type=application/json] body={\"theme\":\"dark\"}; preflight #3; recorded no response (Preflight response is not successful. Status code: 401)",
			},
			skipped: []string{"#0 same-origin (CORS does not apply)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			l := load(t, tt.file)
			if l.Creator != tt.creator {
				t.Errorf("creator %q, want %q", l.Creator, tt.creator)
			}
			calls, skipped := l.Traffic()
			var got, gotSkipped []string
			for _, c := range calls {
				got = append(got, summary(c))
			}
			for _, s := range skipped {
				gotSkipped = append(gotSkipped, fmt.Sprintf("#%d %s", s.Entry.Index, s.Reason))
			}
			if d := cmp.Diff(tt.calls, got); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.skipped, gotSkipped); d != "" {
				t.Errorf("skipped (-want +got):\n%s", d)
			}
		})
	}
}

// TestRealChromium reads the HAR written from the real Chromium's DevTools
// network events (conformance/chromium TestHARFromChromium -write-har):
// the preflight is typed "other" with a preflight initiator, and the
// request CORS blocked has neither a response nor its sent headers, so its
// page origin comes from the Referer.
func TestRealChromium(t *testing.T) {
	calls, skipped := load(t, "chromium-real.har").Traffic()
	var got []string
	for _, c := range calls {
		got = append(got, summary(c))
	}
	want := []string{
		"#2 PUT https://api.test/items/42 from https://app.test (its Origin header) mode=cors credentials=same-origin api=fetch headers=[Accept=*/* Accept-Language=en-US,en;q=0.9 Content-Type=application/json] body={\"done\":true}; preflight #3; recorded 200 OK",
		"#4 GET https://api.test/profile from https://app.test (its Referer header) mode=cors credentials=same-origin api=fetch headers=[]; no preflight; recorded no response (net::ERR_FAILED)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if len(skipped) != 2 {
		t.Errorf("skipped %d entries, want the page and its favicon", len(skipped))
	}
}

func TestPseudoHeadersDropped(t *testing.T) {
	l := load(t, "chromium.har")
	for _, e := range l.Entries {
		for _, h := range append(e.Request.Header.Clone(), e.Response.Header...) {
			if strings.HasPrefix(h.Name, ":") {
				t.Errorf("entry %d keeps pseudo-header %s", e.Index, h.Name)
			}
		}
	}
	if e := l.Entries[3]; e.ResourceType != "fetch" || e.Initiator != "script" {
		t.Errorf("entry 3: _resourceType %q, _initiator %q; want fetch, script", e.ResourceType, e.Initiator)
	}
}

func TestNotes(t *testing.T) {
	calls, _ := load(t, "webkit.har").Traffic()
	if !hasNote(calls[0], "blanked the cookie values") {
		t.Errorf("redacted cookies not noted: %q", calls[0].Notes)
	}
	calls, _ = load(t, "chromium.har").Traffic()
	if d := cmp.Diff([]string{"user-agent", "priority"}, calls[0].Left); d != "" {
		t.Errorf("browser headers left out (-want +got):\n%s", d)
	}
	if !hasNote(calls[0], "no cookies in the HAR") {
		t.Errorf("guessed credentials not noted: %q", calls[0].Notes)
	}
}

func hasNote(c *har.Call, s string) bool {
	for _, n := range c.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func TestServer(t *testing.T) {
	s := load(t, "chromium.har").Server()
	get := func(method, raw string, preflight bool) (*fetch.WireResponse, error) {
		u, _ := url.Parse(raw)
		return s.RoundTrip(context.Background(), &fetch.WireRequest{Method: method, URL: u, Preflight: preflight})
	}
	r, err := get("OPTIONS", "https://api.example/items/42", true)
	if err != nil || r.Status != 204 {
		t.Fatalf("preflight: %v, %v", r, err)
	}
	if v, _ := r.Header.Get("Access-Control-Allow-Methods"); v != "GET, PUT, DELETE" {
		t.Errorf("ACAM %q", v)
	}
	var me *har.MissingError
	_, err = get("OPTIONS", "https://api.example/items/7", true)
	if !errors.As(err, &me) || !me.Preflight || me.Recorded != "" {
		t.Errorf("missing preflight: %v", err)
	}
	_, err = get("DELETE", "https://api.example/items/7", false)
	if !errors.As(err, &me) || me.Recorded != "no response (net::ERR_FAILED)" {
		t.Errorf("failed request: %v", err)
	}
	if want := "the HAR has no response for the request DELETE https://api.example/items/7: the browser recorded no response (net::ERR_FAILED)"; err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", ``, "x.har:1: the JSON ends early (a truncated file?)"},
		{"not object", `[1]`, "x.har:1: the file: want a JSON object with a \"log\" member (is this a HAR file?)"},
		{"no log", `{"foo": 1}`, "x.har:1: no \"log\" object: this is not a HAR file"},
		{"syntax", "{\"log\": {\n\"entries\": [\n{,}]}}", "x.har:3: not valid JSON: invalid character ',' looking for beginning of object key string"},
		{"no entries", `{"log": {"version": "1.2"}}`, "x.har:1: log: no \"entries\" array"},
		{"type", "{\"log\": {\"entries\": [\n{\"request\": {\"method\": 1}}]}}", "x.har:2: log.entries[0].request.method: want string, got a JSON number"},
		{"bad method", "{\"log\": {\"entries\": [\n{\"request\": {\"method\": \"G T\", \"url\": \"https://a.example/\"}}]}}", "x.har:2: log.entries[0].request.method: \"G T\" is not an HTTP method"},
		{"bad url", "{\"log\": {\"entries\": [{},\n {\"request\": {\"method\": \"GET\", \"url\": \"\"}}]}}", "x.har:1: log.entries[0]: no request\nx.har:2: log.entries[1].request.url: \"\" is not a URL"},
		{"status", "{\"log\": {\"entries\": [\n{\"request\": {\"method\": \"GET\", \"url\": \"https://a.example/\"}, \"response\": {\"status\": \"2x\"}}]}}", "x.har:2: log.entries[0].response.status: want int, got a JSON \"2x\""},
		{"base64", "{\"log\": {\"entries\": [\n{\"request\": {\"method\": \"GET\", \"url\": \"https://a.example/\"}, \"response\": {\"status\": 200, \"content\": {\"text\": \"!!\", \"encoding\": \"base64\"}}}]}}", "x.har:2: log.entries[0].response.content.text: encoding is base64 but the text is not: illegal base64 data at input byte 0"},
		{"truncated", "{\"log\": {\"entries\": [\n{\"request\": {", "x.har:2: the JSON ends early (a truncated file?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := har.Parse("x.har", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestParseLenient(t *testing.T) {
	src := `{"log": {"version": "1.2", "entries": [
	  {"request": {"method": "GET", "url": "data:text/plain,hi"}},
	  {"request": {"method": "GET", "url": "https://a.example/x#frag", "bodySize": "0"},
	   "response": {"status": "200", "content": {"text": "aGk=", "encoding": "base64"}}, "_initiator": "script"}]}}`
	l, err := har.Parse("x.har", []byte("\xef\xbb\xbf"+src))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 1 {
		t.Fatalf("%d entries, want 1 (the data: URL is skipped)", len(l.Entries))
	}
	e := l.Entries[0]
	if e.Request.URL != "https://a.example/x" || e.Response.Status != 200 || string(e.Response.Body) != "hi" || e.Initiator != "script" || e.Line != 3 {
		t.Errorf("entry %+v", e)
	}
}

func TestParseTooBig(t *testing.T) {
	_, err := har.Parse("big.har", make([]byte, har.MaxSize+1))
	if err == nil || !strings.Contains(err.Error(), "at most 64 MB") {
		t.Errorf("err %v", err)
	}
}

// TestFirefoxMultipartHeaders: Firefox's exporter appends a multipart
// body's part headers to the request headers; they are not script's and
// must not make the request look preflighted.
func TestFirefoxMultipartHeaders(t *testing.T) {
	src := `{"log": {"version": "1.2", "creator": {"name": "Firefox"}, "entries": [
	  {"request": {"method": "POST", "url": "https://api.example/upload", "headers": [
	    {"name": "Origin", "value": "https://app.example"},
	    {"name": "Content-Type", "value": "multipart/form-data; boundary=----x"},
	    {"name": "Content-Disposition", "value": "form-data; name=\"f\""}],
	   "postData": {"mimeType": "multipart/form-data; boundary=----x", "params": [], "text": "------x--"}},
	   "response": {"status": 200, "content": {"mimeType": "text/plain", "size": -1, "comment": "Response bodies are not included."}}}]}}`
	l, err := har.Parse("ff.har", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	calls, _ := l.Traffic()
	if len(calls) != 1 {
		t.Fatalf("%d calls", len(calls))
	}
	if calls[0].Init.Header.Contains("Content-Disposition") {
		t.Errorf("Content-Disposition kept: %v", calls[0].Init.Header)
	}
	if e := calls[0].Entry; e.Response.HasBody {
		t.Errorf("a body the export did not include was read as present: %q", e.Response.Body)
	}
}

func TestParseStopsAfterTwentyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"log": {"entries": [`)
	for i := 0; i < 30; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(`{"request": {"method": "G T", "url": "https://a.example/"}}`)
	}
	b.WriteString("]}}")
	_, err := har.Parse("x.har", []byte(b.String()))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 21 || lines[19] != `x.har:20: log.entries[19].request.method: "G T" is not an HTTP method` || lines[20] != "x.har:21: more problems follow; fix these first" {
		t.Errorf("%d lines; last two %q", len(lines), lines[len(lines)-2:])
	}
}

// TestPageFromNavigation: Firefox titles a page with the document's title,
// so a request without Origin or Referer takes its page origin from the
// page's navigation entry; without one it is skipped, with its reason.
func TestPageFromNavigation(t *testing.T) {
	src := `{"log": {"pages": [{"id": "page_1", "title": "Dashboard"}, {"id": "page_2", "title": "Other"}], "entries": [
	  {"pageref": "page_1", "request": {"method": "GET", "url": "https://app.example/", "headers": [{"name": "Sec-Fetch-Mode", "value": "navigate"}]}, "response": {"status": 200}},
	  {"pageref": "page_1", "request": {"method": "GET", "url": "https://api.example/a", "headers": []}, "response": {"status": 200}},
	  {"pageref": "page_2", "request": {"method": "GET", "url": "https://api.example/b", "headers": []}, "response": {"status": 200}}]}}`
	l, err := har.Parse("ff.har", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	calls, skipped := l.Traffic()
	if len(calls) != 1 || calls[0].Page.String() != "https://app.example" || calls[0].PageFrom != "the page it belongs to" {
		t.Fatalf("calls %v", calls)
	}
	if len(skipped) != 2 || !strings.HasPrefix(skipped[1].Reason, "no Origin or Referer header and no page") {
		t.Errorf("skipped %+v", skipped)
	}
}
