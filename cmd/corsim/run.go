package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
)

func runCommand() *command {
	c := &command{name: "run", summary: "run scenario files or directories and check their expectations"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim run [flags] FILE|DIR...

Run parses and runs scenario files: txtar archives whose comment is a
script (page, server, fetch, advance, expect …) and whose files are server
configs and canned responses. A directory is searched for *.txtar files;
"-" reads one scenario from standard input. Scenarios run in parallel. The
format is documented in docs/scenarios.md. Only regular files of at most
16 MiB are read (not a pipe, a device or a /proc file), and in a directory
a symbolic link is followed only to a file inside that directory. A
scenario without a fetch is an error. With one scenario, the story is
written while it runs, so memory stays flat however long it is.

With one scenario, the report tells its story step by step, the
scenario's own comments where they stand; with several browsers, the
story once, then each other browser only where it differs, a verdict
table and every fix for every browser. With several scenarios it prints
one line per scenario (-v tells every story) and every failed expectation
as file:line: [browser] command: what was expected; --format html then
makes a lab book: one page with an index and every scenario's story,
diagram and verdicts. The -o file is replaced only once the report is
complete (it is written beside it first).

Flags:
  --format F      text (default), json, mermaid, html or junit (JUnit XML
                  for CI: a test case per scenario and browser)
  --json          the same as --format json (docs/json-schema.md)
  -o FILE         write the report to FILE instead of standard output
  --browser LIST  run under these browsers instead of each scenario's own:
                  chromium, firefox, webkit, spec, comma-separated, or all
  -v              with several scenarios, tell every story
  -q              print only failures

`+exitStatusHelp("0 when every expectation held, 1 when one failed, 2 for bad usage or a file that cannot be read or parsed (file:line on stderr)")+`

Examples:

	corsim run testdata/labs
	corsim run --browser all testdata/scenarios
	corsim run --format html -o report.html cmd/corsim/demo.txtar
	corsim run --format html -o labs.html testdata/labs
	cat cmd/corsim/demo.txtar | corsim run -
`)
	}
	c.run = func(ctx context.Context, e *env, args []string) int {
		fs := newFlagSet(c)
		format := fs.String("format", "text", "")
		asJSON := fs.Bool("json", false, "")
		out := fs.String("o", "", "")
		fs.StringVar(out, "output", "", "")
		browsers := fs.String("browser", "", "")
		fs.StringVar(browsers, "browsers", "", "")
		verbose := fs.Bool("v", false, "")
		quiet := fs.Bool("q", false, "")
		pos, code, ok := parseArgs(e, fs, c, args)
		if !ok {
			return code
		}
		if err := chooseFormat(format, *asJSON); err != nil {
			return usageErr(e, c, "%v", err)
		}
		if len(pos) == 0 {
			return usageErr(e, c, "no scenario: give files, directories, or - for standard input")
		}
		opts, err := simOptions(*browsers)
		if err != nil {
			return inputErr(e, c, err)
		}
		scs, code := loadScenarios(e, c, pos)
		if code != exitOK {
			return code
		}
		ro := reportOpts{format: *format, verbose: *verbose || len(scs) == 1, quiet: *quiet, color: colours(e, e.stdoutTTY && *out == "")}
		// Text and JSON are written while the scenarios run, in flat
		// memory; a Mermaid diagram and an HTML page need whole results.
		switch {
		case len(scs) == 1 && (ro.format == "json" || ro.format == "text" && !ro.quiet):
			return runStreaming(ctx, e, c, scs[0], opts, *out, ro)
		case ro.format == "text" || ro.format == "json":
			return runOrdered(ctx, e, c, scs, opts, *out, ro)
		}
		results := runScenarios(ctx, e, scs, opts)
		var cut []string
		if ctx.Err() != nil {
			// Report what finished; name what did not.
			done := results[:0]
			for _, r := range results {
				if r.Interrupted {
					cut = append(cut, r.Name)
				} else {
					done = append(done, r)
				}
			}
			results = done
		}
		for _, r := range results {
			if r.Err != nil {
				// The runner recovered from an internal error.
				fmt.Fprintf(e.stderr, "corsim run: %s\n", oneLine(r.Err.Error()))
				return exitUsage
			}
		}
		if len(results) > 0 {
			if err := writeReportTo(e, *out, results, ro); err != nil {
				return inputErr(e, c, err)
			}
		}
		if cut != nil {
			fmt.Fprintf(e.stderr, "corsim run: interrupted: %d of %d scenario(s) did not finish and have no verdict: %s\n",
				len(cut), len(scs), listSome(cut, 5))
			return exitInterrupted
		}
		for _, r := range results {
			if !r.OK() {
				return exitFail
			}
		}
		return exitOK
	}
	return c
}

var reportFormats = []string{"text", "json", "mermaid", "html", "junit"}

// simOptions returns the runner's options for a --browser flag: the
// profiles it names, or (when it is empty) each scenario's own.
func simOptions(browsers string) (sim.Options, error) {
	var opts sim.Options
	if browsers == "" {
		return opts, nil
	}
	p, err := parseBrowsers(browsers)
	opts.Profiles = p
	return opts, err
}

// writeReportTo writes the report of results to the -o file out, or to
// standard output when out is "", and closes the file.
func writeReportTo(e *env, out string, results []*sim.Result, ro reportOpts) error {
	w, finish, err := openOutput(e, out)
	if err != nil {
		return err
	}
	werr := writeRunReport(w, results, ro)
	if cerr := finish(werr == nil); werr == nil {
		werr = cerr
	}
	return werr
}

// loadScenarios collects and parses every scenario named by paths. Any
// unreadable or invalid file is bad input: its problems go to stderr as
// file:line lines and the status is 2.
func loadScenarios(e *env, c *command, paths []string) ([]*scenario.Scenario, int) {
	var files []string
	stdin := false
	for _, p := range paths {
		if p == "-" {
			if stdin {
				return nil, usageErr(e, c, "- (standard input) given twice")
			}
			stdin = true
			files = append(files, "-")
			continue
		}
		got, err := sim.Collect(p)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = fileErr(p, err)
			}
			return nil, inputErr(e, c, err)
		}
		if len(got) == 0 {
			return nil, inputErr(e, c, fmt.Errorf("%s: no *.txtar scenario files in this directory", p))
		}
		for _, f := range got {
			if !slices.Contains(files, f) {
				files = append(files, f)
			}
		}
	}
	scs := make([]*scenario.Scenario, 0, len(files))
	var bad []string
	for _, f := range files {
		src, err := readInput(f, e.stdin)
		if err != nil {
			bad = append(bad, oneLine(err.Error()))
			continue
		}
		name := filepath.ToSlash(f)
		if f == "-" {
			name = "stdin"
		}
		sc, err := scenario.Parse(name, src)
		if err != nil {
			bad = append(bad, splitErrors(err)...)
			continue
		}
		scs = append(scs, sc)
	}
	if len(bad) > 0 {
		for _, b := range bad {
			fmt.Fprintf(e.stderr, "%s\n", b)
		}
		return nil, exitUsage
	}
	return scs, exitOK
}

// listSome lists up to n names, then how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// splitErrors returns each error of a joined error as one line.
func splitErrors(err error) []string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, splitErrors(e)...)
		}
		return out
	}
	return []string{oneLine(err.Error())}
}

// runScenarios runs scenarios in parallel and returns the results in
// order. When the run takes more than a second and stderr is a terminal,
// a progress line on stderr counts the scenarios done.
func runScenarios(ctx context.Context, e *env, scs []*scenario.Scenario, opts sim.Options) []*sim.Result {
	var done atomic.Int64
	stop := startProgress(e, len(scs), &done)
	defer stop()
	return sim.RunAll(ctx, scs, opts, func() { done.Add(1) })
}

// progressDelay (a variable for tests) is how long a run goes before a progress line appears.
var progressDelay = time.Second

// startProgress shows "running scenarios: 12/60" on stderr, refreshed in
// place, once the run has taken progressDelay — only when stderr is a
// terminal. The returned func stops it and clears the line.
func startProgress(e *env, total int, done *atomic.Int64) func() {
	return startStatus(e, func() string { return fmt.Sprintf("corsim: running scenarios %d/%d…", done.Load(), total) })
}

// startStatus shows the line status returns on stderr, refreshed in place
// every 100 ms, once the command has taken progressDelay — only when
// stderr is a terminal, where a long wait should not look like a hang. The
// returned func stops it and clears the line.
func startStatus(e *env, status func() string) func() {
	if !e.stderrTTY {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTimer(progressDelay)
		defer t.Stop()
		select {
		case <-quit:
			return
		case <-t.C:
		}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			fmt.Fprintf(e.stderr, "\r\x1b[K%s", status())
			select {
			case <-quit:
				fmt.Fprint(e.stderr, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}

// openOutput returns stdout, or a temporary file beside the file -o
// names: finish(true) renames it over that file, finish(false) removes
// it, so the -o file is never touched before the report is complete.
func openOutput(e *env, path string) (w io.Writer, finish func(ok bool) error, err error) {
	if path == "" || path == "-" {
		return e.stdout, func(bool) error { return nil }, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, nil, fileErr(path, err)
	}
	return f, func(ok bool) error {
		cerr := f.Close()
		if !ok || cerr != nil {
			os.Remove(f.Name())
			return cerr
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			os.Remove(f.Name())
			return fileErr(path, err)
		}
		if err := os.Rename(f.Name(), path); err != nil {
			os.Remove(f.Name())
			return fileErr(path, err)
		}
		return nil
	}, nil
}

// chooseFormat settles the report format of run and demo from --format and
// --json: --json means json, and names another format only by mistake.
func chooseFormat(format *string, asJSON bool) error {
	if asJSON {
		if *format != "text" && *format != "json" {
			return fmt.Errorf("--json and --format %s exclude each other", *format)
		}
		*format = "json"
	}
	if !slices.Contains(reportFormats, *format) {
		return fmt.Errorf("--format %q: want one of %s", *format, strings.Join(reportFormats, ", "))
	}
	return nil
}
