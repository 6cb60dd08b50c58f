package fetch

import (
	"sync"
	"time"
)

// Clock tells the fetch algorithm what time it is. The algorithm never reads
// the system clock itself: the preflight cache's expiry is computed from the
// Clock it is given, so a simulation is deterministic and can jump hours in
// a microsecond.
type Clock interface {
	Now() time.Time
}

// VirtualClock is a Clock that only moves when told to. The zero value is not
// usable; call NewVirtualClock. It is safe for concurrent use.
type VirtualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewVirtualClock returns a clock that reads start until advanced.
func NewVirtualClock(start time.Time) *VirtualClock {
	return &VirtualClock{now: start}
}

// Now returns the clock's current time.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d. A negative d is ignored: virtual time
// never runs backwards.
func (c *VirtualClock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
