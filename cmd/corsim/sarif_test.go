package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/corsim/corsim/fuzz/audit"
)

// The SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) is not vendored:
// its licence is the OASIS IPR policy, not one that clearly allows
// redistribution. These types hold, for each object corsim writes, every
// property the schema defines for it (so that decoding with unknown
// fields refused is the schema's additionalProperties: false), and
// checkSARIF checks the schema's required properties, enums and minimums.
type (
	sLog struct {
		Schema                   string            `json:"$schema"`
		Version                  *string           `json:"version"`
		Runs                     []sRun            `json:"runs"`
		InlineExternalProperties []json.RawMessage `json:"inlineExternalProperties"`
		Properties               json.RawMessage   `json:"properties"`
	}
	sRun struct {
		Tool *struct {
			Driver     *sComponent       `json:"driver"`
			Extensions []json.RawMessage `json:"extensions"`
			Properties json.RawMessage   `json:"properties"`
		} `json:"tool"`
		Results []sResult `json:"results"`
		// Other run properties corsim does not write.
		Invocations, Artifacts, Taxonomies json.RawMessage
	}
	sComponent struct {
		GUID, Name, FullName, Version, SemanticVersion, Organization, Product, InformationURI      string
		DottedQuadFileVersion, ReleaseDateUTC, DownloadURI, Language, ProductSuite                 string
		ShortDescription, FullDescription                                                          *sMessage
		Rules                                                                                      []sRule
		Notifications, Taxa, Locations, Contents, SupportedTaxonomies, Properties                  json.RawMessage
		GlobalMessageStrings, AssociatedComponent, TranslationMetadata                             json.RawMessage
		IsComprehensive, LocalizedDataSemanticVersion, MinimumRequiredLocalizedDataSemanticVersion json.RawMessage
	}
	sRule struct {
		ID                                *string
		DeprecatedIDs, DeprecatedGUIDs    []string
		GUID, Name, HelpURI               string
		DeprecatedNames                   []string
		ShortDescription, FullDescription *sMessage
		Help                              *sMessage
		MessageStrings, Relationships     json.RawMessage
		DefaultConfiguration              *struct {
			Level      string
			Enabled    *bool
			Rank       *float64
			Parameters json.RawMessage
			Properties json.RawMessage
		}
		Properties *struct {
			Tags             []string
			SecuritySeverity string `json:"security-severity"`
		}
	}
	sMessage struct {
		Text, Markdown, ID string
		Arguments          []string
		Properties         json.RawMessage
	}
	sResult struct {
		RuleID         string
		RuleIndex      *int
		Rule, Kind     json.RawMessage
		Level          string
		Message        *sMessage
		AnalysisTarget json.RawMessage
		Locations      []struct {
			ID               *int
			PhysicalLocation *struct {
				Address          json.RawMessage
				ArtifactLocation *struct {
					URI, URIBaseID          string
					Index                   *int
					Description, Properties json.RawMessage
				}
				Region *struct {
					StartLine, StartColumn, EndLine, EndColumn, CharOffset, CharLength, ByteOffset, ByteLength *int
					Snippet, Message, SourceLanguage, Properties                                               json.RawMessage
				}
				ContextRegion, Properties json.RawMessage
			}
			LogicalLocations, Message, Annotations, Relationships, Properties json.RawMessage
		}
		GUID, CorrelationGUID                                                              string
		OccurrenceCount                                                                    *int
		PartialFingerprints, Fingerprints                                                  map[string]string
		Stacks, CodeFlows, Graphs, GraphTraversals, RelatedLocations, Suppressions         json.RawMessage
		BaselineState, Rank, Attachments, HostedViewerURI, WorkItemURIs, Provenance, Fixes json.RawMessage
		Taxa, WebRequest, WebResponse, Properties                                          json.RawMessage
	}
)

