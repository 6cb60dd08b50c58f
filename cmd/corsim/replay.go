package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/har"
	"github.com/corsim/corsim/sim/scenario"
	"github.com/corsim/corsim/sim/server"
)

func replayCommand() *command {
	c := &command{name: "replay", summary: "re-run the cross-origin requests of a DevTools HAR export in every browser"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim replay [flags] FILE.har

Replay reads a HAR file exported from the browser's developer tools
(Chromium "Save all as HAR", Firefox "Save All As HAR", Safari "Export
HAR"; "-" reads standard input), finds the page's cross-origin requests,
and makes each one again in every browser profile against a server that
answers with the responses the HAR recorded. Per request it prints each
browser's verdict, where the browsers differ, why a request is blocked and
what would change that. A response the HAR does not have (Chromium often
leaves preflights out of its export) is reported as missing, never
invented; the verdict is then unknown.

Flags (they may come before or after the file):
  --browser LIST       chromium, firefox, webkit, spec, comma-separated, or
                       all (default all)
  --credentials MODE   replay every request with credentials include, omit
                       or same-origin (a sanitized export removes cookies,
                       so corsim cannot always tell)
  --live               send the requests to the real servers instead: the
                       preflight and GET, HEAD and OPTIONS go out; any other
                       request is shown, not sent (as fetch --live)
  --send-unsafe        with --live, really send unsafe requests too
  -v                   tell each request's whole story, and list the
                       entries that were not replayed
  --json               print the report as JSON (corsim.replay/v1,
                       docs/json-schema.md)

Exit status: 0 when every replayed request is allowed (or its verdict is
unknown), 1 when a request is blocked in a chosen browser, 2 for bad usage
or a file that cannot be read (file:line on stderr).

Examples:

	corsim replay testdata/har/chromium.har
	corsim replay --browser chromium,webkit testdata/har/webkit.har
	corsim replay --live --credentials include api-traffic.har
`)
	}
	c.run = func(ctx context.Context, e *env, args []string) int {
		fs := newFlagSet(c)
		browsers := fs.String("browser", "all", "")
		fs.StringVar(browsers, "browsers", "all", "")
		creds := fs.String("credentials", "", "")
		live := fs.Bool("live", false, "")
		sendUnsafe := fs.Bool("send-unsafe", false, "")
		verbose := fs.Bool("v", false, "")
		asJSON := fs.Bool("json", false, "")
		pos, code, ok := parseArgs(e, fs, c, args)
		if !ok {
			return code
		}
		switch {
		case len(pos) == 0:
			return usageErr(e, c, "missing FILE.har")
		case len(pos) > 1:
			return usageErr(e, c, "want one HAR file, got %d arguments", len(pos))
		case *sendUnsafe && !*live:
			return usageErr(e, c, "--send-unsafe needs --live")
		}
		switch fetch.CredentialsMode(*creds) {
		case "", fetch.CredentialsInclude, fetch.CredentialsOmit, fetch.CredentialsSameOrigin:
		default:
			return usageErr(e, c, "--credentials %q: want include, omit or same-origin", *creds)
		}
		profiles, err := parseBrowsers(*browsers)
		if err != nil {
			return inputErr(e, c, err)
		}
		src, err := readInput(pos[0], e.stdin)
		if err != nil {
			return inputErr(e, c, err)
		}
		name := pos[0]
		if name == "-" {
			name = "stdin"
		}
		l, err := har.Parse(name, src)
		if err != nil {
			for _, line := range splitErrors(err) {
				fmt.Fprintln(e.stderr, line)
			}
			return exitUsage
		}
		o := replayOpts{profiles: profiles, credentials: fetch.CredentialsMode(*creds), live: *live, sendUnsafe: *sendUnsafe, verbose: *verbose, asJSON: *asJSON}
		return runReplay(ctx, e, c, l, o)
	}
	return c
}

type replayOpts struct {
	profiles    []string
	credentials fetch.CredentialsMode
	live        bool
	sendUnsafe  bool
	verbose     bool
	asJSON      bool
}

// replayed is one call and its runs, one per profile.
type replayed struct {
	call *har.Call
	runs []fetchRun
}

func runReplay(ctx context.Context, e *env, c *command, l *har.Log, o replayOpts) int {
	calls, skipped := l.Traffic()
	servers, opts := replayServers(l, o)
	var out []replayed
	for _, call := range calls {
		if o.credentials != "" {
			call.Init.Credentials = o.credentials
		}
		runs, err := replayCall(ctx, call, servers, opts)
		if err != nil {
			return inputErr(e, c, fmt.Errorf("%s:%d: %v", l.File, call.Entry.Line, err))
		}
		out = append(out, replayed{call, runs})
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(e.stderr, "corsim replay: interrupted\n")
		return exitInterrupted
	}
	// A response the HAR lacks is an unknown verdict, said per request;
	// a live server that does not answer makes the replay incomplete.
	incomplete := false
	if o.live {
		var all []fetchRun
		for _, r := range out {
			all = append(all, r.runs...)
		}
		incomplete = sayUnanswered(e, c, all)
	}
	p := colours(e, e.stdoutTTY)
	var b strings.Builder
	blocked := writeReplay(&b, l, out, skipped, o, p)
	if o.asJSON {
		if err := writeReplayJSON(e.stdout, l, out, skipped, o); err != nil {
			return inputErr(e, c, err)
		}
	} else if _, err := io.WriteString(e.stdout, b.String()); err != nil {
		return inputErr(e, c, err)
	}
	if incomplete {
		return exitIncomplete
	}
	if blocked > 0 {
		return exitFail
	}
	return exitOK
}

// replayServers serves every origin the HAR talks to: with the HAR's
// recorded responses, or with the live endpoints.
func replayServers(l *har.Log, o replayOpts) ([]*scenario.Server, sim.Options) {
	opts := sim.Options{Profiles: o.profiles}
	var t fetch.Transport = l.Server()
	kind, source := scenario.ServerCanned, l.File
	if o.live {
		opts.Transports = map[string]fetch.Transport{liveName: &server.Live{SendUnsafe: o.sendUnsafe, Client: server.NewLiveClient(30 * time.Second)}}
		kind, source, t = scenario.ServerHandler, liveName, nil
	}
	var servers []*scenario.Server
	seen := map[string]bool{}
	for _, en := range l.Entries {
		u, err := policy.ParseURL(en.Request.URL)
		if err != nil {
			continue
		}
		origin := policy.OriginOf(u)
		if seen[origin.String()] {
			continue
		}
		seen[origin.String()] = true
		servers = append(servers, &scenario.Server{Origin: origin, Kind: kind, Source: source, Transport: t})
	}
	return servers, opts
}

// replayCall makes one call again in every profile, each in a fresh
// browser (a replayed request does not inherit the preflight cache of the
// recording).
func replayCall(ctx context.Context, call *har.Call, servers []*scenario.Server, opts sim.Options) ([]fetchRun, error) {
	return runOneFetch(ctx, fmt.Sprintf("entry %d", call.Entry.Index), call.Page, servers, call.Init, opts)
}

// writeReplay prints every replayed call and a summary; it returns the
// number of calls blocked in some profile.
func writeReplay(b *strings.Builder, l *har.Log, out []replayed, skipped []har.Skipped, o replayOpts, p palette) int {
	source := "recorded responses"
	if o.live {
		source = "the live servers"
	}
	fmt.Fprintf(b, "%s: %s, %s replayed against %s in %s\n", l.File, plural(len(l.Entries), "entry"), plural(len(out), "cross-origin request"), source, strings.Join(o.profiles, ", "))
	var nBlocked, nUnknown, nAllowed int
	for _, r := range out {
		fmt.Fprintln(b)
		writeReplayed(b, l, r, o, p)
		var anyBlocked, anyUnknown bool
		for i := range r.runs {
			v := verdictOf(&r.runs[i])
			anyBlocked = anyBlocked || isBlocked(v)
			anyUnknown = anyUnknown || v == "unknown"
		}
		switch {
		case anyBlocked:
			nBlocked++
		case anyUnknown:
			nUnknown++
		default:
			nAllowed++
		}
	}
	if o.verbose && len(skipped) > 0 {
		fmt.Fprintf(b, "\n%s\n", p.bold("Not replayed:"))
		for _, s := range skipped {
			fmt.Fprintf(b, "  %s:%d: %s %s: %s\n", l.File, s.Entry.Line, s.Entry.Request.Method, s.Entry.Request.URL, s.Reason)
		}
	}
	sum := fmt.Sprintf("%s: %d blocked in some browser, %d with an unknown verdict, %d allowed or not sent; %s not replayed", plural(len(out), "request"), nBlocked, nUnknown, nAllowed, plural(len(skipped), "entry"))
	if nBlocked > 0 {
		sum = p.red(sum)
	}
	fmt.Fprintf(b, "\n%s\n", sum)
	return nBlocked
}

func writeReplayed(b *strings.Builder, l *har.Log, r replayed, o replayOpts, p palette) {
	c := r.call
	in := c.Init
	fmt.Fprintf(b, "%s %s %s\n", p.bold(fmt.Sprintf("%s:%d:", l.File, c.Entry.Line)), in.Method, in.URL)
	fmt.Fprintf(b, "  from a page at %s (%s); %s, mode %s, credentials %s\n", c.Page, c.PageFrom, apiLabel(in.Initiator), in.Mode, in.Credentials)
	pf := "none shown"
	if c.Preflight != nil {
		pf = fmt.Sprintf("line %d, answered %s", c.Preflight.Line, (&har.Call{Entry: c.Preflight}).Recorded())
	}
	fmt.Fprintf(b, "  recorded: %s; preflight in the HAR: %s\n", c.Recorded(), pf)
	for _, n := range c.Notes {
		fmt.Fprintf(b, "  %s %s\n", p.dim("note:"), n)
	}
	if o.verbose && len(c.Left) > 0 {
		fmt.Fprintf(b, "  %s left out %s: the browser adds them itself, after the CORS checks\n", p.dim("note:"), strings.Join(c.Left, ", "))
	}
	width := 0
	for _, run := range r.runs {
		width = max(width, len(run.profile))
	}
	for i := range r.runs {
		run := &r.runs[i]
		v := verdictOf(run)
		fmt.Fprintf(b, "  %-*s  %s\n", width, run.profile, colourVerdict(p, v))
	}
	writeDifference(b, r.runs)
	writeReplayWhy(b, c, r.runs, p)
	if o.verbose {
		fmt.Fprintln(b)
		tellStory(b, r.runs, p)
	}
}

func apiLabel(i fetch.Initiator) string {
	switch i {
	case fetch.InitiatorXHR:
		return "XMLHttpRequest"
	case fetch.InitiatorElement:
		return "an element's request"
	}
	return "fetch()"
}

// writeDifference says, when the browsers disagree, which do what:
// "differs: allowed in Chromium, Firefox and Safari (WebKit); blocked in
// the Fetch standard".
func writeDifference(b *strings.Builder, runs []fetchRun) {
	var order []string
	groups := map[string][]string{}
	for i := range runs {
		v := verdictOf(&runs[i])
		if _, ok := groups[v]; !ok {
			order = append(order, v)
		}
		groups[v] = append(groups[v], browserName(runs[i].profile))
	}
	if len(order) < 2 {
		return
	}
	parts := make([]string, len(order))
	for i, v := range order {
		parts[i] = v + " in " + joinAnd(groups[v])
	}
	fmt.Fprintf(b, "  browsers differ: %s\n", strings.Join(parts, "; "))
}

// writeReplayWhy explains each distinct blocked, unknown or not-sent
// verdict once: why, and what would change it.
func writeReplayWhy(b *strings.Builder, c *har.Call, runs []fetchRun, p palette) {
	seen := map[string]bool{}
	for i := range runs {
		v, why, change := replayReason(c, &runs[i])
		if why == "" || seen[why] {
			continue
		}
		seen[why] = true
		var who []string
		for j := range runs {
			if v2, why2, _ := replayReason(c, &runs[j]); v2 == v && why2 == why {
				who = append(who, browserName(runs[j].profile))
			}
		}
		fmt.Fprintf(b, "  %s %s: %s\n", p.bold("why ("+joinAnd(who)+"):"), v, why)
		for _, h := range change {
			fmt.Fprintf(b, "    - %s\n", h.Text)
		}
	}
}

// replayReason is a run's verdict, and for a verdict other than allowed
// why and what would change it: a blocked run's reason comes from the
// explanation code (blockReason); an unknown one names the response the
// HAR lacks.
func replayReason(c *har.Call, r *fetchRun) (v, why string, change []hint) {
	v = verdictOf(r)
	switch {
	case v == "unknown":
		me := missing(r)
		why = me.Error()
		switch {
		case me.Preflight && c.Preflight == nil:
			why += "; the HAR shows this request without its preflight (Chromium's export can leave preflights out)"
			if c.Entry.Response.Status == 0 {
				why += ", and the browser recorded no response for the request itself: it was most likely blocked at the preflight"
			}
			change = []hint{{Text: "export the HAR again with the preflight (in Chromium, the OPTIONS request shows with type \"preflight\"), or replay with --live to ask the server itself"}}
		default:
			change = []hint{{Text: "the browser had no response to record (it blocked or failed the request): replay with --live to ask the server itself"}}
		}
	case v == "not sent":
		why = "with --live, an unsafe request is shown, not sent: the preflight went out, the request did not"
		change = []hint{{Text: "add --send-unsafe to send it for real"}}
	case isBlocked(v) && r.rep.Error != nil:
		why, change = blockReason(r, c.Page.String())
	}
	return v, why, change
}
