// Command load puts the example app's FastAPI route, GET /users/me/items/,
// under wrk on 127.0.0.1, beside a hand-written gin equivalent and beside
// FastAPI's own scopes tutorial served by uvicorn, in interleaved rounds.
//
//	go run ./tests/bench/cmd/load                       # 3 rounds of 10 s (make load)
//	go run ./tests/bench/cmd/load -rounds 1 -duration 3s  # a quick check
//
// The servers, each a process of its own:
//
//   - example: example_app, built with go build, serving its authorization
//     server and the API (ADDR, DATA_DIR in a temporary folder). Its /token
//     issues the tokens of the run (password grant, johndoe/secret).
//   - handwritten: gin and golang-jwt, written as a team would without
//     gindepends, the same checks (handwritten.go): this binary, started
//     again as "load serve-handwritten".
//   - fastapi: FastAPI's scopes tutorial (tests/bench/fastapi/app.py) under
//     uvicorn, one worker, when a python3 with fastapi, uvicorn, PyJWT and
//     cryptography is found (Debian: python3-fastapi python3-uvicorn
//     python3-jwt python3-cryptography); skipped otherwise.
//
// All three validate the very same tokens, the example's ES256 access
// tokens, with the public keys of the example's JWK Set: the same bytes on
// the wire, the same signature algorithm, the same claims. Each logs one
// line per request to its stdout (/dev/null), as each does by default.
//
// Two scenarios: every token valid, and 20% bad tokens (a table of ten sent
// in turn: four distinct valid tokens, garbage, the four again, and a token
// whose signature is by another key). Each round runs every scenario on
// every server in turn (wrk -t2 -c32 -d<duration> --latency), the order of
// the servers rotated from round to round, so that a shared machine's drift
// hits all alike. From each run: wrk's requests/s and latency percentiles,
// the statuses (counted by the Lua script: only 200, and 401 for the bad
// tokens, are expected), and the server's CPU time per request from
// /proc/<pid>/stat, steadier than requests/s on a busy machine. RSS and
// threads come from /proc/<pid>/status before the first run and after the
// last; goroutines of the Go servers from a SIGQUIT stack dump (see
// child.goroutines): "before" from an identical instance started, warmed by
// a few requests and dumped before the measured one starts, "after" from
// the measured instance after the last run.
//
// It prints a Markdown report: medians over the rounds, and ratios to the
// hand-written server from the same round. It exits 1 on any unexpected
// status or socket error, 2 when wrk is missing. Every child process is
// stopped on exit, on error and on Ctrl-C.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

type config struct {
	rounds           int
	duration, warmup time.Duration
	threads, conns   int
	tokens           int
	servers          []string
	python           string
	wrk              string
	root             string
	timeout          time.Duration
	handwrittenCache bool
}