func checkSARIF(t *testing.T, out []byte) sLog {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var l sLog
	if err := dec.Decode(&l); err != nil {
		t.Fatalf("not SARIF 2.1.0 (a property the schema does not define, or a wrong type): %v", err)
	}
	if l.Version == nil || *l.Version != "2.1.0" {
		t.Fatalf("version %v, want 2.1.0 (required)", l.Version)
	}
	if l.Runs == nil {
		t.Fatal("runs is required")
	}
	for _, r := range l.Runs {
		if r.Tool == nil || r.Tool.Driver == nil || r.Tool.Driver.Name == "" {
			t.Fatal("run.tool.driver.name is required")
		}
		rules := r.Tool.Driver.Rules
		for _, ru := range rules {
			if ru.ID == nil || *ru.ID == "" {
				t.Error("reportingDescriptor.id is required")
			}
			if ru.DefaultConfiguration != nil && !slices.Contains([]string{"none", "note", "warning", "error"}, ru.DefaultConfiguration.Level) {
				t.Errorf("rule %s: level %q not in the enum", *ru.ID, ru.DefaultConfiguration.Level)
			}
			if ru.Properties != nil {
				if f, err := strconv.ParseFloat(ru.Properties.SecuritySeverity, 64); err != nil || f < 0 || f > 10 {
					t.Errorf("rule %s: security-severity %q is not a number from 0 to 10 (GitHub code scanning)", *ru.ID, ru.Properties.SecuritySeverity)
				}
			}
		}
		for i, res := range r.Results {
			if res.Message == nil || (res.Message.Text == "" && res.Message.ID == "") {
				t.Errorf("result %d: message with text or id is required", i)
			}
			if !slices.Contains([]string{"none", "note", "warning", "error"}, res.Level) {
				t.Errorf("result %d: level %q not in the enum", i, res.Level)
			}
			if res.RuleIndex != nil && (*res.RuleIndex < 0 || *res.RuleIndex >= len(rules) || *rules[*res.RuleIndex].ID != res.RuleID) {
				t.Errorf("result %d: ruleIndex %d does not point at rule %s", i, *res.RuleIndex, res.RuleID)
			}
			if len(res.Locations) == 0 {
				t.Errorf("result %d: no location (GitHub code scanning needs one)", i)
			}
			for _, loc := range res.Locations {
				pl := loc.PhysicalLocation
				if pl == nil || pl.ArtifactLocation == nil {
					t.Errorf("result %d: physicalLocation needs an artifactLocation", i)
					continue
				}
				if _, err := url.Parse(pl.ArtifactLocation.URI); err != nil || pl.ArtifactLocation.URI == "" {
					t.Errorf("result %d: uri %q is not a URI reference", i, pl.ArtifactLocation.URI)
				}
				if pl.Region != nil && (pl.Region.StartLine == nil || *pl.Region.StartLine < 1) {
					t.Errorf("result %d: region.startLine must be at least 1", i)
				}
			}
		}
	}
	return l
}

func TestAuditSARIF(t *testing.T) {
	r := corsim(t, "", "audit", "--format", "sarif", "--origin", "https://www.target.example", "--server", "testdata/audit/vulnerable/reflect_origin.conf", "https://api.target.example/data")
	wantCode(t, r, exitFail)
	l := checkSARIF(t, []byte(r.stdout))
	res := l.Runs[0].Results
	// One result per cause and endpoint, not per origin: the server
	// reflects any Origin, one cause, with 179 origins as its evidence.
	if len(res) != 1 {
		t.Fatalf("%d results, want one: the server has one root cause", len(res))
	}
	var ids []string
	for _, x := range res {
		ids = append(ids, x.RuleID)
		loc := x.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != "testdata/audit/vulnerable/reflect_origin.conf" || *loc.Region.StartLine != 7 {
			t.Errorf("%s at %s:%d, want the mistake reflect-origin line, reflect_origin.conf:7", x.RuleID, loc.ArtifactLocation.URI, *loc.Region.StartLine)
		}
		if x.Level != "error" || !strings.Contains(x.Message.Text, "corsim fetch") {
			t.Errorf("%s: level %s, message %q", x.RuleID, x.Level, x.Message.Text)
		}
	}
	if !slices.Contains(ids, "reflect_origin") {
		t.Errorf("no reflect_origin result in %q", ids)
	}
	// A clean server gives a valid log with no results, and exit 0.
	r = corsim(t, "", "audit", "--format", "sarif", "--origin", "https://app.example", "--server", "cmd/corsim/testdata/api.conf", "https://api.example/items")
	wantCode(t, r, exitOK)
	if l := checkSARIF(t, []byte(r.stdout)); len(l.Runs[0].Results) != 0 {
		t.Errorf("clean server: %d results", len(l.Runs[0].Results))
	}
	wantOneLineError(t, corsim(t, "", "audit", "--json", "--format", "sarif", "--origin", "https://app.example", "--server", "cmd/corsim/testdata/api.conf", "https://api.example/items"), "exclude each other")
}

func TestRootCauseLine(t *testing.T) {
	conf := []byte("# c\norigins https://a.example\nmistake no-vary\nmistake trust-null\n")
	for _, tt := range []struct {
		class string
		line  int
	}{{"missing_vary", 3}, {"trust_null", 4}, {"prefix_match", 2}} {
		if got := rootCauseLine(conf, auditClass(tt.class)); got != tt.line {
			t.Errorf("%s: line %d, want %d", tt.class, got, tt.line)
		}
	}
	if got := rootCauseLine([]byte("origins x\nmistake reflect-origin\n"), auditClass("prefix_match")); got != 2 {
		t.Errorf("the only mistake: line %d, want 2", got)
	}
}

func auditClass(s string) audit.Class { return audit.Class(s) }
