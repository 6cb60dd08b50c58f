package playground

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
)

// maxSessions is how many "run in this browser" sessions keep their
// servers; an older one is closed when a new one starts.
const maxSessions = 4

// maxAdvance is the longest "advance" the real browser waits for.
const maxAdvance = 5 * time.Second

// maxSeen bounds the requests a session records.
const maxSeen = 1000

// liveRequest is what the page sends to run a scenario in its browser.
type liveRequest struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Page    string `json:"page"`    // the page's own origin (location.origin)
	Profile string `json:"profile"` // the profile to predict for
}

// liveResponse tells the page what to do and what corsim predicts.
type liveResponse struct {
	Errors    []LineError       `json:"errors"`
	ID        string            `json:"id,omitempty"`
	Origins   map[string]string `json:"origins,omitempty"` // scenario origin -> loopback origin
	Steps     []liveStep        `json:"steps,omitempty"`
	Predicted *report.Document  `json:"predicted,omitempty"`
	Caveats   []string          `json:"caveats,omitempty"`
}

// liveStep is one command for the page to carry out: a fetch to make, a
// server to swap, a pause; or a command the real browser cannot do here.
type liveStep struct {
	Line        int        `json:"line"`
	Text        string     `json:"text"`
	Kind        string     `json:"kind"` // fetch, server, advance, skip
	Fetch       *liveFetch `json:"fetch,omitempty"`
	WaitMillis  int64      `json:"waitMillis,omitempty"`
	Unsupported string     `json:"unsupported,omitempty"`
	Must        string     `json:"must,omitempty"` // succeed, fail, either
}

// liveFetch is a fetch() call in the page's terms.
type liveFetch struct {
	URL         string     `json:"url"`
	Method      string     `json:"method"`
	Headers     [][]string `json:"headers"`
	Body        *string    `json:"body"`
	BodyType    string     `json:"bodyType,omitempty"` // text, urlsearchparams, blob
	Mode        string     `json:"mode,omitempty"`
	Credentials string     `json:"credentials,omitempty"`
	Redirect    string     `json:"redirect,omitempty"`
	Cache       string     `json:"cache,omitempty"`
}

// Seen is a request one of a session's servers received.
type Seen struct {
	Origin  string     `json:"origin"` // the scenario's origin of the server
	Method  string     `json:"method"`
	Path    string     `json:"path"`
	Headers [][]string `json:"headers"`
}

// session is one "run in this browser": a listener per server origin of
// the rewritten scenario, each serving the scenario's server for that
// origin, swapped as the page reaches each server command.
type session struct {
	id        string
	sc        *scenario.Scenario     // the rewritten scenario
	listeners map[string]*liveServer // by loopback origin
	mu        sync.Mutex
	seen      []Seen
}

type liveServer struct {
	origin  string // as in the scenario
	ln      net.Listener
	srv     *http.Server
	handler atomic.Pointer[http.Handler]
}

func (s *session) close() {
	for _, l := range s.listeners {
		l.srv.Close()
	}
}

// originRE matches an http(s) origin, greedy on the host, so that
// https://api.example does not match inside https://api.example.evil.
var originRE = regexp.MustCompile(`https?://[A-Za-z0-9.-]+(:[0-9]+)?`)

// rewrite replaces every origin of m in src, whole origins only.
func rewrite(src string, m map[string]string) string {
	return originRE.ReplaceAllStringFunc(src, func(o string) string {
		if to, ok := m[o]; ok {
			return to
		}
		return o
	})
}

