// Command rounds runs the end-to-end benchmarks of tests/bench in
// interleaved rounds and summarises them.
//
// It builds the test binary once (go test -c), runs every benchmark once
// per round (-test.count 1), N rounds in a row, appending to one file, so
// that drift on a shared machine hits every contender alike; then it runs
// benchstat on the file, and prints, per algorithm and kind of token, each
// contender's time as a ratio to B's from the same round (the median over
// the rounds, with the smallest and largest); BenchmarkPaired's ratios,
// measured with the contenders taking turns; for the valid token, the
// cost of each check alone, over the bare route A, as a ratio to B's; the
// example app's route as a ratio to the same graph written minimally
// (BenchmarkExample); and for BenchmarkGraph each size's time as a ratio to
// bare gin's.
//
//	go run ./tests/bench/cmd/rounds              # 6 rounds, benchtime 1s
//	go run ./tests/bench/cmd/rounds -n 10 -benchtime 500ms -o /tmp/bench.txt
//	go run ./tests/bench/cmd/rounds -in bench.txt   # summarise a file again
package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	pkgPath   = "github.com/gindepends/gindepends/tests/bench"
	benchstat = "golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
)

func main() {
	var (
		rounds    = flag.Int("n", 6, "rounds: each runs every benchmark once")
		bench     = flag.String("bench", ".", "the benchmarks to run (-test.bench)")
		benchtime = flag.String("benchtime", "", "-test.benchtime of each benchmark (default the testing package's, 1s)")
		out       = flag.String("o", "", "the file the rounds are written to, overwritten (default bench-e2e.txt in tests/bench, which git ignores)")
		in        = flag.String("in", "", "summarise this file of benchmark output, without running anything")
		noStat    = flag.Bool("nobenchstat", false, "do not run benchstat")
	)
	flag.Parse()
	if err := run(*rounds, *bench, *benchtime, *out, *in, *noStat); err != nil {
		fmt.Fprintln(os.Stderr, "rounds:", err)
		os.Exit(1)
	}
}

func run(rounds int, bench, benchtime, out, in string, noStat bool) error {
	file := in
	if in == "" {
		if rounds < 1 {
			return errors.New("-n must be at least 1")
		}
		var err error
		if file, err = runRounds(rounds, bench, benchtime, out); err != nil {
			return err
		}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	if !noStat {
		fmt.Println("\n## benchstat")
		cmd := exec.Command("go", "run", benchstat, abs)
		cmd.Dir = os.TempDir() // outside the workspace: benchstat's own module
		cmd.Env = append(os.Environ(), "GOWORK=off")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("benchstat: %w", err)
		}
	}
	f, err := os.Open(abs)
	if err != nil {
		return err
	}
	defer f.Close()
	results, err := parse(f)
	if err != nil {
		return err
	}
	fmt.Println()
	printRatios(os.Stdout, results)
	return nil
}

// runRounds builds the test binary once and runs it rounds times, appending
// its output to out (default bench-e2e.txt in the package's directory),
// whose name it returns.
func runRounds(rounds int, bench, benchtime, out string) (string, error) {
	dir, err := output("go", "list", "-f", "{{.Dir}}", pkgPath)
	if err != nil {
		return "", err
	}
	dir = strings.TrimSpace(dir)
	if out == "" {
		out = filepath.Join(dir, "bench-e2e.txt")
	}
	return out, runBinary(dir, rounds, bench, benchtime, out)
}

// runBinary builds the test binary of the package in dir, then runs it
// rounds times in dir, writing what it prints to out.
func runBinary(dir string, rounds int, bench, benchtime, out string) error {
	tmp, err := os.MkdirTemp("", "bench-rounds")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bench.test")
	build := exec.Command("go", "test", "-c", "-o", bin, pkgPath)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go test -c: %w", err)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	args := []string{"-test.run", "^$", "-test.bench", bench, "-test.benchmem", "-test.count", "1"}
	if benchtime != "" {
		args = append(args, "-test.benchtime", benchtime)
	}
	for i := 1; i <= rounds; i++ {
		fmt.Fprintf(os.Stderr, "round %d of %d\n", i, rounds)
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = f, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("round %d: %w", i, err)
		}
	}
	return f.Sync()
}

func output(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return string(b), nil
}

// result is one benchmark's figures, round by round.
type result struct {
	ns     []float64 // ns/op of each round, in order
	allocs []float64
	bytes  []float64
	extra  map[string][]float64 // the benchmark's own metrics, by unit
}

