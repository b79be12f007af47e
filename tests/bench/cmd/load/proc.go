package main

// Child processes, and what /proc says of them.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a process the harness started; every one is registered, so that
// killAll ends them all whatever way the harness exits.
type child struct {
	name   string
	cmd    *exec.Cmd
	stderr *tailBuffer
	done   chan struct{} // closed once the process has exited
	err    error         // Wait's, once done is closed
}

var (
	childrenMu sync.Mutex
	children   []*child
)

// startChild starts path with args and env (added to the harness's). Its
// stdout, where every server logs its requests, goes to /dev/null; the end
// of its stderr is kept for error messages and goroutine dumps. It runs in
// a process group of its own, so that a Ctrl-C reaches the harness only,
// which stops it, and it is killed should the harness die (Pdeathsig).
func startChild(name, dir, path string, args, env []string) (*child, error) {
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin, cmd.Stdout = nil, nil // /dev/null
	c := &child{name: name, cmd: cmd, stderr: newTailBuffer(1 << 20), done: make(chan struct{})}
	cmd.Stderr = c.stderr
	cmd.WaitDelay = 2 * time.Second // should it leave a process holding stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	childrenMu.Lock()
	defer childrenMu.Unlock()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	children = append(children, c)
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// stop ends the child: sig to its process group, then SIGKILL after grace.
func (c *child) stop(sig syscall.Signal, grace time.Duration) {
	if c.exited() {
		return
	}
	_ = syscall.Kill(-c.pid(), sig)
	select {
	case <-c.done:
	case <-time.After(grace):
		_ = syscall.Kill(-c.pid(), syscall.SIGKILL)
		<-c.done
	}
}

// killAll stops every child still running, gently first.
func killAll() {
	childrenMu.Lock()
	list := append([]*child(nil), children...)
	childrenMu.Unlock()
	var wg sync.WaitGroup
	for _, c := range list {
		wg.Go(func() { c.stop(syscall.SIGTERM, 3*time.Second) })
	}
	wg.Wait()
}

// tail is the end of the child's stderr, for an error message.
func (c *child) tail(lines int) string {
	s := strings.TrimRight(c.stderr.String(), "\n")
	all := strings.Split(s, "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// goroutines ends a Go child with SIGQUIT, whose runtime then writes every
// goroutine's stack to stderr, and counts them as runtime.NumGoroutine
// would: without the runtime's own (see countGoroutines). A Go program
// exposes its goroutine count only if it chooses to (expvar, pprof), and
// the example does not: this needs no change to it, at the price of the
// process.
func (c *child) goroutines() (int, error) {
	if c.exited() {
		return 0, fmt.Errorf("%s has exited", c.name)
	}
	before := c.stderr.Total()
	_ = syscall.Kill(c.pid(), syscall.SIGQUIT)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.stop(syscall.SIGKILL, time.Second)
		return 0, fmt.Errorf("%s: no exit after SIGQUIT", c.name)
	}
	// The dump is what was written since, at the end of what was kept.
	out := c.stderr.String()
	if n := c.stderr.Total() - before; n < int64(len(out)) {
		out = out[len(out)-int(n):]
	}
	n, err := countGoroutines(out)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", c.name, err)
	}
	return n, nil
}

// countGoroutines counts the goroutines of a Go traceback (SIGQUIT's), less
// the runtime's own, as runtime.NumGoroutine does: those whose start
// function, the bottom frame of the stack above runtime.goexit, is in
// package runtime (GC workers, the finalizer and scavenger goroutines...),
// runtime.main excepted; and goroutine 0, the stacks of the threads.
func countGoroutines(dump string) (int, error) {
	n, found := 0, false
	for block := range strings.SplitSeq(dump, "\n\n") {
		block = strings.TrimLeft(block, "\n")
		if !strings.HasPrefix(block, "goroutine ") {
			continue
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(block, "goroutine "), " ")
		if id == "0" {
			continue
		}
		found = true
		bottom := ""
		lines := strings.Split(block, "\n")
		for _, l := range lines[1:] {
			if l == "" || strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "created by ") ||
				strings.HasPrefix(l, "...") || strings.HasPrefix(l, "runtime.goexit(") {
				continue
			}
			bottom = l
		}
		if strings.HasPrefix(bottom, "runtime.") && !strings.HasPrefix(bottom, "runtime.main(") {
			continue
		}
		n++
	}
	if !found {
		return 0, errors.New("no goroutine dump in its stderr")
	}
	return n, nil
}

// procSample is what /proc says of a process at one moment.
type procSample struct {
	CPU     time.Duration // utime + stime, every thread
	RSSKiB  int64         // VmRSS
	HWMKiB  int64         // VmHWM: the peak RSS so far
	Threads int
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on Linux
// whatever the kernel's HZ.
const clockTicks = 100

func readProc(pid int) (procSample, error) {
	var s procSample
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted by proc(5) resume after its last ')'; utime and stime are
	// fields 14 and 15, the 12th and 13th after it.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return s, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return s, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return s, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	s.CPU = time.Duration(utime+stime) * time.Second / clockTicks
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			s.RSSKiB = v
		case "VmHWM":
			s.HWMKiB = v
		case "Threads":
			s.Threads = int(v)
		}
	}
	return s, sc.Err()
}

// freePort is a TCP port free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu    sync.Mutex
	max   int
	buf   []byte
	total int64
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total += int64(len(p))
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

func (b *tailBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.buf)
}

func (b *tailBuffer) Total() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total
}
