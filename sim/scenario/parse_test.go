package scenario

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

const good = `# Teaches something.
# spec: https://fetch.spec.whatwg.org/#cors-check
browsers chromium webkit
page https://app.example in https://top.example
server https://api.example config api.conf
server https://other.example canned other
server https://go.example handler echo
fetch PUT https://api.example/x -H 'X-A: 1' -H 'Content-Type: text/plain' -d 'a b' --credentials include
[chromium] expect header 'X-A' '1 2' # trailing comment
[!webkit] ! fetch https://other.example/ --mode no-cors
[chromium,webkit] ? fetch https://go.example/ --xhr --upload-listeners
advance 1500ms
expect requests 'OPTIONS /x' 'PUT https://api.example/x'
expect request 1 header X-Y ''
conformance skip 'waits too long'
conformance skip firefox 'no such thing'
-- api.conf --
origins https://app.example
-- other/GET / --
HTTP/1.1 200 OK

`

func TestParseGood(t *testing.T) {
	sc, err := Parse("good.txtar", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Title != "Teaches something." || sc.Spec != "https://fetch.spec.whatwg.org/#cors-check" {
		t.Errorf("title %q spec %q", sc.Title, sc.Spec)
	}
	if diff := cmp.Diff([]string{"chromium", "webkit"}, sc.Browsers); diff != "" {
		t.Error(diff)
	}
	if sc.Skip != "waits too long" || sc.SkipFor["firefox"] != "no such thing" {
		t.Errorf("skip %q, skip for %v", sc.Skip, sc.SkipFor)
	}
	if got := sc.SkipReason("webkit"); got != "waits too long" {
		t.Errorf("SkipReason(webkit) = %q", got)
	}
	var names []string
	for _, c := range sc.Commands {
		names = append(names, c.Name)
	}
	want := []string{"browsers", "page", "server", "server", "server", "fetch", "expect", "fetch", "fetch", "advance", "expect", "expect", "conformance", "conformance"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("commands (-want +got):\n%s", diff)
	}
	pg := sc.Commands[1].Page
	if pg.Origin.String() != "https://app.example" || pg.Top.String() != "https://top.example" {
		t.Errorf("page %v in %v", pg.Origin, pg.Top)
	}
	if sc.Commands[2].Server.Transport == nil || sc.Commands[2].Server.Config == nil {
		t.Error("config server not compiled")
	}
	if sc.Commands[3].Server.Transport == nil {
		t.Error("canned server not compiled")
	}
	if s := sc.Commands[4].Server; s.Kind != ServerHandler || s.Source != "echo" || s.Transport != nil {
		t.Errorf("handler server %+v", s)
	}
	f := sc.Commands[5].Fetch.Init
	wantInit := fetch.RequestInit{Method: "PUT", URL: "https://api.example/x",
		Header:      policy.HeaderList{{Name: "X-A", Value: "1"}, {Name: "Content-Type", Value: "text/plain"}},
		Body:        fetch.Body{Kind: fetch.BodyText, Data: "a b"},
		Credentials: fetch.CredentialsInclude}
	if diff := cmp.Diff(wantInit, f); diff != "" {
		t.Errorf("fetch init (-want +got):\n%s", diff)
	}
	e := sc.Commands[6]
	if !e.Applies("chromium") || e.Applies("webkit") || e.Expect.What != "header" || e.Expect.Args[1] != "1 2" {
		t.Errorf("conditional expect: %+v %+v", e, e.Expect)
	}
	neg := sc.Commands[7]
	if neg.Must != MustFail || neg.Applies("webkit") || !neg.Applies("firefox") || neg.Fetch.Init.Mode != fetch.ModeNoCORS {
		t.Errorf("negated fetch: %+v", neg)
	}
	may := sc.Commands[8]
	if may.Must != MayFail || !may.Applies("webkit") || may.Applies("spec") || may.Fetch.Init.Initiator != fetch.InitiatorXHR || !may.Fetch.Init.UploadListeners {
		t.Errorf("xhr fetch: %+v", may)
	}
	if sc.Commands[9].Advance.Milliseconds() != 1500 {
		t.Errorf("advance %v", sc.Commands[9].Advance)
	}
	if r := sc.Commands[11].Expect; r.N != 1 || r.Args[3] != "" {
		t.Errorf("request expect %+v", r)
	}
}

func TestParseCookie(t *testing.T) {
	sc, err := Parse("x.txtar", []byte("cookie https://api.example/ 'sid=1; SameSite=None; Secure'\npage https://app.example\nfetch https://api.example/\nexpect cookie withheld sid cookie-third-party-blocked"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Cookie{URL: "https://api.example/", Line: "sid=1; SameSite=None; Secure"}, sc.Commands[0].Cookie); diff != "" {
		t.Error(diff)
	}
	if e := sc.Commands[3].Expect; e.What != "cookie" || len(e.Args) != 3 {
		t.Errorf("expect = %+v", e)
	}
}

func TestParseDefaults(t *testing.T) {
	sc, err := Parse("d", []byte("page https://a.example\nfetch https://b.example/ -d x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{DefaultProfile}, sc.Browsers); diff != "" {
		t.Error(diff)
	}
	if in := sc.Commands[1].Fetch.Init; in.Method != "POST" || in.Body.Kind != fetch.BodyText {
		t.Errorf("-d should imply POST and a text body: %+v", in)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"frobnicate", "x.txtar:1: frobnicate: unknown command"},
		{"page https://a.example/", `x.txtar:1: page: "https://a.example/" is not a serialized origin`},
		{"page https://a.example from https://a.example/x", "x.txtar:1: page: from gives a sandboxed page's URL"},
		{"page null from ftp://a.example/", `x.txtar:1: page: from "ftp://a.example/": want an absolute http or https URL`},
		{"page null from", "x.txtar:1: page: usage: page ORIGIN"},
		{"page null over https://a.example/", "x.txtar:1: page: usage: page ORIGIN"},
		{"page https://a.example\nfetch", "x.txtar:2: fetch: usage: fetch [METHOD] URL [flags]"},
		{"fetch https://a.example/", "x.txtar:1: fetch: no page yet"},
		{"page https://a.example\nexpect status 200", "x.txtar:2: expect: no fetch yet"},
		{"page https://a.example\nfetch https://b.example/ --mode cros", `x.txtar:2: fetch: --mode "cros": want one of cors, no-cors, same-origin, navigate`},
		{"page https://a.example\nfetch https://b.example/ -H 'nocolon'", `x.txtar:2: fetch: -H "nocolon": want 'Name: value'`},
		{"page https://a.example\nfetch https://b.example/ -H", "x.txtar:2: fetch: flag -H needs a value"},
		{"page https://a.example\nfetch https://b.example/ --xhr --mode cors", "x.txtar:2: fetch: --mode, --redirect and --cache are fetch() options"},
		{"page https://a.example\nfetch https://b.example/\nexpect outcome maybe", `x.txtar:3: expect: "maybe": want allowed|blocked|network-error|opaque`},
		{"page https://a.example\nfetch https://b.example/\nexpect preflight none method", "x.txtar:3: expect: a reason makes no sense with none"},
		{"page https://a.example\nfetch https://b.example/\nexpect request 0 origin x", `x.txtar:3: expect: "0" is not a request number`},
		{"page https://a.example\nfetch https://b.example/\nexpect requests 'GET'", `x.txtar:3: expect: "GET": want 'METHOD /path' or 'METHOD URL'`},
		{"page https://a.example\nfetch https://b.example/\nexpect colour red", `x.txtar:3: expect: unknown check "colour"`},
		{"[chrome] page https://a.example", `x.txtar:1: condition "[chrome]": unknown profile "chrome"`},
		{"page https://a.example\n! advance 1s", "x.txtar:2: advance: a ! or ? prefix applies only to fetch"},
		{"advance soon", `x.txtar:1: advance: "soon" is not a duration`},
		{"page 'https://a.example", "x.txtar:1: unterminated quote at column 6"},
		{"page https://a.example\nbrowsers chromium", "x.txtar:2: browsers: must come before page"},
		{"browsers chromium chromium", `x.txtar:1: browsers: profile "chromium" listed twice`},
		{"browsers netscape", `x.txtar:1: browsers: unknown profile "netscape"`},
		{"server https://a.example config missing.conf", `x.txtar:1: server: no file "missing.conf" in the archive`},
		{"server https://a.example config c\n-- c --\norigins https://b.example\nbogus x", "x.txtar:4: "},
		{"conformance skip a b", `x.txtar:1: conformance: unknown engine "a" (want one of chromium, firefox, webkit)`},
		{"conformance skip a b c", "x.txtar:1: conformance: usage: conformance skip [ENGINE] 'reason'"},
		{"conformance skip firefox a\nconformance skip firefox b", "x.txtar:2: conformance: skip firefox given twice (first at line 1)"},
		// Issue 15: an empty or truncated scenario passed ("ok empty.txtar").
		{"", "x.txtar:1: the scenario has no fetch command, so it checks nothing"},
		{"# title\npage https://a.example\n", "x.txtar:2: the scenario has no fetch command"},
		// Issue 15: what is wrong with the line comes before "no fetch yet".
		{"page https://a.example\nexpect stauts 200", `x.txtar:2: expect: unknown check "stauts"`},
		{"page https://a.example\nfecth https://b.example/", "x.txtar:2: fecth: unknown command; did you mean fetch?"},
		// Issue 15: a missing file lists what the archive has.
		{"server https://a.example config auth.conf\n-- auth.cfg --\norigins *\n", `x.txtar:1: server: no file "auth.conf" in the archive; it has: auth.cfg`},
		{"server https://a.example canned c\n-- d/GET /x --\nHTTP/1.1 200 OK\n", "x.txtar:1: server: no canned responses: add files named c/METHOD PATH (e.g. -- c/GET /items --); the archive has: d/GET /x"},
		{"page https://a.example\n" + strings.Repeat("x", 500) + "\x1b[2J", `x.txtar:2: "` + strings.Repeat("x", 48) + `…": unknown command`},
		{"cookie https://a.example/", "x.txtar:1: cookie: usage: cookie URL 'name=value; attributes'"},
		{"cookie a.example 'x=1'", `x.txtar:1: cookie: "a.example": want an http: or https: URL`},
		{"page https://a.example\nfetch https://b.example/\nexpect cookie eaten sid", `x.txtar:3: expect: "eaten": want sent, withheld, stored, deleted or rejected`},
		{"page https://a.example\nfetch https://b.example/\nexpect cookie sent sid cookie-samesite-lax", "x.txtar:3: expect: a reason code makes sense only with withheld or rejected"},
		{"page https://a.example\nfetch https://b.example/\nexpect cookies many", `x.txtar:3: expect: "many" is not a number`},
	} {
		_, err := Parse("x.txtar", []byte(tc.src))
		if err == nil {
			t.Errorf("%q: no error, want %q", tc.src, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, err, tc.want)
		}
	}
}

func TestParseReportsEveryError(t *testing.T) {
	_, err := Parse("x", []byte("bogus1\nbogus2\n"))
	if err == nil || !strings.Contains(err.Error(), "x:1:") || !strings.Contains(err.Error(), "x:2:") {
		t.Fatalf("want both lines reported, got %v", err)
	}
}

func TestFetchStringRoundTrip(t *testing.T) {
	for _, line := range []string{
		"fetch https://b.example/",
		"fetch PUT https://b.example/x -H 'X-A: 1' -H 'Authorization: Bearer a''b' --credentials include",
		"fetch POST https://b.example/ --body blob --blob-type 'text/plain' -d 'hi there' --mode no-cors --redirect manual --cache no-store",
		"fetch POST https://b.example/ -d x --xhr --upload-listeners",
	} {
		sc, err := Parse("r", []byte("page https://a.example\n"+line+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		f := sc.Commands[1].Fetch
		sc2, err := Parse("r", []byte("page https://a.example\n"+f.String()+"\n"))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", f.String(), err)
		}
		if diff := cmp.Diff(f.Init, sc2.Commands[1].Fetch.Init); diff != "" {
			t.Errorf("%s → %s (-first +second):\n%s", line, f.String(), diff)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{"a": "a", "": "''", "a b": "'a b'", "it's": "'it''s'", "#x": "'#x'", "!": "'!'", "*": "*", "null": "null"} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("page https://a.example\nfetch x -H\n"))
	f.Add([]byte("[!firefox,webkit] ! fetch 'a''b\n-- a --\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, err := Parse("fuzz", src)
		if err == nil && sc == nil {
			t.Fatal("nil scenario without error")
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz") {
					t.Fatalf("error line without file name: %q", line)
				}
			}
		}
	})
}

// TestInitiatorFlag: --initiator fetch|xhr|element; element requests are
// what an <img crossorigin> (mode cors) or plain <img> (no-cors) makes: a
// GET with no author headers and no body.
func TestInitiatorFlag(t *testing.T) {
	for line, want := range map[string]fetch.Initiator{
		"fetch https://b.example/ --initiator element":                fetch.InitiatorElement,
		"fetch https://b.example/ --initiator element --mode no-cors": fetch.InitiatorElement,
		"fetch https://b.example/ --initiator xhr":                    fetch.InitiatorXHR,
		"fetch https://b.example/ --initiator fetch":                  fetch.InitiatorFetch,
	} {
		sc, err := Parse("r", []byte("page https://a.example\n"+line+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		f := sc.Commands[1].Fetch
		if f.Init.Initiator != want {
			t.Errorf("%s: initiator %q, want %q", line, f.Init.Initiator, want)
		}
		sc2, err := Parse("r", []byte("page https://a.example\n"+f.String()+"\n"))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", f.String(), err)
		}
		if diff := cmp.Diff(f.Init, sc2.Commands[1].Fetch.Init); diff != "" {
			t.Errorf("%s → %s (-first +second):\n%s", line, f.String(), diff)
		}
	}
	for _, tc := range []struct{ line, want string }{
		{"fetch https://b.example/ --initiator form", `--initiator "form": want one of fetch, xhr, element`},
		{"fetch https://b.example/ --initiator element -H 'X-A: 1'", "an element request has no author headers"},
		{"fetch https://b.example/ --initiator element -d x", "an element request is a GET"},
		{"fetch PUT https://b.example/ --initiator element", "an element request is a GET"},
		{"fetch https://b.example/ --initiator element --mode same-origin", "an element request has mode cors"},
		{"fetch https://b.example/ --initiator element --xhr", "--xhr and --initiator element"},
	} {
		_, err := Parse("x.txtar", []byte("page https://a.example\n"+tc.line+"\n"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.line, err, tc.want)
		}
	}
}

// TestParseFetchArgs: the exported parser the command line shares gives
// the same init as a scenario line, accepts every flag of FetchFlags, and
// each alias means what its FetchFlags name means.
func TestParseFetchArgs(t *testing.T) {
	line := `fetch PUT https://b.example/x -H 'Content-Type: application/json' -d '{}' --credentials include --cache no-store`
	sc, err := Parse("r", []byte("page https://a.example\n"+line+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseFetchArgs([]string{"PUT", "https://b.example/x", "-H", "Content-Type: application/json", "-d", "{}", "--credentials", "include", "--cache", "no-store"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sc.Commands[1].Fetch.Init, got); diff != "" {
		t.Errorf("ParseFetchArgs differs from the scenario line (-line +args):\n%s", diff)
	}
	// A value each flag accepts (bool flags take none).
	sample := map[string]string{"-X": "GET", "-H": "X-A: 1", "-d": "x", "--body": "text", "--blob-type": "",
		"--credentials": "include", "--mode": "cors", "--redirect": "manual", "--cache": "reload", "--initiator": "fetch", "--target-address-space": "local",
		"--referrer-policy": "no-referrer", "--read-header": "X-A"}
	for _, f := range FetchFlags {
		args := []string{"https://b.example/", f.Name}
		if f.Args != "" {
			v, ok := sample[f.Name]
			if !ok {
				t.Errorf("FetchFlags has %s: add a sample value to this test", f.Name)
				continue
			}
			args = append(args, v)
		}
		switch f.Name {
		case "--upload-listeners":
			args = append(args, "--xhr")
		case "--blob-type":
			args = append(args, "--body", "blob", "-d", "x")
		}
		if _, msg := parseFetch(args); msg != "" {
			t.Errorf("%q: %s", args, msg)
		}
	}
	for alias, name := range FetchFlagAliases {
		v := sample[name]
		a, errA := ParseFetchArgs([]string{"https://b.example/", alias, v})
		b, errB := ParseFetchArgs([]string{"https://b.example/", name, v})
		if errA != nil || errB != nil || !cmp.Equal(a, b) {
			t.Errorf("%s %q gives %+v, %v; %s gives %+v, %v", alias, v, a, errA, name, b, errB)
		}
	}
	if _, err := ParseFetchArgs([]string{"https://b.example/", "--frobnicate", "1"}); err == nil || !strings.Contains(err.Error(), "unknown flag --frobnicate") {
		t.Errorf("unknown flag: %v", err)
	}
}

// FuzzParseMessagesBounded: whatever the input, each parse error is one
// line without control characters and quotes no more than a short excerpt
// of the input (issue 15: a line of /proc/self/environ was echoed whole).
func FuzzParseMessagesBounded(f *testing.F) {
	f.Add([]byte("page https://a.example\nfetch https://b.example/\n"))
	f.Add([]byte("A=1\x00B=2\x1b]0;x\x07" + strings.Repeat("y", 300)))
	f.Add([]byte("page https://a.example\nexpect header X " + strings.Repeat("\x1b[2J", 50)))
	f.Add([]byte("server https://a.example config " + strings.Repeat("c", 200) + "\n-- d --\n"))
	f.Add([]byte("server https://a.example canned c\n-- c/GET /x --\nHTTP/1.1 200 OK\n\x1b[2J: " + strings.Repeat("v", 300) + "\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := Parse("x.txtar", src)
		if err == nil {
			return
		}
		var all []error
		var flatten func(error)
		flatten = func(e error) {
			if j, ok := e.(interface{ Unwrap() []error }); ok {
				for _, e := range j.Unwrap() {
					flatten(e)
				}
				return
			}
			all = append(all, e)
		}
		flatten(err)
		for _, e := range all {
			msg := e.Error()
			for _, r := range msg {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
					t.Fatalf("control character %U in %q", r, msg)
				}
			}
			if len(msg) > 1200 { // two excerpts of 48 escaped characters and the text
				t.Fatalf("a %d-byte message: %q", len(msg), msg)
			}
		}
	})
}

// TestParseProse keeps the script's comments, but the title and the spec
// line, in paragraphs at their lines: a report tells them where they stand.
func TestParseProse(t *testing.T) {
	src := "# Title\n# spec: https://fetch.spec.whatwg.org/#x\n#\n# First paragraph,\n# two lines.\n#\n# Second.\npage https://a.example\n  # After the page.\nfetch https://b.example/\n"
	sc, err := Parse("p.txtar", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Prose{
		{Line: 4, Lines: []string{"First paragraph,", "two lines."}},
		{Line: 7, Lines: []string{"Second."}},
		{Line: 9, Lines: []string{"After the page."}},
	}
	if d := cmp.Diff(want, sc.Prose); d != "" {
		t.Errorf("prose (-want +got):\n%s", d)
	}
	if got := sc.ProseBefore(8, 10); len(got) != 1 || got[0].Line != 9 {
		t.Errorf("ProseBefore(8, 10) = %+v, want the paragraph at line 9", got)
	}
}

// TestHeaderFlagKeepsLeadingSpace pins that only the one separating space
// after the colon is dropped (issue 12, "-H strips leading whitespace").
func TestHeaderFlagKeepsLeadingSpace(t *testing.T) {
	for in, want := range map[string]string{
		"X-A: v":    "v",
		"X-A:v":     "v",
		"X-A:  v":   " v",
		"X-A:\t\tv": "\tv",
		"X-A: ":     "",
		"X-A;":      "",
	} {
		h, ok := parseHeaderFlag(in)
		if !ok || h.Name != "X-A" || h.Value != want {
			t.Errorf("parseHeaderFlag(%q) = %q, %v; want value %q", in, h.Value, ok, want)
		}
	}
}

// TestParseSandboxedPageURL: "page null from URL" keeps the URL, with or
// without a top-level page.
func TestParseSandboxedPageURL(t *testing.T) {
	sc, err := Parse("x.txtar", []byte("page null from https://api.example/doc in https://top.example\nfetch https://api.example/x\n"))
	if err != nil {
		t.Fatal(err)
	}
	pg := sc.Commands[0].Page
	if pg == nil || pg.URL == nil || pg.URL.String() != "https://api.example/doc" || pg.Top.String() != "https://top.example" || !pg.Origin.IsOpaque() {
		t.Errorf("page = %+v", pg)
	}
}
