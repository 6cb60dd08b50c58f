package server

import (
	"slices"
	"strings"

	"github.com/corsim/corsim/sim/internal/words"
)

// route is a compiled Config.Routes entry.
type route struct {
	segs    []string // literal segments; "" marks a {name} wildcard segment
	wild    []bool   // wild[i]: segs[i] is a {name} wildcard
	rest    bool     // the pattern ends with {name...}
	methods []string // supported methods, HEAD added after GET
	allow   string   // the Allow value (RFC 9110 §10.2.1)
}

// checkPattern validates a route path pattern.
func checkPattern(p string) string {
	if !strings.HasPrefix(p, "/") {
		return words.Msg("route %q: a path pattern starts with /", p)
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		if !strings.ContainsAny(s, "{}") {
			if strings.ContainsAny(s, "?# \t") {
				return words.Msg("route %q: segment %q contains ?, # or white space", p, s)
			}
			continue
		}
		name, ok := strings.CutPrefix(s, "{")
		if ok {
			name, ok = strings.CutSuffix(name, "}")
		}
		if !ok || name == "" || strings.ContainsAny(name, "{}") {
			return words.Msg("route %q: segment %q: a wildcard is a whole segment, {name} or {name...}", p, s)
		}
		if strings.HasSuffix(name, "...") && i != len(segs)-1 {
			return words.Msg("route %q: {%s} must be the last segment", p, name)
		}
	}
	return ""
}

// compileRoute compiles r; noOptions leaves OPTIONS out of Allow (the
// preflight-404 mistake: the router has no OPTIONS route).
func compileRoute(r Route, noOptions bool) route {
	var c route
	for _, s := range strings.Split(r.Path[1:], "/") {
		switch {
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "...}"):
			c.rest = true
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			c.segs, c.wild = append(c.segs, ""), append(c.wild, true)
		default:
			c.segs, c.wild = append(c.segs, s), append(c.wild, false)
		}
	}
	add := func(m string) {
		if !slices.Contains(c.methods, m) {
			c.methods = append(c.methods, m)
		}
	}
	for _, m := range r.Methods {
		add(m)
		if m == "GET" {
			add("HEAD") // RFC 9110 §9.3.2: HEAD is GET without content
		}
	}
	allow := append([]string(nil), c.methods...)
	if !noOptions && !slices.Contains(allow, "OPTIONS") {
		allow = append(allow, "OPTIONS")
	}
	c.allow = strings.Join(allow, ", ")
	if !noOptions {
		add("OPTIONS")
	}
	return c
}

// match reports whether path matches the route: every pattern segment
// matches one path segment in turn ("{name}" any non-empty one), and what
// is left of the path must be nothing, unless the pattern ends with
// "{name...}", which takes any rest.
func (r *route) match(path string) bool {
	if path == "" {
		path = "/"
	}
	rest, more := path[1:], true
	for i, seg := range r.segs {
		if !more {
			return false // the path ran out before the pattern
		}
		var s string
		s, rest, more = strings.Cut(rest, "/")
		if r.wild[i] && s == "" || !r.wild[i] && s != seg {
			return false
		}
	}
	return !more || r.rest
}
