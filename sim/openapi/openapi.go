// Package openapi derives, from an OpenAPI 3.0 or 3.1 document, the
// request a browser front end makes for each operation, so that corsim
// can check every operation's CORS in every browser.
//
// For an operation it takes the method; the path with example values for
// the path parameters (and the required query parameters); the request
// body's content type, one request per type; the header parameters, sent
// as script would set them; and the security scheme a front end uses: an
// HTTP bearer (or OAuth 2, OpenID Connect) scheme becomes an
// Authorization header, an API key in a header that header, an API key or
// a parameter in a cookie makes the request credentialed (credentials
// 'include'). Each request is said to be derived, and what was assumed is
// noted; nothing is left out silently.
//
// The document is read with github.com/getkin/kin-openapi; references to
// other files or URLs are refused, so reading a document never touches the
// network.
package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// MaxSize is the largest document Load reads, in bytes.
const MaxSize = 16 << 20

// Doc is a loaded OpenAPI document.
type Doc struct {
	// File is the name Load was given.
	File string
	// Version is the document's openapi field ("3.0.3", "3.1.0").
	Version string
	// Servers are the absolute server URLs the document lists.
	Servers []string
	// Problems are the validation errors of the document, which do not
	// stop the derivation.
	Problems []string
	t        *openapi3.T
}

// Load reads an OpenAPI 3.x document (YAML or JSON). name is used in
// messages and as the file of each operation's location.
func Load(name string, src []byte) (d *Doc, err error) {
	defer func() {
		// The document reader is a third-party library: a panic on odd
		// input is reported as bad input, not passed on.
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("%s: the OpenAPI reader failed on this document: %v", name, r)
		}
	}()
	if len(src) > MaxSize {
		return nil, fmt.Errorf("%s: the document is %d bytes; corsim reads at most %d MB", name, len(src), MaxSize>>20)
	}
	l := openapi3.NewLoader()
	l.IsExternalRefsAllowed = false
	l.IncludeOrigin = true
	t, err := l.LoadFromDataWithPath(src, &url.URL{Path: name})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, oneLine(err))
	}
	if !strings.HasPrefix(t.OpenAPI, "3.") {
		return nil, fmt.Errorf("%s: openapi %q: corsim reads OpenAPI 3.0 and 3.1 documents (convert a Swagger 2.0 one first)", name, t.OpenAPI)
	}
	d = &Doc{File: name, Version: t.OpenAPI, t: t}
	for _, s := range t.Servers {
		if u, err := url.Parse(s.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			d.Servers = append(d.Servers, strings.TrimSuffix(s.URL, "/"))
		}
	}
	if err := t.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		d.Problems = append(d.Problems, oneLine(err))
	}
	return d, nil
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Operation is the request a browser front end makes for one operation
// (and one request content type).
type Operation struct {
	// ID is the operationId, or "METHOD /path" when there is none.
	ID string
	// Method and Path are the operation's, Path as templated in the
	// document ("/items/{id}").
	Method, Path string
	// ContentType is the request body's media type, "" for no body.
	ContentType string
	// Line is the operation's line in the document (0 when unknown).
	Line int
	// Init is the request: URL (the base URL, the path with example
	// values), headers, body and credentials mode.
	Init fetch.RequestInit
	// Security names the security scheme used, "" for none.
	Security string
	// Notes say what was assumed, in the user's words.
	Notes []string
}

// Name is the operation for people: "updateItem (PUT /items/{id},
// application/json)".
func (o *Operation) Name() string {
	s := o.ID + " (" + o.Method + " " + o.Path
	if o.ContentType != "" {
		s += ", " + o.ContentType
	}
	return s + ")"
}

func (o *Operation) note(format string, args ...any) {
	o.Notes = append(o.Notes, fmt.Sprintf(format, args...))
}

