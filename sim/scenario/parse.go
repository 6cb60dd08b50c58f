package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/corsim/corsim/internal/input"
	"github.com/corsim/corsim/sim/internal/words"
	"golang.org/x/tools/txtar"
)

// Profiles lists the browser profile names a scenario may name in its
// browsers command and in conditions.
var Profiles = []string{"chromium", "firefox", "webkit", "spec"}

// DefaultProfile is the profile a scenario without a browsers command runs
// under.
const DefaultProfile = "chromium"

// Scenario is a parsed scenario file.
type Scenario struct {
	// Name is the file name given to Parse; it prefixes error messages.
	Name string
	// Title is the first comment line: what the scenario teaches.
	Title string
	// Spec is the anchor of the "# spec:" line ("" when there is none).
	Spec string
	// Browsers lists the profiles to run under, in order (default
	// chromium).
	Browsers []string
	// Skip is the reason given by "conformance skip 'reason'", "" when the
	// scenario can be replayed in a real browser.
	Skip string
	// SkipFor holds the reasons given by "conformance skip ENGINE
	// 'reason'", by engine: a scenario that one engine cannot replay.
	SkipFor map[string]string
	// Commands are the script's commands in order.
	Commands []*Command
	// Files holds the archive's files by name.
	Files map[string][]byte
	// FileLine gives the line number of each file's "-- name --" marker.
	FileLine map[string]int
	// Prose holds the script's comments but the title and the spec line,
	// in paragraphs, in order: the lesson in the author's words, which a
	// report tells where it stands among the commands.
	Prose []Prose
}

// Prose is one paragraph of a scenario's comments: consecutive comment
// lines, ended by a line that is not a comment or by an empty "#" line.
type Prose struct {
	// Line is the line number of the paragraph's first comment.
	Line int
	// Lines are the comment lines without their "#" and the space after it.
	Lines []string
}

// ProseBefore returns the paragraphs of prose that stand before line,
// after those before from (from 0 means from the start).
func (sc *Scenario) ProseBefore(from, line int) []Prose {
	var out []Prose
	for _, p := range sc.Prose {
		if p.Line >= from && p.Line < line {
			out = append(out, p)
		}
	}
	return out
}

// Must says what a prefix demands of a fetch's outcome.
type Must int

const (
	// MustSucceed: no prefix; the fetch must not be rejected.
	MustSucceed Must = iota
	// MustFail: "!"; the fetch must be rejected (blocked or network error).
	MustFail
	// MayFail: "?"; either is fine.
	MayFail
)

// Cond is one bracketed condition: it holds under a profile whose name is
// in Profiles, or (Not) whose name is not.
type Cond struct {
	Not      bool
	Profiles []string
}

// Holds reports whether the condition holds under profile. A profile
// with features ("chromium+Feature") counts as its family ("chromium").
func (c Cond) Holds(profile string) bool {
	profile = Family(profile)
	in := false
	for _, p := range c.Profiles {
		if p == profile {
			in = true
			break
		}
	}
	return in != c.Not
}

// String returns the condition as written: "[chromium,webkit]", "[!spec]".
func (c Cond) String() string {
	not := ""
	if c.Not {
		not = "!"
	}
	return "[" + not + strings.Join(c.Profiles, ",") + "]"
}

// Error is a problem in a scenario file, at a line, in a command.
type Error struct {
	File    string
	Line    int
	Command string // the command name, "" for a problem outside one
	Msg     string
}

// Error returns "file:line: command: msg".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Command != "" {
		b.WriteString(commandName(e.Command))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// commandName shows a command name in a message: as written when it is a
// word of letters, else as a short quoted excerpt (the "command" of a
// line of garbage is the garbage).
func commandName(name string) string {
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') || len(name) > 20 {
			return words.Msg("%q", name)
		}
	}
	return name
}

// ParseFile reads and parses the scenario file at path; the name used in
// messages is the path as given. It reads as the corsim command does: only
// a regular file of at most 16 MiB (a named pipe, a device such as
// /dev/zero, a directory or a /proc file is refused without being read),
// and its errors read "path: what is wrong".
func ParseFile(path string) (*Scenario, error) {
	src, err := input.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(filepath.ToSlash(path), src)
}

