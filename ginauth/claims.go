package ginauth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"
)

// claims are the claims of an access token as the validator reads them:
// golang-jwt's registered claims, made strict where its types are lenient,
// plus client_id and the scopes. It implements jwt.Claims, so golang-jwt
// checks exp, nbf, iat, iss and aud with it; checkPayload checks the rest.
type claims struct {
	Issuer    string      `json:"iss"`
	Subject   string      `json:"sub"`
	Audience  audience    `json:"aud"`
	ExpiresAt numericDate `json:"exp"`
	NotBefore numericDate `json:"nbf"`
	IssuedAt  numericDate `json:"iat"`
	ID        string      `json:"jti"`
	ClientID  string      `json:"client_id"`
	Scope     scopeValue  `json:"scope"`
	Scp       scopeValue  `json:"scp"`

	// Where providers name the client, when not in client_id.
	Azp   string `json:"azp"`   // Auth0, Keycloak, Entra ID v2
	Cid   string `json:"cid"`   // Okta
	Appid string `json:"appid"` // Entra ID v1
	// What providers say the token is, beside the typ header.
	TokenUse string          `json:"token_use"` // Cognito: access or id
	Typ      string          `json:"typ"`       // Keycloak: Bearer, ID, Refresh...
	AtHash   json.RawMessage `json:"at_hash"`   // OpenID Connect's ID tokens only
	CHash    json.RawMessage `json:"c_hash"`

	scopeClaim string     // a claim other than scope and scp that holds the scopes
	custom     scopeValue // its value, read by checkPayload
}

func (c *claims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt.get(), nil }
func (c *claims) GetNotBefore() (*jwt.NumericDate, error)      { return c.NotBefore.get(), nil }
func (c *claims) GetIssuedAt() (*jwt.NumericDate, error)       { return c.IssuedAt.get(), nil }
func (c *claims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c *claims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c *claims) GetAudience() (jwt.ClaimStrings, error)       { return c.Audience.ClaimStrings, nil }

// has reports whether the claim name, one JWTConfig.RequiredClaims knows,
// is present and not empty.
func (c *claims) has(name string) bool {
	switch name {
	case "sub":
		return c.Subject != ""
	case "client_id":
		return c.ClientID != "" // RFC 9068's claim itself
	case "jti":
		return c.ID != ""
	case "iat":
		return c.IssuedAt.set
	case "nbf":
		return c.NotBefore.set
	}
	return false
}

// clientID is the client the token was issued to: client_id (RFC 9068),
// else azp, cid or appid, as providers name it.
func (c *claims) clientID() string {
	for _, id := range []string{c.ClientID, c.Azp, c.Cid, c.Appid} {
		if id != "" {
			return id
		}
	}
	return ""
}

// accessToken reports whether the claims do not say the token is of another
// kind: an OpenID Connect ID token (at_hash and c_hash hash what comes
// with an ID token), one of Cognito (token_use) or of Keycloak (typ), a
// Keycloak refresh or logout token.
func (c *claims) accessToken() bool {
	if c.TokenUse != "" && c.TokenUse != "access" || c.AtHash != nil || c.CHash != nil {
		return false
	}
	for _, other := range []string{"ID", "Refresh", "Offline", "Logout", "Serialized-ID"} {
		if equalFoldASCII(c.Typ, other) {
			return false
		}
	}
	return true
}

// scopes are the token's scopes: from the configured claim, else scope,
// else scp.
func (c *claims) scopes() []string {
	switch {
	case c.scopeClaim != "":
		return c.custom.list
	case c.Scope.set:
		return c.Scope.list
	}
	return c.Scp.list
}

// checkPayload refuses, in the payload of raw, what golang-jwt would let
// through: invalid UTF-8 (encoding/json replaces it quietly), a registered
// claim given twice or in two cases ({"exp":1,"EXP":9999999999}: a typed
// struct takes one, a map the other). It returns the raw value of
// scopeClaim. A token it cannot split or decode is left to golang-jwt,
// which refuses it as malformed.
func checkPayload(raw, scopeClaim string) (custom []byte, err error) {
	head, rest, ok := strings.Cut(raw, ".")
	payload, _, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 {
		return nil, nil
	}
	// Decoded into buffers on the stack when they fit, as a usual header
	// and payload do: golang-jwt decodes both again, and this pass, on
	// every token, should cost no allocation.
	var headBuf [256]byte
	h, err := decodeSegment(headBuf[:], head)
	if err == nil && !utf8.Valid(h) {
		return nil, errInvalidUTF8 // RFC 7515 §5.2: the header is UTF-8 too
	}
	var payloadBuf [1024]byte
	data, err := decodeSegment(payloadBuf[:], payload)
	if err != nil {
		return nil, nil
	}
	if !utf8.Valid(data) || hasSurrogateEscape(data) {
		return nil, errInvalidUTF8
	}
	value, err := scanClaims(data, scopeClaim) // invalid JSON: golang-jwt refuses it next
	// A copy of the one value returned: were a slice of data returned,
	// escape analysis would move payloadBuf to the heap.
	return bytes.Clone(value), err
}