func (s *Server) handleLive(w http.ResponseWriter, r *http.Request) {
	var req liveRequest
	if !readJSON(w, r, &req) {
		return
	}
	fail := func(line int, format string, args ...any) {
		writeJSON(w, http.StatusOK, liveResponse{Errors: []LineError{{Line: line, Message: fmt.Sprintf(format, args...)}}})
	}
	orig, errs := parse(req.Name, req.Source)
	if errs != nil {
		writeJSON(w, http.StatusOK, liveResponse{Errors: errs})
		return
	}
	page, err := url.Parse(req.Page)
	if err != nil || page.Scheme != "http" || page.Host == "" || !loopbackHost(page.Hostname()) {
		fail(0, "run in this browser needs the page on a loopback http origin; got %q", req.Page)
		return
	}
	profile := req.Profile
	if profile == "" || !known(profile) {
		profile = scenario.DefaultProfile
	}
	// The page's origin stands for the scenario's page; each server origin
	// gets a loopback listener under the other loopback name.
	serverHost := "localhost"
	if page.Hostname() == "localhost" {
		serverHost = "127.0.0.1"
	}
	m := map[string]string{}
	var pageOrigin string
	var servers []string
	for _, c := range orig.Commands {
		switch {
		case c.Page != nil:
			o := c.Page.Origin.String()
			if c.Page.Top != c.Page.Origin {
				fail(c.Line, "page: a framed page cannot be run in this browser (the playground is the top-level page)")
				return
			}
			if pageOrigin != "" && pageOrigin != o {
				fail(c.Line, "page: a second page origin cannot be run in this browser (the playground page has one origin)")
				return
			}
			pageOrigin = o
			m[o] = "http://" + page.Host
		case c.Server != nil:
			if o := c.Server.Origin.String(); !slices.Contains(servers, o) {
				servers = append(servers, o)
			}
		}
	}
	sess := &session{listeners: map[string]*liveServer{}}
	for _, o := range servers {
		if o == pageOrigin {
			fail(0, "a server on the page's own origin %s cannot be run in this browser (the playground serves that origin)", o)
			sess.close()
			return
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			sess.close()
			fail(0, "cannot listen on loopback: %v", err)
			return
		}
		port := ln.Addr().(*net.TCPAddr).Port
		m[o] = "http://" + serverHost + ":" + strconv.Itoa(port)
		ls := &liveServer{origin: o, ln: ln}
		ls.srv = &http.Server{Handler: sess.record(ls), ReadHeaderTimeout: 10 * time.Second}
		sess.listeners[m[o]] = ls // by the origin of the rewritten scenario
		go ls.srv.Serve(ln)
	}
	rewritten := rewrite(req.Source, m)
	sc, errs := parse(req.Name, rewritten)
	if errs != nil {
		sess.close()
		writeJSON(w, http.StatusOK, liveResponse{Errors: errs})
		return
	}
	sess.sc = sc
	resp := liveResponse{Errors: []LineError{}, Origins: map[string]string{}, Caveats: caveats(req.Source)}
	for k, v := range m {
		resp.Origins[k] = v
	}
	for _, c := range sc.Commands {
		if !c.Applies(profile) {
			continue
		}
		if st, ok := liveStepOf(c); ok {
			resp.Steps = append(resp.Steps, st)
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), runTimeout)
	defer cancel()
	res := sim.Run(ctx, sc, sim.Options{Profiles: []string{profile}})
	if res.Err != nil {
		sess.close()
		fail(0, "%v", res.Err)
		return
	}
	resp.Predicted = report.Build(res)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		sess.close()
		fail(0, "the playground is shutting down")
		return
	}
	s.next++
	sess.id = strconv.Itoa(s.next)
	s.sessions[sess.id] = sess
	s.order = append(s.order, sess.id)
	for len(s.order) > maxSessions {
		old := s.order[0]
		s.sessions[old].close()
		delete(s.sessions, old)
		s.order = s.order[1:]
	}
	s.mu.Unlock()
	resp.ID = sess.id
	writeJSON(w, http.StatusOK, resp)
}

// liveStepOf is a command as the page carries it out.
func liveStepOf(c *scenario.Command) (liveStep, bool) {
	st := liveStep{Line: c.Line, Text: c.Text}
	switch {
	case c.Fetch != nil:
		st.Kind = "fetch"
		st.Must = [...]string{scenario.MustSucceed: "succeed", scenario.MustFail: "fail", scenario.MayFail: "either"}[c.Must]
		in := c.Fetch.Init
		if in.Initiator != "" && in.Initiator != fetch.InitiatorFetch {
			st.Kind, st.Unsupported = "skip", "only fetch() calls are made in this browser, not "+string(in.Initiator)
			return st, true
		}
		if in.UploadListeners {
			st.Kind, st.Unsupported = "skip", "upload listeners need XMLHttpRequest"
			return st, true
		}
		f := &liveFetch{URL: in.URL, Method: in.Method, Mode: string(in.Mode), Credentials: string(in.Credentials), Redirect: string(in.Redirect), Cache: string(in.Cache), Headers: [][]string{}}
		if f.Method == "" {
			f.Method = "GET"
		}
		for _, h := range in.Header {
			f.Headers = append(f.Headers, []string{h.Name, h.Value})
		}
		switch in.Body.Kind {
		case fetch.BodyNone:
		case fetch.BodyText, fetch.BodyURLSearchParams, fetch.BodyBlob, fetch.BodyBytes:
			d := in.Body.Data
			f.Body, f.BodyType = &d, string(in.Body.Kind)
		default:
			st.Kind, st.Unsupported = "skip", "a "+string(in.Body.Kind)+" body is not sent from this page"
			return st, true
		}
		st.Fetch = f
	case c.Server != nil:
		st.Kind = "server"
	case c.Name == "advance":
		if c.Advance > maxAdvance {
			st.Kind, st.Unsupported = "skip", fmt.Sprintf("the page waits at most %s for real; the fetches after it may differ", maxAdvance)
			return st, true
		}
		st.Kind, st.WaitMillis = "advance", c.Advance.Milliseconds()
	default:
		return st, false
	}
	return st, true
}

