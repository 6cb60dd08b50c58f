//go:build unix || windows

package input

import "syscall"

// openNonBlock opens without blocking on a named pipe.
const openNonBlock = syscall.O_NONBLOCK
