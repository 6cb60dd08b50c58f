package server

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/policy"
)

func TestParseConfig(t *testing.T) {
	src := "# a lab server\r\n" +
		"origins https://app.example 'https://*.app.example'   # trailing comment\r\n" +
		"origins null\n" +
		"credentialed\n" +
		"methods GET\tPOST\n" +
		"methods PUT\n" +
		"request-headers Content-Type X-Token\n" +
		"expose-headers X-Request-Id\n" +
		"max-age 'a b''c'\n" +
		"preflight-status 200\n" +
		"vary false\n" +
		"route /items GET POST\n" +
		"route /items/{id} DELETE\n" +
		"response-header cache-control: no-store, private\n" +
		"response-header X-Empty:\n" +
		"mistake trust-null suffix-match\n" +
		"mistake trust-null\n"
	got, err := ParseConfig("lab.cfg", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Origins:         []string{"https://app.example", "https://*.app.example", "null"},
		Credentials:     true,
		Methods:         []string{"GET", "POST", "PUT"},
		Headers:         []string{"Content-Type", "X-Token"},
		Expose:          []string{"X-Request-Id"},
		MaxAge:          "a b'c",
		PreflightStatus: 200,
		Routes:          []Route{{"/items", []string{"GET", "POST"}}, {"/items/{id}", []string{"DELETE"}}},
		ResponseHeaders: policy.HeaderList{{Name: "Cache-Control", Value: "no-store, private"}, {Name: "X-Empty", Value: ""}},
		Mistakes:        []Mistake{MistakeNoVary, MistakeTrustNull, MistakeSuffixMatch},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseConfig (-want +got):\n%s", d)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// String is parsed back to the same Config.
	again, err := ParseConfig("formatted", []byte(got.String()))
	if err != nil {
		t.Fatalf("reparse of\n%s: %v", got.String(), err)
	}
	if d := cmp.Diff(got, again); d != "" {
		t.Errorf("ParseConfig(String()) differs (-orig +again):\n%s\n%s", d, got.String())
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		src  string
		want []string // each must appear, in order, in the error text
	}{
		{"origins https://app.example/\n", []string{`x.cfg:1: origin "https://app.example/" has a path, query or fragment; an origin is scheme://host[:port], with no trailing slash`}},
		{"\n\nfrobnicate 1\n", []string{`x.cfg:3: unknown directive "frobnicate"`}},
		{"credentials yes\n", []string{`x.cfg:1: credentials "yes": want true or false`}},
		{"credentials true\ncredentials false\n", []string{`x.cfg:2: credentials given twice (first at line 1)`}},
		{"methods GET *\n", []string{`x.cfg:1: methods: "*" must stand alone`}},
		{"headers X-A\nheaders *\n", []string{`x.cfg:2: headers: "*" must stand alone`}},
		{"methods GE(T\n", []string{`x.cfg:1: methods: "GE(T" is not a valid method (RFC 9110 token)`}},
		{"max-age 'abc\n", []string{`x.cfg:1: unterminated quoted argument`}},
		{"max-age 1 2\n", []string{`x.cfg:1: max-age takes 1 argument(s), got 2`}},
		{"preflight-status 99\n", []string{`x.cfg:1: preflight-status "99": want a three-digit status code`}},
		{"preflight-status 101\n", []string{`x.cfg:1: preflight-status 101: want a final status code, 200-999`}},
		{"route items GET\n", []string{`x.cfg:1: route "items": a path pattern starts with /`}},
		{"route /a/{rest...}/b GET\n", []string{`x.cfg:1: route "/a/{rest...}/b": {rest...} must be the last segment`}},
		{"route /a/x{id} GET\n", []string{`x.cfg:1: route "/a/x{id}": segment "x{id}": a wildcard is a whole segment`}},
		{"route /a\n", []string{`x.cfg:1: route needs at least 2 argument(s)`}},
		{"route /a GET\nroute /a PUT\n", []string{`x.cfg:2: route /a is declared twice (first at line 1)`}},
		{"mistake reflect-everything\n", []string{`x.cfg:1: unknown mistake "reflect-everything" (known: reflect-origin, `}},
		{"origins https://*.*.example\n", []string{`x.cfg:1: origin "https://*.*.example": the only wildcard is a leading "*." in the host`}},
		{"origins https://app.example:99999\n", []string{`x.cfg:1: origin "https://app.example:99999": bad port "99999"`}},
		{"origins app.example\n", []string{`x.cfg:1: origin "app.example": want *, null, scheme://host[:port]`}},
		{"origins https://user@app.example\n", []string{`x.cfg:1: origin "https://user@app.example" has userinfo`}},
		{"response-header Bad Name: x\n", []string{`x.cfg:1: response-header "Bad": want NAME: VALUE`}},
		{"response-header B(d: x\n", []string{`x.cfg:1: response-header: "B(d" is not a valid header name`}},
		{"origins *\nmethods GET\ncredentials true\n", []string{`x.cfg:1: origins "*" with credentials true: browsers reject`}},
		// Several problems are all reported, in line order.
		{"origins https://a.example/\nbogus\ncredentials maybe\n", []string{"x.cfg:1: ", "x.cfg:2: ", "x.cfg:3: "}},
	}
	for _, tt := range tests {
		c, err := ParseConfig("x.cfg", []byte(tt.src))
		if err == nil {
			t.Errorf("%q: no error, got %+v", tt.src, c)
			continue
		}
		if c != nil {
			t.Errorf("%q: non-nil Config with an error", tt.src)
		}
		msg := err.Error()
		rest := msg
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%q: error\n%s\ndoes not contain (in order)\n%s", tt.src, msg, w)
				break
			}
			rest = rest[i+len(w):]
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != "x.cfg" || pe.Line < 1 {
			t.Errorf("%q: error is not a *ParseError with file and line: %#v", tt.src, err)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"", nil},
		{"  # only a comment", nil},
		{"a b\tc", []string{"a", "b", "c"}},
		{"a#b c", []string{"a#b", "c"}},
		{"a #b c", []string{"a"}},
		{"'a b' c", []string{"a b", "c"}},
		{"x'a b'y", []string{"xa by"}},
		{"''", []string{""}},
		{"'it''s'", []string{"it's"}},
		{"'#' *", []string{"#", "*"}},
	}
	for _, tt := range tests {
		got, msg := splitArgs(tt.line)
		if msg != "" || !cmp.Equal(got, tt.want) {
			t.Errorf("splitArgs(%q) = %q, %q; want %q", tt.line, got, msg, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	c := &Config{
		Origins:         []string{"https://ok.example", "https://bad.example/"},
		Methods:         []string{"GET", "*"},
		PreflightStatus: 42,
		Routes:          []Route{{Path: "/a", Methods: []string{"GET"}}, {Path: "/a", Methods: []string{"PUT"}}},
		Mistakes:        []Mistake{"nope"},
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{"bad.example/", `methods: "*" must stand alone`, "preflight-status 42", "route /a is declared twice", `unknown mistake "nope"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Validate error lacks %q:\n%v", w, err)
		}
	}
	// The invalid parts are ignored by the server: the valid origin works.
	resp := roundTrip(t, c, req("GET", "https://api.example/a", "Origin", "https://ok.example"))
	if hdr(resp, acao) != "https://ok.example" {
		t.Errorf("valid origin not allowed: %v", resp.Header)
	}
	if (&Config{}).Validate() != nil {
		t.Error("zero Config invalid")
	}
}
