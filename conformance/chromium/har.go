package chromium

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
)

// harRecorder keeps the DevTools network events of a session, to write
// them as a HAR file in the shape Chromium's DevTools export it
// (devtools-frontend front_end/models/har/Log.ts: the HAR 1.2 fields plus
// _initiator, _priority, _resourceType, _transferSize and _error). It
// keeps what the events carry; response bodies are not fetched (DevTools
// asks Network.getResponseBody for them), so content.text is absent, as in
// an export whose bodies were not kept.
type harRecorder struct {
	order   []*harRequest
	current map[network.RequestID]*harRequest
}

// harRequest is one request of the log: a redirect starts a new one under
// the same request id, as DevTools does.
type harRequest struct {
	id        network.RequestID
	started   time.Time
	req       *network.Request
	typ       network.ResourceType
	initiator *network.Initiator
	sentExtra network.Headers // the headers as sent (cookies, Origin)
	resp      *network.Response
	respExtra network.Headers
	status    int64
	failed    string
}

// event records one DevTools event. The caller holds the session's lock.
func (h *harRecorder) event(ev any) {
	if h.current == nil {
		h.current = map[network.RequestID]*harRequest{}
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request == nil {
			return
		}
		if prev := h.current[ev.RequestID]; prev != nil && ev.RedirectResponse != nil {
			prev.resp = ev.RedirectResponse
		}
		r := &harRequest{id: ev.RequestID, req: ev.Request, typ: ev.Type, initiator: ev.Initiator}
		if w := ev.WallTime.Float64(); w > 0 {
			r.started = time.UnixMilli(int64(w * 1000))
		}
		h.current[ev.RequestID] = r
		h.order = append(h.order, r)
	case *network.EventRequestWillBeSentExtraInfo:
		if r := h.current[ev.RequestID]; r != nil {
			r.sentExtra = ev.Headers
		}
	case *network.EventResponseReceived:
		if r := h.current[ev.RequestID]; r != nil {
			r.resp = ev.Response
			if r.typ == "" {
				r.typ = ev.Type
			}
		}
	case *network.EventResponseReceivedExtraInfo:
		if r := h.current[ev.RequestID]; r != nil {
			r.respExtra, r.status = ev.Headers, ev.StatusCode
		}
	case *network.EventLoadingFailed:
		if r := h.current[ev.RequestID]; r != nil {
			r.failed = ev.ErrorText
		}
	}
}

type (
	harNV struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	harEntryJSON struct {
		Initiator    any          `json:"_initiator"`
		Priority     string       `json:"_priority"`
		ResourceType string       `json:"_resourceType"`
		Cache        struct{}     `json:"cache"`
		PageRef      string       `json:"pageref"`
		Request      harReqJSON   `json:"request"`
		Response     harRespJSON  `json:"response"`
		Started      string       `json:"startedDateTime"`
		Time         float64      `json:"time"`
		Timings      harTimingsJS `json:"timings"`
	}
	harReqJSON struct {
		Method      string         `json:"method"`
		URL         string         `json:"url"`
		HTTPVersion string         `json:"httpVersion"`
		Headers     []harNV        `json:"headers"`
		QueryString []harNV        `json:"queryString"`
		Cookies     []harNV        `json:"cookies"`
		HeadersSize int            `json:"headersSize"`
		BodySize    int            `json:"bodySize"`
		PostData    *harPostDataJS `json:"postData,omitempty"`
	}
	harPostDataJS struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
	}
	harRespJSON struct {
		Status      int64   `json:"status"`
		StatusText  string  `json:"statusText"`
		HTTPVersion string  `json:"httpVersion"`
		Headers     []harNV `json:"headers"`
		Cookies     []harNV `json:"cookies"`
		Content     struct {
			Size     int    `json:"size"`
			MimeType string `json:"mimeType"`
		} `json:"content"`
		RedirectURL  string  `json:"redirectURL"`
		HeadersSize  int     `json:"headersSize"`
		BodySize     int     `json:"bodySize"`
		TransferSize int     `json:"_transferSize"`
		Error        *string `json:"_error"`
	}
	harTimingsJS struct {
		Blocked float64 `json:"blocked"`
		DNS     float64 `json:"dns"`
		SSL     float64 `json:"ssl"`
		Connect float64 `json:"connect"`
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
	}
)

// headerList turns DevTools' header map into HAR name/value pairs, sorted
// by name; a value DevTools joined with newlines is split into lines.
func headerList(h network.Headers) []harNV {
	out := []harNV{}
	for name, v := range h {
		s, _ := v.(string)
		for _, line := range strings.Split(s, "\n") {
			out = append(out, harNV{name, line})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// harLog writes the recorded requests as a HAR 1.2 file; page is the URL
// of the page the session opened.
func (h *harRecorder) harLog(page, version string) ([]byte, error) {
	entries := []harEntryJSON{}
	for _, r := range h.order {
		e := harEntryJSON{Priority: string(r.req.InitialPriority), ResourceType: strings.ToLower(string(r.typ)), PageRef: "page_1",
			Started: r.started.UTC().Format("2006-01-02T15:04:05.000Z"), Timings: harTimingsJS{Blocked: -1, DNS: -1, SSL: -1, Connect: -1}}
		if r.initiator != nil {
			e.Initiator = map[string]string{"type": string(r.initiator.Type)}
		}
		sent := r.sentExtra
		if sent == nil {
			sent = r.req.Headers
		}
		e.Request = harReqJSON{Method: r.req.Method, URL: r.req.URL, HTTPVersion: "http/1.1", Headers: headerList(sent),
			QueryString: []harNV{}, Cookies: []harNV{}, HeadersSize: -1}
		if r.req.HasPostData {
			var body []byte
			for _, p := range r.req.PostDataEntries {
				body = append(body, p.Bytes...)
			}
			ct, _ := r.req.Headers["Content-Type"].(string)
			e.Request.PostData = &harPostDataJS{MimeType: ct, Text: string(body)}
			e.Request.BodySize = len(body)
		}
		e.Response = harRespJSON{Headers: []harNV{}, Cookies: []harNV{}, HeadersSize: -1, BodySize: -1}
		e.Response.Content.MimeType = "x-unknown"
		if r.resp != nil {
			e.Response.Status, e.Response.StatusText, e.Response.HTTPVersion = r.resp.Status, r.resp.StatusText, r.resp.Protocol
			got := r.respExtra
			if got == nil {
				got = r.resp.Headers
			}
			e.Response.Headers = headerList(got)
			e.Response.Content.MimeType = r.resp.MimeType
			if loc, ok := r.resp.Headers["Location"].(string); ok {
				e.Response.RedirectURL = loc
			}
		}
		if r.failed != "" {
			f := r.failed
			e.Response.Error = &f
			if r.resp == nil {
				e.Response.Status = 0
			}
		}
		entries = append(entries, e)
	}
	doc := map[string]any{"log": map[string]any{
		"version": "1.2",
		"creator": map[string]string{"name": "WebInspector", "version": version},
		"pages":   []map[string]any{{"id": "page_1", "title": page, "startedDateTime": "", "pageTimings": map[string]int{"onContentLoad": -1, "onLoad": -1}}},
		"entries": entries,
	}}
	return json.MarshalIndent(doc, "", "  ")
}

// HAR returns the session's network traffic so far as a HAR 1.2 file in
// the shape of Chromium's DevTools export, written from the real
// browser's DevTools network events (without response bodies).
func (s *Session) HAR() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.har.harLog(s.page, s.b.Version())
}
