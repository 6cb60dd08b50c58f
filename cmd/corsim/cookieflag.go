package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maskedValue stands for a cookie value the user gave on the command line:
// reports never print it.
const maskedValue = "<masked>"

// userCookie is one --cookie value: the name=value pair that goes on the
// wire and, for fetch, the whole Set-Cookie line seeded into the jar.
type userCookie struct {
	name, value string
	line        string
}

// parseCookieFlags reads --cookie values: each "name=value", optionally
// followed by Set-Cookie attributes ("sid=1; SameSite=None; Secure"),
// which only fetch's simulated jar reads.
func parseCookieFlags(flags []string) ([]userCookie, error) {
	var out []userCookie
	for _, f := range flags {
		c, err := http.ParseSetCookie(f)
		if err != nil {
			return nil, fmt.Errorf("--cookie %q: want 'name=value' (then optional attributes such as '; SameSite=None; Secure'): %v",
				maskLine(f), strings.TrimPrefix(err.Error(), "http: "))
		}
		out = append(out, userCookie{name: c.Name, value: c.Value, line: f})
	}
	return out, nil
}

// cookieHeader is the Cookie header value carrying cs, in order.
func cookieHeader(cs []userCookie) string {
	pairs := make([]string, len(cs))
	for i, c := range cs {
		pairs[i] = c.name + "=" + c.value
	}
	return strings.Join(pairs, "; ")
}

// maskLine hides the value of a name=value pair at the start of line.
func maskLine(line string) string {
	pair, rest, _ := strings.Cut(line, ";")
	name, _, ok := strings.Cut(pair, "=")
	if !ok {
		return maskedValue
	}
	if rest != "" {
		rest = ";" + rest
	}
	return name + "=" + maskedValue + rest
}

// maskCookies replaces every "name=value" pair of cs in s with
// "name=<masked>", so the user's session cookies never reach a report.
func maskCookies(s string, cs []userCookie) string {
	for _, c := range cs {
		if c.value == "" {
			continue
		}
		s = strings.ReplaceAll(s, c.name+"="+c.value, c.name+"="+maskedValue)
	}
	return s
}

// maskingWriter buffers what is written to it and, on flush, writes it to
// w with the user's cookie values masked. With no cookies it writes
// straight through.
type maskingWriter struct {
	w   io.Writer
	cs  []userCookie
	buf bytes.Buffer
}

func (m *maskingWriter) Write(p []byte) (int, error) {
	if len(m.cs) == 0 {
		return m.w.Write(p)
	}
	return m.buf.Write(p)
}

func (m *maskingWriter) flush() error {
	if m.buf.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(m.w, maskCookies(m.buf.String(), m.cs))
	m.buf.Reset()
	return err
}
