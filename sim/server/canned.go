package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/internal/words"
)

// Canned answers every request with a fixed raw HTTP response chosen by
// method and path, the way web-platform-tests server scripts are told what
// to answer. Header lines keep their order and their duplicates exactly,
// so a lab can send two Access-Control-Allow-Origin lines or a redirect
// with an odd Location.
//
// A response is chosen by the first key that exists, in this order:
// "METHOD /path?query" (only when the key has a query), "METHOD /path",
// "!OPTIONS /path?query", "!OPTIONS /path", "* /path?query", "* /path",
// "METHOD *", "!OPTIONS *", "* *". The method "!OPTIONS" stands for any
// method but OPTIONS: the actual requests, with the preflight answered
// apart. A HEAD request with no
// key of its own uses the GET response without its body, as servers do.
// A request with no response gets 404 with a text body saying so.
//
// Add entries before use; after that a Canned is safe for concurrent use.
type Canned struct {
	// UseHeaderMap makes ServeHTTP write through the ResponseWriter's
	// header map (net/http then sorts the lines by name and adds Date and
	// Content-Length) instead of taking over the connection and writing
	// the response byte for byte, which it does when it can (HTTP/1.x).
	UseHeaderMap bool

	entries map[cannedKey]*cannedEntry
	order   []cannedKey
}

type cannedKey struct{ method, path string }

// notOptions is the method key for any method but OPTIONS.
const notOptions = "!OPTIONS"

type cannedEntry struct {
	proto string // "HTTP/1.1" unless the raw text said otherwise
	resp  *fetch.WireResponse
}

// NewCanned returns an empty Canned.
func NewCanned() *Canned {
	return &Canned{entries: map[cannedKey]*cannedEntry{}}
}

// Add sets the response to requests matching method and path. method is a
// method token (case-sensitive), "*" for any or "!OPTIONS" for any but
// OPTIONS; path starts with "/" (and
// may end with "?query") or is "*" for any. The response is copied.
func (c *Canned) Add(method, path string, resp *fetch.WireResponse) error {
	if msg := checkCannedKey(method, path); msg != "" {
		return errors.New("server: " + msg)
	}
	if resp == nil {
		return errors.New("server: nil response")
	}
	if msg := checkCannedResponse(resp); msg != "" {
		return errors.New("server: " + method + " " + path + ": " + msg)
	}
	c.put(cannedKey{method, path}, &cannedEntry{proto: "HTTP/1.1", resp: cloneResponse(resp)})
	return nil
}

// AddRaw parses raw as a response (see ParseRawResponse) and sets it for
// method and path. Errors name the key and the line in raw.
func (c *Canned) AddRaw(method, path string, raw []byte) error {
	if msg := checkCannedKey(method, path); msg != "" {
		return errors.New("server: " + msg)
	}
	e, err := parseRaw(method+" "+path, 1, raw)
	if err != nil {
		return err
	}
	c.put(cannedKey{method, path}, e)
	return nil
}

func (c *Canned) put(k cannedKey, e *cannedEntry) {
	if c.entries == nil {
		c.entries = map[cannedKey]*cannedEntry{}
	}
	if _, ok := c.entries[k]; !ok {
		c.order = append(c.order, k)
	}
	c.entries[k] = e
}

// Keys returns the keys of the entries ("METHOD /path"), in the order they
// were added.
func (c *Canned) Keys() []string {
	out := make([]string, len(c.order))
	for i, k := range c.order {
		out[i] = k.method + " " + k.path
	}
	return out
}

func checkCannedKey(method, path string) string {
	if method != "*" && method != notOptions && !isToken(method) {
		return words.Msg("method %q is neither *, !OPTIONS nor a token", method)
	}
	if path != "*" && (!strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t\r\n#")) {
		return words.Msg("path %q: want * or /path[?query] with no white space or #", path)
	}
	return ""
}

func checkCannedResponse(r *fetch.WireResponse) string {
	if r.Status < 200 || r.Status > 999 {
		return fmt.Sprintf("status %d: want a final status code, 200-999", r.Status)
	}
	if badValueByte(r.StatusText) >= 0 {
		return "reason phrase contains CR, LF or NUL"
	}
	for _, h := range r.Header {
		if msg := checkResponseHeader(h); msg != "" {
			return strings.TrimPrefix(msg, "response-header")
		}
	}
	return ""
}

func cloneResponse(r *fetch.WireResponse) *fetch.WireResponse {
	return &fetch.WireResponse{Status: r.Status, StatusText: r.StatusText, Header: r.Header.Clone(), Body: bytes.Clone(r.Body)}
}

