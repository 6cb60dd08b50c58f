package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/internal/words"
)

// Config describes a declarative CORS server. The zero value allows no
// cross-origin access at all; every field left empty keeps the server
// correct (see CONFIG.md for the full behaviour). A Config is plain data:
// Handler compiles a snapshot of it into a Server, so changing a Config
// afterwards does not change servers already made from it.
type Config struct {
	// Origins lists the allowed origins: exact serializations
	// ("https://app.example", lowercase, no trailing slash), "*" (any
	// origin, answered with Access-Control-Allow-Origin: *), "null", and
	// subdomain patterns "https://*.app.example" (one or more labels in
	// front of app.example, same scheme and port; not app.example itself).
	Origins []string
	// Credentials makes the server send Access-Control-Allow-Credentials:
	// true to allowed origins.
	Credentials bool
	// Methods is the Access-Control-Allow-Methods list sent on preflights;
	// "*" alone means any method (echoed from the request when Credentials
	// is set, since browsers take "*" literally then).
	Methods []string
	// Headers is the Access-Control-Allow-Headers list sent on preflights;
	// "*" alone means any header (echoed when Credentials is set).
	Headers []string
	// Expose is the Access-Control-Expose-Headers list sent on actual
	// responses.
	Expose []string
	// MaxAge is the raw Access-Control-Max-Age value sent on preflights,
	// sent as is so labs can try "abc" or "-1"; "" sends no header.
	MaxAge string
	// PreflightStatus is the status of an answered preflight; 0 means 204.
	PreflightStatus int
	// Routes are the resources the server has and the methods each
	// supports; they drive 404, 405 with Allow, and the Allow header of a
	// plain OPTIONS. With no routes every path exists and supports the
	// standard methods (GET HEAD POST PUT DELETE PATCH OPTIONS) plus
	// Methods.
	Routes []Route
	// ResponseHeaders are extra lines added to every successful (200)
	// actual response, not to preflights or errors, e.g. Cache-Control.
	ResponseHeaders policy.HeaderList
	// Mistakes are deliberate misconfigurations switched on for a lab.
	Mistakes []Mistake
}

// Route is one resource of a declarative server.
type Route struct {
	// Path is a path pattern: literal segments, "{name}" for exactly one
	// non-empty segment, and a final "{name...}" for the rest of the path.
	Path string
	// Methods are the methods the resource supports, case-sensitive (RFC
	// 9110 §9.1). GET implies HEAD, and OPTIONS is always answered unless
	// the preflight-404 mistake is on.
	Methods []string
}

// Mistake names a deliberate misconfiguration a lab can switch on. The
// names follow the classes CORS scanners report (CORScanner, Corsy,
// PortSwigger) where one exists.
type Mistake string

// The deliberate mistakes. Each one is observable in the server's answer
// to some request; none is on by default.
const (
	// MistakeReflectOrigin reflects any Origin value as allowed.
	MistakeReflectOrigin Mistake = "reflect-origin"
	// MistakeWildcardWithCredentials answers every request with
	// Access-Control-Allow-Origin: * and Access-Control-Allow-Credentials:
	// true, a pair browsers reject on credentialed requests.
	MistakeWildcardWithCredentials Mistake = "wildcard-with-credentials"
	// MistakeNoVary leaves out Vary even though the answer depends on the
	// Origin (cache poisoning risk).
	MistakeNoVary Mistake = "no-vary"
	// MistakePreflight401 puts an authentication layer in front of CORS:
	// every OPTIONS request gets 401 with no CORS headers, because
	// preflights never carry credentials.
	MistakePreflight401 Mistake = "preflight-401"
	// MistakePreflight404 models a router with no OPTIONS route in front
	// of CORS: every OPTIONS request gets 404 with no CORS headers.
	MistakePreflight404 Mistake = "preflight-404"
	// MistakeSuffixMatch allows an origin if it merely ends with an allowed
	// host, so https://evilapp.example passes for app.example.
	MistakeSuffixMatch Mistake = "suffix-match"
	// MistakePrefixMatch allows an origin if it merely starts with an
	// allowed origin, so https://app.example.evil.test passes.
	MistakePrefixMatch Mistake = "prefix-match"
	// MistakeTrustNull allows the origin "null" (sandboxed iframes, file:
	// pages, some redirects).
	MistakeTrustNull Mistake = "trust-null"
	// MistakeHTTPSTrustHTTP allows the http:// twin of an allowed https://
	// origin, so a network attacker's injected page passes.
	MistakeHTTPSTrustHTTP Mistake = "https-trust-http"
	// MistakeReflectRequestHeaders echoes Access-Control-Request-Headers in
	// Access-Control-Allow-Headers whatever Headers says.
	MistakeReflectRequestHeaders Mistake = "reflect-request-headers"
	// MistakeReflectRequestMethod echoes Access-Control-Request-Method in
	// Access-Control-Allow-Methods whatever Methods says.
	MistakeReflectRequestMethod Mistake = "reflect-request-method"
	// MistakeUnescapedDot matches allowed origins like a regular expression
	// with unescaped dots: a "." in the allowed origin matches any byte, so
	// https://appxexample passes for https://app.example.
	MistakeUnescapedDot Mistake = "unescaped-dot"
	// MistakeAnySubdomain allows every subdomain of an allowed origin's
	// host (XSS or takeover on any of them compromises the API).
	MistakeAnySubdomain Mistake = "any-subdomain"
	// MistakeSubstringMatch allows an origin whose host is a substring of
	// an allowed origin's host (same scheme and port) —
	// strings.Contains(allowedHost, host), JavaScript's
	// allowedHost.includes(host) — so https://pp.example or
	// https://app.exampl passes for https://app.example (CORScanner's
	// include_match). An attacker needs to own such a truncated name.
	MistakeSubstringMatch Mistake = "substring-match"
)

