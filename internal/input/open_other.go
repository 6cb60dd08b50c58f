//go:build !(unix || windows)

package input

// openNonBlock is 0 where the system has no O_NONBLOCK; the Stat before
// the open still refuses a named pipe.
const openNonBlock = 0
