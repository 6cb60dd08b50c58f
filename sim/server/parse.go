package server

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/internal/words"
)

// ParseConfig parses the text format of a declarative CORS server. name is
// used in error messages, which read "name:line: what is wrong"; every
// problem found is reported, joined with errors.Join (each one a
// *ParseError). ParseConfig never panics.
//
// The format is line-oriented: one directive and its arguments per line,
// arguments separated by spaces or tabs. A "#" at the start of an argument
// begins a comment that runs to the end of the line. An argument can be
// quoted with single quotes ('a b' is one argument; inside quotes a doubled quote is a
// literal quote), as in rsc.io/script. LF and CRLF line endings are both
// accepted. Directives:
//
//	origins ORIGIN...          allowed origins: exact, *, null, https://*.example.com (repeatable)
//	credentials true|false     send Access-Control-Allow-Credentials: true
//	methods METHOD... | *      Access-Control-Allow-Methods on preflights (repeatable)
//	headers NAME... | *        Access-Control-Allow-Headers on preflights (repeatable)
//	expose NAME... | *         Access-Control-Expose-Headers on actual responses (repeatable)
//	max-age VALUE              raw Access-Control-Max-Age value (any string)
//	preflight-status CODE      status of an answered preflight (default 204)
//	vary true|false            false is the same as "mistake no-vary"
//	route PATH METHOD...       a resource and its methods; drives 404, 405 + Allow, 501
//	response-header NAME: VAL  an extra line on every actual response (repeatable)
//	mistake NAME...            deliberate mistakes, see Mistakes (repeatable)
//
// "credentialed" is accepted for "credentials true", "request-headers" for
// "headers" and "expose-headers" for "expose".
func ParseConfig(name string, src []byte) (*Config, error) {
	p := &configParser{name: name, c: &Config{}, first: map[string]int{}}
	for i, raw := range bytes.Split(src, []byte("\n")) {
		p.line = i + 1
		args, err := splitArgs(strings.TrimSuffix(string(raw), "\r"))
		if err != "" {
			p.errorf("%s", err)
			continue
		}
		if len(args) == 0 {
			continue
		}
		p.directive(args[0], args[1:])
	}
	if p.starLine > 0 {
		if msg := checkWildcardCredentials(p.c); msg != "" {
			p.line = p.starLine
			p.errorf("%s", msg)
		}
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return p.c, nil
}

type configParser struct {
	name     string
	line     int
	c        *Config
	errs     []error
	first    map[string]int // line of the first occurrence of single-valued directives
	starLine int            // line of origins "*"
}

func (p *configParser) errorf(format string, args ...any) {
	p.errs = append(p.errs, &ParseError{File: p.name, Line: p.line, Msg: words.Msg(format, args...)})
}

// once reports whether a single-valued directive appears for the first
// time, and complains otherwise.
func (p *configParser) once(d string) bool {
	if l, ok := p.first[d]; ok {
		p.errorf("%s given twice (first at line %d)", d, l)
		return false
	}
	p.first[d] = p.line
	return true
}

func (p *configParser) directive(d string, args []string) {
	switch d {
	case "origins", "origin":
		if !p.atLeast(d, args, 1) {
			return
		}
		for _, o := range args {
			if msg := checkOrigin(o); msg != "" {
				p.errorf("%s", msg)
				continue
			}
			if o == "*" && p.starLine == 0 {
				p.starLine = p.line
			}
			p.c.Origins = append(p.c.Origins, o)
		}
	case "credentials", "credentialed":
		v := "true"
		if d == "credentials" {
			if !p.exactly(d, args, 1) {
				return
			}
			v = args[0]
		} else if !p.exactly(d, args, 0) {
			return
		}
		b, ok := parseBool(v)
		if !ok {
			p.errorf("credentials %q: want true or false", v)
			return
		}
		if p.once("credentials") {
			p.c.Credentials = b
		}
	case "methods":
		p.list(d, "method", args, &p.c.Methods)
	case "headers", "request-headers":
		p.list("headers", "header name", args, &p.c.Headers)
	case "expose", "expose-headers":
		p.list("expose", "header name", args, &p.c.Expose)
	case "max-age":
		if !p.exactly(d, args, 1) {
			return
		}
		if msg := checkMaxAge(args[0]); msg != "" {
			p.errorf("%s", msg)
			return
		}
		if p.once(d) {
			p.c.MaxAge = args[0]
		}
	case "preflight-status":
		if !p.exactly(d, args, 1) {
			return
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || len(args[0]) != 3 {
			p.errorf("preflight-status %q: want a three-digit status code", args[0])
			return
		}
		if msg := checkStatus(n); msg != "" {
			p.errorf("%s", msg)
			return
		}
		if p.once(d) {
			p.c.PreflightStatus = n
		}
	case "vary":
		if !p.exactly(d, args, 1) {
			return
		}
		b, ok := parseBool(args[0])
		if !ok {
			p.errorf("vary %q: want true or false", args[0])
			return
		}
		if p.once(d) && !b && !p.c.has(MistakeNoVary) {
			p.c.Mistakes = append(p.c.Mistakes, MistakeNoVary)
		}
	case "route":
		if !p.atLeast(d, args, 2) {
			return
		}
		r := Route{Path: args[0], Methods: args[1:]}
		if msg := checkRoute(r); msg != "" {
			p.errorf("%s", msg)
			return
		}
		if l, ok := p.first["route "+r.Path]; ok {
			p.errorf("route %s is declared twice (first at line %d)", r.Path, l)
			return
		}
		p.first["route "+r.Path] = p.line
		p.c.Routes = append(p.c.Routes, r)
	case "response-header":
		if !p.atLeast(d, args, 1) {
			return
		}
		name, value, ok := strings.Cut(args[0], ":")
		if !ok {
			p.errorf("response-header %q: want NAME: VALUE, with the colon right after the name", args[0])
			return
		}
		rest := args[1:]
		if value != "" {
			rest = append([]string{value}, rest...)
		}
		h := policy.Header{Name: http.CanonicalHeaderKey(name), Value: strings.Trim(strings.Join(rest, " "), " \t")}
		if msg := checkResponseHeader(h); msg != "" {
			p.errorf("%s", msg)
			return
		}
		p.c.ResponseHeaders = append(p.c.ResponseHeaders, h)
	case "mistake", "mistakes":
		if !p.atLeast(d, args, 1) {
			return
		}
		for _, a := range args {
			m := Mistake(a)
			if msg := checkMistake(m); msg != "" {
				p.errorf("%s", msg)
				continue
			}
			if !p.c.has(m) {
				p.c.Mistakes = append(p.c.Mistakes, m)
			}
		}
	default:
		p.errorf("unknown directive %q (want origins, credentials, methods, headers, expose, max-age, preflight-status, vary, route, response-header or mistake)", d)
	}
}

func (p *configParser) list(d, kind string, args []string, dst *[]string) {
	if !p.atLeast(d, args, 1) {
		return
	}
	merged := append(append([]string(nil), *dst...), args...)
	if msg := checkList(d, kind, merged); msg != "" {
		p.errorf("%s", msg)
		return
	}
	*dst = merged
}

func (p *configParser) atLeast(d string, args []string, n int) bool {
	if len(args) < n {
		p.errorf("%s needs at least %d argument(s)", d, n)
		return false
	}
	return true
}

func (p *configParser) exactly(d string, args []string, n int) bool {
	if len(args) != n {
		p.errorf("%s takes %d argument(s), got %d", d, n, len(args))
		return false
	}
	return true
}

func parseBool(s string) (value, ok bool) {
	switch s {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// splitArgs splits a line into arguments with the quoting rules of package
// words (the scenario format's), and returns a message for an unterminated
// quote.
func splitArgs(line string) (args []string, errMsg string) {
	ws, msg := words.Split(line, nil)
	if msg != "" {
		return nil, "unterminated quoted argument"
	}
	for _, w := range ws {
		args = append(args, w.Text)
	}
	return args, ""
}
