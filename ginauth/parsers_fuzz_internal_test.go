package ginauth

import (
	"bytes"
	"errors"
	"io"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// Fuzzing the parsers of the hardening: scope strings, the bounded look
// into a form body, and JWK Set documents read key by key.
//
//	go test -run '^$' -fuzz '^FuzzSplitScope$' -fuzztime 60s ./ginauth/
//	go test -run '^$' -fuzz '^FuzzTokenInForm$' -fuzztime 60s -fuzzminimizetime 100x ./ginauth/
//	go test -run '^$' -fuzz '^FuzzReadJWKSet$' -fuzztime 60s ./ginauth/

func FuzzSplitScope(f *testing.F) {
	for _, s := range []string{"", "read", " read  write ", "items\u00a0admin", "a\tb", "a\"b c", "tenant:acme admin\u3000root", "\x00", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list := splitScope(s)
		for _, sc := range list {
			if !isScopeToken(sc) || !strings.Contains(s, sc) {
				t.Fatalf("splitScope(%+q) gave %+q", s, sc)
			}
			for i := 0; i < len(sc); i++ {
				if sc[i] <= ' ' || sc[i] > '~' || sc[i] == '"' || sc[i] == '\\' {
					t.Fatalf("splitScope(%+q) gave %+q, outside RFC 6749's charset", s, sc)
				}
			}
		}
		// What is a list of scopes splits as any white space would; the
		// rest loses what is not a scope, never gains.
		if isScopeList(s) && !slices.Equal(list, strings.Fields(s)) {
			t.Fatalf("splitScope(%+q) = %q, strings.Fields = %q", s, list, strings.Fields(s))
		}
		if again := splitScope(strings.Join(list, " ")); !slices.Equal(again, list) {
			t.Fatalf("splitScope is not stable on %+q: %q then %q", s, list, again)
		}
	})
}

// FuzzTokenInForm checks that the look into a form body puts back exactly
// what it read, whatever the body, its declared length and the way it is
// read; that what it finds in a whole body is what url.ParseQuery finds;
// and that what it finds in a prefix is in the whole body.
func FuzzTokenInForm(f *testing.F) {
	f.Add("access_token=x", int64(-1), false)
	f.Add("a=1&access%5Ftoken=2", int64(20), true)
	f.Add(strings.Repeat("a", formPeekBytes-13)+"&access_token=", int64(-1), false)
	f.Add("access_tok", int64(-1), true)
	f.Add("x;access_token=1", int64(16), false)
	f.Add("access+token=1&access_token", int64(-1), false)
	f.Fuzz(func(t *testing.T, body string, length int64, oneByte bool) {
		var r io.Reader = strings.NewReader(body)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		req := httptest.NewRequest("POST", "/", r)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if length < 0 {
			req.ContentLength = -1
		} else {
			req.ContentLength = int64(len(body))
		}
		found := tokenInForm(req)
		got, err := io.ReadAll(req.Body)
		if err != nil || string(got) != body {
			t.Fatalf("the body read back as %q (%v), want %q", got, err, body)
		}
		all, _ := url.ParseQuery(body)
		if found && !all.Has("access_token") {
			t.Fatalf("found an access_token in %q, which url.ParseQuery does not see", body)
		}
		if len(body) < formPeekBytes && found != all.Has("access_token") {
			t.Fatalf("found %v in %q, url.ParseQuery %v", found, body, all.Has("access_token"))
		}
	})
}

// A read error during the look reaches whoever reads the body next.
func TestTokenInFormKeepsReadErrors(t *testing.T) {
	boom := errors.New("boom")
	req := httptest.NewRequest("POST", "/", io.MultiReader(strings.NewReader("a=1"), iotest.ErrReader(boom)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.ContentLength = -1
	if tokenInForm(req) {
		t.Fatal("found a token")
	}
	got, err := io.ReadAll(req.Body)
	if string(got) != "a=1" || !errors.Is(err, boom) {
		t.Fatalf("read %q, %v; want a=1, boom", got, err)
	}
}

func FuzzReadJWKSet(f *testing.F) {
	f.Add([]byte(`{"keys":[]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"AQ","y":"AQ"},{"kty":"oct","kid":"h","alg":"HS256","k":"` + strings.Repeat("A", 43) + `"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"z","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},{"kty":"OKP","crv":"Ed25519","kid":"z","use":"enc","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"r","n":"AQAB","e":"AQ"}],"keys":null}`))
	f.Add([]byte(`{"keys":[1,"x",null,{}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, secrets := range []bool{false, true} {
			keys, refused, err := readJWKSet(bytes.Clone(doc), secrets)
			if err != nil {
				if keys != nil || refused != nil {
					t.Fatal("an error with keys")
				}
				continue
			}
			seen := map[string]bool{}
			for _, k := range keys {
				if seen[k.ID] {
					t.Fatalf("two keys kept with the kid %q", k.ID)
				}
				seen[k.ID] = true
				if refused[k.ID] != nil {
					t.Fatalf("the kid %q is kept and refused", k.ID)
				}
				if _, err := checkKey(k.Algorithm, k.Key); err != nil {
					t.Fatalf("kept a key checkKey refuses: %v", err)
				}
				if _, secret := k.Key.([]byte); secret && !secrets {
					t.Fatalf("kept a secret from a remote set")
				}
			}
			for kid, why := range refused {
				if !errors.Is(why, ErrUnknownKey) && !errors.Is(why, ErrWeakKey) {
					t.Fatalf("kid %q refused for %v, neither an unknown nor a weak key", kid, why)
				}
			}
		}
	})
}
