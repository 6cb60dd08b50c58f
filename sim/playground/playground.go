package playground

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
	"github.com/corsim/corsim/sim/scenario"
)

//go:embed static
var static embed.FS

// maxSource bounds a scenario sent to the playground, as corsim run bounds
// the files it reads.
const maxSource = 1 << 20

// runTimeout bounds one run of a scenario the page sends.
const runTimeout = 20 * time.Second

// Server is the playground: an http.Handler for the page, its assets and
// its API, and the live servers it starts for "run in this browser".
// Close stops those.
type Server struct {
	labs []Lab
	mux  *http.ServeMux

	mu       sync.Mutex
	sessions map[string]*session
	order    []string // session ids, oldest first
	next     int
	closed   bool
}

// Lab is a built-in scenario the page offers.
type Lab struct {
	Name   string `json:"name"`  // file name: 01-simple-get.txtar
	Title  string `json:"title"` // its first comment line
	Source string `json:"source"`
}

// New returns a playground offering the *.txtar scenarios of labs (a
// directory tree; corsim.Labs) in name order.
func New(labs fs.FS) (*Server, error) {
	s := &Server{mux: http.NewServeMux(), sessions: map[string]*session{}}
	err := fs.WalkDir(labs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".txtar") {
			return err
		}
		src, err := fs.ReadFile(labs, p)
		if err != nil {
			return err
		}
		l := Lab{Name: path.Base(p), Source: string(src)}
		if sc, err := scenario.Parse(l.Name, src); err == nil {
			l.Title = sc.Title
		}
		s.labs = append(s.labs, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(s.labs, func(i, j int) bool { return s.labs[i].Name < s.labs[j].Name })
	assets, _ := fs.Sub(static, "static")
	s.mux.Handle("GET /", noCache(http.FileServerFS(assets)))
	s.mux.HandleFunc("GET /api/labs", s.handleLabs)
	s.mux.HandleFunc("POST /api/run", s.handleRun)
	s.mux.HandleFunc("POST /api/live", s.handleLive)
	s.mux.HandleFunc("POST /api/live/{id}/step", s.handleStep)
	s.mux.HandleFunc("GET /api/live/{id}/seen", s.handleSeen)
	return s, nil
}

// ServeHTTP serves the page and its API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// A page elsewhere that rebinds its own name to this machine's address
	// must not reach the playground: only an IP address or localhost is
	// taken as the host.
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host != "localhost" && net.ParseIP(strings.Trim(host, "[]")) == nil {
		http.Error(w, "the playground answers only to localhost or an IP address", http.StatusMisdirectedRequest)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) handleLabs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.labs)
}

// runRequest is what the page sends to run a scenario.
type runRequest struct {
	Name     string   `json:"name"`
	Source   string   `json:"source"`
	Browsers []string `json:"browsers"`
}

// LineError is a problem in the scenario at a line (0: the whole file).
type LineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// runResponse is the answer to a run: the scenario's problems, or its
// JSON report and the report as an HTML fragment (story, diagrams,
// verdict table, fixes).
type runResponse struct {
	Errors []LineError      `json:"errors"`
	Report *report.Document `json:"report,omitempty"`
	HTML   string           `json:"html,omitempty"`
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	var req runRequest
	if !readJSON(w, r, &req) {
		return
	}
	sc, errs := parse(req.Name, req.Source)
	if errs != nil {
		writeJSON(w, http.StatusOK, runResponse{Errors: errs})
		return
	}
	opts := sim.Options{}
	for _, b := range req.Browsers {
		if b != "" {
			opts.Profiles = append(opts.Profiles, b)
		}
	}
	for _, b := range opts.Profiles {
		if !known(b) {
			writeJSON(w, http.StatusOK, runResponse{Errors: []LineError{{Message: "unknown browser " + quote(b) + " (want one of " + strings.Join(scenario.Profiles, ", ") + ")"}}})
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), runTimeout)
	defer cancel()
	res := sim.Run(ctx, sc, opts)
	if res.Err != nil {
		writeJSON(w, http.StatusOK, runResponse{Errors: []LineError{{Message: res.Err.Error()}}})
		return
	}
	var frag bytes.Buffer
	if err := report.HTMLFragment(&frag, res); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, runResponse{Errors: []LineError{}, Report: report.Build(res), HTML: frag.String()})
}

func known(profile string) bool {
	for _, p := range scenario.Profiles {
		if scenario.Family(profile) == p {
			return true
		}
	}
	return false
}

// parse parses a scenario the page sent; its problems come back one per
// line they are at.
func parse(name, src string) (*scenario.Scenario, []LineError) {
	if name == "" {
		name = "scenario.txtar"
	}
	name = path.Base(name)
	if len(src) > maxSource {
		return nil, []LineError{{Message: "the scenario is longer than 1 MiB"}}
	}
	sc, err := scenario.Parse(name, []byte(src))
	if err == nil {
		return sc, nil
	}
	var out []LineError
	var list interface{ Unwrap() []error }
	all := []error{err}
	if errors.As(err, &list) {
		all = list.Unwrap()
	}
	for _, e := range all {
		var se *scenario.Error
		if errors.As(e, &se) {
			msg := se.Msg
			if se.Command != "" {
				msg = strings.TrimPrefix(strings.TrimPrefix(se.Error(), se.File), ":")
				if i := strings.Index(msg, ": "); i >= 0 && se.Line > 0 {
					msg = msg[i+2:]
				}
			}
			out = append(out, LineError{Line: se.Line, Message: strings.TrimSpace(msg)})
		} else {
			out = append(out, LineError{Message: e.Error()})
		}
	}
	return nil, out
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	// The API is for the page itself: a request from another site (a form
	// post or a simple fetch elsewhere) is refused.
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		http.Error(w, "send JSON (Content-Type: application/json)", http.StatusUnsupportedMediaType)
		return false
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxSource+4096))
	if err := dec.Decode(v); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// Close stops the live servers of every session.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, id := range s.order {
		s.sessions[id].close()
	}
	s.sessions, s.order = map[string]*session{}, nil
	return nil
}
