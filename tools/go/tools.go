//go:build tools

// Package tools pins protoc-gen-go (built by scripts/setup-protoc.sh) and the
// Go Protobuf runtime that tests/exports/test_proto_compile.py decodes with.
package tools

import _ "google.golang.org/protobuf/cmd/protoc-gen-go"
