package main

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readmeCommand is one line of a ```sh block of README.md.
type readmeCommand struct {
	line  int
	text  string
	args  []string
	stdin string // file to feed on standard input ("< file"), "" for none
}

// readmeCommands extracts the commands of README.md's ```sh blocks.
func readmeCommands(t *testing.T) []readmeCommand {
	t.Helper()
	f, err := os.Open(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []readmeCommand
	in := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```sh"):
			in = true
		case strings.HasPrefix(l, "```"):
			in = false
		case in && strings.TrimSpace(l) != "":
			words, err := shellWords(l)
			if err != nil {
				t.Fatalf("README.md:%d: %v", n, err)
			}
			c := readmeCommand{line: n, text: l}
			for i := 0; i < len(words); i++ {
				if words[i] == "<" && i+1 < len(words) {
					c.stdin = words[i+1]
					i++
					continue
				}
				c.args = append(c.args, words[i])
			}
			out = append(out, c)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// shellWords splits a command line as sh would for the simple quoting the
// README uses: single quotes, double quotes, and spaces.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errUnclosed
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, errUnclosed
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			return words, nil
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

type constErr string

func (e constErr) Error() string { return string(e) }

const errUnclosed = constErr("unclosed quote")

// readmeExpect is what a README command must print (on stdout) and its exit
// status, keyed by the command line as the README writes it. Every corsim
// command in the README must be here, so a new example needs a check.
var readmeExpect = map[string]struct {
	code int
	want []string
}{
	"go run ./cmd/corsim demo": {0, []string{"The browser sends a preflight: OPTIONS https://api.example/items/42", "no preflight is sent", "has been blocked by CORS policy", "Access-Control-Allow-Credentials", "ok   demo.txtar"}},
	`corsim fetch https://api.example/items/42 -X PUT -H 'Content-Type: application/json' -d '{"done":true}' --from https://app.example --server cmd/corsim/testdata/api.conf`: {0, []string{"cross-origin", "PUT is not a CORS-safelisted method", "→ preflight OPTIONS", "Verdict: ALLOWED"}},
	"corsim fetch https://api.example/items --from https://evil.example --server cmd/corsim/testdata/api.conf --browser all":                                                   {0, []string{"Side by side:", "chromium  blocked", "firefox   blocked", "webkit    blocked", "Cross-Origin Request Blocked"}},
	"corsim explain https://api.example/items/42 -X PATCH -H 'Content-Type: application/json' --from https://app.example --server cmd/corsim/testdata/api.conf":                {0, []string{"Step by step", "What would make it work (corsim ran the fetch again with each fix):\n  1. confirmed in chromium:\n     - send Access-Control-Allow-Methods: GET, POST, PUT, DELETE, PATCH on the preflight (OPTIONS) response", "https://fetch.spec.whatwg.org/"}},
	"corsim explain https://api.example/data --credentials include --from https://app.example --server cmd/corsim/testdata/canned.txtar":                                       {0, []string{"wildcard-origin-with-credentials", "must not be the wildcard '*'"}},
	"corsim run cmd/corsim/demo.txtar":                                                         {0, []string{"ok   cmd/corsim/demo.txtar (chromium)"}},
	"corsim run --browser all cmd/corsim/demo.txtar":                                           {0, []string{"== firefox ==", "== webkit ==", "ok   cmd/corsim/demo.txtar (chromium, firefox, webkit, spec)"}},
	"corsim run testdata/scenarios":                                                            {0, []string{"scenarios,", " 0 failed"}},
	"corsim run - < cmd/corsim/demo.txtar":                                                     {0, []string{"ok   stdin (chromium)"}},
	"corsim allow https://api.example/items/42 --server cmd/corsim/testdata/api.conf":          {0, []string{"Allowed methods: GET HEAD PUT DELETE OPTIONS", "RFC 9110: ok"}},
	"corsim fetch http://127.0.0.1:8080/items/1 -X DELETE --from http://localhost:3000 --live": {0, []string{"→ preflight OPTIONS", "not sent: DELETE"}},
	"corsim audit --origin https://www.target.example --server testdata/audit/vulnerable/reflect_origin.conf https://api.target.example/data": {1, []string{"critical", "reflect_origin", "corsim fetch --from https://evil.example --credentials include"}},
	"corsim allow http://127.0.0.1:8080/items/1": {0, []string{"Allowed methods: GET, DELETE" /* replaced below */}},
	"corsim replay testdata/har/chromium.har":    {1, []string{"browsers differ: allowed in Chromium, Firefox and Safari (WebKit); blocked in the Fetch standard", "the HAR shows this request without its preflight", "spec      BLOCKED"}},
	"corsim check --openapi testdata/openapi/api.yaml --from https://app.example --server testdata/openapi/api.conf": {1, []string{"deleteItem (DELETE /items/{id})                       blocked   blocked  blocked  blocked", "send Access-Control-Allow-Headers: Content-Type, Authorization, x-csrf-token on the preflight (OPTIONS) response"}},
	"corsim run --format junit testdata/labs": {0, nil},
	"corsim audit --format sarif --origin https://www.target.example --server testdata/audit/vulnerable/reflect_origin.conf https://api.target.example/data": {1, []string{`"version": "2.1.0"`, `"ruleId": "reflect_origin"`}},
}

// TestREADMECommands runs every command of README.md's ```sh blocks
// against the built binary, so the README never shows a command that does
// not work. "http://127.0.0.1:8080" is a loopback test server here.
func TestREADMECommands(t *testing.T) {
	// The README's live examples talk to a server on 127.0.0.1:8080; the
	// test serves one on a free loopback port and rewrites the URL.
	mc, srv := newCounter(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "http://localhost:3000")
		switch {
		case r.Method == http.MethodOptions && r.Header.Get("Origin") == "":
			w.Header().Set("Allow", "GET, DELETE, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodOptions:
			w.Header().Set("Access-Control-Allow-Methods", "GET, DELETE")
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Write([]byte("ok\n"))
		}
	})
	cmds := readmeCommands(t)
	if len(cmds) < 10 {
		t.Fatalf("found %d commands in README.md's sh blocks; the parser is broken", len(cmds))
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		seen[c.text] = true
		switch {
		case c.text == testCommand:
			continue // the command running this test; CI runs it exactly
		case strings.HasPrefix(c.text, "go install "):
			checkInstallLine(t, c)
			continue
		}
		args := c.args
		switch {
		case len(args) >= 3 && args[0] == "go" && args[1] == "run" && args[2] == "./cmd/corsim":
			args = args[3:]
		case len(args) >= 1 && args[0] == "corsim":
			args = args[1:]
		default:
			t.Errorf("README.md:%d: %q is neither a corsim command nor one the test knows", c.line, c.text)
			continue
		}
		exp, ok := readmeExpect[c.text]
		if !ok {
			t.Errorf("README.md:%d: no expectation for %q in readmeExpect", c.line, c.text)
			continue
		}
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "http://127.0.0.1:8080", srv.URL)
		}
		stdin := ""
		if c.stdin != "" {
			b, err := os.ReadFile(filepath.Join(moduleRoot(t), c.stdin))
			if err != nil {
				t.Fatalf("README.md:%d: %v", c.line, err)
			}
			stdin = string(b)
		}
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := corsim(t, stdin, args...)
			wantCode(t, r, exp.code)
			for _, w := range exp.want {
				if strings.Contains(c.text, "allow http://127.0.0.1") {
					w = "Allowed methods: GET DELETE OPTIONS"
				}
				if !strings.Contains(r.stdout, w) {
					t.Errorf("README.md:%d: output lacks %q:\n%s", c.line, w, r.stdout)
				}
			}
		})
	}
	for k := range readmeExpect {
		if !seen[k] {
			t.Errorf("readmeExpect has %q, which README.md no longer shows", k)
		}
	}
	if !seen["go run ./cmd/corsim demo"] || !seen[testCommand] {
		t.Errorf("README.md must show the two commands: go run ./cmd/corsim demo, %s", testCommand)
	}
	if n := mc.count("DELETE"); n != 0 {
		t.Errorf("the README's --live example sent %d DELETE requests without --send-unsafe", n)
	}
}

// testCommand is the README's command for the whole test suite: the main
// module and the two modules beside it (conformance, examples), which the
// go.work file at the top puts in one workspace.
const testCommand = "go test -race -timeout 30m ./... ./conformance/... ./examples/..."

// checkInstallLine checks the install command: from a checkout, the path
// of this module's main package (the module is not published, so an
// @latest line cannot resolve for a reader).
func checkInstallLine(t *testing.T, c readmeCommand) {
	t.Helper()
	const want = "go install ./cmd/corsim"
	if c.text != want {
		t.Errorf("README.md:%d: install line %q, want %q", c.line, c.text, want)
	}
	src, err := os.ReadFile(filepath.Join(moduleRoot(t), "cmd", "corsim", "main.go"))
	if err != nil || !strings.HasPrefix(string(src[strings.Index(string(src), "package"):]), "package main") {
		t.Errorf("README.md:%d: ./cmd/corsim is not the main package (%v)", c.line, err)
	}
}
