package main

// The tokens, the scenarios, the servers' readiness and what they answer
// before the load, and the Python that serves FastAPI.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// client is the harness's: no kept-alive connections, which would hold a
// goroutine in the servers it counts them of.
var client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// tokenSet are the tokens of the run.
type tokenSet struct {
	valid   []string // distinct valid tokens, scope "me items"
	meOnly  string   // valid, scope "me": the route needs "items" too
	garbage string   // three segments of random base64url
	badSig  string   // a valid token's header and claims, signed by another key
	algNone string   // a valid token's claims under {"alg":"none"}
}

// getTokens gets n access tokens from the example's /token (FastAPI's
// tutorial's password grant), and makes the bad ones from them.
func getTokens(ctx context.Context, base string, n int) (*tokenSet, error) {
	tk := &tokenSet{}
	for range n {
		t, err := passwordGrant(ctx, base, "me items")
		if err != nil {
			return nil, err
		}
		tk.valid = append(tk.valid, t)
	}
	var err error
	if tk.meOnly, err = passwordGrant(ctx, base, "me"); err != nil {
		return nil, err
	}
	seg := func(n int) string {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	tk.garbage = seg(45) + "." + seg(180) + "." + seg(64)

	parts := strings.Split(tk.valid[0], ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("/token: the access token is no JWS: %q", tk.valid[0])
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	sig, err := jwt.SigningMethodES256.Sign(parts[0]+"."+parts[1], other)
	if err != nil {
		return nil, err
	}
	tk.badSig = parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)

	var header map[string]any
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err == nil {
		err = json.Unmarshal(raw, &header)
	}
	if err != nil {
		return nil, fmt.Errorf("/token: the access token's header: %w", err)
	}
	header["alg"] = "none"
	none, _ := json.Marshal(header)
	tk.algNone = base64.RawURLEncoding.EncodeToString(none) + "." + parts[1] + "."
	return tk, nil
}

func passwordGrant(ctx context.Context, base, scope string) (string, error) {
	form := url.Values{"grant_type": {"password"}, "username": {"johndoe"}, "password": {"secret"}, "scope": {scope}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("/token: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("/token: %s: %s", resp.Status, body)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.AccessToken == "" {
		return "", fmt.Errorf("/token: no access_token in %s", body)
	}
	return out.AccessToken, nil
}

// makeScenarios writes the scripts: every token valid; and 20% bad, a
// table of ten sent in turn, eight valid (the distinct tokens in turn),
// garbage fifth and a bad signature tenth: one refused before any
// signature check, one after a failed one.
func makeScenarios(dir string, tk *tokenSet) ([]scenario, error) {
	valid, err := writeScript(dir, "valid", tk.valid)
	if err != nil {
		return nil, err
	}
	table := make([]string, 0, 10)
	for i := range 10 {
		switch i {
		case 4:
			table = append(table, tk.garbage)
		case 9:
			table = append(table, tk.badSig)
		default:
			table = append(table, tk.valid[len(table)%len(tk.valid)])
		}
	}
	bad, err := writeScript(dir, "bad20", table)
	if err != nil {
		return nil, err
	}
	return []scenario{
		{name: "valid", title: "valid tokens", script: valid, expected: map[int]bool{200: true}},
		{name: "bad20", title: "20% bad tokens", script: bad, expected: map[int]bool{200: true, 401: true}, badShare: 0.2},
	}, nil
}

// get sends GET url with the token, if any; it returns the status and
// the body.
func get(ctx context.Context, url, token string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(body), err
}

// waitFor waits until url answers 200 (with the token, if any), or the
// process exits, or timeout.
func waitFor(ctx context.Context, c *child, url, token string, timeout time.Duration) error {
	if c == nil {
		return errors.New("no process")
	}
	deadline := time.Now().Add(timeout)
	var last string
	for {
		if c.exited() {
			return fmt.Errorf("%s exited at start: %v", c.name, c.err)
		}
		status, _, err := get(ctx, url, token)
		if err == nil && status == http.StatusOK {
			return nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("status %d", status)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %s not ready after %v (%s)", c.name, url, timeout, last)
		}
		sleep(ctx, 100*time.Millisecond)
	}
}

// idleGoroutines warms a probe instance with a few requests, then counts
// its goroutines, idle, which ends it.
func idleGoroutines(ctx context.Context, probe *child, url, token string) (int, error) {
	for range 3 {
		status, _, err := get(ctx, url, token)
		if err != nil || status != http.StatusOK {
			return 0, withTail(fmt.Errorf("%s: warm-up request: %d %v", probe.name, status, err), probe)
		}
	}
	sleep(ctx, 300*time.Millisecond)
	n, err := probe.goroutines()
	if err != nil {
		return 0, withTail(err, probe)
	}
	return n, nil
}

// wantBody is the route's answer to johndoe's valid token.
const wantBody = `[{"item_id":"Foo","owner":"johndoe"}]`

// preflight sends each kind of token once to each server. A valid token
// must get 200 and the tutorial's body; any bad one a 4xx. It returns
// the table of the statuses, in Markdown.
func preflight(ctx context.Context, order []string, servers map[string]*server, tk *tokenSet) (string, error) {
	cases := []struct{ name, token string }{
		{"valid (scope \"me items\")", tk.valid[0]},
		{"no Authorization header", ""},
		{"garbage", tk.garbage},
		{"bad signature (another key, same kid)", tk.badSig},
		{"alg none", tk.algNone},
		{"scope \"me\" only (the route needs \"items\" too)", tk.meOnly},
	}
	var b strings.Builder
	b.WriteString("| request |")
	for _, name := range order {
		b.WriteString(" " + titles[name] + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(order)) + "\n")
	var problems []string
	for i, tc := range cases {
		b.WriteString("| " + tc.name + " |")
		for _, name := range order {
			status, body, err := get(ctx, servers[name].url, tc.token)
			if err != nil {
				return "", withTail(fmt.Errorf("%s: %s: %w", name, tc.name, err), servers[name].proc)
			}
			fmt.Fprintf(&b, " %d |", status)
			switch {
			case i == 0 && (status != http.StatusOK || strings.TrimSpace(body) != wantBody):
				problems = append(problems, fmt.Sprintf("%s answers a valid token %d %s, not 200 %s", name, status, body, wantBody))
			case i > 0 && (status < 400 || status > 499):
				problems = append(problems, fmt.Sprintf("%s answers %s with %d", name, tc.name, status))
			}
		}
		b.WriteString("\n")
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("before the load:\n  %s\n%s", strings.Join(problems, "\n  "), b.String())
	}
	return b.String(), nil
}

// pyInfo is a python3 that can serve the FastAPI app.
type pyInfo struct {
	path                                                      string
	Python, FastAPI, Uvicorn, PyJWT, Cryptography, Loop, HTTP string
}

func (p *pyInfo) loopFlag() string {
	if strings.HasPrefix(p.Loop, "uvloop") {
		return "uvloop"
	}
	return "asyncio"
}

func (p *pyInfo) httpFlag() string {
	if strings.HasPrefix(p.HTTP, "httptools") {
		return "httptools"
	}
	return "h11"
}

func (p *pyInfo) String() string {
	return fmt.Sprintf("Python %s, FastAPI %s, uvicorn %s (--workers 1, loop %s, http %s), PyJWT %s, cryptography %s",
		p.Python, p.FastAPI, p.Uvicorn, p.Loop, p.HTTP, p.PyJWT, p.Cryptography)
}

const pyCheck = `
import json, sys
import fastapi, uvicorn, jwt, cryptography
info = {"Python": sys.version.split()[0], "FastAPI": fastapi.__version__, "Uvicorn": uvicorn.__version__,
        "PyJWT": jwt.__version__, "Cryptography": cryptography.__version__}
jwt.algorithms.ECAlgorithm  # ES256 needs cryptography
try:
    import uvloop
    info["Loop"] = "uvloop " + uvloop.__version__
except Exception:
    info["Loop"] = "asyncio"
try:
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    info["HTTP"] = "httptools " + httptools.__version__
except Exception:
    info["HTTP"] = "h11"
print(json.dumps(info))
`

// findPython finds a python3 with fastapi, uvicorn, PyJWT and
// cryptography: the one given, else Debian's, else the PATH's.
func findPython(ctx context.Context, explicit string) (*pyInfo, error) {
	candidates := []string{"/usr/bin/python3", "python3"}
	if explicit != "" {
		candidates = []string{explicit}
	}
	var errs []string
	for _, c := range candidates {
		path, err := exec.LookPath(c)
		if err != nil {
			errs = append(errs, c+": not found")
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		out, err := exec.CommandContext(cctx, path, "-c", pyCheck).Output()
		cancel()
		if err != nil {
			msg := err.Error()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				lines := strings.Split(strings.TrimSpace(string(ee.Stderr)), "\n")
				msg = lines[len(lines)-1]
			}
			errs = append(errs, path+": "+msg)
			continue
		}
		p := &pyInfo{path: path}
		if err := json.Unmarshal(out, p); err != nil {
			errs = append(errs, path+": "+err.Error())
			continue
		}
		return p, nil
	}
	return nil, fmt.Errorf("no python3 with fastapi, uvicorn, jwt (PyJWT) and cryptography (%s); on Debian or Ubuntu: sudo apt-get install python3-fastapi python3-uvicorn python3-jwt python3-cryptography (python3-uvloop python3-httptools optional)", strings.Join(errs, "; "))
}