// base64URL decodes a JWS segment: base64url without padding, with no
// stray bits in the last character (RFC 7515 §2), so that one token has
// one encoding. Made once: Strict copies the whole Encoding.
var base64URL = base64.RawURLEncoding.Strict()

// decodeSegment decodes a base64url segment into buf, or into a new slice
// when it does not fit.
func decodeSegment(buf []byte, s string) ([]byte, error) {
	if n := base64URL.DecodedLen(len(s)); n > len(buf) {
		buf = make([]byte, n)
	}
	// Decode only reads s: its bytes are not copied first.
	n, err := base64URL.Decode(buf, unsafe.Slice(unsafe.StringData(s), len(s)))
	return buf[:n], err
}

// numericDate is a JSON number of seconds (RFC 7519 §2). golang-jwt's also
// takes a string ("9999999999"), and times far out of range.
type numericDate struct {
	jwt.NumericDate
	set bool
}

func (d *numericDate) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) == 0 || b[0] == '"' {
		return errNumericDate
	}
	if n, ok := parseSeconds(b); ok {
		d.Time = time.Unix(n, 0) // whole seconds, as most are: no float, no allocation
	} else if err := d.NumericDate.UnmarshalJSON(b); err != nil {
		return errNumericDate
	}
	// Beyond ±2^53 seconds float64 loses whole seconds; beyond far less,
	// time.Time overflows.
	if s := d.Unix(); s > 1<<53 || s < -(1<<53) || d.Year() > 9999 || d.Year() < 0 {
		return errNumericDate
	}
	d.set = true
	return nil
}

// parseSeconds reads a JSON number that is a plain integer of at most 15
// digits; anything else is left to golang-jwt's parser.
func parseSeconds(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int64(ch-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func (d *numericDate) get() *jwt.NumericDate {
	if !d.set {
		return nil
	}
	return &d.NumericDate
}

func (d *numericDate) time() time.Time {
	if !d.set {
		return time.Time{}
	}
	return d.Time
}

// scopeValue reads scopes as a space-delimited string (OAuth 2.0's scope)
// or an array of strings (scp). Any other value, an item that is not a
// string, or a part that is not an RFC 6749 scope-token (see splitScope)
// grants nothing: a scope check then fails with 403.
type scopeValue struct {
	list []string
	set  bool
}

func (s *scopeValue) UnmarshalJSON(b []byte) error {
	s.set = true
	switch {
	case len(b) > 0 && b[0] == '"':
		if str, ok := plainString(b); ok {
			s.list = splitScope(str)
		} else if json.Unmarshal(b, &str) == nil {
			s.list = splitScope(str)
		}
	case len(b) > 0 && b[0] == '[':
		var items []any
		if json.Unmarshal(b, &items) == nil {
			for _, it := range items {
				if str, ok := it.(string); ok && isScopeToken(str) {
					s.list = append(s.list, str)
				}
			}
		}
	}
	return nil
}

// plainString is the content of a JSON string without escapes.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' || bytes.IndexByte(b, '\\') >= 0 {
		return "", false
	}
	return string(b[1 : len(b)-1]), true
}

// audience reads aud as golang-jwt does (a string or an array of strings),
// without a second pass over a plain string.
type audience struct{ jwt.ClaimStrings }

func (a *audience) UnmarshalJSON(b []byte) error {
	if s, ok := plainString(b); ok {
		a.ClaimStrings = jwt.ClaimStrings{s}
		return nil
	}
	return a.ClaimStrings.UnmarshalJSON(b)
}

// registeredClaims are those a token may not give twice, in any case; a
// claim's index here is its bit in scanClaims's record of those seen.
var registeredClaims = [][]byte{
	[]byte("iss"), []byte("sub"), []byte("aud"), []byte("exp"), []byte("nbf"), []byte("iat"),
	[]byte("jti"), []byte("client_id"), []byte("scope"), []byte("scp"),
	[]byte("azp"), []byte("cid"), []byte("appid"), []byte("token_use"), []byte("typ"),
	[]byte("at_hash"), []byte("c_hash"),
}

