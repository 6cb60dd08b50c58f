// Package audit attacks a server's CORS policy the way misconfiguration
// scanners do, and judges every attempt the way real browsers would.
//
// [Audit] takes a [Target] (any fetch.Transport: an http.Handler through
// sim/server.FromHandler, a declarative sim/server.Config, canned
// responses, or a live endpoint), the site's own origins and the endpoints
// to test. It sends attacker origins from the scanner catalogue
// ([Catalogue], shared/reference/ecosystem.md §2.2) and from a seeded
// generator of mutations around the site's own origins ([Mutations]) as a
// browser would: a simple GET and a preflighted GET, each with and without
// credentials, through package fetch with every profile.
//
// A [Finding] is an origin a profile lets read a response (critical with
// credentials, high without), or a header-level problem (missing Vary:
// Origin, ACAM/ACAH reflection; low). What a browser blocks — "*" with
// credentials, a preflight an auth layer rejects — is reported in
// Report.Broken, never as exploitable. Whether a browser would send an
// origin string at all is decided by [Accepts]; origins no browser sends
// are probed like a scanner would and land in Report.Notes.
//
// Report.WriteTable and Report.WriteJSON render a report; Report.Fails is
// the --fail-on decision.
package audit
