package report

import (
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
)

// Lanes of a sequence diagram besides the servers.
const (
	lanePage    = "page"
	laneBrowser = "browser"
	laneCache   = "cache"
)

// arrow kinds.
const (
	arrowCall  = iota // solid, request
	arrowReply        // dashed, response
	arrowBlock        // cross: a rejection
	arrowNote         // a note over the browser
)

// arrow is one message of a sequence diagram.
type arrow struct {
	from, to string
	text     string
	kind     int
}

// lane is a participant.
type lane struct {
	id, label string
}

// sequence is the diagram of one profile's run: its lanes and arrows.
type sequence struct {
	lanes  []lane
	arrows []arrow
	index  map[string]bool
}

func (s *sequence) lane(id, label string) {
	if !s.index[id] {
		s.index[id] = true
		s.lanes = append(s.lanes, lane{id, label})
	}
}

func (s *sequence) add(from, to, text string, kind int) {
	s.arrows = append(s.arrows, arrow{from, to, text, kind})
}

// serverLane returns the lane id of the server of u's origin.
func (s *sequence) serverLane(r *fetch.WireRequest) string {
	o := "server"
	if r != nil && r.URL != nil {
		o = policy.OriginOf(r.URL).String()
	}
	s.lane("srv:"+o, o)
	return "srv:" + o
}

// buildSequence draws every fetch of a run, in order, with the clock
// advances as notes.
func buildSequence(run *sim.ProfileRun) *sequence {
	s := &sequence{index: map[string]bool{}}
	page := "Page"
	for _, st := range run.Steps {
		if st.Command.Page != nil {
			page = "Page " + st.Command.Page.Origin.String()
			break
		}
	}
	s.lane(lanePage, page)
	s.lane(laneBrowser, "Browser ("+run.Profile+")")
	s.lane(laneCache, "Preflight cache")
	for _, st := range run.Steps {
		switch {
		case st.Command.Name == "advance":
			s.add(laneBrowser, laneBrowser, "clock +"+st.Command.Advance.String(), arrowNote)
		case st.Command.Page != nil:
			if len(s.arrows) > 0 {
				s.add(laneBrowser, laneBrowser, "page "+st.Command.Page.Origin.String(), arrowNote)
			}
		case st.Command.Server != nil:
			// A server set up before the first fetch is the scene; one set
			// up after it changes the story, so the diagram shows it.
			if len(s.arrows) > 0 {
				sv := st.Command.Server
				o := sv.Origin.String()
				s.lane("srv:"+o, o)
				s.add("srv:"+o, "srv:"+o, "server replaced: "+sv.Kind+" "+sv.Source, arrowNote)
			}
		case st.Fetch != nil:
			s.fetch(st.Fetch)
		}
	}
	return s
}

func (s *sequence) fetch(fs *sim.FetchStep) {
	in := fs.Init
	method := in.Method
	if method == "" {
		method = "GET"
	}
	call := "fetch(" + method + " " + in.URL + ")"
	switch in.Initiator {
	case fetch.InitiatorXHR:
		call = "xhr.send(" + method + " " + in.URL + ")"
	case fetch.InitiatorElement:
		call = "<img src=" + in.URL + ">"
		if in.Mode != fetch.ModeNoCORS {
			call = "<img crossorigin src=" + in.URL + ">"
		}
	}
	s.add(lanePage, laneBrowser, call, arrowCall)
	if fs.RequestErr != nil {
		s.add(laneBrowser, lanePage, "TypeError: "+string(fs.RequestErr.Code), arrowBlock)
		return
	}
	res := fs.Result
	used := make([]bool, len(res.Wire))
	next := func(preflight bool) *fetch.Exchange {
		for i := range res.Wire {
			if !used[i] && res.Wire[i].Preflight == preflight {
				used[i] = true
				return &res.Wire[i]
			}
		}
		return nil
	}
	redirects := 0
	for _, ev := range res.Trace {
		switch ev.Step {
		case fetch.StepCacheLookup:
			if ev.Outcome == fetch.OutcomeHit || ev.Outcome == fetch.OutcomeMiss {
				s.add(laneBrowser, laneCache, "lookup "+method, arrowCall)
				s.add(laneCache, laneBrowser, ev.Outcome, arrowReply)
			} else {
				s.add(laneBrowser, laneBrowser, "cache not consulted: "+ev.Detail, arrowNote)
			}
		case fetch.StepPreflightSent:
			s.exchange(next(true), true)
		case fetch.StepActualSent:
			s.exchange(next(false), false)
		case fetch.StepCacheStore:
			if ev.Outcome == fetch.OutcomeStored {
				s.add(laneBrowser, laneCache, "store for "+ev.Detail, arrowCall)
			}
		case fetch.StepCacheCleared:
			s.add(laneBrowser, laneCache, "clear entries", arrowCall)
		case fetch.StepRedirect:
			if ev.Outcome == fetch.OutcomeOK {
				// The event's detail is the status; the location is the
				// URL the hop appended to the URL list (HTTP-redirect
				// fetch step 18, https://fetch.spec.whatwg.org/#http-redirect-fetch).
				redirects++
				text := "redirect (" + ev.Detail + ")"
				if redirects < len(res.URLList) {
					text += " to " + res.URLList[redirects].String()
				}
				s.add(laneBrowser, laneBrowser, text, arrowNote)
			}
		case fetch.StepWarning:
			s.add(laneBrowser, laneBrowser, "warning", arrowNote)
		}
	}
	for i := range res.Wire {
		if !used[i] {
			s.exchange(&res.Wire[i], res.Wire[i].Preflight)
		}
	}
	switch {
	case res.Err != nil:
		where := ""
		if res.FailedInPreflight {
			where = " (preflight)"
		}
		s.add(laneBrowser, lanePage, fs.Outcome+where+": "+string(res.Err.Code), arrowBlock)
	case res.Response != nil:
		r := res.Response
		s.add(laneBrowser, lanePage, string(r.Type)+" "+itoa(r.Status), arrowReply)
	}
}

func (s *sequence) exchange(x *fetch.Exchange, preflight bool) {
	if x == nil {
		return
	}
	srv := s.serverLane(x.Request)
	text := sim.RequestLine(x.Request)
	if preflight {
		text += " (preflight)"
	}
	s.add(laneBrowser, srv, text, arrowCall)
	switch {
	case x.Err != nil:
		s.add(srv, laneBrowser, "no response", arrowBlock)
	case x.Response != nil:
		s.add(srv, laneBrowser, statusLine(x.Response)+acaoHint(x.Response), arrowReply)
	}
}

// acaoHint names the Access-Control-Allow-Origin value of a response, the
// header most CORS stories turn on.
func acaoHint(r *fetch.WireResponse) string {
	vs := r.Header.Values("Access-Control-Allow-Origin")
	if len(vs) == 0 {
		return ", no ACAO"
	}
	return ", ACAO " + escapeControls(strings.Join(vs, " | "))
}

// escapeControls writes control bytes as \u00XX: a diagram label cannot
// carry them (XML forbids most, and a tab would read as a space).
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			b.WriteString(`\u00`)
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
