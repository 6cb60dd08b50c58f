package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/corsim/corsim/fuzz/audit"
)

// The SARIF 2.1.0 log (https://docs.oasis-open.org/sarif/sarif/v2.1.0/
// sarif-v2.1.0.html) of corsim audit, with what GitHub code scanning reads
// besides: a rule per finding class with a security-severity, a level per
// result, a physical location (the server's config file and line, or the
// endpoint's URL for --live) and partial fingerprints to track a result
// across runs. Only the properties the schema defines are written.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     sarifMessage      `json:"shortDescription"`
		Help                 sarifMessage      `json:"help"`
		DefaultConfiguration sarifConfig       `json:"defaultConfiguration"`
		Properties           sarifRuleProperty `json:"properties"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProperty struct {
		Tags             []string `json:"tags"`
		SecuritySeverity string   `json:"security-severity"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifMessage      `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]any    `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
)

const sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// rootCause is one SARIF result: the findings of one class at one
// endpoint, which one fix in the server removes.
type rootCause struct {
	class    audit.Class
	severity audit.Severity
	endpoint string
	findings []audit.Finding
}

// rootCauses groups an audit report's findings by root cause. It is the
// one place that knows the report's shape, so that when fuzz/audit groups
// findings itself only this function changes.
func rootCauses(rep *audit.Report) []rootCause {
	var out []rootCause
	index := map[string]int{}
	for _, f := range rep.Findings {
		k := string(f.Class) + " " + f.Endpoint
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, rootCause{class: f.Class, severity: f.Severity, endpoint: f.Endpoint})
		}
		rc := &out[i]
		rc.findings = append(rc.findings, f)
		if f.Severity > rc.severity {
			rc.severity = f.Severity
		}
	}
	return out
}

