package words

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxExcerpt is how many characters of a piece of input a message quotes;
// the rest is cut and marked with "…", so that a file of garbage (or of
// secrets, /proc/self/environ) is never echoed at length.
const MaxExcerpt = 48

// Excerpt is a piece of user input as a message shows it. With %q it is
// quoted with Go's escapes (so control characters and terminal escapes
// show as \x1b, never act) and cut after MaxExcerpt characters; with %s
// or %v it is shown whole, with control characters escaped.
type Excerpt string

// Format implements fmt.Formatter.
func (e Excerpt) Format(f fmt.State, verb rune) {
	s := string(e)
	if verb != 'q' {
		io.WriteString(f, Escape(s))
		return
	}
	cut := false
	if utf8.RuneCountInString(s) > MaxExcerpt {
		n := 0
		for i := range s {
			if n == MaxExcerpt {
				s, cut = s[:i], true
				break
			}
			n++
		}
	}
	q := strconv.Quote(s)
	if cut {
		q = q[:len(q)-1] + `…"`
	}
	io.WriteString(f, q)
}

// Short returns s escaped (Escape) and cut after MaxExcerpt characters
// with "…", unquoted: for a piece of input inside a suggestion, such as a
// file name to write.
func Short(s string) string {
	n := 0
	for i := range s {
		if n == MaxExcerpt {
			return Escape(s[:i]) + "…"
		}
		n++
	}
	return Escape(s)
}

// Escape returns s with its control characters (C0, DEL, C1, and
// invalid UTF-8) written as Go escapes, so that text from a file or a
// server cannot move the cursor, retitle the terminal or hide what
// follows. Printable text, tabs included, is unchanged.
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if r != '\t' && (unicode.IsControl(r) || r == utf8.RuneError) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
				continue
			}
			b.WriteRune(r)
		case r != '\t' && unicode.IsControl(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Msg formats a message like fmt.Sprintf, showing every string argument
// as an Excerpt: %q quotes a short, escaped excerpt, %s escapes.
func Msg(format string, args ...any) string {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = Excerpt(s)
		}
	}
	return fmt.Sprintf(format, args...)
}
