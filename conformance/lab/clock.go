package lab

import (
	"context"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// fakeClockSource is the preload library that moves a browser's clocks.
//
//go:embed csrc/fakeclock.c
var fakeClockSource string

// ErrNoCompiler is returned (wrapped) when a fake clock is asked for and no
// C compiler is installed to build its preload library.
var ErrNoCompiler = errors.New("lab: the fake clock needs a C compiler (apt-get install -y gcc)")

// CanFakeClock reports whether NewFakeClock can work here: a C compiler
// ("cc") is on PATH.
func CanFakeClock() bool {
	_, err := exec.LookPath("cc")
	return err == nil
}

// FakeClock is one browser's clock offset. A browser started with Env in
// its environment preloads a small library (csrc/fakeclock.c, built by
// NewFakeClock with the system's C compiler) that answers clock_gettime,
// gettimeofday and time with the kernel's wall and monotonic clocks plus
// the offset, which it reads from the first 8 bytes of a file
// (nanoseconds, little endian) mapped shared: Advance moves every clock of
// every process of the browser forward at once, as corsim's virtual clock
// moves. libfaketime would do the same but deadlocks Firefox before main
// (its first clock call, which Firefox's allocator makes while it
// initialises, looks a symbol up and allocates).
type FakeClock struct {
	lib, file string

	mu     sync.Mutex
	offset time.Duration
}

// NewFakeClock builds the preload library in dir and makes its offset
// file, at zero.
func NewFakeClock(dir string) (*FakeClock, error) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		return nil, ErrNoCompiler
	}
	c := &FakeClock{lib: filepath.Join(dir, "fakeclock.so"), file: filepath.Join(dir, "fakeclock.offset")}
	src := filepath.Join(dir, "fakeclock.c")
	if err := os.WriteFile(src, []byte(fakeClockSource), 0o600); err != nil {
		return nil, fmt.Errorf("lab: fake clock: %w", err)
	}
	if out, err := exec.Command(cc, "-shared", "-fPIC", "-O2", "-o", c.lib, src).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("lab: building the fake clock: %v: %s", err, out)
	}
	if err := os.WriteFile(c.file, make([]byte, 8), 0o600); err != nil {
		return nil, fmt.Errorf("lab: fake clock: %w", err)
	}
	return c, nil
}

// Env is what the browser's environment needs for the clock.
func (c *FakeClock) Env() []string {
	return []string{"LD_PRELOAD=" + c.lib, "CORSIM_FAKECLOCK_FILE=" + c.file}
}

// Advance moves every clock of the browser forward by d, at once.
func (c *FakeClock) Advance(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	f, err := os.OpenFile(c.file, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("lab: moving the fake clock: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteAt(binary.LittleEndian.AppendUint64(nil, uint64(c.offset)), 0); err != nil {
		return fmt.Errorf("lab: moving the fake clock: %w", err)
	}
	return nil
}

// Wait lets d of a browser's time pass: on clock (a fake clock, may be
// nil) a jump of d at once, otherwise d of real time, returning early with
// ctx's error. The drivers' Session.Wait is this.
func Wait(ctx context.Context, clock *FakeClock, d time.Duration) error {
	if clock != nil {
		return clock.Advance(d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
