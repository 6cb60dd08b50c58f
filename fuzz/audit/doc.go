// Package audit attacks a server's CORS policy the way misconfiguration
// scanners do, and judges every attempt the way real browsers would.
//
// [Audit] takes a [Target] (any fetch.Transport: an http.Handler through
// sim/server.FromHandler, a declarative sim/server.Config, canned
// responses, or a live endpoint), the site's own origins and the endpoints
// to test. It sends attacker origins from the scanner catalogue
// ([Catalogue], shared/reference/ecosystem.md §2.2), made around the
// site's own origins and each endpoint's own origin, and from a seeded
// generator of mutations ([Mutations]) as the site's front end would: a
// simple request and a preflighted one with the endpoint's methods, each
// with and without credentials, through package fetch with every profile.
// The server is called once per distinct request and that answer is
// judged under every profile.
//
// A [Finding] is a server behaviour that lets attacker origins read
// (critical with credentials, high without), grouped by cause with the
// origins as its evidence; or a header-level problem (missing Vary:
// Origin, ACAM/ACAH reflection; low); or public data (info). What a
// browser blocks — "*" with credentials, a preflight an auth layer rejects
// — is reported in Report.Broken, never as exploitable. Whether a browser
// would send an origin string at all is decided by [Accepts]; origins no
// browser sends are probed like a scanner would and land in Report.Notes.
//
// No verdict without evidence: every request that got no answer is
// counted by cause, and an audit with any is incomplete — Audit then
// returns the partial report with an [*IncompleteError], and
// Report.WriteTable says so first.
//
// Report.WriteTable and Report.WriteJSON render a report; Report.Fails is
// the --fail-on decision. docs/auditing.md lists every class with a real
// middleware configuration that triggers it.
package audit
