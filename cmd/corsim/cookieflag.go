package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/corsim/corsim/internal/input"
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
// which only fetch's simulated jar reads; "@FILE" stands for the lines of
// FILE (see cookieFileLines).
func parseCookieFlags(flags []string) ([]userCookie, error) {
	flags, err := expandCookieFiles(flags)
	if err != nil {
		return nil, err
	}
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

// expandCookieFiles replaces each "@FILE" among --cookie values by the
// cookies FILE holds, so that session cookies need not be typed on a
// command line (where other users of the machine can see them).
func expandCookieFiles(flags []string) ([]string, error) {
	var out []string
	for _, f := range flags {
		path, ok := strings.CutPrefix(f, "@")
		if !ok {
			out = append(out, f)
			continue
		}
		lines, err := cookieFileLines(path)
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	return out, nil
}

// cookieFileLines reads a cookie file: one cookie a line, as --cookie
// takes it ("sid=1" or "sid=1; SameSite=None; Secure"), or a line of a
// Netscape cookies.txt export (seven tab-separated fields: domain,
// subdomains, path, secure, expiry, name, value), of which the name and
// value are kept. Blank lines and lines starting with "#" are skipped,
// except "#HttpOnly_" lines of cookies.txt. Errors read "FILE:LINE: …" and
// never show a cookie's value.
func cookieFileLines(path string) ([]string, error) {
	src, err := input.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(line, "#HttpOnly_") {
			line = strings.TrimPrefix(line, "#HttpOnly_")
		} else if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if f := strings.Split(line, "\t"); len(f) == 7 {
			line = f[5] + "=" + f[6]
		} else if strings.Contains(line, "\t") {
			return nil, fmt.Errorf("%s:%d: a cookies.txt line has 7 tab-separated fields, this one has %d", path, i+1, len(f))
		}
		line = strings.TrimSpace(line)
		if strings.ContainsAny(line, "\x00") {
			return nil, fmt.Errorf("%s:%d: the line contains a NUL byte", path, i+1)
		}
		if _, err := http.ParseSetCookie(line); err != nil {
			return nil, fmt.Errorf("%s:%d: %q: want 'name=value' (then optional attributes such as '; SameSite=None; Secure'): %v",
				path, i+1, maskLine(line), strings.TrimPrefix(err.Error(), "http: "))
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no cookie in the file (one 'name=value' a line, or a cookies.txt export)", path)
	}
	return out, nil
}

// auditCookieHeader is the Cookie header audit's --cookie values make: a
// value given on the command line goes as it is ("a=b; c=d"), a cookie
// file's lines each give their name=value pair.
func auditCookieHeader(flags []string) (string, error) {
	var pairs []string
	for _, f := range flags {
		path, ok := strings.CutPrefix(f, "@")
		if !ok {
			if strings.ContainsAny(f, "\r\n\x00") {
				return "", fmt.Errorf("--cookie: the value contains CR, LF or NUL")
			}
			pairs = append(pairs, f)
			continue
		}
		lines, err := cookieFileLines(path)
		if err != nil {
			return "", err
		}
		for _, l := range lines {
			c, _ := http.ParseSetCookie(l) // cookieFileLines checked it
			pairs = append(pairs, c.Name+"="+c.Value)
		}
	}
	return strings.Join(pairs, "; "), nil
}