// ParseCanned parses a txtar archive whose files are named "METHOD PATH"
// (METHOD a token or "*", PATH "/path", "/path?query" or "*") and each hold
// a raw HTTP response (see ParseRawResponse). name is used in error
// messages, which read "name:line: ..." with line numbers counted in the
// whole archive; every problem found is reported, joined with errors.Join.
// The archive's comment is ignored. ParseCanned never panics.
func ParseCanned(name string, src []byte) (*Canned, error) {
	a := txtar.Parse(src)
	c := NewCanned()
	var errs []error
	line := 1 + bytes.Count(a.Comment, []byte("\n"))
	seen := map[cannedKey]int{}
	for _, f := range a.Files {
		marker := line
		line += 1 + bytes.Count(f.Data, []byte("\n"))
		method, path, ok := strings.Cut(f.Name, " ")
		path = strings.TrimSpace(path)
		if !ok {
			errs = append(errs, &ParseError{File: name, Line: marker, Msg: words.Msg("file name %q: want \"METHOD /path\"", f.Name)})
			continue
		}
		if msg := checkCannedKey(method, path); msg != "" {
			errs = append(errs, &ParseError{File: name, Line: marker, Msg: words.Msg("file name %q: %s", f.Name, msg)})
			continue
		}
		k := cannedKey{method, path}
		if l, dup := seen[k]; dup {
			errs = append(errs, &ParseError{File: name, Line: marker, Msg: words.Msg("%q given twice (first at line %d)", f.Name, l)})
			continue
		}
		seen[k] = marker
		e, err := parseRaw(name, marker+1, f.Data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.put(k, e)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// ParseRawResponse parses one raw HTTP/1.x response: a status line
// ("HTTP/1.1 204 No Content"; the reason phrase may be empty), header lines
// "Name: value", an empty line, and the body. LF and CRLF line endings are
// accepted in the head; the body is kept byte for byte, except that when a
// Content-Length is given and the body is longer by exactly a final line
// ending, that line ending is dropped (text files end with one). Empty
// lines before the status line are skipped. file and line (the line number
// of raw's first line in file) are used in error messages. Header lines
// keep their order and duplicates; names keep their spelling.
func ParseRawResponse(file string, line int, raw []byte) (*fetch.WireResponse, error) {
	e, err := parseRaw(file, line, raw)
	if err != nil {
		return nil, err
	}
	return e.resp, nil
}

func parseRaw(file string, first int, raw []byte) (*cannedEntry, error) {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &ParseError{File: file, Line: line, Msg: words.Msg(format, args...)})
	}
	e := &cannedEntry{resp: &fetch.WireResponse{}}
	rest := raw
	line := first - 1
	sawStatus, inBody := false, false
	for len(rest) > 0 && !inBody {
		var l []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			l, rest = rest, nil
		}
		line++
		l = bytes.TrimSuffix(l, []byte("\r"))
		switch {
		case len(l) == 0 && !sawStatus:
			continue
		case len(l) == 0:
			inBody = true
		case !sawStatus:
			sawStatus = true
			parseStatusLine(e, string(l), func(msg string) { fail(line, "%s", msg) })
		case l[0] == ' ' || l[0] == '\t':
			fail(line, "header line %q starts with white space: obsolete line folding is not accepted (RFC 9112 §5.2)", l)
		default:
			name, value, ok := strings.Cut(string(l), ":")
			if !ok {
				fail(line, "header line %q has no colon", l)
				continue
			}
			if !isToken(name) {
				fail(line, "header name %q is not a token (no white space before the colon; RFC 9112 §5.1)", name)
				continue
			}
			value = strings.Trim(value, " \t")
			if i := badValueByte(value); i >= 0 {
				fail(line, "value of %s contains byte %#02x; CR and NUL may not appear in a field value", name, value[i])
				continue
			}
			e.resp.Header = append(e.resp.Header, policy.Header{Name: name, Value: value})
		}
	}
	if !sawStatus {
		fail(first, "empty response: want a status line such as \"HTTP/1.1 200 OK\"")
	}
	if inBody && len(rest) > 0 {
		e.resp.Body = bytes.Clone(rest)
	}
	if cl, ok := e.resp.Header.Get("Content-Length"); ok && len(errs) == 0 {
		n, err := strconv.Atoi(cl)
		body := e.resp.Body
		switch {
		case err != nil || n < 0:
			fail(first, "Content-Length %q is not a length", cl)
		case n == len(body):
		case n == len(body)-1 && bytes.HasSuffix(body, []byte("\n")),
			n == len(body)-2 && bytes.HasSuffix(body, []byte("\r\n")):
			e.resp.Body = body[:n:n]
			if n == 0 {
				e.resp.Body = nil
			}
		default:
			fail(first, "Content-Length is %d but the body has %d bytes", n, len(body))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}

// parseStatusLine parses "HTTP-version SP status-code [SP reason-phrase]"
// (RFC 9112 §4) into e.
func parseStatusLine(e *cannedEntry, l string, fail func(string)) {
	proto, rest, _ := strings.Cut(l, " ")
	code, reason, _ := strings.Cut(rest, " ")
	if !validProto(proto) {
		fail(words.Msg("status line %q: want HTTP/1.1 (or HTTP/1.0, HTTP/2) first", l))
		return
	}
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 200 {
		fail(words.Msg("status line %q: want a three-digit final status code, 200-999", l))
		return
	}
	if badValueByte(reason) >= 0 {
		fail(words.Msg("status line %q: the reason phrase contains CR or NUL", l))
		return
	}
	e.proto, e.resp.Status, e.resp.StatusText = proto, n, reason
}

func validProto(p string) bool {
	v, ok := strings.CutPrefix(p, "HTTP/")
	switch {
	case !ok:
		return false
	case len(v) == 1:
		return v[0] >= '1' && v[0] <= '9'
	case len(v) == 3:
		return v[0] >= '0' && v[0] <= '9' && v[1] == '.' && v[2] >= '0' && v[2] <= '9'
	}
	return false
}

// lookup finds the entry for a request; see Canned for the order.
func (c *Canned) lookup(method, path, query string) (*cannedEntry, bool) {
	if path == "" {
		path = "/"
	}
	full := path
	if query != "" {
		full = path + "?" + query
	}
	methods := []string{method, notOptions, "*"}
	if method == http.MethodOptions {
		methods = []string{method, "*"}
	}
	for _, m := range methods {
		if query != "" {
			if e, ok := c.entries[cannedKey{m, full}]; ok {
				return e, true
			}
		}
		if e, ok := c.entries[cannedKey{m, path}]; ok {
			return e, true
		}
	}
	for _, m := range methods {
		if e, ok := c.entries[cannedKey{m, "*"}]; ok {
			return e, true
		}
	}
	if method == http.MethodHead {
		return c.lookup(http.MethodGet, path, query)
	}
	return nil, false
}

// notFound is the answer to a request no entry matches.
func notFound(method, path string) *cannedEntry {
	body := []byte("corsim: no canned response for " + method + " " + path + "\n")
	return &cannedEntry{proto: "HTTP/1.1", resp: &fetch.WireResponse{
		Status: http.StatusNotFound, StatusText: "Not Found",
		Header: policy.HeaderList{
			{Name: "Content-Type", Value: "text/plain; charset=utf-8"},
			{Name: "Content-Length", Value: strconv.Itoa(len(body))},
		},
		Body: body,
	}}
}

// RoundTrip implements fetch.Transport: it returns a copy of the chosen
// response, header lines exactly as given.
func (c *Canned) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("server: request without a URL")
	}
	e, ok := c.lookup(req.Method, req.URL.Path, req.URL.RawQuery)
	if !ok {
		e = notFound(req.Method, req.URL.Path)
	}
	r := cloneResponse(e.resp)
	if req.Method == http.MethodHead || !bodyAllowed(r.Status) {
		r.Body = nil
	}
	return r, nil
}

