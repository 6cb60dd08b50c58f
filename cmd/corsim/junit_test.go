package main

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
)

// ciSuites is JUnit XML as CI readers (Jenkins' JUnit plugin, GitLab,
// test-reporter actions) take it: a testsuites root with testsuite
// children, each with testcase elements that carry name and classname,
// and failure or skipped children; the counts are attributes.
type ciSuites struct {
	XMLName  xml.Name  `xml:"testsuites"`
	Tests    string    `xml:"tests,attr"`
	Failures string    `xml:"failures,attr"`
	Skipped  string    `xml:"skipped,attr"`
	Suites   []ciSuite `xml:"testsuite"`
}

type ciSuite struct {
	Name     string   `xml:"name,attr"`
	Tests    string   `xml:"tests,attr"`
	Failures string   `xml:"failures,attr"`
	Skipped  string   `xml:"skipped,attr"`
	Time     string   `xml:"time,attr"`
	Cases    []ciCase `xml:"testcase"`
}

type ciCase struct {
	Name      string `xml:"name,attr"`
	ClassName string `xml:"classname,attr"`
	Time      string `xml:"time,attr"`
	File      string `xml:"file,attr"`
	Line      string `xml:"line,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
}

// parseJUnit reads a report back and checks what readers rely on: the
// counts match the cases, every case is named, times are numbers.
func parseJUnit(t *testing.T, out string) ciSuites {
	t.Helper()
	if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration:\n%.200s", out)
	}
	var s ciSuites
	if err := xml.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("not XML a CI reader can parse: %v\n%.500s", err, out)
	}
	total, failed, skipped := 0, 0, 0
	for _, su := range s.Suites {
		f, sk := 0, 0
		for _, c := range su.Cases {
			if c.Name == "" || c.ClassName == "" {
				t.Errorf("suite %s: a test case without name or classname: %+v", su.Name, c)
			}
			if _, err := strconv.ParseFloat(c.Time, 64); err != nil {
				t.Errorf("test case %s: time %q is not a number", c.Name, c.Time)
			}
			if c.Failure != nil {
				f++
				if c.Failure.Message == "" || c.Failure.Text == "" {
					t.Errorf("test case %s %s: a failure without message or text", c.ClassName, c.Name)
				}
			}
			if c.Skipped != nil {
				sk++
			}
		}
		if su.Tests != strconv.Itoa(len(su.Cases)) || su.Failures != strconv.Itoa(f) || su.Skipped != strconv.Itoa(sk) {
			t.Errorf("suite %s counts tests=%s failures=%s skipped=%s, but has %d cases, %d failed, %d skipped", su.Name, su.Tests, su.Failures, su.Skipped, len(su.Cases), f, sk)
		}
		total, failed, skipped = total+len(su.Cases), failed+f, skipped+sk
	}
	if s.Tests != strconv.Itoa(total) || s.Failures != strconv.Itoa(failed) || s.Skipped != strconv.Itoa(skipped) {
		t.Errorf("root counts tests=%s failures=%s skipped=%s, want %d, %d, %d", s.Tests, s.Failures, s.Skipped, total, failed, skipped)
	}
	return s
}

func TestCheckJUnit(t *testing.T) {
	r := corsim(t, "", append(checkArgs, "--format", "junit")...)
	wantCode(t, r, exitFail)
	s := parseJUnit(t, r.stdout)
	if len(s.Suites) != 1 || len(s.Suites[0].Cases) != 24 || s.Failures != "4" {
		t.Fatalf("want 1 suite of 24 cases with 4 failures, got %+v", s)
	}
	var failed []string
	for _, c := range s.Suites[0].Cases {
		if c.Failure != nil {
			failed = append(failed, c.ClassName+" / "+c.Name+" line "+c.Line)
			if !strings.Contains(c.Failure.Message, "x-csrf-token is not in Access-Control-Allow-Headers") {
				t.Errorf("failure message %q lacks the reason", c.Failure.Message)
			}
			// The story, in full, with its newlines.
			for _, want := range []string{"→ preflight OPTIONS https://api.example/items/42\n", "What would make it work"} {
				if !strings.Contains(c.Failure.Text, want) {
					t.Errorf("failure text lacks %q", want)
				}
			}
		}
	}
	if len(failed) != 4 || !strings.HasPrefix(failed[0], "deleteItem (DELETE /items/{id}) from https://app.example / chromium line 38") {
		t.Errorf("failed cases %q", failed)
	}
}

func TestRunJUnit(t *testing.T) {
	r := corsim(t, "", "run", "--format", "junit", "testdata/labs")
	wantCode(t, r, exitOK)
	s := parseJUnit(t, r.stdout)
	if s.Failures != "0" || len(s.Suites) < 5 {
		t.Errorf("labs: %s failures in %d suites", s.Failures, len(s.Suites))
	}
	// A failing expectation fails its browser's case with the expectation
	// as the message and that browser's story as the text.
	sc := "# a wrong expectation\nbrowsers chromium spec\npage https://app.example\nserver https://api.example config api.conf\nfetch https://api.example/x\nexpect outcome blocked\n-- api.conf --\norigins https://app.example\n"
	r = corsim(t, sc, "run", "--format", "junit", "-")
	wantCode(t, r, exitFail)
	s = parseJUnit(t, r.stdout)
	if s.Tests != "2" || s.Failures != "2" {
		t.Fatalf("want 2 failed cases, got %+v", s)
	}
	c := s.Suites[0].Cases[0]
	if c.Name != "chromium" || c.Line != "6" || !strings.Contains(c.Failure.Message, "stdin:6: expect outcome blocked") {
		t.Errorf("case %+v", c)
	}
	if strings.Contains(c.Failure.Text, "── spec") || !strings.Contains(c.Failure.Text, "chromium") {
		t.Errorf("the chromium case tells another browser's story:\n%s", c.Failure.Text)
	}
}