var mistakeInfo = []struct {
	m    Mistake
	desc string
}{
	{MistakeReflectOrigin, "any origin is reflected in Access-Control-Allow-Origin"},
	{MistakeWildcardWithCredentials, "Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true"},
	{MistakeNoVary, "no Vary: Origin although the answer depends on Origin"},
	{MistakePreflight401, "an auth layer answers every OPTIONS with 401 and no CORS headers"},
	{MistakePreflight404, "the router has no OPTIONS route: every OPTIONS gets 404 and no CORS headers"},
	{MistakeSuffixMatch, "an origin ending with an allowed host is allowed (https://evilapp.example)"},
	{MistakePrefixMatch, "an origin starting with an allowed origin is allowed (https://app.example.evil.test)"},
	{MistakeTrustNull, "the origin null is allowed"},
	{MistakeHTTPSTrustHTTP, "the http:// twin of an allowed https:// origin is allowed"},
	{MistakeReflectRequestHeaders, "Access-Control-Request-Headers is echoed in Access-Control-Allow-Headers"},
	{MistakeReflectRequestMethod, "Access-Control-Request-Method is echoed in Access-Control-Allow-Methods"},
	{MistakeUnescapedDot, "a dot in an allowed origin matches any byte (https://appxexample)"},
	{MistakeAnySubdomain, "every subdomain of an allowed origin's host is allowed"},
	{MistakeSubstringMatch, "an origin whose host is a substring of an allowed host is allowed (https://pp.example)"},
}

// Mistakes returns every known Mistake, in a stable order.
func Mistakes() []Mistake {
	out := make([]Mistake, len(mistakeInfo))
	for i, mi := range mistakeInfo {
		out[i] = mi.m
	}
	return out
}

// Describe says in a phrase what the mistake does, or "" for an unknown
// name.
func (m Mistake) Describe() string {
	for _, mi := range mistakeInfo {
		if mi.m == m {
			return mi.desc
		}
	}
	return ""
}

// standardMethods are the methods a declarative server implements whatever
// its routes say; any other method (compared case-sensitively) that no
// route or Methods names gets 501 (RFC 9110 §15.6.2).
var standardMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}

// Validate reports every problem in c, joined with errors.Join, or nil. A
// Config with problems still yields a working Server (bad entries never
// match), but ParseConfig refuses such text.
func (c *Config) Validate() error {
	var errs []error
	add := func(msg string) { errs = append(errs, &ParseError{File: "config", Msg: msg}) }
	for _, o := range c.Origins {
		if msg := checkOrigin(o); msg != "" {
			add(msg)
		}
	}
	if msg := checkWildcardCredentials(c); msg != "" {
		add(msg)
	}
	for _, m := range []struct {
		what string
		list []string
		kind string
	}{{"methods", c.Methods, "method"}, {"headers", c.Headers, "header name"}, {"expose", c.Expose, "header name"}} {
		if msg := checkList(m.what, m.kind, m.list); msg != "" {
			add(msg)
		}
	}
	if msg := checkMaxAge(c.MaxAge); msg != "" {
		add(msg)
	}
	if c.PreflightStatus != 0 {
		if msg := checkStatus(c.PreflightStatus); msg != "" {
			add(msg)
		}
	}
	seen := map[string]bool{}
	for _, r := range c.Routes {
		if msg := checkRoute(r); msg != "" {
			add(msg)
		}
		if seen[r.Path] {
			add(fmt.Sprintf("route %s is declared twice", words.Short(r.Path)))
		}
		seen[r.Path] = true
	}
	for _, h := range c.ResponseHeaders {
		if msg := checkResponseHeader(h); msg != "" {
			add(msg)
		}
	}
	for _, m := range c.Mistakes {
		if msg := checkMistake(m); msg != "" {
			add(msg)
		}
	}
	return errors.Join(errs...)
}