// registeredClaim is the index in registeredClaims of the name key folds
// to, as encoding/json matches a key to a field.
func registeredClaim(key []byte) (int, bool) {
	const longest = len("client_id")
	if !isASCII(key) {
		// The Unicode folding of EqualFold (K, the Kelvin sign, to k) is
		// for keys that are not ASCII, of any length in bytes.
		for n, name := range registeredClaims {
			if bytes.EqualFold(key, name) {
				return n, true
			}
		}
		return 0, false
	}
	// An ASCII key folds only to a name of its length, its bytes lowered;
	// a switch finds it in a few comparisons, where a map would hash it
	// and a loop try every name (TestRegisteredClaim holds the two lists
	// together).
	if len(key) > longest {
		return 0, false
	}
	var lower [longest]byte
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(key)]) {
	case "iss":
		return 0, true
	case "sub":
		return 1, true
	case "aud":
		return 2, true
	case "exp":
		return 3, true
	case "nbf":
		return 4, true
	case "iat":
		return 5, true
	case "jti":
		return 6, true
	case "client_id":
		return 7, true
	case "scope":
		return 8, true
	case "scp":
		return 9, true
	case "azp":
		return 10, true
	case "cid":
		return 11, true
	case "appid":
		return 12, true
	case "token_use":
		return 13, true
	case "typ":
		return 14, true
	case "at_hash":
		return 15, true
	case "c_hash":
		return 16, true
	}
	return 0, false
}

// scanClaims walks the top-level keys of a claims object. It
// refuses a registered claim named twice, or named in another case (as
// encoding/json would match it, with Unicode case folding), and returns the
// raw value of scopeClaim.
func scanClaims(data []byte, scopeClaim string) (custom []byte, err error) {
	var seen uint32
	customSeen := false
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, nil // not an object: encoding/json reports it
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == '}' {
			return custom, nil
		}
		if data[i] != '"' {
			return nil, nil // not valid JSON: golang-jwt refuses it
		}
		start := i
		i = skipString(data, i)
		if i-1 <= start {
			return nil, nil
		}
		key := data[start+1 : i-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			var s string
			// A copy: data passed to json.Unmarshal would escape, and
			// checkPayload's buffer with it, on every token.
			if json.Unmarshal(bytes.Clone(data[start:i]), &s) != nil {
				return nil, errDuplicateClaim
			}
			key = []byte(s)
		}
		i = skipSpace(data, i) + 1 // ':'
		i = skipSpace(data, i)
		vstart := i
		i = skipValue(data, i)
		if n, ok := registeredClaim(key); ok {
			// Claim names are case-sensitive (RFC 7519 §10.1.1), but
			// encoding/json would take "EXP" for exp: refuse it.
			if seen&(1<<n) != 0 || !bytes.Equal(key, registeredClaims[n]) {
				return nil, errDuplicateClaim
			}
			seen |= 1 << n
		}
		if scopeClaim != "" && bytes.EqualFold(key, []byte(scopeClaim)) {
			if customSeen || string(key) != scopeClaim {
				return nil, errDuplicateClaim // twice, or in another case
			}
			customSeen = true
			custom = data[vstart:i]
		}
		i = skipSpace(data, i)
		if i < len(data) && data[i] == ',' {
			i++
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string that starts at i.
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the index just past the value that starts at i.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for ; i < len(data); i++ {
		switch data[i] { // the end of a number or literal
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return i
		}
	}
	return i
}

// hasSurrogateEscape reports an unpaired \uD800-\uDFFF escape: encoding/json
// turns one into U+FFFD without a word. A pair stands for one character
// (Python's json escapes emoji that way) and is fine.
func hasSurrogateEscape(data []byte) bool {
	if !bytes.Contains(data, []byte(`\u`)) {
		return false
	}
	for i := 0; i+1 < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		if data[i+1] != 'u' {
			i++ // an escaped character, a backslash among them
			continue
		}
		r, ok := hex4(data, i+2)
		switch {
		case !ok:
		case 0xDC00 <= r && r <= 0xDFFF:
			return true // a low surrogate first
		case 0xD800 <= r && r <= 0xDBFF:
			if i+11 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
				if lo, ok := hex4(data, i+8); ok && 0xDC00 <= lo && lo <= 0xDFFF {
					i += 11
					continue
				}
			}
			return true
		}
		i += 5
	}
	return false
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, ch := range data[i : i+4] {
		switch {
		case '0' <= ch && ch <= '9':
			r = r<<4 | rune(ch-'0')
		case 'a' <= ch|0x20 && ch|0x20 <= 'f':
			r = r<<4 | rune(ch|0x20-'a'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
