// Package corsim holds what corsim's programs carry with them: the labs,
// a course of scenarios that build on each other (testdata/labs), which
// corsim serve offers a student to pick and edit.
package corsim

import "embed"

// Labs holds the lab scenarios as testdata/labs/NN-name.txtar.
//
//go:embed testdata/labs/*.txtar
var Labs embed.FS