// parse reads benchmark output; the k-th line of a benchmark is its k-th
// round. Names lose their -GOMAXPROCS suffix.
func parse(r io.Reader) (map[string]*result, error) {
	results := map[string]*result{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := fields[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		res := results[name]
		if res == nil {
			res = &result{}
			results[name] = res
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				res.ns = append(res.ns, v)
			case "allocs/op":
				res.allocs = append(res.allocs, v)
			case "B/op":
				res.bytes = append(res.bytes, v)
			default:
				if res.extra == nil {
					res.extra = map[string][]float64{}
				}
				res.extra[fields[i+1]] = append(res.extra[fields[i+1]], v)
			}
		}
	}
	return results, sc.Err()
}

// contenderOrder is the order of the columns; others follow, sorted.
var contenderOrder = []string{"A", "B", "C-nocache", "C-cache", "C-cache-overflow", "D", "E"}

var kindOrder = []string{"valid", "garbage", "expired", "badsig"}

func printRatios(w io.Writer, results map[string]*result) {
	// route[alg][kind][contender]
	route := map[string]map[string]map[string]*result{}
	var contenders, algs []string
	for name, res := range results {
		parts := strings.Split(name, "/")
		if len(parts) != 4 || parts[0] != "BenchmarkRoute" {
			continue
		}
		contender, alg, kind := parts[1], parts[2], parts[3]
		if route[alg] == nil {
			route[alg] = map[string]map[string]*result{}
			algs = append(algs, alg)
		}
		if route[alg][kind] == nil {
			route[alg][kind] = map[string]*result{}
		}
		route[alg][kind][contender] = res
		if !slices.Contains(contenders, contender) {
			contenders = append(contenders, contender)
		}
	}
	if len(route) > 0 {
		sortBy(contenders, contenderOrder)
		sortBy(algs, []string{"HS256", "RS256", "ES256", "EdDSA"})
		var rows [][]string
		for _, alg := range algs {
			kinds := keys(route[alg])
			sortBy(kinds, kindOrder)
			for _, kind := range kinds {
				row := []string{alg, kind}
				for _, c := range contenders {
					row = append(row, ratioCell(route[alg][kind][c], route[alg][kind]["B"], c == "B"))
				}
				rows = append(rows, row)
			}
		}
		printTable(w, "Ratios to B, same round (median [min, max] over rounds); B in time per request; allocs/op in parentheses",
			append([]string{"alg", "token"}, contenders...), rows)
	}
	printCheckCost(w, results, algs)
	printPaired(w, results)
	printExample(w, results)
	bare := results["BenchmarkGraph/bare"]
	var sizes []int
	for name := range results {
		if n, ok := strings.CutPrefix(name, "BenchmarkGraph/"); ok {
			if i, err := strconv.Atoi(n); err == nil {
				sizes = append(sizes, i)
			}
		}
	}
	if bare != nil && len(sizes) > 0 {
		slices.Sort(sizes)
		rows := [][]string{{"bare gin", duration(median(bare.ns)), "1", "", count(bare.allocs)}}
		for _, n := range sizes {
			res := results["BenchmarkGraph/"+strconv.Itoa(n)]
			extra := (median(res.ns) - median(bare.ns)) / float64(n)
			rows = append(rows, []string{strconv.Itoa(n), duration(median(res.ns)), spread(sameRound(res.ns, bare.ns)), duration(extra), count(res.allocs)})
		}
		printTable(w, "di graphs: ratio to bare gin, same round (median [min, max])",
			[]string{"nodes", "time/op", "ratio to bare", "extra per node", "allocs/op"}, rows)
	}
}

// overA is, round by round, what a contender adds to the bare route A,
// over what B adds: the cost of the check itself, the answer's cost (the
// same for all) taken out.
func overA(res, a, b *result) []float64 {
	n := min(len(res.ns), len(a.ns), len(b.ns))
	r := make([]float64, 0, n)
	for i := range n {
		if d := b.ns[i] - a.ns[i]; d > 0 {
			r = append(r, (res.ns[i]-a.ns[i])/d)
		}
	}
	return r
}

// printCheckCost prints, for the valid token, each contender's cost over A
// as a ratio to B's cost over A.
func printCheckCost(w io.Writer, results map[string]*result, algs []string) {
	contenders := []string{"C-nocache", "C-cache", "C-cache-overflow", "D", "E"}
	var rows [][]string
	for _, alg := range algs {
		a, b := results["BenchmarkRoute/A/"+alg+"/valid"], results["BenchmarkRoute/B/"+alg+"/valid"]
		if a == nil || b == nil {
			continue
		}
		row := []string{alg, duration(median(a.ns)), duration(median(b.ns) - median(a.ns))}
		for _, c := range contenders {
			res := results["BenchmarkRoute/"+c+"/"+alg+"/valid"]
			if res == nil {
				row = append(row, "–")
				continue
			}
			row = append(row, spread(overA(res, a, b))+" (+"+count(diff(res.allocs, a.allocs))+")")
		}
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		printTable(w, "The check alone, valid token: (contender − A) / (B − A), same round; allocs over A's in parentheses",
			append([]string{"alg", "A", "B − A"}, contenders...), rows)
	}
}

