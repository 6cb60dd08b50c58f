package webkit

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// display is one Xvfb server: MiniBrowser (GTK) has no headless mode.
type display struct {
	cmd  *exec.Cmd
	name string // ":N"
}

// startXvfb starts an Xvfb on a free display number, which the server
// itself picks and writes to a pipe (-displayfd), and waits until it is
// ready to take clients.
func startXvfb(bin string) (*display, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("webkit: Xvfb: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("webkit: starting %s: %w", bin, err)
	}
	w.Close()
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	d := &display{cmd: cmd}
	select {
	case n := <-got:
		if n == "" {
			d.close()
			return nil, fmt.Errorf("webkit: %s exited before naming its display", bin)
		}
		d.name = ":" + n
	case <-time.After(10 * time.Second):
		d.close()
		return nil, fmt.Errorf("webkit: %s named no display within 10s", bin)
	}
	return d, nil
}

// close stops the server (by its process id) and reaps it.
func (d *display) close() {
	if d == nil || d.cmd.Process == nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = d.cmd.Process.Kill()
		<-done
	}
}
