package scenario

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/internal/suggest"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/internal/words"
	"github.com/corsim/corsim/sim/server"
)

// Command is one script line.
type Command struct {
	// Line is the line number in the file.
	Line int
	// Text is the line as written, trimmed.
	Text string
	// Conds must all hold for the command to run under a profile.
	Conds []Cond
	// Must is the "!" / "?" prefix (fetch only).
	Must Must
	// Name is the command name; Args are its words after the name.
	Name string
	Args []string

	// Exactly one of the following is set, by Name.
	Page    *Page
	Server  *Server
	Fetch   *Fetch
	Advance time.Duration // advance
	Expect  *Expect
	// Permission is the local-network permission a permission command
	// sets for the pages opened after it.
	Permission policy.Permission
	// Cookie is what a cookie command seeds the jar with.
	Cookie *Cookie
}

// Cookie is "cookie URL 'SET-COOKIE-LINE'": the user already has this
// cookie, as if URL's server had set it on a first-party visit.
type Cookie struct {
	// URL is the URL whose response set the cookie (its host and path
	// decide the cookie's domain and default path).
	URL string
	// Line is the Set-Cookie value, e.g. "sid=1; SameSite=None; Secure".
	Line string
}

// Applies reports whether the command runs under profile.
func (c *Command) Applies(profile string) bool {
	for _, cond := range c.Conds {
		if !cond.Holds(profile) {
			return false
		}
	}
	return true
}

// Page is "page ORIGIN [in TOP-ORIGIN]": the page later fetches run in.
type Page struct {
	Origin policy.Origin
	// Top is the top-level origin the page is framed in; equal to Origin
	// for a top-level page.
	Top policy.Origin
	// Space is the IP address space of the page's server ("at ADDRESS"),
	// "" when not declared (then localhost and IP literals are known, and
	// any other host is public).
	Space policy.AddressSpace
	// URL is a sandboxed page's document URL ("page null from URL"), nil
	// when not given; a page at a tuple origin is at its root.
	URL *url.URL
}

// Client is the fetch client the page is: its origin, top-level origin,
// URL and address space, with the local-network permission perm.
func (pg *Page) Client(perm policy.Permission) fetch.Client {
	return fetch.Client{Origin: pg.Origin, TopLevelOrigin: pg.Top, URL: pg.URL, AddressSpace: pg.Space, LocalNetworkPermission: perm}
}

// Server kinds.
const (
	ServerConfig  = "config"
	ServerCanned  = "canned"
	ServerHandler = "handler"
)

// Server is "server ORIGIN config|canned|handler NAME".
type Server struct {
	// Origin is the origin served; zero when Any.
	Origin policy.Origin
	// Any marks a catch-all server ("server * …"): it answers every
	// origin that has no server of its own.
	Any bool
	// Kind is ServerConfig, ServerCanned or ServerHandler.
	Kind string
	// Source is the config file, the canned-response prefix (files
	// "PREFIX/METHOD PATH") or the handler name.
	Source string
	// Config is the parsed declarative configuration (Kind config).
	Config *server.Config
	// Transport is the compiled server for config and canned; nil for a
	// handler, which the runner looks up by name.
	Transport fetch.Transport
	// Space is the IP address space of the server's host ("at ADDRESS"),
	// "" when not declared.
	Space policy.AddressSpace
}

// Target is what the server serves: its origin, serialized, or "*".
func (s *Server) Target() string {
	if s.Any {
		return "*"
	}
	return s.Origin.String()
}

// Fetch is "fetch [METHOD] URL [flags]": the init given to fetch() or
// XMLHttpRequest.
type Fetch struct {
	Init fetch.RequestInit
	// ReadHeaders are the response header names script reads after the
	// request ended (--read-header): response.headers.get(name), or
	// xhr.getResponseHeader(name) for an XMLHttpRequest.
	ReadHeaders []string
}

// Usage documents one command.
type Usage struct {
	Name, Args, Summary string
}

