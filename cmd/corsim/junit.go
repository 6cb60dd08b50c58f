package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/openapi"
	"github.com/corsim/corsim/sim/report"
)

// The JUnit XML report: the de-facto format of Ant's JUnit task, as
// Jenkins, GitLab, Azure Pipelines and GitHub test-report actions read it
// (testsuites > testsuite > testcase, with failure and skipped children).
// One test case is one scenario or operation in one browser.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Time     string      `xml:"time,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		ClassName string        `xml:"classname,attr"`
		File      string        `xml:"file,attr,omitempty"`
		Line      int           `xml:"line,attr,omitempty"`
		Time      string        `xml:"time,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		Skipped   *junitSkipped `xml:"skipped,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",cdata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
)

// writeJUnit writes the report with its counts filled in.
func writeJUnit(w io.Writer, s junitSuites) error {
	s.Time = "0"
	s.Tests, s.Failures, s.Skipped = 0, 0, 0
	for i := range s.Suites {
		su := &s.Suites[i]
		su.Tests, su.Failures, su.Skipped = len(su.Cases), 0, 0
		if su.Time == "" {
			su.Time = "0"
		}
		for j := range su.Cases {
			c := &su.Cases[j]
			if c.Time == "" {
				c.Time = "0"
			}
			if c.Failure != nil {
				su.Failures++
			}
			if c.Skipped != nil {
				su.Skipped++
			}
		}
		s.Tests += su.Tests
		s.Failures += su.Failures
		s.Skipped += su.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// seconds formats a duration in seconds as JUnit readers expect.
func seconds(d float64) string { return fmt.Sprintf("%.3f", d) }

// runJUnit is corsim run's JUnit report: a suite per scenario file, a test
// case per browser, the failed expectations as the message and that
// browser's story as the failure text.
func runJUnit(results []*sim.Result) junitSuites {
	s := junitSuites{Name: "corsim run"}
	for _, r := range results {
		su := junitSuite{Name: r.Name, Time: seconds(r.Elapsed.Seconds())}
		if r.Err != nil {
			su.Cases = append(su.Cases, junitCase{Name: "scenario", ClassName: r.Name, File: r.Name,
				Failure: &junitFailure{Message: oneLine(r.Err.Error()), Type: "error", Text: r.Err.Error()}})
		}
		for _, run := range r.Runs {
			c := junitCase{Name: run.Profile, ClassName: r.Name, File: r.Name}
			if !run.OK() {
				msgs := make([]string, len(run.Failures))
				for i, f := range run.Failures {
					msgs[i] = f.Error()
				}
				var story strings.Builder
				_ = report.Text(&story, &sim.Result{Name: r.Name, Scenario: r.Scenario, Runs: []*sim.ProfileRun{run}})
				c.Failure = &junitFailure{Message: strings.Join(msgs, "; "), Type: "expectation", Text: story.String()}
				c.Line = run.Failures[0].Line
			}
			su.Cases = append(su.Cases, c)
		}
		s.Suites = append(s.Suites, su)
	}
	return s
}

// checkJUnit is corsim check's JUnit report: one suite for the document,
// a test case per operation (and origin) and browser; a blocked request
// fails with the reason as the message and the story as the text; a
// request that was not sent (--live) or whose verdict is unknown is
// skipped, not passed.
func checkJUnit(doc *openapi.Doc, results []checked) junitSuites {
	su := junitSuite{Name: doc.File}
	for _, r := range results {
		class := r.op.Name() + " from " + r.origin.String()
		for i := range r.runs {
			run := &r.runs[i]
			c := junitCase{Name: run.profile, ClassName: class, File: doc.File, Line: r.op.Line}
			switch v := verdictOf(run); {
			case isBlocked(v):
				why, change := blockReason(run, r.origin.String())
				var story strings.Builder
				for _, h := range change {
					fmt.Fprintf(&story, "what would change it: %s\n", h.Text)
				}
				story.WriteString("\n")
				tellStory(&story, []fetchRun{*run}, palette{})
				c.Failure = &junitFailure{Message: fmt.Sprintf("%s %s is %s in %s: %s", r.op.Init.Method, r.op.Init.URL, v, browserName(run.profile), why), Type: v, Text: story.String()}
			case v != "allowed" && v != "opaque":
				c.Skipped = &junitSkipped{Message: v}
			}
			su.Cases = append(su.Cases, c)
		}
	}
	return junitSuites{Name: "corsim check", Suites: []junitSuite{su}}
}
