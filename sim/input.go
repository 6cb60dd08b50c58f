package sim

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/corsim/corsim/internal/input"
)

// MaxInputSize is the largest input file corsim reads: a scenario, a
// server config or canned responses, a certificate file. 16 MiB holds a
// scenario of a few hundred thousand fetch lines; anything larger is
// refused before it is read, so that a link to /dev/zero cannot fill the
// memory.
const MaxInputSize = input.MaxSize

// ReadInputFile reads the input file at path. It reads only a regular
// file, of at most MaxInputSize bytes: a named pipe (which would block), a
// device (/dev/zero, which never ends), a directory or a socket is
// refused, and so is a file that does not have the content its size says
// (a /proc or /sys file, such as /proc/self/environ, which reports a size
// of 0). Errors read "path: what is wrong". scenario.ParseFile reads its
// file the same way.
func ReadInputFile(path string) ([]byte, error) { return input.ReadFile(path) }

// ReadInput reads an input from r (standard input, say), at most
// MaxInputSize bytes; name labels the errors.
func ReadInput(name string, r io.Reader) ([]byte, error) { return input.Read(name, r) }

// insideDir reports whether the symbolic link at path, found while walking
// root, resolves to a file inside root, and returns its target.
func insideDir(root, path string) (string, bool) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", false
	}
	base, err := filepath.EvalSymlinks(root)
	if err != nil {
		return target, false
	}
	rel, err := filepath.Rel(base, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return target, false
	}
	return target, true
}
