package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
)

// Bounds of what Parse accepts.
const (
	// MaxSize is the largest HAR file Parse reads, in bytes. Real exports
	// of a page's traffic with bodies run to a few megabytes.
	MaxSize = 64 << 20
	// MaxEntries is the most entries Parse reads.
	MaxEntries = 20000
)

// Log is a parsed HAR file: the "log" object.
type Log struct {
	// File is the name Parse was given, for messages.
	File string
	// Version is log.version ("1.2", "1.1"; some tools write "").
	Version string
	// Creator names the tool that wrote the file ("WebInspector" is
	// Chromium's DevTools, "Firefox", "WebKit Web Inspector").
	Creator string
	// CreatorVersion is log.creator.version.
	CreatorVersion string
	// Pages are log.pages, in order.
	Pages []Page
	// Entries are log.entries, in the file's order.
	Entries []*Entry
}

// Page is one log.pages item: a page the traffic was recorded in.
type Page struct {
	ID string
	// Title is the page's title; DevTools write the page's URL there.
	Title string
}

// Entry is one request and its response, as the browser recorded them.
type Entry struct {
	// Index is the entry's position in log.entries.
	Index int
	// Line is the line of the file where the entry starts.
	Line int
	// PageRef is the id of the page the entry belongs to ("" for none).
	PageRef string
	// ResourceType is Chromium's _resourceType ("fetch", "xhr",
	// "preflight", "document", "image", …); "" when the export has none.
	ResourceType string
	// Initiator is the type of Chromium's _initiator ("script", "parser",
	// "preflight", "other"); "" when the export has none.
	Initiator string
	// FetchType is WebKit's _fetchType ("Network Load", "Memory Cache", …).
	FetchType string
	Request   Request
	Response  Response
}

// Request is an entry's request.
type Request struct {
	Method string
	// URL is the request URL, without a fragment.
	URL         string
	HTTPVersion string
	// Header holds the request's header lines in the recorded order,
	// without HTTP/2 and HTTP/3 pseudo-headers.
	Header policy.HeaderList
	// Cookies are the request's cookies as the export lists them.
	Cookies []Cookie
	// BodySize is request.bodySize: -1 unknown, 0 none.
	BodySize int
	// Body is postData.text; HasBody says whether postData was there.
	Body     string
	BodyType string // postData.mimeType
	HasBody  bool
}

// Cookie is a request or response cookie as the export lists it.
type Cookie struct {
	Name, Value string
}

// Response is an entry's response. Status 0 means the browser recorded
// no response (the request failed or was blocked before one arrived).
type Response struct {
	Status      int
	StatusText  string
	HTTPVersion string
	// Header holds the response's header lines in the recorded order,
	// without pseudo-headers.
	Header policy.HeaderList
	// Body is the decoded content.text; HasBody says whether the export
	// kept the body at all.
	Body     []byte
	HasBody  bool
	MimeType string
	// RedirectURL is response.redirectURL.
	RedirectURL string
	// Error is Chromium's and WebKit's _error, the reason a request failed
	// ("net::ERR_FAILED").
	Error string
}

// The JSON shapes, as lenient as the exporters require: Firefox has
// written numbers as strings, and _initiator is an object in Chromium and
// a string in some other tools.
type (
	jsonLog struct {
		Version string      `json:"version"`
		Creator jsonCreator `json:"creator"`
		Pages   []jsonPage  `json:"pages"`
	}
	jsonCreator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	jsonPage struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	jsonEntry struct {
		PageRef      string          `json:"pageref"`
		ResourceType string          `json:"_resourceType"`
		Initiator    json.RawMessage `json:"_initiator"`
		FetchType    string          `json:"_fetchType"`
		Request      *jsonRequest    `json:"request"`
		Response     *jsonResponse   `json:"response"`
	}
	jsonRequest struct {
		Method      string        `json:"method"`
		URL         string        `json:"url"`
		HTTPVersion string        `json:"httpVersion"`
		Headers     []jsonNV      `json:"headers"`
		Cookies     []jsonNV      `json:"cookies"`
		BodySize    *flexInt      `json:"bodySize"`
		PostData    *jsonPostData `json:"postData"`
	}
	jsonPostData struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
	}
	jsonResponse struct {
		Status      flexInt      `json:"status"`
		StatusText  string       `json:"statusText"`
		HTTPVersion string       `json:"httpVersion"`
		Headers     []jsonNV     `json:"headers"`
		Content     *jsonContent `json:"content"`
		RedirectURL string       `json:"redirectURL"`
		Error       *string      `json:"_error"`
	}
	jsonContent struct {
		MimeType string  `json:"mimeType"`
		Text     *string `json:"text"`
		Encoding string  `json:"encoding"`
	}
	jsonNV struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
)

// flexInt is a JSON number, or a string holding one, or null (0).
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*n = 0
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f != float64(int64(f)) || f > 1<<31 || f < -1<<31 {
		// A type error, so that encoding/json names the field.
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[int]()}
	}
	*n = flexInt(f)
	return nil
}

