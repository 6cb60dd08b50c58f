package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/corsim/corsim/internal/suggest"
)

// newFlagSet returns an empty flag set for c that reports nothing itself:
// parseArgs turns its errors into one line on stderr.
func newFlagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet("corsim "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseArgs parses args with fs, allowing flags after positional
// arguments ("corsim fetch URL --from ORIGIN"); "--" ends the flags. It
// returns the positional arguments and ok. When ok is false the command
// must return code at once: help was printed (0) or the usage error was
// reported on stderr in one line (2).
func parseArgs(e *env, fs *flag.FlagSet, c *command, args []string) (pos []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.help(e.stdout)
				return nil, exitOK, false
			}
			return nil, usageErr(e, c, "%s", flagErrorWords(fs, err)), false
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" && !isFlagValue(fs, args, consumed-1) {
			return append(pos, rest...), exitOK, true
		}
		if len(rest) == 0 {
			return pos, exitOK, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// flagErrorWords rewrites the flag package's errors in corsim's words,
// with a suggestion for a misspelt flag: "unknown flag --formt; did you
// mean --format?".
func flagErrorWords(fs *flag.FlagSet, err error) string {
	msg := oneLine(err.Error())
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: ")
	if !ok {
		return msg
	}
	name = strings.TrimLeft(name, "-")
	out := "unknown flag " + dashes(name)
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if s := suggest.Closest(name, names); s != "" {
		out += "; did you mean " + dashes(s) + "?"
	}
	return out
}

// dashes writes a flag name as the help does: -k, --format.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// isFlagValue reports whether args[i] is the value of the flag before it
// ("-d --"), not the end-of-flags marker.
func isFlagValue(fs *flag.FlagSet, args []string, i int) bool {
	if i == 0 {
		return false
	}
	prev := strings.TrimLeft(args[i-1], "-")
	if prev == args[i-1] || strings.Contains(prev, "=") {
		return false
	}
	f := fs.Lookup(prev)
	if f == nil {
		return false
	}
	if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
		return false
	}
	return true
}

// usageErr reports a usage error of c in one line on stderr and returns 2.
func usageErr(e *env, c *command, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "corsim %s: %s (see 'corsim %s --help')\n", c.name, oneLine(fmt.Sprintf(format, args...)), c.name)
	return exitUsage
}

// inputErr reports bad input (a file, a URL, an origin) in one line on
// stderr and returns 2.
func inputErr(e *env, c *command, err error) int {
	fmt.Fprintf(e.stderr, "corsim %s: %s\n", c.name, oneLine(err.Error()))
	return exitUsage
}

// oneLine joins the lines of a message with "; " so that every error is
// one line on stderr (errors.Join separates its errors with newlines).
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var parts []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}

// listFlag is a repeatable string flag (-H 'Name: value' -H …).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ", ") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// palette colours text with ANSI escapes, or not at all.
type palette struct{ on bool }

// colours decides colour for a stream: only on a terminal, and never when
// NO_COLOR is set to anything (https://no-color.org).
func colours(e *env, tty bool) palette {
	return palette{on: tty && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"}
}

func (p palette) wrap(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p palette) green(s string) string  { return p.wrap("32", s) }
func (p palette) red(s string) string    { return p.wrap("31", s) }
func (p palette) yellow(s string) string { return p.wrap("33", s) }
func (p palette) bold(s string) string   { return p.wrap("1", s) }
func (p palette) dim(s string) string    { return p.wrap("2", s) }
