package audit

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity ranks findings: a credentialed read by an attacker's origin is
// worse than an uncredentialed read, which is worse than a missing Vary.
type Severity int

// Severities, lowest first.
const (
	SeverityNone Severity = iota
	// SeverityInfo: notes and broken configurations; nothing an attacker's
	// page can read.
	SeverityInfo
	// SeverityLow: cache poisoning risk (missing Vary: Origin) and
	// preflights that allow whatever is asked (ACAM/ACAH reflection).
	SeverityLow
	// SeverityMedium is unused by the auditor's own checks; it orders
	// between low and high for callers that add findings.
	SeverityMedium
	// SeverityHigh: an attacker's origin reads without credentials what
	// the endpoint returns to the victim's network position.
	SeverityHigh
	// SeverityCritical: an attacker's origin reads with the victim's
	// credentials.
	SeverityCritical
)

var severityNames = [...]string{"none", "info", "low", "medium", "high", "critical"}

// String returns the lower-case name ("critical", "high", …).
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name as String writes it (case is
// ignored); it is what a --fail-on flag takes.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return SeverityNone, fmt.Errorf("audit: unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// MarshalText writes the name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one thing the auditor found at one endpoint. For the
// origin-trust classes it is one server behaviour (a cause): the origins
// it lets in are its Evidence.
type Finding struct {
	// Class is the misconfiguration class (scanner names); for a cause,
	// the class of the behaviour (reflect_origin when any origin reads).
	Class Class `json:"class"`
	// Severity ranks it.
	Severity Severity `json:"severity"`
	// Title names the server behaviour in words ("reflects any Origin,
	// with credentials").
	Title string `json:"title,omitempty"`
	// Endpoint is the URL attacked.
	Endpoint string `json:"endpoint"`
	// Origin is the Origin of the reproduction (the attacker's, or the
	// site's own for header-level findings).
	Origin string `json:"origin"`
	// Evidence are attacker origins that read (at most 8, the
	// reproduction's first); EvidenceCount how many read in all.
	Evidence      []string `json:"evidence,omitempty"`
	EvidenceCount int      `json:"evidenceCount,omitempty"`
	// Credentialed reports a read with credentials mode include.
	Credentialed bool `json:"credentialed,omitempty"`
	// Preflighted reports that the shortest reproduction needs a
	// preflighted request (the simple one did not read).
	Preflighted bool `json:"preflighted,omitempty"`
	// Browsers are the profiles that let the page read.
	Browsers []string `json:"browsers,omitempty"`
	// Accepted are the profiles that send the reproduction's Origin string
	// at all; Acceptance gives each profile's answer and its evidence (for
	// special characters in the host).
	Accepted   []string     `json:"accepted,omitempty"`
	Acceptance []Acceptance `json:"acceptance,omitempty"`
	// Detail explains the finding in a sentence.
	Detail string `json:"detail"`
	// Repro is the shortest `corsim fetch` command that shows it.
	Repro string `json:"repro,omitempty"`
	// ConfigLine is the line of the server's config file responsible
	// ("api.conf:4: mistake reflect-origin"), when the caller knows it.
	ConfigLine string `json:"configLine,omitempty"`
}

// Report is the result of Audit.
type Report struct {
	// Origins, Endpoints and Profiles echo what was audited.
	Origins   []string `json:"origins"`
	Endpoints []string `json:"endpoints"`
	Profiles  []string `json:"profiles"`
	// Candidates is the number of attacker origins tried per endpoint (the
	// most for any endpoint); Probes the number of simulated fetches;
	// Requests the number of distinct requests sent to the server.
	Candidates int `json:"candidates"`
	Probes     int `json:"probes"`
	Requests   int `json:"requests"`
	// HeldBack counts the actual requests with unsafe methods (POST, PUT,
	// …) not sent because sending them was off: what they would have read
	// rests on their CORS-preflight alone.
	HeldBack int `json:"heldBack,omitempty"`
	// Incomplete reports that the findings rest on less than the full
	// audit: Failed requests got no answer (Failures by cause), GivenUp
	// endpoints were abandoned after repeated failures, NotAudited were
	// never reached, and Interrupted says the audit was stopped.
	Incomplete  bool      `json:"incomplete"`
	Interrupted bool      `json:"interrupted,omitempty"`
	Failed      int       `json:"failed"`
	Failures    []Failure `json:"failures"`
	GivenUp     []string  `json:"givenUp,omitempty"`
	NotAudited  []string  `json:"notAudited,omitempty"`
	// Findings are what an attacker's page can read (critical, high), one
	// per cause and endpoint, the header-level problems (low) and public
	// data (info), most severe first.
	Findings []Finding `json:"findings"`
	// Broken are configurations a browser blocks: not exploitable, but the
	// site's own pages do not get what the server meant to allow.
	Broken []Finding `json:"broken"`
	// Notes are informational: wildcards, and origins the server allows
	// that no browser sends.
	Notes []Finding `json:"notes"`
}

func (r *Report) sort() {
	by := func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Class, b.Class),
			cmp.Compare(a.Title, b.Title), cmp.Compare(a.Endpoint, b.Endpoint), cmp.Compare(a.Origin, b.Origin))
	}
	slices.SortStableFunc(r.Findings, by)
	slices.SortStableFunc(r.Broken, by)
	slices.SortStableFunc(r.Notes, by)
}