// writeAuditSARIF writes the SARIF log of rep. serverFile is the --server
// file ("" for --live): results point at its root-cause line.
func writeAuditSARIF(w io.Writer, rep *audit.Report, serverFile string) error {
	var src []byte
	if serverFile != "" {
		src, _ = os.ReadFile(serverFile)
	}
	bi, _ := debug.ReadBuildInfo()
	drv := sarifDriver{Name: "corsim", Version: moduleVersion(bi), InformationURI: "https://github.com/corsim/corsim", Rules: []sarifRule{}}
	run := sarifRun{Results: []sarifResult{}}
	ruleIndex := map[audit.Class]int{}
	for _, rc := range rootCauses(rep) {
		ri, ok := ruleIndex[rc.class]
		if !ok {
			ri = len(drv.Rules)
			ruleIndex[rc.class] = ri
			drv.Rules = append(drv.Rules, sarifRuleFor(rc))
		}
		loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: rc.endpoint}}
		if serverFile != "" {
			loc = sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(serverFile)}, Region: &sarifRegion{StartLine: rootCauseLine(src, rc.class)}}
		}
		origins := make([]string, 0, len(rc.findings))
		var browsers []string
		for _, f := range rc.findings {
			origins = append(origins, f.Origin)
			for _, b := range f.Browsers {
				if !slices.Contains(browsers, b) {
					browsers = append(browsers, b)
				}
			}
		}
		first := rc.findings[0]
		msg := fmt.Sprintf("%s at %s: %s", rc.class, rc.endpoint, first.Detail)
		if len(origins) > 1 {
			msg += fmt.Sprintf(" (%d attacker origins, e.g. %s)", len(origins), strings.Join(origins[:min(3, len(origins))], ", "))
		}
		if first.Repro != "" {
			msg += ". Reproduce: " + first.Repro
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: string(rc.class), RuleIndex: ri, Level: sarifLevel(rc.severity),
			Message:             sarifMessage{Text: msg},
			Locations:           []sarifLocation{{PhysicalLocation: loc}},
			PartialFingerprints: map[string]string{"corsimRootCause/v1": string(rc.class) + " " + rc.endpoint},
			Properties:          map[string]any{"severity": rc.severity.String(), "origins": origins, "browsers": browsers, "endpoint": rc.endpoint},
		})
	}
	run.Tool = sarifTool{Driver: drv}
	return writeIndented(w, sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifRuleFor(rc rootCause) sarifRule {
	short := strings.ReplaceAll(string(rc.class), "_", " ")
	return sarifRule{
		ID: string(rc.class), Name: sarifRuleName(rc.class),
		ShortDescription:     sarifMessage{Text: "CORS: " + short},
		Help:                 sarifMessage{Text: "Reproduce with the corsim fetch line in the result; corsim audit --help lists the classes and severities."},
		DefaultConfiguration: sarifConfig{Level: sarifLevel(rc.severity)},
		Properties:           sarifRuleProperty{Tags: []string{"security", "cors"}, SecuritySeverity: securitySeverity(rc.severity)},
	}
}

// sarifRuleName is the class in the PascalCase SARIF rule names use.
func sarifRuleName(c audit.Class) string {
	var b strings.Builder
	for _, w := range strings.Split(string(c), "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// sarifLevel maps a severity to a SARIF level (§3.27.10).
func sarifLevel(s audit.Severity) string {
	switch {
	case s >= audit.SeverityHigh:
		return "error"
	case s >= audit.SeverityLow:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub code scanning's 0.0-10.0 score: over 9.0 is
// critical, 7.0 high, 4.0 medium, 0.1 low.
func securitySeverity(s audit.Severity) string {
	switch s {
	case audit.SeverityCritical:
		return "9.5"
	case audit.SeverityHigh:
		return "8.0"
	case audit.SeverityMedium:
		return "5.0"
	case audit.SeverityLow:
		return "3.0"
	}
	return "0.0"
}

// sarifURI is a file path as a relative URI reference.
func sarifURI(path string) string {
	return strings.ReplaceAll(strings.TrimPrefix(path, "./"), `\`, "/")
}

// classMistakes names, per finding class, the declarative config's
// deliberate mistakes (sim/server/CONFIG.md) that cause it.
var classMistakes = map[audit.Class][]string{
	audit.ClassReflectOrigin:       {"reflect-origin"},
	audit.ClassTrustNull:           {"trust-null"},
	audit.ClassPrefixMatch:         {"prefix-match"},
	audit.ClassSuffixMatch:         {"suffix-match"},
	audit.ClassNotEscapeDot:        {"unescaped-dot"},
	audit.ClassIncludeMatch:        {"substring-match"},
	audit.ClassAnySubdomain:        {"any-subdomain"},
	audit.ClassHTTPSTrustHTTP:      {"https-trust-http"},
	audit.ClassMissingVary:         {"no-vary"},
	audit.ClassACAMReflection:      {"reflect-request-method"},
	audit.ClassACAHReflection:      {"reflect-request-headers"},
	audit.ClassWildcardCredentials: {"wildcard-with-credentials"},
	audit.ClassPreflightRejected:   {"preflight-401", "preflight-404"},
}

// rootCauseLine is the line of a declarative config that causes a class
// of finding: the mistake directive that causes it; else the only
// mistake directive (reflecting any origin also admits the prefix, suffix
// and third-party origins); else the origins directive; else line 1.
func rootCauseLine(src []byte, c audit.Class) int {
	var origins int
	var mistakes []int
	for i, line := range bytes.Split(src, []byte("\n")) {
		f := strings.Fields(string(line))
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "mistake":
			for _, m := range f[1:] {
				if slices.Contains(classMistakes[c], m) {
					return i + 1
				}
			}
			mistakes = append(mistakes, i+1)
		case "origins":
			if origins == 0 {
				origins = i + 1
			}
		}
	}
	if len(mistakes) == 1 {
		return mistakes[0]
	}
	return max(origins, 1)
}
