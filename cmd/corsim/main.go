// Command corsim simulates how browsers handle cross-origin requests
// (CORS): whether a request is same-origin, simple or preflighted, what the
// server's Access-Control-* answer allows, what the preflight cache keeps,
// and what JavaScript and the developer console finally see.
//
// Usage:
//
//	corsim <command> [flags] [arguments]
//
// The commands are:
//
//	demo      run a built-in story: preflight, cache hit, a blocked credentialed request
//	fetch     simulate one request, curl-like, and tell its story
//	explain   like fetch, with every spec step, its link, and every confirmed fix
//	run       run scenario files or directories and check their expectations
//	allow     ask a server which methods a URL supports (RFC 9110 OPTIONS and Allow)
//	audit     attack a server's CORS policy with scanner origins, judged per browser
//	replay    re-run the cross-origin requests of a DevTools HAR export in every browser
//	check     check every operation of an OpenAPI document from a front end's origin, in every browser
//	version   print corsim's version and the revision it was built from
//	help      show help for a command
//
// Run "corsim help <command>" or "corsim <command> --help" for a command's
// flags and examples.
//
// Exit status: 0 when the command ran and every expectation held, 1 when a
// scenario expectation (or a checked verdict, or an audit finding) failed,
// 2 for bad usage or bad input, with a one-line error on stderr, 3 when
// the result is incomplete because a request got no answer (the live
// server could not be reached, timed out or failed TLS, or an in-process
// handler panicked), and 130 when interrupted (Ctrl-C).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/corsim/corsim/internal/suggest"
)

// env is what a command may touch: its streams, the environment and the
// terminal facts that decide colour and progress lines. Tests build their
// own env; main builds it from the process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// stdoutTTY and stderrTTY report that the stream is a terminal.
	stdoutTTY, stderrTTY bool
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
	// help prints the command's full help (usage, flags, examples).
	help func(w io.Writer)
}

func commands() []*command {
	return []*command{
		demoCommand(),
		fetchCommand(false),
		fetchCommand(true),
		runCommand(),
		allowCommand(),
		serveCommand(),
		auditCommand(),
		replayCommand(),
		checkCommand(),
		versionCommand(),
	}
}

func main() {
	ctx, stop := interruptContext()
	e := &env{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		getenv:    os.Getenv,
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	code := runMain(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

// errInterrupted is the cause of the command's context when the user
// pressed Ctrl-C.
var errInterrupted = errors.New("interrupted")

// interruptContext returns the context every command runs with: the first
// Ctrl-C (SIGINT) cancels it with errInterrupted, so the command stops
// promptly and prints what it has; a second one exits at once with 130.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		cancel(errInterrupted)
		if _, ok := <-sigs; ok {
			fmt.Fprintln(os.Stderr, "corsim: interrupted again: quitting without a report")
			os.Exit(exitInterrupted)
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(sigs)
		cancel(nil)
	}
}

// interrupted reports whether the user pressed Ctrl-C during the command.
func interrupted(ctx context.Context) bool { return errors.Is(context.Cause(ctx), errInterrupted) }

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// runMain dispatches to a command and returns the exit status. It never
// panics: a panic inside a command becomes an internal error, exit 2.
func runMain(ctx context.Context, e *env, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "corsim: internal error: %v (please report it with the command line)\n", r)
			code = exitUsage
		}
	}()
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		return helpMain(e, args[1:])
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			code := c.run(ctx, e, args[1:])
			if interrupted(ctx) && code != exitInterrupted {
				// The command did not say so itself.
				fmt.Fprintf(e.stderr, "corsim %s: interrupted: what was printed is incomplete\n", c.name)
				code = exitInterrupted
			}
			return code
		}
	}
	fmt.Fprintf(e.stderr, "corsim: unknown command %q%s (run 'corsim help' for the list)\n", name, didYouMean(name))
	return exitUsage
}

// didYouMean returns "; did you mean fetch?" for a misspelt command name,
// "" when no command is close.
func didYouMean(name string) string {
	names := []string{"help"}
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if s := suggest.Closest(name, names); s != "" {
		return "; did you mean " + s + "?"
	}
	return ""
}

func helpMain(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			c.help(e.stdout)
			return exitOK
		}
	}
	fmt.Fprintf(e.stderr, "corsim help: unknown command %q%s (run 'corsim help' for the list)\n", args[0], didYouMean(args[0]))
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `corsim simulates how browsers handle cross-origin requests (CORS).

Usage:

	corsim <command> [flags] [arguments]

Commands:

`)
	for _, c := range commands() {
		fmt.Fprintf(w, "\t%-8s  %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `	help      show help for a command

Start with:

	corsim demo
	corsim fetch https://api.example/items -X PUT -H 'Content-Type: application/json' --from https://app.example --server cors.conf

Run 'corsim help <command>' or 'corsim <command> --help' for flags and examples.
Exit status: 0 ok, 1 an expectation failed (or a finding), 2 bad usage or
bad input, 3 incomplete (a request got no answer), 130 interrupted.
`)
}

// version says which corsim this is: the module version (stamped by "go
// install …@version", by "go build" from a tagged checkout, or "(devel)"),
// the VCS revision the binary was built from and whether the checkout had
// uncommitted changes, and the Go version. All of it comes from the
// build information the go command embeds (runtime/debug.ReadBuildInfo).
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown): the binary carries no build information"
	}
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	out := moduleVersion(bi)
	switch {
	case rev == "":
		out += ", revision unknown (built without VCS information: outside a git checkout, or with -buildvcs=false)"
	case modified:
		out += ", revision " + rev + " with uncommitted changes"
	default:
		out += ", revision " + rev
	}
	if when != "" {
		out += " (" + when + ")"
	}
	return out + ", " + strings.TrimSpace(bi.GoVersion)
}

// moduleVersion is the main module's version, "(devel)" when unstamped.
func moduleVersion(bi *debug.BuildInfo) string {
	if bi == nil || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}

func versionCommand() *command {
	c := &command{name: "version", summary: "print corsim's version and the revision it was built from"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim version

Prints corsim's module version, the VCS revision it was built from (and
whether the checkout had uncommitted changes), and the Go version it was
built with.

Example:

	corsim version
`)
	}
	c.run = func(_ context.Context, e *env, args []string) int {
		pos, code, ok := parseArgs(e, newFlagSet(c), c, args)
		if !ok {
			return code
		}
		if len(pos) > 0 {
			return usageErr(e, c, "unexpected argument %q", pos[0])
		}
		fmt.Fprintf(e.stdout, "corsim %s\n", version())
		return exitOK
	}
	return c
}
