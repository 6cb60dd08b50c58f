#!/bin/bash -eu
# Builds every native Go fuzz target of corsim for OSS-Fuzz / ClusterFuzzLite.
# See docs/fuzzing.md. Each line: package, target, name of the fuzzer binary.
M=github.com/corsim/corsim
compile_native_go_fuzzer $M/policy     FuzzParseOrigin              policy_parse_origin
compile_native_go_fuzzer $M/policy     FuzzParseURL                 policy_parse_url
compile_native_go_fuzzer $M/policy     FuzzParseURLFastPath         policy_parse_url_fast_path
compile_native_go_fuzzer $M/policy     FuzzParseMIMEType            policy_parse_mime_type
compile_native_go_fuzzer $M/policy     FuzzExtractHeaderListValues  policy_header_list_values
compile_native_go_fuzzer $M/policy     FuzzParseMaxAge              policy_parse_max_age
compile_native_go_fuzzer $M/policy     FuzzParseSingleRange         policy_parse_range
compile_native_go_fuzzer $M/fetch      FuzzFetch                    fetch_pipeline
compile_native_go_fuzzer $M/sim/server FuzzParseConfig              server_parse_config
compile_native_go_fuzzer $M/sim/server FuzzParseCanned              server_parse_canned
compile_native_go_fuzzer $M/sim/scenario FuzzParse                  scenario_parse
compile_native_go_fuzzer $M/sim/har    FuzzParse                    har_parse
compile_native_go_fuzzer $M/sim/openapi FuzzLoad                    openapi_load
compile_native_go_fuzzer $M/fuzz       FuzzPipeline                 pipeline
compile_native_go_fuzzer $M/fuzz       FuzzServerConfig             server_config
compile_native_go_fuzzer $M/fuzz       FuzzCannedResponses          canned_responses
compile_native_go_fuzzer $M/fuzz       FuzzScenario                 scenario_run
