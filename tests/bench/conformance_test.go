package bench

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "write conformance.md and the table in README.md")

// A request case of the conformance table: what it is, and how to make it
// for an algorithm.
type conformanceCase struct {
	name string
	what string
	req  func(alg string) *http.Request
	// ok marks the cases that must be accepted (200).
	ok bool
}

func tokenCase(name, what string, token func(alg string) string) conformanceCase {
	return conformanceCase{name: name, what: what, req: func(alg string) *http.Request { return getItems(token(alg)) }}
}

func signed(kv ...any) func(alg string) string {
	return func(alg string) string { return Sign(ServerKey(alg), With(kv...)) }
}

// conformanceCases are the requests of the table: a valid one for
// reference, then the bad ones.
func conformanceCases() []conformanceCase {
	now := time.Now().Unix()
	return []conformanceCase{
		{name: "valid", what: "a valid token (reference)", ok: true, req: func(alg string) *http.Request { return getItems(ValidToken(alg)) }},
		{name: "none", what: "no Authorization header", req: func(string) *http.Request { return getItems("") }},
		tokenCase("garbage", "three segments of random base64url", func(string) string { return GarbageToken(1) }),
		tokenCase("alg none", `{"alg":"none"}, empty signature`, func(string) string { return NoneToken() }),
		tokenCase("alg confusion", "HS256 signed with the public key's PEM as secret", ConfusionToken),
		tokenCase("expired", "exp an hour ago", ExpiredToken),
		tokenCase("not yet valid", "nbf in an hour", signed("nbf", now+3600)),
		tokenCase("wrong issuer", "iss of another issuer", signed("iss", "https://evil.example.com")),
		tokenCase("wrong audience", "aud of another API", signed("aud", "https://other.example.com")),
		tokenCase("missing exp", "no exp claim", signed("exp", nil)),
		tokenCase("bad signature", "signed by a key the server does not know", BadSigToken),
		tokenCase("missing scope", `scope "items" only (the route needs "items me")`, signed("scope", "items")),
		{name: "token in query", what: "`?access_token=<valid>`, no header", req: func(alg string) *http.Request {
			return httptest.NewRequest(http.MethodGet, Path+"?access_token="+ValidToken(alg), nil)
		}},
		{name: "two headers", what: "Authorization twice: a valid token, then garbage", req: func(alg string) *http.Request {
			r := getItems(ValidToken(alg))
			r.Header.Add("Authorization", "Bearer "+GarbageToken(2))
			return r
		}},
		{name: "lowercase bearer", what: "`Authorization: bearer <valid>`: scheme names are case-insensitive, so accepted", ok: true, req: func(alg string) *http.Request {
			r := getItems("")
			r.Header.Set("Authorization", "bearer "+ValidToken(alg))
			return r
		}},
		tokenCase("oversized", "validly signed, over 8 KiB (a 9000-byte claim)", signed("pad", strings.Repeat("x", 9000))),
	}
}

// conformanceWant are the answers B and C must give, case by case; the
// others are shown, not asserted (but must accept a valid token).
var conformanceWant = map[string]map[string]int{
	"B": {
		"valid": 200, "none": 401, "garbage": 401, "alg none": 401, "alg confusion": 401,
		"expired": 401, "not yet valid": 401, "wrong issuer": 401, "wrong audience": 401,
		"missing exp": 401, "bad signature": 401, "missing scope": 403,
		"token in query": 401, // it reads the header only: no token
		"two headers":    400, "lowercase bearer": 200, "oversized": 401,
	},
	"C": {
		"valid": 200, "none": 401, "garbage": 401, "alg none": 401, "alg confusion": 401,
		"expired": 401, "not yet valid": 401, "wrong issuer": 401, "wrong audience": 401,
		"missing exp": 401, "bad signature": 401, "missing scope": 403,
		"token in query": 400, // RFC 6750 §5.3: refused, invalid_request
		"two headers":    400, "lowercase bearer": 200, "oversized": 401,
	},
}

// conformanceContenders are the contenders of the table: A checks nothing.
var conformanceContenders = []string{"B", "C-nocache", "C-cache", "D", "E"}