// Operations derives the requests of every operation, in path order and
// then method order, against base (an absolute http or https URL whose
// path prefixes every operation's path).
func (d *Doc) Operations(base string) ([]*Operation, error) {
	bu, err := url.Parse(base)
	if err != nil || (bu.Scheme != "http" && bu.Scheme != "https") || bu.Host == "" {
		return nil, fmt.Errorf("base URL %q: want an absolute http:// or https:// URL", base)
	}
	base = strings.TrimSuffix(base, "/")
	var out []*Operation
	if d.t.Paths == nil {
		return nil, nil
	}
	paths := d.t.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, path := range keys {
		item := paths[path]
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		sort.Slice(methods, func(i, j int) bool { return methodOrder(methods[i]) < methodOrder(methods[j]) })
		for _, m := range methods {
			op := ops[m]
			params := mergeParams(item.Parameters, op.Parameters)
			types := []string{""}
			if op.RequestBody != nil && op.RequestBody.Value != nil && len(op.RequestBody.Value.Content) > 0 {
				types = sortedKeys(op.RequestBody.Value.Content)
			}
			for _, ct := range types {
				o, err := d.derive(base, path, strings.ToUpper(m), op, params, ct)
				if err != nil {
					return nil, err
				}
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// methodOrder sorts the methods as documents usually list them.
func methodOrder(m string) int {
	i := slices.Index([]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY"}, strings.ToUpper(m))
	if i < 0 {
		return 100
	}
	return i
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mergeParams is the path item's parameters overridden by the
// operation's, by name and location (OpenAPI 3.1 §4.8.10.1).
func mergeParams(item, op openapi3.Parameters) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	index := map[string]int{}
	for _, list := range []openapi3.Parameters{item, op} {
		for _, r := range list {
			if r == nil || r.Value == nil {
				continue
			}
			p := r.Value
			k := p.In + " " + p.Name
			if i, ok := index[k]; ok {
				out[i] = p
				continue
			}
			index[k] = len(out)
			out = append(out, p)
		}
	}
	return out
}

func (d *Doc) derive(base, path, method string, op *openapi3.Operation, params []*openapi3.Parameter, ct string) (*Operation, error) {
	o := &Operation{ID: op.OperationID, Method: method, Path: path, ContentType: ct}
	if o.ID == "" {
		o.ID = method + " " + path
	}
	if op.Origin != nil && op.Origin.Key != nil {
		o.Line = op.Origin.Key.Line
	}
	init := fetch.RequestInit{Method: method, Credentials: fetch.CredentialsSameOrigin, Mode: fetch.ModeCORS}
	filled := path
	query := url.Values{}
	for _, p := range params {
		v, guessed := exampleOf(p.Example, p.Examples, p.Schema)
		switch p.In {
		case openapi3.ParameterInPath:
			filled = strings.ReplaceAll(filled, "{"+p.Name+"}", url.PathEscape(v))
			if guessed {
				o.note("path parameter %s has no example: used %q", p.Name, v)
			}
		case openapi3.ParameterInQuery:
			if p.Required {
				query.Set(p.Name, v)
			}
		case openapi3.ParameterInHeader:
			init.Header = append(init.Header, header(p.Name, v))
			if !p.Required {
				o.note("sends the optional header parameter %s (a front end that leaves it out may need no preflight)", p.Name)
			}
		case openapi3.ParameterInCookie:
			init.Credentials = fetch.CredentialsInclude
			o.note("cookie parameter %s: the page must send credentials: 'include'", p.Name)
		}
	}
	if err := d.security(o, op, &init, query); err != nil {
		return nil, err
	}
	u := base + filled
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	init.URL = u
	if ct != "" {
		init.Header = append(init.Header, header("Content-Type", ct))
		mt := op.RequestBody.Value.Content[ct]
		init.Body = fetch.Body{Kind: fetch.BodyText, Data: bodyExample(mt, ct)}
		if method == "GET" || method == "HEAD" {
			init.Body = fetch.Body{}
			o.note("a %s request cannot have a body in a browser: the body is left out", method)
		}
	}
	o.Init = init
	return o, nil
}

// security applies the operation's first security requirement (its own,
// else the document's): the scheme a front end would use.
func (d *Doc) security(o *Operation, op *openapi3.Operation, init *fetch.RequestInit, query url.Values) error {
	reqs := d.t.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if len(reqs) == 0 {
		return nil
	}
	req := reqs[0]
	if len(reqs) > 1 {
		o.note("of %d alternative security requirements, the first is used", len(reqs))
	}
	var schemes openapi3.SecuritySchemes
	if d.t.Components != nil {
		schemes = d.t.Components.SecuritySchemes
	}
	for _, name := range sortedKeys(req) {
		ref, ok := schemes[name]
		if !ok || ref == nil || ref.Value == nil {
			return fmt.Errorf("%s:%d: %s: security scheme %q is not defined in components.securitySchemes", d.File, o.Line, o.ID, name)
		}
		s := ref.Value
		var what string
		switch strings.ToLower(s.Type) {
		case "http":
			switch strings.ToLower(s.Scheme) {
			case "basic":
				init.Header = append(init.Header, header("Authorization", "Basic dXNlcjpwYXNzd29yZA=="))
				what = "HTTP Basic (Authorization header)"
			default:
				init.Header = append(init.Header, header("Authorization", "Bearer example-token"))
				what = "HTTP " + s.Scheme + " (Authorization header)"
			}
		case "oauth2", "openidconnect":
			init.Header = append(init.Header, header("Authorization", "Bearer example-token"))
			what = s.Type + " (Authorization: Bearer)"
		case "apikey":
			switch s.In {
			case "header":
				init.Header = append(init.Header, header(s.Name, "example-key"))
				what = "API key in the " + s.Name + " header"
			case "query":
				query.Set(s.Name, "example-key")
				what = "API key in the query parameter " + s.Name
			case "cookie":
				init.Credentials = fetch.CredentialsInclude
				what = "API key in the " + s.Name + " cookie (credentials: 'include')"
			}
		case "mutualtls":
			init.Credentials = fetch.CredentialsInclude
			what = "mutual TLS (a client certificate is a credential: credentials 'include')"
		default:
			what = s.Type
		}
		if o.Security != "" {
			o.Security += " and "
		}
		o.Security += name + ": " + what
	}
	return nil
}

func header(name, value string) policy.Header { return policy.Header{Name: name, Value: value} }

// exampleOf is a parameter's example value as text: its example, its
// first named example, its schema's example, default or first enum
// value, or else a value of the schema's type (guessed is true then).
func exampleOf(ex any, exs openapi3.Examples, s *openapi3.SchemaRef) (v string, guessed bool) {
	if ex != nil {
		return text(ex), false
	}
	for _, k := range sortedKeys(exs) {
		if e := exs[k]; e != nil && e.Value != nil && e.Value.Value != nil {
			return text(e.Value.Value), false
		}
	}
	if s == nil || s.Value == nil {
		return "1", true
	}
	sv := s.Value
	switch {
	case sv.Example != nil:
		return text(sv.Example), false
	case len(sv.Examples) > 0:
		return text(sv.Examples[0]), false
	case sv.Default != nil:
		return text(sv.Default), false
	case len(sv.Enum) > 0:
		return text(sv.Enum[0]), false
	}
	switch {
	case sv.Type.Is("integer"), sv.Type.Is("number"):
		return "1", true
	case sv.Type.Is("boolean"):
		return "true", true
	case sv.Format == "uuid":
		return "00000000-0000-4000-8000-000000000000", true
	}
	return "example", true
}

func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// bodyExample is an example body of the media type: its example, else
// {} for JSON and "" otherwise. The bytes do not change CORS; the
// Content-Type does.
func bodyExample(mt *openapi3.MediaType, ct string) string {
	if mt != nil {
		if v, guessed := exampleOf(mt.Example, mt.Examples, mt.Schema); !guessed {
			if strings.Contains(ct, "json") {
				if s, ok := mt.Example.(string); ok {
					return s
				}
			}
			return v
		}
	}
	if strings.Contains(ct, "json") {
		return "{}"
	}
	return ""
}

// ErrNoBase is returned by BaseURL when the document names no absolute
// server URL.
var ErrNoBase = errors.New("the document lists no absolute server URL")

// BaseURL is the document's first absolute server URL.
func (d *Doc) BaseURL() (string, error) {
	if len(d.Servers) == 0 {
		return "", ErrNoBase
	}
	return d.Servers[0], nil
}