// errSetup is a missing tool: exit status 2.
var errSetup = errors.New("missing tool")

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve-handwritten" {
		if err := serveHandwritten(os.Args[2:]); err != nil {
			log.Fatal(err)
		}
		return
	}
	var cfg config
	var servers string
	flag.IntVar(&cfg.rounds, "rounds", 3, "rounds: each runs every scenario on every server once")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "each wrk run (whole seconds)")
	flag.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "a wrk run per server before the rounds, not measured (0: none)")
	flag.IntVar(&cfg.threads, "threads", 2, "wrk -t")
	flag.IntVar(&cfg.conns, "connections", 32, "wrk -c")
	flag.IntVar(&cfg.tokens, "tokens", 4, "distinct valid tokens, from the example's /token")
	flag.StringVar(&servers, "servers", "example,handwritten,fastapi", "the servers, in the order of the first round")
	flag.StringVar(&cfg.python, "python", "", "the python3 to serve FastAPI with (default: /usr/bin/python3, else python3 on PATH, whichever has fastapi)")
	flag.StringVar(&cfg.wrk, "wrk", "wrk", "the wrk command")
	flag.StringVar(&cfg.root, "root", "", "the workspace's root, where go.work is (default: go env GOWORK's folder)")
	flag.DurationVar(&cfg.timeout, "timeout", 0, "stop everything after this long (0: from the rounds and duration)")
	flag.BoolVar(&cfg.handwrittenCache, "handwritten-cache", false, "let the hand-written server keep verified tokens, as the example's validator does by default")
	flag.Parse()
	cfg.servers = strings.Split(servers, ",")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg)
	interrupted := ctx.Err() != nil
	stop()
	killAll()
	if interrupted {
		fmt.Fprintln(os.Stderr, "load: interrupted; every server it started is stopped")
		os.Exit(130)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		if errors.Is(err, errSetup) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// The servers, by their names in -servers.
const (
	srvExample     = "example"
	srvHandwritten = "handwritten"
	srvFastAPI     = "fastapi"
)

var titles = map[string]string{
	srvExample:     "example (gindepends)",
	srvHandwritten: "hand-written (gin + golang-jwt)",
	srvFastAPI:     "FastAPI (uvicorn, 1 worker)",
}

// server is one server under test: its measured process, and what was
// sampled of it.
type server struct {
	name    string
	url     string // the route's URL
	proc    *child
	before  procSample
	after   procSample
	gBefore int // goroutines; -1 when not known
	gAfter  int
	note    string
}

// scenario is a table of tokens and the statuses it must get.
type scenario struct {
	name     string
	title    string
	script   string
	expected map[int]bool
	badShare float64 // of the requests that must get 401
}

// sample is one wrk run of one server in one scenario.
type sample struct {
	round             int
	server, scenario  string
	rps               float64
	p50, p99          time.Duration
	requests          int64
	cpu               time.Duration
	cpuPerReq         float64 // µs
	status            map[int]int64
	unexpected        int64
	share401          float64
	shareOff          bool
	clientCPU         time.Duration
	load1, load1After string
}

func run(ctx context.Context, cfg config) error {
	if cfg.rounds < 1 || cfg.duration < time.Second || cfg.threads < 1 || cfg.conns < cfg.threads || cfg.tokens < 1 {
		return errors.New("-rounds, -tokens must be at least 1, -duration at least 1s, -connections at least -threads")
	}
	var err error
	if cfg.wrk, err = exec.LookPath(cfg.wrk); err != nil {
		return fmt.Errorf("%w: wrk not found (%v): install it, on Debian or Ubuntu with `sudo apt-get install wrk`, on macOS with `brew install wrk`, or see https://github.com/wg/wrk", errSetup, err)
	}
	for _, s := range cfg.servers {
		if titles[s] == "" {
			return fmt.Errorf("-servers: unknown server %q (example, handwritten, fastapi)", s)
		}
	}
	if !slices.Contains(cfg.servers, srvExample) {
		return errors.New("-servers: the example is needed: it issues the tokens")
	}
	if cfg.root == "" {
		if cfg.root, err = workspaceRoot(ctx); err != nil {
			return err
		}
	}
	var py *pyInfo
	if slices.Contains(cfg.servers, srvFastAPI) {
		if py, err = findPython(ctx, cfg.python); err != nil {
			logf("FastAPI skipped: %v", err)
			cfg.servers = slices.DeleteFunc(cfg.servers, func(s string) bool { return s == srvFastAPI })
		}
	}

	// The time bound: the build, the starts, the warm-ups and the runs,
	// with a margin.
	runs := time.Duration(cfg.rounds*2*len(cfg.servers)) * (cfg.duration + 1500*time.Millisecond)
	expected := runs + time.Duration(len(cfg.servers))*(cfg.warmup+2*time.Second) + 15*time.Second
	if cfg.timeout == 0 {
		cfg.timeout = expected + 3*time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	logf("%d round(s) x 2 scenarios x %d servers x %v: about %v after the build; stopped after %v at most",
		cfg.rounds, len(cfg.servers), cfg.duration, expected.Round(time.Second), cfg.timeout)

	tmp, err := os.MkdirTemp("", "gindepends-load-")
	if err != nil {
		return err
	}
	defer func() {
		killAll() // before their folder goes
		os.RemoveAll(tmp)
	}()

	// The example, built as make run would run it.
	logf("building ./example_app in %s", cfg.root)
	exampleBin := filepath.Join(tmp, "example_app")
	build := exec.CommandContext(ctx, "go", "build", "-o", exampleBin, "./example_app")
	build.Dir = cfg.root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./example_app: %w\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	var ports [3]int
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return err
		}
	}
	exampleAddr := fmt.Sprintf("127.0.0.1:%d", ports[0])
	exampleURL := "http://" + exampleAddr
	issuer := exampleURL + "/oauth"
	jwksURL := issuer + "/keys"

	startExample := func() (*child, error) {
		c, err := startChild(srvExample, tmp, exampleBin, nil, []string{
			"ADDR=" + exampleAddr, "PUBLIC_URL=" + exampleURL, "REDIS_URL=",
			"DATA_DIR=" + filepath.Join(tmp, "data"), "GIN_MODE=release",
		})
		if err != nil {
			return nil, err
		}
		return c, waitFor(ctx, c, jwksURL, "", 30*time.Second)
	}
	hwAddr := fmt.Sprintf("127.0.0.1:%d", ports[1])
	startHandwritten := func() (*child, error) {
		args := []string{"serve-handwritten", "-addr", hwAddr, "-jwks", jwksURL, "-issuer", issuer}
		if cfg.handwrittenCache {
			args = append(args, "-cache")
		}
		return startChild(srvHandwritten, tmp, self, args, []string{"GIN_MODE=release"})
	}

	// The tokens, from a first instance of the example, which is then
	// dumped for its goroutine count (see child.goroutines).
	probe, err := startExample()
	if err != nil {
		return withTail(err, probe)
	}
	tk, err := getTokens(ctx, exampleURL, cfg.tokens)
	if err != nil {
		return withTail(err, probe)
	}
	route := routePath
	servers := map[string]*server{}
	add := func(name, url string) *server {
		s := &server{name: name, url: url + route, gBefore: -1, gAfter: -1}
		servers[name] = s
		return s
	}
	ex := add(srvExample, exampleURL)
	if ex.gBefore, err = idleGoroutines(ctx, probe, ex.url, tk.valid[0]); err != nil {
		return err
	}
	if ex.proc, err = startExample(); err != nil {
		return withTail(err, ex.proc)
	}
	if err := waitFor(ctx, ex.proc, ex.url, tk.valid[0], 30*time.Second); err != nil {
		return withTail(err, ex.proc)
	}

	if slices.Contains(cfg.servers, srvHandwritten) {
		hw := add(srvHandwritten, "http://"+hwAddr)
		probe, err := startHandwritten()
		if err != nil {
			return err
		}
		if err := waitFor(ctx, probe, hw.url, tk.valid[0], 30*time.Second); err != nil {
			return withTail(err, probe)
		}
		if hw.gBefore, err = idleGoroutines(ctx, probe, hw.url, tk.valid[0]); err != nil {
			return err
		}
		if hw.proc, err = startHandwritten(); err != nil {
			return err
		}
		if err := waitFor(ctx, hw.proc, hw.url, tk.valid[0], 30*time.Second); err != nil {
			return withTail(err, hw.proc)
		}
		if cfg.handwrittenCache {
			hw.note = "with -handwritten-cache"
		}
	}
	if slices.Contains(cfg.servers, srvFastAPI) {
		fa := add(srvFastAPI, fmt.Sprintf("http://127.0.0.1:%d", ports[2]))
		fa.proc, err = startChild(srvFastAPI, tmp, py.path, []string{
			"-m", "uvicorn", "app:app", "--app-dir", filepath.Join(cfg.root, "tests", "bench", "fastapi"),
			"--host", "127.0.0.1", "--port", fmt.Sprint(ports[2]), "--workers", "1",
			"--loop", py.loopFlag(), "--http", py.httpFlag(),
		}, []string{"JWKS_URL=" + jwksURL, "ISSUER=" + issuer, "AUDIENCE=gindepends-example-api", "PYTHONDONTWRITEBYTECODE=1"})
		if err != nil {
			return err
		}
		if err := waitFor(ctx, fa.proc, fa.url, tk.valid[0], 30*time.Second); err != nil {
			return withTail(err, fa.proc)
		}
		fa.note = py.String()
	}
	order := slices.DeleteFunc(slices.Clone(cfg.servers), func(s string) bool { return servers[s] == nil })

	// What each server answers to each kind of token: the load below must
	// not measure a server that lets a bad token through.
	answers, err := preflight(ctx, order, servers, tk)
	if err != nil {
		return err
	}

	scenarios, err := makeScenarios(tmp, tk)
	if err != nil {
		return err
	}
	wc := wrkConfig{path: cfg.wrk, threads: cfg.threads, conns: cfg.conns, socketTimeoutSec: 5}

	for _, name := range order {
		s := servers[name]
		if s.before, err = readProc(s.proc.pid()); err != nil {
			return err
		}
	}
	if cfg.warmup > 0 {
		for _, name := range order {
			logf("warm-up: %s, %v", name, cfg.warmup)
			if _, err := measure(ctx, wc, servers[name], scenarios[0], 0, max(cfg.warmup, time.Second)); err != nil {
				return err
			}
		}
	}

	start := time.Now()
	var samples []sample
	for r := 1; r <= cfg.rounds; r++ {
		turn := rotate(order, r-1)
		for _, sc := range scenarios {
			for _, name := range turn {
				sm, err := measure(ctx, wc, servers[name], sc, r, cfg.duration)
				if err != nil {
					return err
				}
				samples = append(samples, *sm)
				logf("round %d/%d %-7s %-11s %8.0f req/s  p50 %-8v p99 %-8v  %6.1f µs CPU/req  statuses %v  unexpected %d  (wrk CPU %v, load %s -> %s)",
					r, cfg.rounds, sc.name, name, sm.rps, sm.p50, sm.p99, sm.cpuPerReq,
					statusString(sm.status), sm.unexpected, sm.clientCPU.Round(10*time.Millisecond), sm.load1, sm.load1After)
			}
		}
	}
	elapsed := time.Since(start)

	// After the last run, idle again: the connections are closed.
	sleep(ctx, time.Second)
	for _, name := range order {
		s := servers[name]
		if s.after, err = readProc(s.proc.pid()); err != nil {
			return withTail(err, s.proc)
		}
		if name == srvFastAPI {
			continue
		}
		if s.gAfter, err = s.proc.goroutines(); err != nil {
			return err
		}
	}

	report(cfg, order, servers, scenarios, samples, answers, elapsed)
	var bad []string
	for _, sm := range samples {
		if sm.unexpected > 0 || sm.shareOff {
			bad = append(bad, fmt.Sprintf("round %d %s %s: %d unexpected, 401 share %.1f%%", sm.round, sm.scenario, sm.server, sm.unexpected, 100*sm.share401))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("unexpected answers:\n  %s", strings.Join(bad, "\n  "))
	}
	return nil
}

// measure runs wrk once, sampling the server's /proc before and after.
func measure(ctx context.Context, wc wrkConfig, s *server, sc scenario, round int, d time.Duration) (*sample, error) {
	sleep(ctx, 500*time.Millisecond) // the previous run's connections close
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.proc.exited() {
		return nil, withTail(fmt.Errorf("%s has exited: %v", s.name, s.proc.err), s.proc)
	}
	load := loadAvg()
	before, err := readProc(s.proc.pid())
	if err != nil {
		return nil, withTail(err, s.proc)
	}
	res, clientCPU, err := runWrkCPU(ctx, wc, s.url, sc.script, d)
	if err != nil {
		return nil, err
	}
	after, err := readProc(s.proc.pid())
	if err != nil {
		return nil, withTail(fmt.Errorf("%s: %w", s.name, err), s.proc)
	}
	sm := &sample{
		round: round, server: s.name, scenario: sc.name,
		rps: res.RPS, p50: res.P50, p99: res.P99, requests: res.Requests,
		cpu: after.CPU - before.CPU, status: res.Status,
		clientCPU: clientCPU, load1: load, load1After: loadAvg(),
	}
	if res.Requests > 0 {
		sm.cpuPerReq = float64(sm.cpu.Microseconds()) / float64(res.Requests)
	}
	var counted, non2xx int64
	for code, n := range res.Status {
		counted += n
		if code < 200 || code > 299 {
			non2xx += n
		}
		if !sc.expected[code] {
			sm.unexpected += n
		}
	}
	sm.unexpected += res.SockErrors
	if counted != res.Requests || non2xx != res.Non2xx {
		logf("warning: %s %s: the script counted %d responses (%d not 2xx), wrk %d (%d)", s.name, sc.name, counted, non2xx, res.Requests, res.Non2xx)
	}
	if res.Requests > 0 {
		sm.share401 = float64(res.Status[401]) / float64(res.Requests)
		// Each thread sends the table in turn: the share is exact, less the
		// requests in flight at the end.
		tolerance := 0.005 + float64(2*wc.conns+20)/float64(res.Requests)
		sm.shareOff = sm.share401 < sc.badShare-tolerance || sm.share401 > sc.badShare+tolerance
	}
	if round == 0 && (sm.unexpected > 0 || sm.shareOff) {
		return nil, fmt.Errorf("warm-up of %s: statuses %s, %d unexpected", s.name, statusString(sm.status), sm.unexpected)
	}
	return sm, nil
}

func runWrkCPU(ctx context.Context, wc wrkConfig, url, script string, d time.Duration) (*wrkResult, time.Duration, error) {
	var self0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &self0)
	res, _, err := runWrk(ctx, wc, url, script, d)
	var self1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &self1)
	cpu := func(r syscall.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return res, cpu(self1) - cpu(self0), err
}

