package har

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
)

// Server answers requests with the responses a HAR recorded, keyed by
// method and URL (query included, fragment not). It invents nothing: a
// request the HAR has no response for fails with a *MissingError, which
// the fetch algorithm turns into a network error and a replay reports as
// missing. The first recorded response for a key is the one served.
// A Server is safe for concurrent use.
type Server struct {
	responses map[string]*fetch.WireResponse
	// failed holds what the browser recorded for keys with no response.
	failed map[string]string
}

// MissingError is a request the HAR has no response for.
type MissingError struct {
	Method, URL string
	// Preflight reports a CORS preflight.
	Preflight bool
	// Recorded is what the recording browser got instead, if the HAR has
	// the request at all: "no response (net::ERR_FAILED)".
	Recorded string
}

// Is makes a missing response match explain.ErrNotRecorded, so that the
// explanation lists a fix whose re-run needs it as not confirmed.
func (e *MissingError) Is(target error) bool { return target == explain.ErrNotRecorded }

func (e *MissingError) Error() string {
	what := "request"
	if e.Preflight {
		what = "preflight"
	}
	msg := fmt.Sprintf("the HAR has no response for the %s %s %s", what, e.Method, e.URL)
	if e.Recorded != "" {
		msg += ": the browser recorded " + e.Recorded
	} else {
		msg += ": the browser did not record this request"
	}
	return msg
}

// Server returns the recorded responses as a fetch.Transport.
func (l *Log) Server() *Server {
	s := &Server{responses: map[string]*fetch.WireResponse{}, failed: map[string]string{}}
	for _, e := range l.Entries {
		k := e.Request.Method + " " + canonicalURL(e.Request.URL)
		if _, ok := s.responses[k]; ok {
			continue
		}
		r := e.Response
		if r.Status < 100 {
			if _, ok := s.failed[k]; !ok {
				s.failed[k] = (&Call{Entry: e}).Recorded()
			}
			continue
		}
		s.responses[k] = &fetch.WireResponse{Status: r.Status, StatusText: r.StatusText, Header: r.Header.Clone(), Body: bytes.Clone(r.Body)}
	}
	return s
}

// Keys returns the "METHOD URL" keys the server has a response for, sorted.
func (s *Server) Keys() []string {
	out := make([]string, 0, len(s.responses))
	for k := range s.responses {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// RoundTrip answers req with the recorded response for its method and URL.
func (s *Server) RoundTrip(ctx context.Context, req *fetch.WireRequest) (*fetch.WireResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u := req.URL.String()
	k := req.Method + " " + canonicalURL(u)
	r, ok := s.responses[k]
	if !ok {
		return nil, &MissingError{Method: req.Method, URL: u, Preflight: req.Preflight, Recorded: s.failed[k]}
	}
	c := *r
	c.Header = r.Header.Clone()
	c.Body = bytes.Clone(r.Body)
	if req.Method == "HEAD" {
		c.Body = nil
	}
	return &c, nil
}
