package audit

import "github.com/corsim/corsim/fetch"

// DefaultProfiles returns the profiles Audit judges with when
// Options.Profiles is nil: the spec, Chromium, Firefox and WebKit.
//
// Only the names and the fields that change an audit verdict are set here
// (ACAH "*" covering Authorization; see shared/reference/browsers.md §4);
// the preflight cache is not used by the auditor (every probe is a fresh
// fetch). Callers that have package browser's full profiles can pass them
// in Options.Profiles instead; the names must stay "spec", "chromium",
// "firefox" and "webkit" for the origin acceptance rules (Accepts).
func DefaultProfiles() []fetch.Profile {
	return []fetch.Profile{
		fetch.Spec,
		// Chromium 156 as shipped lets ACAH "*" cover Authorization
		// (chromium-harness.md: CorsNonWildcardRequestHeadersSupport is off).
		{Name: "chromium", WildcardCoversAuthorization: true, MaxAgeCap: 7200e9},
		{Name: "firefox", WildcardCoversAuthorization: true, WarnWildcardAuthorization: true,
			MaxAgeCap: 86400e9, MaxAgeInvalid: fetch.MaxAgeRuleNoStore, MaxAgeNegative: fetch.MaxAgeRuleNoStore, MaxAgeZero: fetch.MaxAgeRuleNoStore},
		{Name: "webkit", WildcardCoversAuthorization: true, PreflightStatusFirst: true, MaxAgeCap: 600e9},
	}
}
