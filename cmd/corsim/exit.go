package main

import "strings"

// Exit statuses, the same for every command (README, "Exit status").
const (
	// exitOK: the command ran and every expectation held (no finding).
	exitOK = 0
	// exitFail: an expectation failed, or a finding reached --fail-on.
	exitFail = 1
	// exitUsage: bad usage or bad input (a file, a URL, a flag).
	exitUsage = 2
	// exitIncomplete: a probe got no answer (the live server could not be
	// reached, timed out, failed TLS, or a handler panicked), so the
	// result is incomplete and no verdict is given for what it missed.
	exitIncomplete = 3
	// exitInterrupted: the user pressed Ctrl-C (128 + SIGINT, as shells
	// report it); what had run was printed and marked incomplete.
	exitInterrupted = 130
)

// exitStatusHelp returns the exit-status paragraph of a command's help:
// its own statuses (0, 1, 2: "0 when …, 1 when …, 2 for …"), then 3 and
// 130, which mean the same for every command, wrapped at 72 columns.
func exitStatusHelp(own string) string {
	text := "Exit status: " + own + ", 3 when the result is incomplete because a request got no answer (the live server could not be reached, timed out or failed TLS), 130 when interrupted (Ctrl-C)."
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		switch {
		case i == 0:
		case n+1+len(w) > 72:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
