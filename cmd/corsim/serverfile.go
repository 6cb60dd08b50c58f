package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"golang.org/x/tools/txtar"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/server"
)

// serverKind names the server model a --server file holds.
type serverKind string

const (
	kindConfig serverKind = "declarative config"
	kindCanned serverKind = "canned responses"
)

// loadServer reads a --server file and returns it as a transport. The kind
// is detected: a txtar archive with "-- METHOD /path --" sections is a set
// of canned responses (server.ParseCanned), anything else is a declarative
// config (server.ParseConfig). Parse errors read "file:line: …".
func loadServer(path string) (fetch.Transport, serverKind, error) {
	src, err := readInput(path, nil)
	if err != nil {
		return nil, "", err
	}
	return parseServer(path, src)
}

func parseServer(name string, src []byte) (fetch.Transport, serverKind, error) {
	if isCanned(src) {
		c, err := server.ParseCanned(name, src)
		if err != nil {
			return nil, "", err
		}
		return c, kindCanned, nil
	}
	c, err := server.ParseConfig(name, src)
	if err != nil {
		return nil, "", err
	}
	return c.Server(), kindConfig, nil
}

// isCanned reports whether src is a txtar archive with at least one file
// section, which a declarative config never has.
func isCanned(src []byte) bool {
	if !bytes.Contains(src, []byte("-- ")) {
		return false
	}
	return len(txtar.Parse(src).Files) > 0
}

// readInput reads a file, or stdin for "-": only a regular file, of at
// most sim.MaxInputSize bytes (sim.ReadInputFile). Errors are one line and
// name the file.
func readInput(path string, stdin interface{ Read([]byte) (int, error) }) ([]byte, error) {
	if path == "-" {
		if stdin == nil {
			return nil, fmt.Errorf("-: standard input is not available here")
		}
		return sim.ReadInput("-", stdin)
	}
	return sim.ReadInputFile(path)
}

// fileErr turns an os error into "path: reason" without Go's "open " prefix.
// The path is the one the *os.PathError names when err has one (a file
// deep inside a directory being walked), else path.
func fileErr(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		if pe.Path != "" {
			path = pe.Path
		}
		switch {
		case os.IsNotExist(pe.Err):
			return fmt.Errorf("%s: no such file", path)
		case os.IsPermission(pe.Err):
			return fmt.Errorf("%s: permission denied", path)
		}
		return fmt.Errorf("%s: %v", path, pe.Err)
	}
	return fmt.Errorf("%s: %v", path, err)
}