// Vocabulary lists the commands, for help texts and docs.
var Vocabulary = []Usage{
	{"browsers", "PROFILE...", "profiles to run the scenario under (chromium firefox webkit spec); default chromium"},
	{"page", "ORIGIN [in TOP-ORIGIN] [at ADDRESS]", "open a page at ORIGIN, optionally framed in a top-level page at TOP-ORIGIN; at says where its server is (an IP address, or public, local, loopback); page null [from URL] opens a sandboxed page, served from URL"},
	{"server", "ORIGIN|* config FILE | canned PREFIX | handler NAME [at ADDRESS]", "serve ORIGIN (or, with *, every origin without a server of its own) from a config file, canned responses in files PREFIX/METHOD PATH, or a named Go handler; at says which address its host is at (an IP address, or public, local, loopback), for Local Network Access"},
	{"permission", "local-network granted|denied|prompt", "the local-network permission of the pages opened after it (default prompt: headless Chromium denies, headless Firefox never answers)"},
	{"fetch", "[METHOD] URL [flags]", "fetch URL from the page (flags: -X -H -d --body --blob-type --credentials --mode --redirect --cache --xhr --initiator --upload-listeners --target-address-space --read-header --referrer-policy)"},
	{"advance", "DURATION", "move the virtual clock forward (1s, 500ms, 2h)"},
	{"cookie", "URL 'SET-COOKIE-LINE'", "the user already has this cookie, as if URL's server had set it on a first-party visit"},
	{"expect", "WHAT ARGS...", "check the last fetch (see ExpectVocabulary)"},
	{"conformance", "skip [ENGINE] REASON", "mark the scenario as not replayable in a real browser (or in one engine: chromium, firefox, webkit)"},
}

// command fills the typed payload of cmd and checks its arguments; it
// returns a message for an Error, or "".
func (p *parser) command(cmd *Command) string {
	if cmd.Must != MustSucceed && cmd.Name != "fetch" {
		return "a ! or ? prefix applies only to fetch"
	}
	switch cmd.Name {
	case "browsers":
		return p.browsers(cmd)
	case "conformance":
		if len(cmd.Conds) > 0 {
			return "conformance cannot have conditions"
		}
		if len(cmd.Args) < 2 || len(cmd.Args) > 3 || cmd.Args[0] != "skip" {
			return "usage: conformance skip [ENGINE] 'reason'"
		}
		if len(cmd.Args) == 3 {
			engine := cmd.Args[1]
			if !slices.Contains(Engines, engine) {
				return fmt.Sprintf("unknown engine %q (want one of %s)", engine, strings.Join(Engines, ", "))
			}
			if l, ok := p.skipFor[engine]; ok {
				return fmt.Sprintf("skip %s given twice (first at line %d)", engine, l)
			}
			if p.skipFor == nil {
				p.skipFor = map[string]int{}
				p.sc.SkipFor = map[string]string{}
			}
			p.skipFor[engine] = cmd.Line
			p.sc.SkipFor[engine] = cmd.Args[2]
			return ""
		}
		if p.skipL > 0 {
			return fmt.Sprintf("given twice (first at line %d)", p.skipL)
		}
		p.skipL = cmd.Line
		p.sc.Skip = cmd.Args[1]
		return ""
	case "page":
		return p.page(cmd)
	case "server":
		return p.server(cmd)
	case "permission":
		if len(cmd.Args) != 2 || cmd.Args[0] != "local-network" {
			return "usage: permission local-network granted|denied|prompt"
		}
		switch perm := policy.Permission(cmd.Args[1]); perm {
		case policy.PermissionGranted, policy.PermissionDenied, policy.PermissionPrompt:
			cmd.Permission = perm
			return ""
		}
		return fmt.Sprintf("%q: want granted, denied or prompt", cmd.Args[1])
	case "fetch":
		if !p.sawPage {
			return "no page yet: open one with page ORIGIN first"
		}
		f, msg := parseFetch(cmd.Args)
		if msg != "" {
			return msg
		}
		cmd.Fetch = f
		p.sawFetch = true
		return ""
	case "cookie":
		if len(cmd.Args) != 2 {
			return "usage: cookie URL 'name=value; attributes'"
		}
		if !strings.HasPrefix(cmd.Args[0], "http://") && !strings.HasPrefix(cmd.Args[0], "https://") {
			return words.Msg("%q: want an http: or https: URL", cmd.Args[0])
		}
		cmd.Cookie = &Cookie{URL: cmd.Args[0], Line: cmd.Args[1]}
		return ""
	case "advance":
		if len(cmd.Args) != 1 {
			return "usage: advance DURATION"
		}
		d, err := time.ParseDuration(cmd.Args[0])
		if err != nil || d < 0 {
			return words.Msg("%q is not a duration like 2s or 500ms", cmd.Args[0])
		}
		cmd.Advance = d
		return ""
	case "expect":
		// What the line says is judged first: a misspelt check is the
		// problem to fix, whatever comes before it.
		e, msg := parseExpect(cmd.Args)
		if msg != "" {
			return msg
		}
		if !p.sawFetch {
			return "no fetch yet: expect checks the last fetch"
		}
		cmd.Expect = e
		return ""
	}
	names := make([]string, len(Vocabulary))
	for i, u := range Vocabulary {
		names[i] = u.Name
	}
	if s := suggest.Closest(cmd.Name, names); s != "" {
		return fmt.Sprintf("unknown command; did you mean %s?", s)
	}
	return fmt.Sprintf("unknown command (want one of %s)", strings.Join(names, ", "))
}

