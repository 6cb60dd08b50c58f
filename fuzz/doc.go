// Package fuzz holds corsim's cross-package fuzz targets (in its test
// files) and, in package fuzz/audit, the CORS auditor behind `corsim audit`.
//
// The targets are plain native Go fuzz targets, runnable with
// `go test -fuzz=FuzzPipeline ./fuzz` and compatible with OSS-Fuzz and
// ClusterFuzzLite (see docs/fuzzing.md):
//
//   - FuzzPipeline: a fuzzed request script × fuzzed server answers × fuzzed
//     clock steps through the four browser profiles, checking the CORS
//     invariants (credentialed reads need an exact ACAO and ACAC "true";
//     same-origin is never blocked; safelisted requests are never
//     preflighted; profiles agree outside their documented differences).
//   - FuzzServerConfig: declarative server configs (sim/server.ParseConfig):
//     round trip through String, and a correct config never lets an origin
//     it does not list read.
//   - FuzzCannedResponses: canned responses (sim/server.ParseCanned) judged
//     by the browsers under the same invariants.
//   - FuzzScenario: scenario files, parsed and run by package sim.
//
// Seeds come from real CORS bugs, in testdata/fuzz at the module root.
package fuzz
