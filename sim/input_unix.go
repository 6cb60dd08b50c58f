//go:build unix || windows

package sim

import "syscall"

// openNonBlock opens without blocking on a named pipe.
const openNonBlock = syscall.O_NONBLOCK