// Parse parses a scenario. name labels error messages. Every problem found
// is reported, joined with errors.Join, each one an *Error. Parse never
// panics.
func Parse(name string, src []byte) (sc *Scenario, err error) {
	defer func() {
		if r := recover(); r != nil {
			sc, err = nil, &Error{File: name, Msg: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	a := txtar.Parse(src)
	sc = &Scenario{Name: name, Files: make(map[string][]byte, len(a.Files)), FileLine: make(map[string]int, len(a.Files))}
	p := &parser{sc: sc}
	line := 1 + bytes.Count(a.Comment, []byte("\n"))
	for _, f := range a.Files {
		if _, dup := sc.Files[f.Name]; dup {
			p.errorf(line, "", "file %q appears twice (first at line %d)", f.Name, sc.FileLine[f.Name])
		} else {
			sc.Files[f.Name] = f.Data
			sc.FileLine[f.Name] = line
			p.fileOrder = append(p.fileOrder, f.Name)
		}
		line += 1 + bytes.Count(f.Data, []byte("\n"))
	}
	lines := strings.Split(string(a.Comment), "\n")
	p.header(lines)
	sc.Commands = make([]*Command, 0, len(lines))
	for i, raw := range lines {
		p.line(i+1, strings.TrimSuffix(raw, "\r"))
	}
	if sc.Browsers == nil {
		sc.Browsers = []string{DefaultProfile}
	}
	if !p.sawFetch && len(p.errs) == 0 {
		// A scenario that fetches nothing checks nothing: an empty or
		// truncated file must not pass.
		p.errorf(max(len(lines)-1, 1), "", "the scenario has no fetch command, so it checks nothing (is the file empty or cut short?)")
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return sc, nil
}

type parser struct {
	sc        *Scenario
	errs      []error
	browsersL int // line of the browsers command
	skipL     int
	skipFor   map[string]int // line of each engine's conformance skip
	fileOrder []string
	words     []words.Word // reused by line
	sawPage   bool
	sawFetch  bool
	titleL    int // line of the title comment
	specL     int // line of the "# spec:" comment
	proseL    int // line of the last comment added to prose
}

func (p *parser) errorf(line int, cmd, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.sc.Name, Line: line, Command: cmd, Msg: words.Msg(format, args...)})
}

// header takes the title and the spec anchor from the leading comment
// lines: the first "# text" line is the title, a "# spec: URL" line among
// the leading comments is the anchor.
func (p *parser) header(lines []string) {
	for i, raw := range lines {
		l := strings.TrimSpace(raw)
		if l == "" {
			continue
		}
		text, ok := strings.CutPrefix(l, "#")
		if !ok {
			return
		}
		text = strings.TrimSpace(text)
		if anchor, ok := strings.CutPrefix(text, "spec:"); ok {
			if p.sc.Spec == "" {
				p.sc.Spec = strings.TrimSpace(anchor)
				p.specL = i + 1
			}
			continue
		}
		if p.sc.Title == "" {
			p.sc.Title = text
			p.titleL = i + 1
		}
	}
}

// prose keeps a comment line (l trimmed, starting with "#") in the
// scenario's prose unless it is the title or the spec line.
func (p *parser) prose(n int, l string) {
	if n == p.titleL || n == p.specL {
		return
	}
	text := strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ")
	text = strings.TrimRight(text, " \t")
	if text == "" {
		p.proseL = 0 // a paragraph break
		return
	}
	ps := p.sc.Prose
	if p.proseL != 0 && p.proseL == n-1 && len(ps) > 0 {
		ps[len(ps)-1].Lines = append(ps[len(ps)-1].Lines, text)
	} else {
		p.sc.Prose = append(ps, Prose{Line: n, Lines: []string{text}})
	}
	p.proseL = n
}

// line parses one script line.
func (p *parser) line(n int, raw string) {
	if l := strings.TrimSpace(raw); strings.HasPrefix(l, "#") {
		p.prose(n, l)
	}
	words, msg := words.Split(raw, p.words[:0])
	p.words = words
	if msg != "" {
		p.errorf(n, "", "%s", msg)
		return
	}
	if len(words) == 0 {
		return
	}
	cmd := &Command{Line: n, Text: strings.TrimSpace(raw)}
	// Conditions, then a "!" or "?" prefix.
	for len(words) > 0 && strings.HasPrefix(words[0].Text, "[") && !words[0].Quoted {
		c, ok := p.cond(n, words[0].Text)
		if !ok {
			return
		}
		cmd.Conds = append(cmd.Conds, c)
		words = words[1:]
	}
	if len(words) > 0 && !words[0].Quoted {
		switch words[0].Text {
		case "!":
			cmd.Must = MustFail
			words = words[1:]
		case "?":
			cmd.Must = MayFail
			words = words[1:]
		}
	}
	if len(words) == 0 {
		p.errorf(n, "", "missing command after prefix")
		return
	}
	cmd.Name = words[0].Text
	if len(words) > 1 {
		cmd.Args = make([]string, len(words)-1)
		for i, w := range words[1:] {
			cmd.Args[i] = w.Text
		}
	}
	if err := p.command(cmd); err != "" {
		p.errorf(n, cmd.Name, "%s", err)
		return
	}
	p.sc.Commands = append(p.sc.Commands, cmd)
}

// cond parses "[name]", "[!name]" or "[a,b]".
func (p *parser) cond(n int, w string) (Cond, bool) {
	inner, ok := strings.CutSuffix(strings.TrimPrefix(w, "["), "]")
	if !ok {
		p.errorf(n, "", "condition %q: want [profile], [!profile] or [a,b]", w)
		return Cond{}, false
	}
	var c Cond
	if rest, ok := strings.CutPrefix(inner, "!"); ok {
		c.Not, inner = true, rest
	}
	for _, name := range strings.Split(inner, ",") {
		if !knownProfile(name) {
			p.errorf(n, "", "condition %q: unknown profile %q (want one of %s)", w, name, strings.Join(Profiles, ", "))
			return Cond{}, false
		}
		c.Profiles = append(c.Profiles, name)
	}
	return c, true
}

// Family returns the profile family of name: the part before the first
// "+" ("chromium+CorsNonWildcardRequestHeadersSupport" → "chromium").
func Family(name string) string {
	base, _, _ := strings.Cut(name, "+")
	return base
}

// Engines are the real browsers a per-engine "conformance skip ENGINE
// 'reason'" can name.
var Engines = []string{"chromium", "firefox", "webkit"}

// SkipReason is why the scenario is not replayed on engine ("chromium",
// "firefox", "webkit"): the reason of "conformance skip" for every engine,
// else of "conformance skip ENGINE", else "".
func (sc *Scenario) SkipReason(engine string) string {
	if sc.Skip != "" {
		return sc.Skip
	}
	return sc.SkipFor[engine]
}

func knownProfile(name string) bool { return slices.Contains(Profiles, Family(name)) }

// Quote returns s as one scenario word: unchanged when it needs no quotes,
// else in single quotes with inner quotes doubled.
func Quote(s string) string {
	if s == "" || s == "!" || s == "?" || strings.ContainsAny(s, " \t'") || s[0] == '#' || s[0] == '[' {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}
