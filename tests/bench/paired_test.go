package bench

import (
	"net/http"
	"testing"
	"time"
)

// PairBatch is how many requests each contender of BenchmarkPaired sends in
// a row before the next one takes its turn.
const PairBatch = 16

// PairedContenders are the contenders of BenchmarkPaired, B first: the
// baseline of its ratios.
var PairedContenders = []string{"B", "C-nocache", "C-cache", "D", "E"}

// BenchmarkPaired is BenchmarkRoute's comparison made steadier on a shared
// machine: the contenders take turns within one benchmark, in batches of
// PairBatch requests each, timed batch by batch, so that whatever slows the
// machine for a while slows them all alike. Two benchmarks run one after
// the other, seconds apart, see different machines; here a ratio compares
// requests sent within the same millisecond. It reports B's time per
// request (B-ns/op) and each other contender's time as a ratio to B's
// (C-nocache/B, ...); ns/op is a request of each contender together.
// BenchmarkRoute gives each one's allocations.
func BenchmarkPaired(b *testing.B) {
	for _, alg := range Algorithms {
		handlers := make([]http.Handler, len(PairedContenders))
		for i, c := range PairedContenders {
			handlers[i] = New(c, alg)
		}
		for _, kind := range TokenKinds {
			b.Run(alg+"/"+kind.Name, func(b *testing.B) {
				req := getItems(Token(alg, kind.Name))
				w := newRecorder()
				for i, h := range handlers {
					if got := serve(h, w, req); got != kind.Status {
						b.Fatalf("%s: status %d, want %d: %s", PairedContenders[i], got, kind.Status, w.Body.String())
					}
				}
				spent := takeTurns(b, handlers, req)
				b.ReportMetric(float64(spent[0])/float64(b.N), "B-ns/op")
				for i := 1; i < len(handlers); i++ {
					b.ReportMetric(float64(spent[i])/float64(spent[0]), PairedContenders[i]+"/B")
				}
			})
		}
	}
}

// takeTurns sends req to each of handlers in turns of PairBatch requests
// until each has served b.N, every other turn in reverse order, so that no
// handler always follows the same one; it returns the time each spent.
func takeTurns(b *testing.B, handlers []http.Handler, req *http.Request) []time.Duration {
	w := newRecorder()
	spent := make([]time.Duration, len(handlers))
	order := make([]int, len(handlers))
	b.ResetTimer()
	for done, turn := 0, 0; done < b.N; done, turn = done+PairBatch, turn+1 {
		n := min(PairBatch, b.N-done)
		for i := range order {
			order[i] = i
			if turn%2 == 1 {
				order[i] = len(order) - 1 - i
			}
		}
		for _, i := range order {
			start := time.Now()
			for range n {
				serve(handlers[i], w, req)
			}
			spent[i] += time.Since(start)
		}
	}
	return spent
}