func checkWildcardCredentials(c *Config) string {
	if !c.Credentials || !slices.Contains(c.Origins, "*") || c.has(MistakeWildcardWithCredentials) {
		return ""
	}
	return `origins "*" with credentials true: browsers reject Access-Control-Allow-Origin: * on credentialed requests; list the origins, or add "mistake wildcard-with-credentials" to model that bug`
}

func checkList(what, kind string, list []string) string {
	for _, v := range list {
		if v == "*" {
			if len(list) > 1 {
				return fmt.Sprintf(`%s: "*" must stand alone`, what)
			}
			continue
		}
		if !isToken(v) {
			return words.Msg("%s: %q is not a valid %s (RFC 9110 token)", what, v, kind)
		}
	}
	return ""
}

func checkMaxAge(v string) string {
	if badValueByte(v) >= 0 {
		return words.Msg("max-age %q contains CR, LF or NUL", v)
	}
	return ""
}

func checkStatus(s int) string {
	if s < 200 || s > 999 {
		return fmt.Sprintf("preflight-status %d: want a final status code, 200-999", s)
	}
	return ""
}

func checkRoute(r Route) string {
	if msg := checkPattern(r.Path); msg != "" {
		return msg
	}
	if len(r.Methods) == 0 {
		return fmt.Sprintf("route %s lists no methods", words.Short(r.Path))
	}
	for _, m := range r.Methods {
		if !isToken(m) {
			return words.Msg("route %s: method %q is not a token (RFC 9110 §9.1)", r.Path, m)
		}
	}
	return ""
}

func checkResponseHeader(h policy.Header) string {
	if !isToken(h.Name) {
		return words.Msg("response-header: %q is not a valid header name", h.Name)
	}
	if badValueByte(h.Value) >= 0 {
		return fmt.Sprintf("response-header %s: value contains CR, LF or NUL", words.Short(h.Name))
	}
	return ""
}

func checkMistake(m Mistake) string {
	if m.Describe() != "" {
		return ""
	}
	names := make([]string, len(mistakeInfo))
	for i, mi := range mistakeInfo {
		names[i] = string(mi.m)
	}
	return words.Msg("unknown mistake %q (known: %s)", string(m), strings.Join(names, ", "))
}

func (c *Config) has(m Mistake) bool { return slices.Contains(c.Mistakes, m) }

// String formats c in the text format ParseConfig reads, one directive per
// line in a fixed order. ParseConfig(name, []byte(c.String())) yields a
// Config equal to c for any valid c (header names canonicalized).
func (c *Config) String() string {
	var b strings.Builder
	line := func(directive string, args ...string) {
		b.WriteString(directive)
		for _, a := range args {
			b.WriteByte(' ')
			b.WriteString(quoteArg(a))
		}
		b.WriteByte('\n')
	}
	if len(c.Origins) > 0 {
		line("origins", c.Origins...)
	}
	if c.Credentials {
		line("credentials", "true")
	}
	if len(c.Methods) > 0 {
		line("methods", c.Methods...)
	}
	if len(c.Headers) > 0 {
		line("headers", c.Headers...)
	}
	if len(c.Expose) > 0 {
		line("expose", c.Expose...)
	}
	if c.MaxAge != "" {
		line("max-age", c.MaxAge)
	}
	if c.PreflightStatus != 0 {
		line("preflight-status", strconv.Itoa(c.PreflightStatus))
	}
	for _, r := range c.Routes {
		line("route", append([]string{r.Path}, r.Methods...)...)
	}
	for _, h := range c.ResponseHeaders {
		line("response-header", h.Name+":", h.Value)
	}
	for _, m := range c.Mistakes {
		line("mistake", string(m))
	}
	return b.String()
}

// quoteArg quotes an argument if the tokenizer would otherwise split,
// drop or misread it: single quotes, a doubled quote inside stands for one.
func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'#\r\n") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Handler compiles a snapshot of c into a Server, which is both an
// http.Handler and a fetch.Transport.
func (c *Config) Handler() http.Handler { return c.Server() }
