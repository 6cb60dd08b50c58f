package report

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/sim"
)

// Bounds of what a comparison keeps, so that a long scenario's text report
// stays within memory: the verdict table's rows, the fetches whose
// sentences are kept to say why a profile differs, the failed fetches
// whose fixes are listed at the end.
const (
	maxTableRows   = 200
	maxWhyFetches  = 2000
	maxFixedFetchs = 50
)

// comparison is what the text report keeps of a run under several
// profiles: a signature of each step of the first profile, to tell the
// others only where they differ; the verdict table; the failed fetches, to
// list every fix for every profile at once.
type comparison struct {
	profiles []string
	first    map[int]stepSig // by command line
	why      int             // fetches whose sentences are kept
	rows     []int           // table rows (command lines), in the order seen
	cells    map[int][]string
	isFetch  map[int]bool
	text     map[int]string // a row's command
	results  []string
	failed   map[int][]explain.Subject
	failedL  []int
}

// stepSig is what a step did, reduced to what the comparison needs.
type stepSig struct {
	sum       uint64   // hash of everything the step did but the console's wording
	summary   string   // "blocked in the preflight (…), preflight sent"
	sentences []uint64 // hashes of the fetch's sentences' gist (first maxWhyFetches fetches)
	wire      uint64   // hash of the requests and answers on the wire
}

