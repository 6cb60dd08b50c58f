package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/scenario"
)

// Text writes the plain-text story of a result: the scenario's prose
// where it stands among the commands, the first profile's run step by
// step (every step of every fetch in words with its spec link, the
// requests on the wire, what script got and what the console printed, and
// each expectation with ✓ or ✗), then for every other profile only the
// steps where it differs from the first, a verdict table and, for the
// fetches that failed, every fix for every profile at once. The text is
// for people and may change between versions; programs should read the
// JSON report.
func Text(w io.Writer, r *sim.Result) error {
	t := NewTextWriter(w)
	for _, run := range r.Runs {
		t.Profiles = append(t.Profiles, run.Profile)
	}
	t.Begin(r.Name, r.Scenario)
	for _, run := range r.Runs {
		for _, st := range run.Steps {
			t.Step(run, st)
		}
		t.ProfileDone(run)
	}
	return t.End(r)
}

// TextWriter writes the story Text writes while the scenario runs: it is a
// sim.Observer (give it as sim.Options.Observer, with DropSteps), so a
// scenario of a hundred thousand fetches is told in memory that grows only
// with what it keeps to compare the profiles (a hash per step) and the
// bounded verdict table and fix list.
type TextWriter struct {
	// Profiles are the profiles the run goes through, in order; nil means
	// the scenario's own browsers. With more than one, the story is told
	// once and the others only where they differ.
	Profiles []string

	bw     *bufio.Writer
	out    io.Writer // bw through NewEscaper: server text cannot drive the terminal
	sc     *scenario.Scenario
	cur    *sim.ProfileRun
	prose  int // prose is told up to this line
	cmp    *comparison
	nRuns  int
	differ int // steps of the current (not first) run that differ
}

var _ sim.Observer = (*TextWriter)(nil)

// NewTextWriter returns a TextWriter writing to w.
func NewTextWriter(w io.Writer) *TextWriter {
	bw := bufio.NewWriter(w)
	return &TextWriter{bw: bw, out: NewEscaper(bw, false)}
}

func (t *TextWriter) p(format string, args ...any) { fmt.Fprintf(t.out, format, args...) }

// Begin writes the scenario's heading: its name, title, spec anchor.
func (t *TextWriter) Begin(name string, sc *scenario.Scenario) {
	t.sc = sc
	t.p("Scenario %s\n", name)
	if sc == nil {
		return
	}
	if t.Profiles == nil {
		t.Profiles = sc.Browsers
	}
	if len(t.Profiles) > 1 {
		t.cmp = newComparison(t.Profiles)
	}
	if sc.Title != "" {
		t.p("  %s\n", sc.Title)
	}
	if sc.Spec != "" {
		t.p("  spec: %s\n", sc.Spec)
	}
	if sc.Skip != "" {
		t.p("  (not replayed in a real browser: %s)\n", sc.Skip)
	}
	for _, e := range scenario.Engines {
		if why := sc.SkipFor[e]; why != "" {
			t.p("  (not replayed in %s: %s)\n", e, why)
		}
	}
}

// Step writes one step, after the profile's heading when it is the run's
// first. The first profile's steps are told in full, with the prose
// before them; another profile's only where it differs from the first.
func (t *TextWriter) Step(run *sim.ProfileRun, st *sim.Step) {
	if t.cmp != nil && t.nRuns > 0 {
		t.cmp.record(t.nRuns, st)
		if why, ok := t.cmp.differs(st); ok {
			t.heading(run)
			t.differ++
			t.p("line %-3d %s: %s\n", st.Command.Line, run.Profile, why)
			textStep(t.out, st, false)
		}
		return
	}
	t.heading(run)
	t.tellProse(st.Command.Line)
	if t.cmp != nil {
		t.cmp.keepFirst(st)
		t.cmp.record(0, st)
	}
	textStep(t.out, st, t.cmp == nil)
}

// tellProse writes the scenario's paragraphs that stand before line.
func (t *TextWriter) tellProse(line int) {
	if t.sc == nil {
		return
	}
	for _, p := range t.sc.ProseBefore(t.prose, line) {
		t.p("\n")
		for _, l := range p.Lines {
			t.p("    %s\n", l)
		}
		t.p("\n")
	}
	t.prose = line
}

// ProfileDone writes the run's PASS or FAIL line.
func (t *TextWriter) ProfileDone(run *sim.ProfileRun) {
	if t.cmp != nil && t.nRuns > 0 {
		if t.differ == 0 {
			t.p("\n== %s: the same as %s at every step ==\n", run.Profile, t.Profiles[0])
		}
	} else {
		t.heading(run)
		if t.sc != nil {
			t.tellProse(1 << 30)
		}
	}
	t.cmp.done(t.nRuns, run)
	if run.OK() {
		t.p("-- %s: PASS\n", run.Profile)
	} else {
		t.p("-- %s: FAIL (%d)\n", run.Profile, len(run.Failures))
	}
	t.cur = nil
	t.nRuns++
	t.differ = 0
}