// Max returns the highest severity among the findings (SeverityNone when
// there are none).
func (r *Report) Max() Severity {
	m := SeverityNone
	for _, f := range r.Findings {
		m = max(m, f.Severity)
	}
	return m
}

// Fails reports whether any finding is at or above threshold: the exit
// code decision for `corsim audit --fail-on`. SeverityNone never fails.
// An incomplete report is a separate verdict (Report.Incomplete).
func (r *Report) Fails(threshold Severity) bool {
	return threshold > SeverityNone && r.Max() >= threshold
}

// Classes returns the distinct classes of the findings, sorted.
func (r *Report) Classes() []Class {
	var cs []Class
	for _, f := range r.Findings {
		if !slices.Contains(cs, f.Class) {
			cs = append(cs, f.Class)
		}
	}
	slices.Sort(cs)
	return cs
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report for people: whether it is complete (first,
// with the causes of the unanswered requests), a summary line, then one
// block per cause — the same cause at several endpoints once — with its
// severity, evidence, browsers, config line and reproduction, then the
// broken configurations and the notes.
func (r *Report) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	if r.Incomplete {
		fmt.Fprintf(ew, "corsim audit: INCOMPLETE: %s\n", r.incompleteSummary())
		fmt.Fprintln(ew, "the findings below rest only on the requests that were answered; this is not a clean result")
	}
	fmt.Fprintf(ew, "corsim audit: %d endpoint(s), %d attacker origin(s) each, %d simulated fetches, %d request(s) to the server, profiles %s\n",
		len(r.Endpoints), r.Candidates, r.Probes, r.Requests, strings.Join(r.Profiles, ","))
	if r.HeldBack > 0 {
		fmt.Fprintf(ew, "%d request(s) with unsafe methods were not sent (add --send-unsafe to send them); what they would read rests on their preflight alone\n", r.HeldBack)
	}
	groups := groupFindings(r.Findings)
	switch {
	case len(groups) == 0 && r.Incomplete:
		fmt.Fprintln(ew, "no finding among the answered requests (incomplete: see above)")
	case len(groups) == 0:
		fmt.Fprintln(ew, "no findings: every probe was answered and no attacker origin can read a response in any profile")
	default:
		counts := map[Severity]int{}
		for _, g := range groups {
			counts[g[0].Severity]++
		}
		var parts []string
		for s := SeverityCritical; s >= SeverityInfo; s-- {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
			}
		}
		fmt.Fprintf(ew, "%d cause(s): %s\n", len(groups), strings.Join(parts, ", "))
		for _, g := range groups {
			writeGroup(ew, g)
		}
	}
	for _, sec := range []struct {
		title string
		list  []Finding
	}{{"broken configuration (a browser blocks it; not exploitable)", r.Broken}, {"notes", r.Notes}} {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(ew, "\n%s:\n", sec.title)
		for _, g := range groupNotes(sec.list) {
			f := g[0]
			var origins, eps []string
			for _, x := range g {
				if o := printable(x.Origin); !slices.Contains(origins, o) {
					origins = append(origins, o)
				}
				if !slices.Contains(eps, x.Endpoint) {
					eps = append(eps, x.Endpoint)
				}
			}
			fmt.Fprintf(ew, "  %s  %s  at %s: %s\n", f.Class, firstFew(origins), firstFew(eps), f.Detail)
			if f.ConfigLine != "" {
				fmt.Fprintf(ew, "    config  %s\n", f.ConfigLine)
			}
		}
	}
	return ew.err
}