// gist is a sentence without its parenthesized asides, which word the
// same behaviour differently from one browser to another ("only Accept,
// … are, plus this browser's extensions").
func gist(s string) string {
	if strings.IndexByte(s, '(') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func newComparison(profiles []string) *comparison {
	return &comparison{
		profiles: profiles,
		first:    map[int]stepSig{},
		cells:    map[int][]string{},
		isFetch:  map[int]bool{},
		text:     map[int]string{},
		results:  make([]string, len(profiles)),
		failed:   map[int][]explain.Subject{},
	}
}

// signature reduces a step to what decides whether two profiles did the
// same: for a fetch its sentences, the wire exchanges and the verdict; for
// any step its failure. What script and the console print is left out: its
// wording differs between browsers that behave alike.
func signature(st *sim.Step, keepSentences bool) stepSig {
	h := fnv.New64a()
	var sig stepSig
	add := func(s string) {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	if st.Failure != nil {
		add("failure " + st.Failure.Msg)
		sig.summary = "✗ " + st.Failure.Msg
	}
	if fs := st.Fetch; fs != nil {
		x := fs.Explain(context.Background()).Runs[0]
		summary := x.Headline() + ", preflight " + x.Preflight
		add(summary)
		if sig.summary == "" {
			sig.summary = summary
		} else {
			sig.summary = summary + " " + sig.summary
		}
		for _, s := range x.Steps {
			g := gist(s.Text)
			add(g)
			if keepSentences {
				sig.sentences = append(sig.sentences, hashOf(g))
			}
		}
		wire := fnv.New64a()
		if res := fs.Result; res != nil {
			for _, w := range res.Wire {
				io.WriteString(wire, exchangeText(w))
			}
		}
		sig.wire = wire.Sum64()
		add(fmt.Sprint(sig.wire))
	} else if sig.summary == "" {
		sig.summary = "as written"
	}
	sig.sum = h.Sum64()
	return sig
}

func hashOf(s string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, s)
	return h.Sum64()
}

// keepFirst records a step of the first profile.
func (c *comparison) keepFirst(st *sim.Step) {
	keep := st.Fetch != nil && c.why < maxWhyFetches
	if keep {
		c.why++
	}
	c.first[st.Command.Line] = signature(st, keep)
}

// differs says how a step of another profile differs from the same line
// in the first profile, and why when it can; ok is false when it does the
// same.
func (c *comparison) differs(st *sim.Step) (why string, ok bool) {
	f, seen := c.first[st.Command.Line]
	if !seen {
		return fmt.Sprintf("runs here only, not under %s", c.profiles[0]), true
	}
	sig := signature(st, false)
	if sig.sum == f.sum {
		return "", false
	}
	why = fmt.Sprintf("%s, where %s: %s", sig.summary, c.profiles[0], f.summary)
	if sig.summary == f.summary {
		why = fmt.Sprintf("%s too, but not the same way", sig.summary)
	}
	because := ""
	if fs := st.Fetch; fs != nil && f.sentences != nil {
		for _, s := range fs.Explain(context.Background()).Runs[0].Steps {
			if !slices.Contains(f.sentences, hashOf(gist(s.Text))) {
				because = "; because " + lowerFirst(trimDot(s.Text))
				break
			}
		}
	}
	if because == "" && st.Fetch != nil && sig.wire != f.wire {
		because = "; the requests on the wire differ"
	}
	return why + because + ".", true
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || strings.HasPrefix(s, "CORS") || strings.HasPrefix(s, "XMLHttpRequest") {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// record notes a step of profile i (0 for the first) in the verdict table
// and, for a failed fetch, among those whose fixes are listed.
func (c *comparison) record(i int, st *sim.Step) {
	line := st.Command.Line
	cell := ""
	switch {
	case st.Fetch != nil:
		cell = st.Fetch.Outcome
		c.isFetch[line] = true
		if x := st.Fetch.Explain(context.Background()); x.Failed() {
			if _, ok := c.failed[line]; ok || len(c.failedL) < maxFixedFetchs {
				if !ok {
					c.failedL = append(c.failedL, line)
					c.text[line] = st.Command.Text
				}
				c.failed[line] = append(c.failed[line], st.Fetch.Subject())
			}
		}
	case st.Command.Expect != nil:
		cell = "✓"
	default:
		return
	}
	if st.Failure != nil {
		cell = strings.TrimSpace(strings.TrimSuffix(cell, "✓") + " ✗")
	}
	cells, ok := c.cells[line]
	if !ok {
		if len(c.rows) >= maxTableRows {
			return
		}
		cells = make([]string, len(c.profiles))
		c.cells[line] = cells
		c.rows = append(c.rows, line)
		c.text[line] = st.Command.Text
	}
	cells[i] = cell
}

// done records a profile's result.
func (c *comparison) done(i int, run *sim.ProfileRun) {
	if c == nil || i >= len(c.results) {
		return
	}
	c.results[i] = "PASS"
	if !run.OK() {
		c.results[i] = fmt.Sprintf("FAIL (%d)", len(run.Failures))
	}
}

// tableRows returns the verdict table: a header row (line, command, the
// profiles), a row per fetch (its outcome, ✗ when it did not meet the
// scenario's demand) and per expectation that failed somewhere, and each
// profile's result; cut reports that the table stops at maxTableRows.
func (c *comparison) tableRows() (rows [][]string, cut bool) {
	rows = append(rows, append([]string{"line", "command"}, c.profiles...))
	lines := slices.Clone(c.rows)
	slices.Sort(lines)
	for _, l := range lines {
		cells := c.cells[l]
		if !c.isFetch[l] && !slices.ContainsFunc(cells, func(s string) bool { return strings.Contains(s, "✗") }) {
			continue
		}
		row := []string{fmt.Sprint(l), c.text[l]}
		for _, s := range cells {
			if s == "" {
				s = "-"
			}
			row = append(row, s)
		}
		rows = append(rows, row)
	}
	rows = append(rows, append([]string{"", "result"}, c.results...))
	return rows, len(c.rows) >= maxTableRows
}

// table writes the verdict table (tableRows) in aligned columns.
func (c *comparison) table(w io.Writer) {
	rows, cut := c.tableRows()
	for _, r := range rows {
		r[1] = shorten(r[1], 44)
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for j, s := range r {
			width[j] = max(width[j], utf8.RuneCountInString(s))
		}
	}
	fmt.Fprintf(w, "\nVerdicts (- where a command does not run under that browser):\n")
	for _, r := range rows {
		var b strings.Builder
		for j, s := range r {
			b.WriteString(s)
			if j < len(r)-1 {
				b.WriteString(strings.Repeat(" ", width[j]-utf8.RuneCountInString(s)+2))
			}
		}
		fmt.Fprintf(w, "  %s\n", strings.TrimRight(b.String(), " "))
	}
	if cut {
		fmt.Fprintf(w, "  (the table stops at %d commands; the JSON report has every one)\n", maxTableRows)
	}
}

// lineFixes are the fixes of one failed fetch for every profile it failed
// in.
type lineFixes struct {
	Line     int
	Command  string
	Browsers []string
	Fixes    []*explain.Fix
}

// merged returns, for each failed fetch in line order, every fix for
// every profile it failed in: one explanation over all of them
// (explain.Fetch), so that the fixes are merged, ordered and deduplicated
// across the browsers. cut reports that it stops at maxFixedFetchs.
func (c *comparison) merged() (out []lineFixes, cut bool) {
	lines := slices.Clone(c.failedL)
	slices.Sort(lines)
	for _, l := range lines {
		x := explain.Fetch(context.Background(), c.failed[l]...)
		out = append(out, lineFixes{Line: l, Command: c.text[l], Browsers: x.Browsers(), Fixes: x.Fixes})
	}
	return out, len(c.failedL) >= maxFixedFetchs
}

// fixes writes merged's fixes.
func (c *comparison) fixes(w io.Writer) {
	all, cut := c.merged()
	if len(all) == 0 {
		return
	}
	fmt.Fprintf(w, "\nWhat would change the outcome, for every browser at once:\n")
	for _, lf := range all {
		fmt.Fprintf(w, "line %-3d %s (failed in %s)\n", lf.Line, lf.Command, strings.Join(lf.Browsers, ", "))
		if len(lf.Fixes) == 0 {
			fmt.Fprintf(w, "         corsim found no change it could confirm.\n")
			continue
		}
		textFixes(w, lf.Fixes, "         ")
	}
	if cut {
		fmt.Fprintf(w, "(fixes are listed for the first %d failed fetches; the JSON report has each fetch's own)\n", maxFixedFetchs)
	}
}
