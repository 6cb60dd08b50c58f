package audit

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
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

// Finding is one thing the auditor found at one endpoint.
type Finding struct {
	// Class is the misconfiguration class (scanner names).
	Class Class `json:"class"`
	// Severity ranks it.
	Severity Severity `json:"severity"`
	// Endpoint is the URL attacked.
	Endpoint string `json:"endpoint"`
	// Origin is the Origin the request carried (the attacker's, or the
	// site's own for header-level findings).
	Origin string `json:"origin"`
	// Credentialed reports a read with credentials mode include.
	Credentialed bool `json:"credentialed,omitempty"`
	// Preflighted reports that the shortest reproduction needs a
	// preflighted request (the simple one did not read).
	Preflighted bool `json:"preflighted,omitempty"`
	// Browsers are the profiles that let the page read.
	Browsers []string `json:"browsers,omitempty"`
	// Accepted are the profiles that send this Origin string at all;
	// Acceptance gives each profile's answer and its evidence.
	Accepted   []string     `json:"accepted,omitempty"`
	Acceptance []Acceptance `json:"acceptance,omitempty"`
	// Detail explains the finding in a sentence.
	Detail string `json:"detail"`
	// Repro is the shortest `corsim fetch` command that shows it.
	Repro string `json:"repro,omitempty"`
}

// Report is the result of Audit.
type Report struct {
	// Origins, Endpoints and Profiles echo what was audited.
	Origins   []string `json:"origins"`
	Endpoints []string `json:"endpoints"`
	Profiles  []string `json:"profiles"`
	// Candidates is the number of attacker origins tried per endpoint;
	// Probes the number of simulated fetches; Requests the number of
	// distinct requests that reached the server.
	Candidates int `json:"candidates"`
	Probes     int `json:"probes"`
	Requests   int `json:"requests"`
	// Findings are what an attacker's page can read (critical, high) and
	// the header-level problems (low), most severe first.
	Findings []Finding `json:"findings"`
	// Broken are configurations a browser blocks: not exploitable, but the
	// site's own pages do not get what the server meant to allow.
	Broken []Finding `json:"broken"`
	// Notes are informational: wildcards, and origins the server allows
	// that no browser sends.
	Notes []Finding `json:"notes"`
}

func (r *Report) finding(f Finding) { r.Findings = append(r.Findings, f) }

func (a *auditor) finding(f Finding) { a.rep.finding(f) }

func (a *auditor) note(f Finding) {
	for _, n := range a.rep.Notes {
		if n.Class == f.Class && n.Endpoint == f.Endpoint && (n.Origin == f.Origin || f.Class == ClassWildcardValue) {
			return
		}
	}
	a.rep.Notes = append(a.rep.Notes, f)
}

// broken records a broken configuration once per endpoint and class.
func (a *auditor) broken(ep, origin string, c Class, detail string) {
	for _, b := range a.rep.Broken {
		if b.Class == c && b.Endpoint == ep {
			return
		}
	}
	a.rep.Broken = append(a.rep.Broken, Finding{Class: c, Severity: SeverityInfo, Endpoint: ep, Origin: origin, Detail: detail})
}

func (r *Report) sort() {
	by := func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Endpoint, b.Endpoint),
			cmp.Compare(a.Class, b.Class), cmp.Compare(a.Origin, b.Origin))
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

// WriteTable writes the report for people: a summary line, a table of
// findings, each with its reproduction, then the broken configurations and
// the notes.
func (r *Report) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "corsim audit: %d endpoint(s), %d attacker origin(s) each, %d simulated fetches, %d request(s) to the server, profiles %s\n",
		len(r.Endpoints), r.Candidates, r.Probes, r.Requests, strings.Join(r.Profiles, ","))
	if len(r.Findings) == 0 {
		fmt.Fprintln(ew, "no findings: no attacker origin can read a response in any profile")
	} else {
		counts := map[Severity]int{}
		for _, f := range r.Findings {
			counts[f.Severity]++
		}
		var parts []string
		for s := SeverityCritical; s >= SeverityLow; s-- {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
			}
		}
		fmt.Fprintf(ew, "%d finding(s): %s\n\n", len(r.Findings), strings.Join(parts, ", "))
		tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tCLASS\tORIGIN\tCREDS\tREAD IN\tSENT BY\tENDPOINT")
		for _, f := range r.Findings {
			creds := "no"
			if f.Credentialed {
				creds = "yes"
			}
			sent := strings.Join(f.Accepted, ",")
			if sent == "" {
				sent = "all"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Severity, f.Class, printable(f.Origin), creds,
				strings.Join(f.Browsers, ","), sent, f.Endpoint)
		}
		tw.Flush()
		fmt.Fprintln(ew, "\nreproduce:")
		for _, f := range r.Findings {
			if f.Repro != "" {
				fmt.Fprintf(ew, "  %-26s %s\n", string(f.Class), f.Repro)
			}
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
		for _, f := range sec.list {
			fmt.Fprintf(ew, "  %s  %s  %s: %s\n", f.Class, printable(f.Origin), f.Endpoint, f.Detail)
		}
	}
	return ew.err
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