// incompleteSummary says what is missing, in one line.
func (r *Report) incompleteSummary() string {
	var parts []string
	if r.Failed > 0 {
		var cs []string
		for _, f := range r.Failures {
			cs = append(cs, fmt.Sprintf("%d %s", f.Count, f.Cause))
		}
		parts = append(parts, fmt.Sprintf("%d of %d request(s) to the server got no answer (%s)", r.Failed, r.Requests, strings.Join(cs, ", ")))
	}
	if len(r.GivenUp) > 0 {
		parts = append(parts, fmt.Sprintf("%d endpoint(s) given up after repeated unanswered requests (%s)", len(r.GivenUp), firstFew(r.GivenUp)))
	}
	if len(r.NotAudited) > 0 {
		parts = append(parts, fmt.Sprintf("%d endpoint(s) not audited (%s)", len(r.NotAudited), firstFew(r.NotAudited)))
	}
	if r.Interrupted {
		parts = append(parts, "interrupted")
	}
	s := strings.Join(parts, "; ")
	if len(r.Failures) > 0 {
		s += "; first error: " + oneLine(r.Failures[0].Example)
	}
	return s
}

func firstFew(list []string) string {
	if len(list) <= 3 {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:3], ", ") + fmt.Sprintf(", and %d more", len(list)-3)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " ")
}

// groupNotes puts notes and broken configurations with the same class and
// explanation together, in report order.
func groupNotes(fs []Finding) [][]Finding {
	var out [][]Finding
outer:
	for _, f := range fs {
		for i, g := range out {
			if g[0].Class == f.Class && g[0].Detail == f.Detail {
				out[i] = append(g, f)
				continue outer
			}
		}
		out = append(out, []Finding{f})
	}
	return out
}

// groupFindings puts the findings of one cause at several endpoints
// together, in report order.
func groupFindings(fs []Finding) [][]Finding {
	var out [][]Finding
outer:
	for _, f := range fs {
		for i, g := range out {
			if sameCause(g[0], f) {
				out[i] = append(g, f)
				continue outer
			}
		}
		out = append(out, []Finding{f})
	}
	return out
}

func writeGroup(w io.Writer, g []Finding) {
	f := g[0]
	title := f.Title
	if title == "" {
		title = string(f.Class)
	}
	fmt.Fprintf(w, "\n%s  %s  [%s]\n", strings.ToUpper(f.Severity.String()), title, f.Class)
	if len(g) == 1 {
		fmt.Fprintf(w, "  endpoint   %s\n", f.Endpoint)
	} else {
		eps := make([]string, len(g))
		for i, x := range g {
			eps[i] = x.Endpoint
		}
		fmt.Fprintf(w, "  endpoints  %d: %s\n", len(g), firstFew(eps))
	}
	if f.EvidenceCount > 0 {
		ev := make([]string, len(f.Evidence))
		for i, o := range f.Evidence {
			ev[i] = printable(o)
		}
		more := ""
		if f.EvidenceCount > len(f.Evidence) {
			more = fmt.Sprintf(", and %d more", f.EvidenceCount-len(f.Evidence))
		}
		fmt.Fprintf(w, "  evidence   %s%s\n", strings.Join(ev, ", "), more)
	}
	if len(f.Browsers) > 0 {
		fmt.Fprintf(w, "  read in    %s\n", strings.Join(f.Browsers, ", "))
	}
	fmt.Fprintf(w, "  why        %s\n", f.Detail)
	if f.ConfigLine != "" {
		fmt.Fprintf(w, "  config     %s\n", f.ConfigLine)
	}
	if f.Repro != "" {
		fmt.Fprintf(w, "  reproduce  %s\n", f.Repro)
	}
}

// printable quotes origins with control bytes so the table stays one line
// per finding.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