// End writes, with several profiles, the verdict table and the fixes for
// every profile; then the error that stopped the scenario, if any; and
// flushes.
func (t *TextWriter) End(r *sim.Result) error {
	if t.cmp != nil && t.nRuns > 1 {
		t.cmp.table(t.out)
		t.cmp.fixes(t.out)
	}
	if r.Err != nil {
		t.p("\nERROR %v\n", r.Err)
	}
	if r.Interrupted {
		t.p("\nINTERRUPTED: the run stopped here; the rest has no verdict\n")
	}
	return t.bw.Flush()
}

func (t *TextWriter) heading(run *sim.ProfileRun) {
	if t.cur == run {
		return
	}
	t.cur = run
	switch {
	case t.cmp == nil:
		t.p("\n== %s ==\n", run.Profile)
	case t.nRuns == 0:
		t.p("\n== %s (the story; %s below only where they differ) ==\n", run.Profile, strings.Join(t.Profiles[1:], ", "))
	default:
		t.p("\n== %s: where it differs from %s ==\n", run.Profile, t.Profiles[0])
	}
}

// textStep writes one step; fixes says whether a failed fetch lists its
// fixes (the profile's alone) under it.
func textStep(w io.Writer, st *sim.Step, fixes bool) {
	cmd := st.Command
	mark := ""
	if cmd.Expect != nil {
		mark = "  ✓"
	}
	if st.Failure != nil {
		mark = "  ✗ " + st.Failure.Msg
	}
	fmt.Fprintf(w, "line %-3d %s%s\n", cmd.Line, cmd.Text, mark)
	const ind = "         "
	switch {
	case cmd.Name == "advance":
		fmt.Fprintf(w, "%sThe clock now reads %s (+%s since the start).\n", ind, st.Clock.Format("15:04:05.000"), st.Clock.Sub(browser.Epoch).String())
	case st.Fetch != nil:
		textFetch(w, st.Fetch, ind, fixes)
	}
}

func textFetch(w io.Writer, fs *sim.FetchStep, ind string, fixes bool) {
	res := fs.Result
	if fs.RequestErr != nil {
		e := fs.RequestErr
		fmt.Fprintf(w, "%s1. Building the request fails: %s.\n%s   <%s>\n", ind, trimDot(e.Message), ind, e.Spec)
	}
	wire := 0
	if res != nil {
		n := 0
		for _, ev := range res.Trace {
			n++
			fmt.Fprintf(w, "%s%d. %s\n%s   <%s>\n", ind, n, explain.Sentence(ev, res), ind, ev.Spec)
			if ev.Step == fetch.StepPreflightSent || ev.Step == fetch.StepActualSent {
				if wire < len(res.Wire) {
					textExchange(w, res.Wire[wire], ind+"   ")
					wire++
				}
			}
		}
		for ; wire < len(res.Wire); wire++ {
			textExchange(w, res.Wire[wire], ind+"   ")
		}
	}
	fmt.Fprintf(w, "%s=> %s\n", ind, Verdict(fs))
	if fs.JSError != "" {
		fmt.Fprintf(w, "%s   script: %s\n", ind, fs.JSError)
	}
	for _, c := range fs.Console {
		fmt.Fprintf(w, "%s   console %s: %s\n", ind, c.Level, c.Text)
	}
	ex := fs.Explain(context.Background())
	for _, n := range ex.Cookies() {
		fmt.Fprintf(w, "%s   cookie: %s\n", ind, n.Text)
	}
	if fixes {
		textFixes(w, ex.Fixes, ind+"   ")
	}
}

// textFixes lists the fixes of an explanation: each a numbered set of
// changes, with the browsers it was confirmed in.
func textFixes(w io.Writer, fixes []*explain.Fix, ind string) {
	for i, f := range fixes {
		fmt.Fprintf(w, "%sfix %d, %s:\n", ind, i+1, f.Scope(nil))
		for _, c := range f.Changes {
			fmt.Fprintf(w, "%s  - %s\n%s    <%s>\n", ind, c.Text, ind, c.Spec)
		}
	}
}

func textExchange(w io.Writer, x fetch.Exchange, ind string) {
	if x.Request != nil {
		fmt.Fprintf(w, "%s> %s\n", ind, sim.RequestLine(x.Request))
		textHeaders(w, x.Request.Header, ind+"> ")
	}
	switch {
	case x.Err != nil:
		fmt.Fprintf(w, "%s< (no response: %v)\n", ind, x.Err)
	case x.Response != nil:
		fmt.Fprintf(w, "%s< %s\n", ind, statusLine(x.Response))
		textHeaders(w, x.Response.Header, ind+"< ")
	}
}

func textHeaders(w io.Writer, h policy.HeaderList, ind string) {
	for _, l := range h {
		fmt.Fprintf(w, "%s%s: %s\n", ind, l.Name, l.Value)
	}
}

func statusLine(r *fetch.WireResponse) string {
	text := r.StatusText
	if text == "" {
		text = http.StatusText(r.Status)
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, text))
}

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
