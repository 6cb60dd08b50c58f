package browser

import (
	"context"
	"testing"

	"github.com/corsim/corsim/fetch"
)

// ConsoleSituation is one of the console goldens' situations (consoleCases)
// as it ran under one profile, for tests outside the package (the
// explanation goldens) to reuse rather than copy.
type ConsoleSituation struct {
	Name    string
	Client  fetch.Client
	Init    fetch.RequestInit // Initiator set for XMLHttpRequest
	Servers *Network
	Outcome *Outcome
	Ctx     context.Context
}

// ConsoleSituations runs every console situation under p.
func ConsoleSituations(t testing.TB, p fetch.Profile) []ConsoleSituation {
	var out []ConsoleSituation
	for _, c := range consoleCases {
		o, b, ctx := runCaseIn(t, p, c)
		init := c.init
		if c.xhr {
			init.Initiator = fetch.InitiatorXHR
			init.UploadListeners = c.upload
		}
		page := mustOpen(t, b, appOrigin)
		out = append(out, ConsoleSituation{Name: c.name, Client: page.Client(), Init: init, Servers: b.Network(), Outcome: o, Ctx: ctx})
	}
	return out
}

// GoldenProfiles are the profiles the console goldens cover.
func GoldenProfiles() []fetch.Profile { return goldenProfiles() }

// CheckGolden compares got with the golden file at path, or rewrites it
// with -update.
func CheckGolden(t testing.TB, path, got string) {
	t.Helper()
	checkGolden(t, path, got)
}
