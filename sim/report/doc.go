// Package report renders the results of package sim for people and
// programs: Text (a step-by-step story with a spec link for every step),
// JSON (a stable, documented schema: docs/json-schema.md; see Document),
// Mermaid (a sequence diagram per profile: page, browser, preflight cache
// and server lanes) and HTML (a self-contained page with an inline SVG
// sequence diagram, readable offline).
//
// The JSON document is the contract; the text, Mermaid and HTML forms are
// for people and may change between versions.
package report