func (p *parser) browsers(cmd *Command) string {
	if len(cmd.Conds) > 0 {
		return "browsers cannot have conditions"
	}
	if p.browsersL > 0 {
		return fmt.Sprintf("given twice (first at line %d)", p.browsersL)
	}
	if len(p.sc.Commands) > 0 {
		return "must come before page, server and fetch"
	}
	if len(cmd.Args) == 0 {
		return "usage: browsers PROFILE..."
	}
	seen := map[string]bool{}
	for _, a := range cmd.Args {
		if !knownProfile(a) {
			return words.Msg("unknown profile %q (want one of %s)", a, strings.Join(Profiles, ", "))
		}
		if seen[a] {
			return words.Msg("profile %q listed twice", a)
		}
		seen[a] = true
	}
	p.browsersL = cmd.Line
	p.sc.Browsers = append([]string(nil), cmd.Args...)
	return ""
}

// cutAddress removes a trailing "at ADDRESS" from a, returning the
// declared address space ("" when none) or a message.
func cutAddress(a []string) ([]string, policy.AddressSpace, string) {
	if len(a) < 2 || a[len(a)-2] != "at" {
		return a, "", ""
	}
	s, err := ParseAddress(a[len(a)-1])
	if err != nil {
		return a, "", err.Error()
	}
	return a[:len(a)-2], s, ""
}

// ParseAddress reads where a server is, as "at ADDRESS" gives it: an IP
// address (its address space: 192.168.1.5 is local, 127.0.0.1 loopback)
// or an address space's name (public, local, loopback).
func ParseAddress(word string) (policy.AddressSpace, error) {
	if s, err := policy.ParseAddressSpace(word); err == nil {
		return s, nil
	}
	addr, err := netip.ParseAddr(word)
	if err != nil {
		return "", fmt.Errorf("at %q: want an IP address (192.168.1.5, 127.0.0.1, ::1) or public, local, loopback", word)
	}
	return policy.AddressSpaceOf(addr), nil
}

func (p *parser) page(cmd *Command) string {
	a, space, msg := cutAddress(cmd.Args)
	if msg != "" {
		return msg
	}
	const usage = "usage: page ORIGIN [in TOP-ORIGIN] [at ADDRESS], or page null [from URL] [in TOP-ORIGIN]"
	if len(a) == 0 || len(a)%2 != 1 {
		return usage
	}
	o, err := parseOrigin(a[0])
	if err != "" {
		return err
	}
	pg := &Page{Origin: o, Top: o, Space: space}
	for i := 1; i < len(a); i += 2 {
		switch a[i] {
		case "in":
			if pg.Top, err = parseOrigin(a[i+1]); err != "" {
				return err
			}
		case "from":
			if !o.IsOpaque() {
				return "from gives a sandboxed page's URL (page null from URL); a page at an origin is at its root"
			}
			u, perr := url.Parse(a[i+1])
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return words.Msg("from %q: want an absolute http or https URL", a[i+1])
			}
			pg.URL = u
		default:
			return usage
		}
	}
	cmd.Page = pg
	p.sawPage = true
	return ""
}

