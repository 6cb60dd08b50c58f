package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EscapeControls returns s with every character a terminal would act on
// written as a Go escape: C0 controls but newline and tab (ESC, CR, BEL,
// backspace …), DEL, C1 controls, bidirectional overrides, and bytes that
// are not UTF-8. Header values and bodies come from servers; printed raw, a
// value could retitle the terminal, move the cursor, or hide or reorder
// what follows. With sgr, corsim's own colour sequences (ESC [ n m, for
// the n the text palette uses) are kept.
func EscapeControls(s string, sgr bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if sgr && s[i] == 0x1b {
			if n := paletteSGR(s[i:]); n > 0 {
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r))
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 {
			goto slow
		}
	}
	return true
slow:
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if needsEscape(r) {
			return false
		}
	}
	return true
}

// paletteSGR returns the length of the colour sequence s starts with when
// it is one corsim's palette writes (ESC [ 0|1|2|31|32|33 m), else 0.
func paletteSGR(s string) int {
	for _, code := range []string{"0", "1", "2", "31", "32", "33"} {
		if seq := "\x1b[" + code + "m"; strings.HasPrefix(s, seq) {
			return len(seq)
		}
	}
	return 0
}

// escaper is an io.Writer that escapes each write with EscapeControls;
// every write must hold whole characters (one formatted line, say).
type escaper struct {
	w   io.Writer
	sgr bool
}

// NewEscaper returns a writer that writes to w what it is given with
// EscapeControls applied, write by write: give it whole lines or whole
// documents, not arbitrary chunks.
func NewEscaper(w io.Writer, sgr bool) io.Writer { return escaper{w, sgr} }

func (e escaper) Write(p []byte) (int, error) {
	s := string(p)
	if out := EscapeControls(s, e.sgr); out != s {
		if _, err := io.WriteString(e.w, out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return e.w.Write(p)
}
