// Package words splits the lines of corsim's text formats (scenario
// scripts and declarative server configs) into words, with the quoting
// rules of rsc.io/script: words are separated by spaces and tabs; a
// single-quoted segment keeps spaces, "#", "*" and "null" literal, and a
// doubled quote inside it is one literal quote; a "#" that starts a word
// starts a comment.
package words

import (
	"fmt"
	"strings"
)

// Word is one word of a line.
type Word struct {
	// Text is the word with its quotes removed.
	Text string
	// Quoted reports that some of the word was quoted, so it cannot be a
	// keyword such as "!" or a condition.
	Quoted bool
}

// Split appends the words of line to words and returns them, or a message
// for an unterminated quote (naming its column). Unquoted words are
// substrings of line; only quoted words are built.
func Split(line string, words []Word) ([]Word, string) {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		if c == '#' {
			return words, ""
		}
		start := i
		quoted := false
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			if line[i] == '\'' {
				quoted = true
				break
			}
			i++
		}
		if !quoted {
			words = append(words, Word{Text: line[start:i]})
			continue
		}
		// Slow path: a word with quotes.
		var b strings.Builder
		b.WriteString(line[start:i])
		inQuote := false
		quoteAt := 0
		for ; i < len(line); i++ {
			c := line[i]
			if inQuote {
				if c == '\'' {
					if i+1 < len(line) && line[i+1] == '\'' {
						b.WriteByte('\'')
						i++
						continue
					}
					inQuote = false
					continue
				}
				b.WriteByte(c)
				continue
			}
			if c == ' ' || c == '\t' {
				break
			}
			if c == '\'' {
				inQuote, quoteAt = true, i
				continue
			}
			b.WriteByte(c)
		}
		if inQuote {
			return nil, fmt.Sprintf("unterminated quote at column %d", quoteAt+1)
		}
		words = append(words, Word{Text: b.String(), Quoted: true})
	}
	return words, ""
}
