package lab

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFakeClock runs date(1) with the preload library: before Advance it
// prints the real time, after Advance(36h) the real time plus 36 hours.
func TestFakeClock(t *testing.T) {
	if !CanFakeClock() {
		t.Skip("no C compiler")
	}
	c, err := NewFakeClock(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := func() int64 {
		cmd := exec.Command("date", "+%s")
		cmd.Env = append(os.Environ(), c.Env()...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if d := now() - time.Now().Unix(); d < -5 || d > 5 {
		t.Errorf("before Advance the clock is off by %d s", d)
	}
	if err := c.Advance(36 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if d := now() - time.Now().Unix() - 36*3600; d < -5 || d > 5 {
		t.Errorf("after Advance(36h) the clock is off by %d s from 36 h ahead", d)
	}
}