func parseOrigin(s string) (policy.Origin, string) {
	o, err := policy.ParseOrigin(s)
	if err != nil {
		return o, words.Msg("%q is not a serialized origin (scheme://host[:port], lower case, no path)", s)
	}
	return o, ""
}

func (p *parser) server(cmd *Command) string {
	a, space, msg := cutAddress(cmd.Args)
	if msg != "" {
		return msg
	}
	if len(a) != 3 {
		return "usage: server ORIGIN|* config|canned|handler NAME [at ADDRESS]"
	}
	s := &Server{Kind: a[1], Source: a[2], Any: a[0] == "*"}
	if !s.Any {
		o, msg := parseOrigin(a[0])
		if msg != "" {
			return msg
		}
		if o.IsOpaque() {
			return "a server needs a tuple origin, not null"
		}
		s.Origin = o
	}
	if s.Any && space != "" {
		return "a catch-all server (*) has no single address: drop at ADDRESS"
	}
	s.Space = space
	switch s.Kind {
	case ServerHandler:
	case ServerConfig:
		data, ok := p.sc.Files[s.Source]
		if !ok {
			return p.noFile(s.Source)
		}
		// Pad with the lines before the file so that the parser's line
		// numbers are line numbers of the scenario file.
		padded := make([]byte, p.sc.FileLine[s.Source], p.sc.FileLine[s.Source]+len(data))
		for i := range padded {
			padded[i] = '\n'
		}
		padded = append(padded, data...)
		cfg, err := server.ParseConfig(p.sc.Name, padded)
		if err != nil {
			p.errs = append(p.errs, err)
			return ""
		}
		s.Config, s.Transport = cfg, cfg.Server()
	case ServerCanned:
		c, msg := p.canned(s.Source)
		if msg != "" {
			return msg
		}
		s.Transport = c
	default:
		return words.Msg("server kind %q: want config, canned or handler", s.Kind)
	}
	cmd.Server = s
	return ""
}

// noFile says that the archive has no file name, and lists what it has:
// "no file "auth.conf" in the archive; it has: auth.cfg".
func (p *parser) noFile(name string) string {
	if len(p.fileOrder) == 0 {
		return words.Msg("no file %q in the archive; it has no files (add one with a -- %s -- line)", name, name)
	}
	msg := words.Msg("no file %q in the archive; it has: %s", name, strings.Join(quoteAll(p.fileOrder, 8), ", "))
	if s := suggest.Closest(name, p.fileOrder); s != "" {
		msg += words.Msg(" (did you mean %q?)", s)
	}
	return msg
}

// quoteAll returns up to n names as short excerpts, then "…".
func quoteAll(names []string, n int) []string {
	out := make([]string, 0, min(len(names), n)+1)
	for i, s := range names {
		if i == n {
			out = append(out, fmt.Sprintf("and %d more", len(names)-n))
			break
		}
		out = append(out, words.Msg("%s", words.Excerpt(s)))
	}
	return out
}

// canned builds a Canned server from the archive files named
// "PREFIX/METHOD PATH", each holding one raw HTTP response.
func (p *parser) canned(prefix string) (*server.Canned, string) {
	c := server.NewCanned()
	n := 0
	for _, name := range p.fileOrder {
		key, ok := strings.CutPrefix(name, prefix+"/")
		if !ok {
			continue
		}
		line := p.sc.FileLine[name]
		method, path, ok := strings.Cut(key, " ")
		if !ok {
			p.errorf(line, "server", "file %q: want %s/METHOD PATH", name, prefix)
			continue
		}
		resp, err := server.ParseRawResponse(p.sc.Name, line+1, p.sc.Files[name])
		if err != nil {
			p.errs = append(p.errs, err)
			continue
		}
		if err := c.Add(method, strings.TrimSpace(path), resp); err != nil {
			p.errorf(line, "server", "file %q: %s", name, strings.TrimPrefix(err.Error(), "server: "))
			continue
		}
		n++
	}
	if n == 0 {
		short := words.Short(prefix)
		msg := fmt.Sprintf("no canned responses: add files named %s/METHOD PATH (e.g. -- %s/GET /items --)", short, short)
		if len(p.fileOrder) > 0 {
			msg += "; the archive has: " + strings.Join(quoteAll(p.fileOrder, 8), ", ")
		}
		return nil, msg
	}
	return c, ""
}