// Parse reads a HAR file. name is used in messages, which read
// "name:line: path: what is wrong"; every problem in the entries is
// reported, joined with errors.Join. Parse never panics.
func Parse(name string, src []byte) (*Log, error) {
	if len(src) > MaxSize {
		return nil, fmt.Errorf("%s: the file is %d bytes; corsim reads HAR files of at most %d MB", name, len(src), MaxSize>>20)
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	p := &parser{name: name, src: src, dec: json.NewDecoder(bytes.NewReader(src))}
	l, err := p.parse()
	if err != nil {
		return nil, err
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return l, nil
}

// maxErrors is how many problems Parse reports before it stops.
const maxErrors = 20

type parser struct {
	name string
	src  []byte
	dec  *json.Decoder
	errs []error
	// lineOff and lineNo are the last offset line was asked for and its
	// line, so that counting lines over the entries stays linear.
	lineOff int64
	lineNo  int
}

// line returns the line of the byte at off.
func (p *parser) line(off int64) int {
	off = min(max(off, 0), int64(len(p.src)))
	if off < p.lineOff || p.lineNo == 0 {
		p.lineOff, p.lineNo = 0, 1
	}
	p.lineNo += bytes.Count(p.src[p.lineOff:off], []byte("\n"))
	p.lineOff = off
	return p.lineNo
}

// fail records a problem at offset off under the JSON path.
func (p *parser) fail(off int64, path, format string, args ...any) {
	if len(p.errs) == maxErrors {
		p.errs = append(p.errs, fmt.Errorf("%s:%d: more problems follow; fix these first", p.name, p.line(off)))
	}
	if len(p.errs) > maxErrors {
		return
	}
	p.errs = append(p.errs, fmt.Errorf("%s:%d: %s: %s", p.name, p.line(off), path, fmt.Sprintf(format, args...)))
}

// located is an error that already names its file and line.
type located struct{ error }

// fatal turns a decoding error into one message with a line; off is
// where the value being decoded starts, for errors that carry no offset.
func (p *parser) fatal(path string, off int64, err error) error {
	if _, ok := err.(located); ok {
		return err
	}
	return located{p.locate(path, off, err)}
}

func (p *parser) locate(path string, off int64, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// A Decoder's offsets are relative to its buffer: decode the
		// whole file once more for the absolute one.
		var whole json.RawMessage
		if err := json.Unmarshal(p.src, &whole); errors.As(err, &se) {
			off = se.Offset
		}
		return fmt.Errorf("%s:%d: not valid JSON: %v", p.name, p.line(off), se)
	case errors.As(err, &te):
		field := path
		if te.Field != "" {
			field += "." + te.Field
		}
		if te.Offset > off {
			off = te.Offset
		}
		return fmt.Errorf("%s:%d: %s: want %s, got a JSON %s", p.name, p.line(off), field, te.Type, te.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s:%d: the JSON ends early (a truncated file?)", p.name, p.line(int64(len(p.src))))
	}
	return fmt.Errorf("%s:%d: %s: %v", p.name, p.line(off), path, err)
}

// parse walks the top-level object and the log object with the token
// stream, so that each entry's line is known, and decodes the rest.
func (p *parser) parse() (*Log, error) {
	l := &Log{File: p.name}
	if err := p.expectDelim('{', "the file", "a JSON object with a \"log\" member (is this a HAR file?)"); err != nil {
		return nil, err
	}
	sawLog := false
	for p.dec.More() {
		key, err := p.key("")
		if err != nil {
			return nil, err
		}
		if key != "log" {
			if err := p.skip(key); err != nil {
				return nil, err
			}
			continue
		}
		sawLog = true
		if err := p.parseLog(l); err != nil {
			return nil, err
		}
	}
	if !sawLog {
		return nil, fmt.Errorf("%s:1: no \"log\" object: this is not a HAR file", p.name)
	}
	return l, nil
}

func (p *parser) parseLog(l *Log) error {
	if err := p.expectDelim('{', "log", "an object"); err != nil {
		return err
	}
	var head jsonLog
	sawEntries := false
	for p.dec.More() {
		key, err := p.key("log")
		if err != nil {
			return err
		}
		path := "log." + key
		switch key {
		case "version":
			err = p.dec.Decode(&head.Version)
		case "creator":
			err = p.dec.Decode(&head.Creator)
		case "pages":
			err = p.dec.Decode(&head.Pages)
		case "entries":
			sawEntries = true
			err = p.parseEntries(l)
		default:
			err = p.skip(path)
		}
		if err != nil {
			return p.fatal(path, p.dec.InputOffset(), err)
		}
	}
	if _, err := p.dec.Token(); err != nil { // the log's closing brace
		return p.fatal("log", p.dec.InputOffset(), err)
	}
	if !sawEntries {
		p.fail(0, "log", "no \"entries\" array")
	}
	l.Version, l.Creator, l.CreatorVersion = head.Version, head.Creator.Name, head.Creator.Version
	for _, pg := range head.Pages {
		l.Pages = append(l.Pages, Page(pg))
	}
	return nil
}

func (p *parser) parseEntries(l *Log) error {
	if err := p.expectDelim('[', "log.entries", "an array"); err != nil {
		return err
	}
	for i := 0; p.dec.More(); i++ {
		path := fmt.Sprintf("log.entries[%d]", i)
		if i == MaxEntries {
			return located{fmt.Errorf("%s:%d: %s: more than %d entries; export fewer requests", p.name, p.line(p.dec.InputOffset()), path, MaxEntries)}
		}
		off := p.start(p.dec.InputOffset())
		var je jsonEntry
		if err := p.dec.Decode(&je); err != nil {
			return p.fatal(path, off, err)
		}
		if e := p.entry(i, off, path, &je); e != nil {
			l.Entries = append(l.Entries, e)
		}
	}
	_, err := p.dec.Token() // ']'
	return err
}

// start moves off past white space and the comma before a value.
func (p *parser) start(off int64) int64 {
	for off < int64(len(p.src)) && strings.IndexByte(" \t\r\n,", p.src[off]) >= 0 {
		off++
	}
	return off
}

func (p *parser) expectDelim(d json.Delim, path, want string) error {
	off := p.start(p.dec.InputOffset())
	t, err := p.dec.Token()
	if err != nil {
		return p.fatal(path, p.dec.InputOffset(), err)
	}
	if got, ok := t.(json.Delim); !ok || got != d {
		return located{fmt.Errorf("%s:%d: %s: want %s", p.name, p.line(off), path, want)}
	}
	return nil
}

func (p *parser) key(path string) (string, error) {
	t, err := p.dec.Token()
	if err != nil {
		return "", p.fatal(path, p.dec.InputOffset(), err)
	}
	s, _ := t.(string)
	return s, nil
}

func (p *parser) skip(path string) error {
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		return p.fatal(path, p.dec.InputOffset(), err)
	}
	return nil
}

// entry checks and converts one decoded entry; problems are recorded and
// nil is returned for an entry that cannot be used.
func (p *parser) entry(i int, off int64, path string, je *jsonEntry) *Entry {
	e := &Entry{Index: i, Line: p.line(off), PageRef: je.PageRef, ResourceType: strings.ToLower(je.ResourceType), FetchType: je.FetchType}
	e.Initiator = initiatorType(je.Initiator)
	bad := false
	switch {
	case je.Request == nil:
		p.fail(off, path, "no request")
		return nil
	case je.Request.Method == "":
		p.fail(off, path+".request.method", "missing")
		bad = true
	case !policy.IsMethod(je.Request.Method):
		p.fail(off, path+".request.method", "%q is not an HTTP method", je.Request.Method)
		bad = true
	}
	u, err := policy.ParseURL(je.Request.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		// data:, blob:, chrome-extension: and the like are not CORS
		// requests to a server; they are skipped, not errors.
		if err != nil || je.Request.URL == "" {
			p.fail(off, path+".request.url", "%q is not a URL", je.Request.URL)
		}
		return nil
	}
	if bad {
		return nil
	}
	q := je.Request
	e.Request = Request{Method: q.Method, URL: strings.SplitN(q.URL, "#", 2)[0], HTTPVersion: q.HTTPVersion, BodySize: -1}
	e.Request.Header = headerList(q.Headers)
	for _, c := range q.Cookies {
		e.Request.Cookies = append(e.Request.Cookies, Cookie(c))
	}
	if q.BodySize != nil {
		e.Request.BodySize = int(*q.BodySize)
	}
	if q.PostData != nil {
		e.Request.HasBody, e.Request.Body, e.Request.BodyType = true, q.PostData.Text, q.PostData.MimeType
	}
	if r := je.Response; r != nil {
		e.Response = Response{Status: int(r.Status), StatusText: r.StatusText, HTTPVersion: r.HTTPVersion, RedirectURL: r.RedirectURL}
		if r.Status < 0 || r.Status > 999 {
			p.fail(off, path+".response.status", "%d is not an HTTP status", r.Status)
			return nil
		}
		e.Response.Header = headerList(r.Headers)
		if r.Error != nil {
			e.Response.Error = *r.Error
		}
		if c := r.Content; c != nil {
			e.Response.MimeType = c.MimeType
			if c.Text != nil {
				e.Response.HasBody = true
				e.Response.Body = []byte(*c.Text)
				if strings.EqualFold(c.Encoding, "base64") {
					b, err := base64.StdEncoding.DecodeString(*c.Text)
					if err != nil {
						p.fail(off, path+".response.content.text", "encoding is base64 but the text is not: %v", err)
						return nil
					}
					e.Response.Body = b
				}
			}
		}
	}
	return e
}

// initiatorType reads _initiator: Chromium's object {"type": …} or a
// bare string.
func initiatorType(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.Type
	}
	return ""
}

// headerList converts HAR name/value pairs, dropping the HTTP/2 and
// HTTP/3 pseudo-headers (":method", ":status", …), which are not header
// fields (RFC 9113 §8.3) and which fetch never sees.
func headerList(nv []jsonNV) policy.HeaderList {
	var l policy.HeaderList
	for _, h := range nv {
		if strings.HasPrefix(h.Name, ":") || h.Name == "" {
			continue
		}
		l = append(l, policy.Header{Name: h.Name, Value: h.Value})
	}
	return l
}