// diff is a's figures minus b's, round by round.
func diff(a, b []float64) []float64 {
	n := min(len(a), len(b))
	d := make([]float64, n)
	for i := range n {
		d[i] = a[i] - b[i]
	}
	return d
}

// printPaired prints BenchmarkPaired: B's time, and each contender's as a
// ratio to B's measured in the same batches (its C-nocache/B, ... metrics).
func printPaired(w io.Writer, results map[string]*result) {
	contenders := []string{"C-nocache", "C-cache", "D", "E"}
	type row struct{ alg, kind string }
	var rows []row
	for name := range results {
		parts := strings.Split(name, "/")
		if len(parts) == 3 && parts[0] == "BenchmarkPaired" {
			rows = append(rows, row{parts[1], parts[2]})
		}
	}
	if len(rows) == 0 {
		return
	}
	algOrder := []string{"HS256", "RS256", "ES256", "EdDSA"}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(slices.Index(algOrder, a.alg), slices.Index(algOrder, b.alg)),
			cmp.Compare(slices.Index(kindOrder, a.kind), slices.Index(kindOrder, b.kind)))
	})
	var table [][]string
	for _, r := range rows {
		res := results["BenchmarkPaired/"+r.alg+"/"+r.kind]
		row := []string{r.alg, r.kind, duration(median(res.extra["B-ns/op"]))}
		for _, c := range contenders {
			row = append(row, spread(res.extra[c+"/B"]))
		}
		table = append(table, row)
	}
	printTable(w, "Paired: the contenders in turns of 16 requests within one benchmark; ratios to B from the same turns (median [min, max] over rounds)",
		append([]string{"alg", "token", "B"}, contenders...), table)
}

// printExample prints the example app's route against the same graph
// written minimally (BenchmarkExample).
func printExample(w io.Writer, results map[string]*result) {
	var rows [][]string
	for _, cache := range []string{"nocache", "cache"} {
		app, minimal := results["BenchmarkExample/app/"+cache], results["BenchmarkExample/minimal/"+cache]
		if app == nil || minimal == nil {
			continue
		}
		paired := "–"
		if p := results["BenchmarkExample/paired/"+cache]; p != nil {
			paired = spread(p.extra["app/minimal"])
		}
		rows = append(rows, []string{cache,
			duration(median(minimal.ns)) + " (" + count(minimal.allocs) + ")",
			duration(median(app.ns)) + " (" + count(app.allocs) + ")",
			spread(sameRound(app.ns, minimal.ns)), paired})
	}
	if len(rows) > 0 {
		printTable(w, "The example app's route against the same graph written minimally (median [min, max] over rounds)",
			[]string{"cache", "minimal (allocs)", "example app (allocs)", "example / minimal, same round", "example / minimal, paired"}, rows)
	}
}

// printTable prints a Markdown table under a heading.
func printTable(w io.Writer, heading string, header []string, rows [][]string) {
	fmt.Fprintf(w, "\n## %s\n\n", heading)
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(header)))
	for _, r := range rows {
		fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
	}
}

// ratioCell is res's time over base's, round by round; for the base
// itself, its time.
func ratioCell(res, base *result, isBase bool) string {
	switch {
	case res == nil:
		return "–"
	case isBase:
		return duration(median(res.ns)) + " (" + count(res.allocs) + ")"
	case base == nil:
		return duration(median(res.ns)) + " (" + count(res.allocs) + ")"
	}
	return spread(sameRound(res.ns, base.ns)) + " (" + count(res.allocs) + ")"
}

// sameRound divides a's figure of each round by b's of the same round.
func sameRound(a, b []float64) []float64 {
	n := min(len(a), len(b))
	r := make([]float64, 0, n)
	for i := range n {
		if b[i] > 0 {
			r = append(r, a[i]/b[i])
		}
	}
	return r
}

// spread is the median of ratios, with their range when there are several.
func spread(ratios []float64) string {
	if len(ratios) == 0 {
		return "–"
	}
	s := fmt.Sprintf("%.2f×", median(ratios))
	if len(ratios) > 1 {
		s += fmt.Sprintf(" [%.2f, %.2f]", slices.Min(ratios), slices.Max(ratios))
	}
	return s
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func count(v []float64) string {
	if len(v) == 0 {
		return "?"
	}
	return strconv.FormatFloat(median(v), 'f', -1, 64)
}

// duration formats nanoseconds.
func duration(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func keys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	return k
}

// sortBy sorts s in the order of order, the others after, alphabetically.
func sortBy(s, order []string) {
	rank := func(x string) int {
		if i := slices.Index(order, x); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(s, func(a, b string) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b))
	})
}
