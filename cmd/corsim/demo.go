package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
)

// demoScenario is the built-in story of corsim demo, a scenario file like
// any other (corsim run cmd/corsim/demo.txtar runs the same thing).
//
//go:embed demo.txtar
var demoScenario []byte

func demoCommand() *command {
	c := &command{name: "demo", summary: "run a built-in story: preflight, cache hit, a blocked credentialed request"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim demo [flags]

Demo runs a built-in scenario, no files needed: a page at https://app.example
sends a JSON PUT to its API at https://api.example. The browser preflights
it (OPTIONS), the API allows it for 600 seconds, the second call is served
from the preflight cache, and a third call with cookies is blocked because
the API never says Access-Control-Allow-Credentials: true — with the line
the browser's console prints.

The scenario is cmd/corsim/demo.txtar in corsim's source; "corsim run"
gives the same report for it.

Flags:
  --browser LIST  chromium (default), firefox, webkit, spec, comma-separated, or all
  --format F      text (default), json, mermaid or html
  --json          the same as --format json
  -o FILE         write the report to FILE
  --script        print the scenario file instead of running it

`+exitStatusHelp("0 when every expectation held, 1 when one failed, 2 for bad usage")+`

Examples:

	corsim demo
	corsim demo --browser all
	corsim demo --format html -o demo.html
`)
	}
	c.run = func(ctx context.Context, e *env, args []string) int {
		fs := newFlagSet(c)
		browsers := fs.String("browser", "", "")
		fs.StringVar(browsers, "browsers", "", "")
		format := fs.String("format", "text", "")
		asJSON := fs.Bool("json", false, "")
		out := fs.String("o", "", "")
		script := fs.Bool("script", false, "")
		pos, code, ok := parseArgs(e, fs, c, args)
		if !ok {
			return code
		}
		if len(pos) > 0 {
			return usageErr(e, c, "unexpected argument %q", pos[0])
		}
		if *script {
			_, err := e.stdout.Write(demoScenario)
			if err != nil {
				return inputErr(e, c, err)
			}
			return exitOK
		}
		if err := chooseFormat(format, *asJSON); err != nil {
			return usageErr(e, c, "%v", err)
		}
		opts, err := simOptions(*browsers)
		if err != nil {
			return inputErr(e, c, err)
		}
		sc, err := scenario.Parse("demo.txtar", demoScenario)
		if err != nil {
			return inputErr(e, c, err) // cannot happen: a test parses it
		}
		res := sim.Run(ctx, sc, opts)
		if res.Err != nil {
			return inputErr(e, c, res.Err)
		}
		ro := reportOpts{format: *format, verbose: true, color: colours(e, e.stdoutTTY && *out == "")}
		if err := writeReportTo(e, *out, []*sim.Result{res}, ro); err != nil {
			return inputErr(e, c, err)
		}
		if !res.OK() {
			return exitFail
		}
		return exitOK
	}
	return c
}