// ServeHTTP implements http.Handler. On an HTTP/1.x connection it takes the
// connection over and writes the status line, the header lines in order
// and the body byte for byte, then closes the connection (so a response
// without Content-Length is delimited by the close); nothing is added, not
// even Date. Otherwise, or with UseHeaderMap, it goes through the header
// map and net/http adds what it adds.
func (c *Canned) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e, ok := c.lookup(r.Method, r.URL.Path, r.URL.RawQuery)
	if !ok {
		e = notFound(r.Method, r.URL.Path)
	}
	resp := e.resp
	sendBody := r.Method != http.MethodHead && bodyAllowed(resp.Status)
	if hj, ok := w.(http.Hijacker); ok && !c.UseHeaderMap && r.ProtoMajor == 1 {
		// Read the request body first: closing a connection with unread
		// input makes TCP reset it, and the client may lose the response.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain))
		if conn, buf, err := hj.Hijack(); err == nil {
			defer conn.Close()
			_, _ = buf.Write(rawHead(resp))
			if sendBody {
				_, _ = buf.Write(resp.Body)
			}
			_ = buf.Flush()
			return
		}
	}
	h := w.Header()
	for _, l := range resp.Header {
		h[l.Name] = append(h[l.Name], l.Value)
	}
	w.WriteHeader(resp.Status)
	if sendBody {
		_, _ = w.Write(resp.Body)
	}
}

// maxDrain bounds how much of a request body ServeHTTP reads before it
// takes the connection over.
const maxDrain = 8 << 20

// rawHead serializes the status line and header lines as HTTP/1.1.
func rawHead(r *fetch.WireResponse) []byte {
	var b bytes.Buffer
	reason := r.StatusText
	if reason == "" {
		reason = http.StatusText(r.Status)
	}
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", r.Status, reason)
	for _, l := range r.Header {
		b.WriteString(l.Name + ": " + l.Value + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// Format writes c as a txtar archive ParseCanned reads back to an equal
// Canned (bodies gain a final newline if they had none, as txtar requires).
func (c *Canned) Format() []byte {
	a := &txtar.Archive{}
	for _, k := range c.order {
		e := c.entries[k]
		var b bytes.Buffer
		proto := e.proto
		if proto == "" {
			proto = "HTTP/1.1"
		}
		b.WriteString(proto + " " + strconv.Itoa(e.resp.Status))
		if e.resp.StatusText != "" {
			b.WriteString(" " + e.resp.StatusText)
		}
		b.WriteByte('\n')
		for _, l := range e.resp.Header {
			b.WriteString(l.Name + ": " + l.Value + "\n")
		}
		b.WriteByte('\n')
		b.Write(e.resp.Body)
		a.Files = append(a.Files, txtar.File{Name: k.method + " " + k.path, Data: b.Bytes()})
	}
	return txtar.Format(a)
}