// caveats says what the loopback origins change for this scenario.
func caveats(src string) []string {
	var out []string
	low := strings.ToLower(src)
	if strings.Contains(low, "cookie") {
		out = append(out, "This scenario uses cookies: a browser keys cookies by host, not by port, and may block them as third-party, so the cookie parts may differ from the scenario's sites.")
	}
	if strings.Contains(low, "--top") || strings.Contains(low, "lna") || strings.Contains(low, "local network") || strings.Contains(low, "private network") {
		out = append(out, "This scenario is about network boundaries: on loopback every origin is local, so that lesson does not carry over.")
	}
	return out
}

// record wraps the live server: it notes each request, then serves it
// with the server the scenario has set up for that origin at the moment.
func (s *session) record(ls *liveServer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sn := Seen{Origin: ls.origin, Method: r.Method, Path: r.URL.RequestURI(), Headers: [][]string{}}
		for name, vs := range r.Header {
			for _, v := range vs {
				sn.Headers = append(sn.Headers, []string{name, v})
			}
		}
		slices.SortFunc(sn.Headers, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
		s.mu.Lock()
		if len(s.seen) < maxSeen {
			s.seen = append(s.seen, sn)
		}
		s.mu.Unlock()
		h := ls.handler.Load()
		if h == nil {
			http.Error(w, "no server is set up for this origin yet", http.StatusBadGateway)
			return
		}
		(*h).ServeHTTP(w, r)
	})
}

func (s *Server) session(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}

type stepRequest struct {
	Line int `json:"line"`
}

// handleStep sets up the server of the scenario's server command at a
// line, as the page reaches it.
func (s *Server) handleStep(w http.ResponseWriter, r *http.Request) {
	sess := s.session(r.PathValue("id"))
	if sess == nil {
		http.Error(w, "no such session (a newer run closed it)", http.StatusNotFound)
		return
	}
	var req stepRequest
	if !readJSON(w, r, &req) {
		return
	}
	for _, c := range sess.sc.Commands {
		if c.Line != req.Line || c.Server == nil {
			continue
		}
		h, err := handlerOf(c.Server)
		if err != nil {
			writeJSON(w, http.StatusOK, map[string]any{"errors": []LineError{{Line: c.Line, Message: err.Error()}}})
			return
		}
		ls := sess.listeners[c.Server.Origin.String()]
		if ls == nil {
			http.Error(w, "no live server for "+c.Server.Origin.String(), http.StatusInternalServerError)
			return
		}
		ls.handler.Store(&h)
		writeJSON(w, http.StatusOK, map[string]any{"errors": []LineError{}})
		return
	}
	http.Error(w, "no server command at that line", http.StatusBadRequest)
}

// handlerOf is the scenario's server as an http.Handler: a config or
// canned server is one, a handler is one of the runner's builtins.
func handlerOf(sv *scenario.Server) (http.Handler, error) {
	if h, ok := sv.Transport.(http.Handler); ok {
		return h, nil
	}
	if sv.Kind == scenario.ServerHandler {
		if h, ok := sim.Builtins()[sv.Source]; ok {
			return h, nil
		}
	}
	return nil, fmt.Errorf("server %s cannot be served for real", sv.Source)
}

// handleSeen lists the requests the session's servers received, from the
// index ?from= on.
func (s *Server) handleSeen(w http.ResponseWriter, r *http.Request) {
	sess := s.session(r.PathValue("id"))
	if sess == nil {
		http.Error(w, "no such session (a newer run closed it)", http.StatusNotFound)
		return
	}
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if from < 0 || from > len(sess.seen) {
		from = len(sess.seen)
	}
	writeJSON(w, http.StatusOK, slices.Clone(sess.seen[from:]))
}

// loopbackHost reports whether host names this machine's loopback.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
