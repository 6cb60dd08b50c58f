// Package input reads corsim's input files within bounds: only regular
// files, of at most MaxSize bytes, with errors that read "path: what is
// wrong". Every package that reads a file a user names goes through it.
package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxSize is the largest input file corsim reads: a scenario, a
// server config or canned responses, a certificate file. 16 MiB holds a
// scenario of a few hundred thousand fetch lines; anything larger is
// refused before it is read, so that a link to /dev/zero cannot fill the
// memory.
const MaxSize = 16 << 20

// ReadFile reads the input file at path. It reads only a regular
// file, of at most MaxSize bytes: a named pipe (which would block), a
// device (/dev/zero, which never ends), a directory or a socket is
// refused, and so is a file that does not have the content its size says
// (a /proc or /sys file, such as /proc/self/environ, which reports a size
// of 0). Errors read "path: what is wrong".
func ReadFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, pathErr(path, err)
	}
	if err := checkRegular(path, fi); err != nil {
		return nil, err
	}
	// Non-blocking, so that a file swapped for a named pipe after the
	// Stat does not block the open.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, pathErr(path, err)
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, pathErr(path, err)
	}
	if err := checkRegular(path, ofi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, min(ofi.Size(), MaxSize)+1))
	if err != nil {
		return nil, pathErr(path, err)
	}
	if int64(len(b)) != ofi.Size() {
		return nil, fmt.Errorf("%s: not an ordinary file: its size says %d bytes but it has more or less (a /proc or /sys file?); corsim reads only regular files", path, ofi.Size())
	}
	return b, nil
}

// Read reads an input from r (standard input, say), at most
// MaxSize bytes; name labels the errors.
func Read(name string, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%s: more than %s, the limit for an input", name, sizeWords(MaxSize))
	}
	return b, nil
}

// checkRegular refuses what is not a regular file of at most MaxSize.
func checkRegular(path string, fi fs.FileInfo) error {
	m := fi.Mode()
	var what string
	switch {
	case m.IsRegular():
		if fi.Size() > MaxSize {
			return fmt.Errorf("%s: %d bytes, more than %s, the limit for an input file", path, fi.Size(), sizeWords(MaxSize))
		}
		return nil
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "not a regular file"
	}
	return fmt.Errorf("%s: %s; corsim reads only regular files", path, what)
}

func sizeWords(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// pathErr turns an os error into "path: reason" without Go's "open "
// prefix.
func pathErr(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s: permission denied", path)
	}
	return fmt.Errorf("%s: %v", path, err)
}