func rotate(s []string, k int) []string {
	k %= len(s)
	return append(slices.Clone(s[k:]), s[:k]...)
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func statusString(m map[int]int64) string {
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d:%d", c, m[c])
	}
	return strings.Join(parts, " ")
}

func withTail(err error, c *child) error {
	if c == nil {
		return err
	}
	return fmt.Errorf("%w\n--- the end of %s's stderr:\n%s", err, c.name, c.tail(30))
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "load: "+format+"\n", args...)
}

// workspaceRoot is the folder of go.work.
func workspaceRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOWORK").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOWORK: %w", err)
	}
	gowork := strings.TrimSpace(string(out))
	if gowork == "" || gowork == "off" {
		return "", errors.New("not in the workspace (go env GOWORK is empty): run from the repository, or give -root")
	}
	return filepath.Dir(gowork), nil
}

// median of a non-empty slice.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func report(cfg config, order []string, servers map[string]*server, scenarios []scenario, samples []sample, answers string, elapsed time.Duration) {
	fmt.Printf("\n## Load: GET %s under wrk, 127.0.0.1\n\n", routePath)
	fmt.Printf("%s, %s/%s, %d CPUs, %s, %s; %d round(s) of %v per server and scenario, wrk -t%d -c%d, servers interleaved (their order rotated each round), %v of runs.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(),
		wrkVersion(cfg.wrk), cfg.rounds, cfg.duration, cfg.threads, cfg.conns, elapsed.Round(time.Second))
	for _, name := range order {
		s := servers[name]
		line := "- " + titles[name]
		switch name {
		case srvExample:
			line += ": example_app, ES256 access tokens from its /token, validated through OpenID discovery of its JWK Set; ginauth's token cache on (its default: a token seen again skips the signature check)"
		case srvHandwritten:
			line += ": gin + golang-jwt v5 with the example's checks, its JWK Set fetched once at start; verifies the signature of every request"
			if cfg.handwrittenCache {
				line += ", except tokens already verified (-handwritten-cache)"
			}
		case srvFastAPI:
			line += ": FastAPI's tutorial005 (tests/bench/fastapi/app.py), PyJWT + cryptography, the example's JWK Set fetched once at start; " + s.note
		}
		fmt.Println(line)
	}
	fmt.Println()
	fmt.Println("Medians over the rounds; the ratios are to the hand-written server's figure from the same round (their median). CPU/req is the server process's user+system CPU time (/proc/<pid>/stat) over the requests wrk completed.")
	fmt.Println()
	hasHW := servers[srvHandwritten] != nil
	fmt.Print("| scenario | server | req/s | p50 | p99 | CPU/req | ")
	if hasHW {
		fmt.Print("req/s ÷ hand-written | CPU/req ÷ hand-written | ")
	}
	fmt.Println("statuses (last round) | unexpected |")
	fmt.Print("|---|---|---:|---:|---:|---:|")
	if hasHW {
		fmt.Print("---:|---:|")
	}
	fmt.Println("---|---:|")
	for _, sc := range scenarios {
		for _, name := range order {
			var rps, p50, p99, cpu, rRPS, rCPU []float64
			var unexpected int64
			var last sample
			for _, sm := range samples {
				if sm.server != name || sm.scenario != sc.name {
					continue
				}
				rps = append(rps, sm.rps)
				p50 = append(p50, float64(sm.p50))
				p99 = append(p99, float64(sm.p99))
				cpu = append(cpu, sm.cpuPerReq)
				unexpected += sm.unexpected
				last = sm
				if hasHW {
					for _, b := range samples {
						if b.server == srvHandwritten && b.scenario == sc.name && b.round == sm.round && b.rps > 0 && b.cpuPerReq > 0 {
							rRPS = append(rRPS, sm.rps/b.rps)
							rCPU = append(rCPU, sm.cpuPerReq/b.cpuPerReq)
						}
					}
				}
			}
			if len(rps) == 0 {
				continue
			}
			fmt.Printf("| %s | %s | %.0f | %s | %s | %.0f µs | ", sc.title, titles[name], median(rps),
				ms(median(p50)), ms(median(p99)), median(cpu))
			if hasHW {
				fmt.Printf("%s | %s | ", ratio(rRPS), ratio(rCPU))
			}
			fmt.Printf("%s | %d |\n", statusShare(last), unexpected)
		}
	}
	fmt.Println()
	fmt.Println("| server | RSS before → after (peak) | threads before → after | goroutines before → after |")
	fmt.Println("|---|---:|---:|---:|")
	for _, name := range order {
		s := servers[name]
		g := "n/a (Python)"
		if name != srvFastAPI {
			g = fmt.Sprintf("%d → %d", s.gBefore, s.gAfter)
		}
		fmt.Printf("| %s | %s → %s (%s) | %d → %d | %s |\n", titles[name], mib(s.before.RSSKiB), mib(s.after.RSSKiB), mib(s.after.HWMKiB),
			s.before.Threads, s.after.Threads, g)
	}
	fmt.Println()
	fmt.Println("RSS and threads: /proc/<pid>/status, before the warm-up and after the last run, idle; peak is VmHWM.")
	fmt.Println("Goroutines, as runtime.NumGoroutine counts them, from a SIGQUIT stack dump (the example exposes no count, and is not changed for this):")
	fmt.Println("before, from an identical instance that served a few requests and was dumped before the measured one started; after, from the measured one, idle after the last run.")
	fmt.Println("All servers share the machine's cores with wrk; FastAPI's one worker uses one core at most. Figures from a busy machine are noisy: compare ratios from the same run.")
	fmt.Println()
	fmt.Println("What each server answered to each kind of token, once, before the load:")
	fmt.Println()
	fmt.Print(answers)
}

func ratio(v []float64) string {
	if len(v) == 0 {
		return "–"
	}
	if len(v) == 1 {
		return fmt.Sprintf("%.2f", v[0])
	}
	return fmt.Sprintf("%.2f [%.2f, %.2f]", median(v), slices.Min(v), slices.Max(v))
}

func statusShare(sm sample) string {
	codes := make([]int, 0, len(sm.status))
	for c := range sm.status {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, cmp.Compare)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d: %.1f%%", c, 100*float64(sm.status[c])/float64(max(sm.requests, 1)))
	}
	return strings.Join(parts, ", ")
}

func ms(ns float64) string {
	return fmt.Sprintf("%.2f ms", ns/1e6)
}

func mib(kib int64) string {
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}

func wrkVersion(path string) string {
	out, _ := exec.Command(path, "-v").CombinedOutput()
	first, _, _ := strings.Cut(string(out), "\n")
	f := strings.Fields(first)
	if len(f) >= 2 {
		return "wrk " + f[1]
	}
	return "wrk"
}