// TestConformance sends every case to every contender, for every
// algorithm, prints what each answers, and checks B's and C's answers.
// With -update it writes the table to conformance.md and README.md.
func TestConformance(t *testing.T) {
	cases := conformanceCases()
	// got[contender][case][alg] is the status.
	got := map[string]map[string]map[string]int{}
	for _, contender := range conformanceContenders {
		got[contender] = map[string]map[string]int{}
		for _, alg := range Algorithms {
			h := New(contender, alg) // one engine for all cases: C-cache's cache sees them all
			w := newRecorder()
			for _, c := range cases {
				if got[contender][c.name] == nil {
					got[contender][c.name] = map[string]int{}
				}
				status := serve(h, w, c.req(alg))
				got[contender][c.name][alg] = status
				// The same again: what a cache has seen must not change the answer.
				if again := serve(h, w, c.req(alg)); again != status {
					t.Errorf("%s %s, %s: status %d, then %d", contender, alg, c.name, status, again)
				}
				want, asserted := conformanceWant[strings.TrimSuffix(strings.TrimSuffix(contender, "-nocache"), "-cache")][c.name]
				switch {
				case asserted && status != want:
					t.Errorf("%s %s, %s: status %d, want %d: %s", contender, alg, c.name, status, want, w.Body.String())
				case c.name == "valid" && status != http.StatusOK: // a contender misconfigured
					t.Errorf("%s %s, %s: status %d, want 200: %s", contender, alg, c.name, status, w.Body.String())
				case strings.HasPrefix(contender, "C") && !c.ok && status == http.StatusOK:
					t.Errorf("%s %s accepts a bad request: %s", contender, alg, c.name)
				}
			}
		}
	}
	table := conformanceTable(cases, got)
	t.Log("\n" + table)

	doc := conformanceDoc(table)
	if *update {
		if err := os.WriteFile("conformance.md", []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := spliceReadme("README.md", table); err != nil {
			t.Fatal(err)
		}
		return
	}
	if old, err := os.ReadFile("conformance.md"); err != nil || string(old) != doc {
		t.Errorf("conformance.md is not the table above: run go test -run TestConformance -update in tests/bench")
	}
	if readme, err := os.ReadFile("README.md"); err != nil || !strings.Contains(string(readme), readmeBegin+"\n"+table+readmeEnd) {
		t.Errorf("README.md's conformance table is not the table above: run go test -run TestConformance -update in tests/bench")
	}
}

// conformanceTable is the Markdown table of got: one row per case, one
// column per contender; a cell is the status, or the status per algorithm
// where they differ. A bad request accepted is in bold, a good one refused
// in italics.
func conformanceTable(cases []conformanceCase, got map[string]map[string]map[string]int) string {
	var b strings.Builder
	b.WriteString("| case | request | " + strings.Join(conformanceContenders, " | ") + " |\n")
	b.WriteString("|---|---|" + strings.Repeat("---|", len(conformanceContenders)) + "\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "| %s | %s |", c.name, strings.ReplaceAll(c.what, "|", `\|`))
		for _, contender := range conformanceContenders {
			b.WriteString(" " + cell(got[contender][c.name], c.ok) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func cell(byAlg map[string]int, ok bool) string {
	show := func(status int) string {
		s := strconv.Itoa(status)
		switch {
		case status == http.StatusOK && !ok:
			return "**" + s + "**"
		case status != http.StatusOK && ok:
			return "_" + s + "_"
		}
		return s
	}
	first := byAlg[Algorithms[0]]
	if !slices.ContainsFunc(Algorithms, func(alg string) bool { return byAlg[alg] != first }) {
		return show(first)
	}
	parts := make([]string, len(Algorithms))
	for i, alg := range Algorithms {
		parts[i] = alg + " " + show(byAlg[alg])
	}
	return strings.Join(parts, ", ")
}

func conformanceDoc(table string) string {
	return "# Conformance\n\n" +
		"Generated by `go test -run TestConformance -update` in tests/bench: the status each\n" +
		"contender answers to GET " + Path + " (which requires the scopes \"items me\"),\n" +
		"for " + strings.Join(Algorithms, ", ") + " alike unless the cell says otherwise.\n" +
		"A bad request answered 200 is in bold, a good one refused in italics.\n" +
		"See README.md for the contenders and what each checks.\n\n" +
		table
}

const (
	readmeBegin = "<!-- conformance:begin (generated by go test -run TestConformance -update) -->"
	readmeEnd   = "<!-- conformance:end -->"
)

// spliceReadme puts table between the markers of the README at path.
func spliceReadme(path, table string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, readmeBegin), strings.Index(s, readmeEnd)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %q ... %q", path, readmeBegin, readmeEnd)
	}
	s = s[:i] + readmeBegin + "\n" + table + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}
