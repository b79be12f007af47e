package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"golang.org/x/crypto/bcrypt"
)

// Store is the example's database and authorization server: maps behind
// a lock, transactions that only apply their writes on commit, and the keys
// that sign and validate access tokens.
type Store struct {
	mu       sync.Mutex
	items    []Item
	accounts map[string]account
	apiKeys  *ginauth.APIKeys
	issuer   *ginauth.Issuer
	tokens   *ginauth.JWT
}

// account is a user with a password hash and the scopes it may be granted.
type account struct {
	User
	hash   []byte
	scopes []string
}

// The embedded defaults: passwords "secret" (johndoe) and "secret2" (alice,
// disabled), the API key "example-api-key", stored as hashes only, and an
// ECDSA key for tokens, made at startup.
const (
	johndoeHash = "$2a$10$mRJQvKY/Nw5roiKvZymfpujoIbS4WLoFLZPALkZS0XmwrYvsO2mX6"
	aliceHash   = "$2a$10$siXPi7dzociYhuWbFc79aurI695W7tfndt2dODASQzgCVdL7vTGNi"
	// dummyHash is checked for unknown users, so that they take as long as
	// known ones with a wrong password.
	dummyHash    = "$2a$10$0lJd2hUpP5RXtNhcub6es.8vU.faYykhisUecMYhlegQNbKGQ.j/2"
	apiKeyDigest = "8a7347045a068a4f6975445e94bbcd5247c269dea003fb72f6c3cc2e68c18092"

	issuerURL = "http://localhost:8080"
	audience  = "http://localhost:8080/users"
)

// NewStore returns a store with the example's users, items, API key and
// token keys.
func NewStore() *Store {
	keys, err := ginauth.APIKeysFromDigests(map[string]string{"example-client": apiKeyDigest})
	if err != nil {
		panic(err)
	}
	signing, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	issuer, err := ginauth.NewIssuer(ginauth.IssuerConfig{Issuer: issuerURL, Audience: audience, Key: signing, KeyID: "example-1", Lifetime: 30 * time.Minute})
	if err != nil {
		panic(err)
	}
	return &Store{
		accounts: map[string]account{
			"johndoe": {User{Username: "johndoe", FullName: "John Doe"}, []byte(johndoeHash), []string{"me", "items"}},
			"alice":   {User{Username: "alice", FullName: "Alice Wonderson", Disabled: true}, []byte(aliceHash), []string{"me"}},
		},
		apiKeys: keys,
		issuer:  issuer,
		tokens: ginauth.MustJWT(ginauth.JWTConfig{
			Issuer: issuerURL, Audience: audience, Keys: issuer.Keys(),
			RequireAccessTokenType: true, Leeway: 30 * time.Second,
		}),
		items: []Item{
			{ID: 1, Name: "Portal Gun", Price: 42, Owner: "johndoe"},
			{ID: 2, Name: "Plumbus", Price: 32, Owner: "johndoe"},
		},
	}
}

// authenticate checks a password. An unknown user costs a hash check too.
func (s *Store) authenticate(username, password string) (*User, bool) {
	s.mu.Lock()
	a, known := s.accounts[username]
	s.mu.Unlock()
	hash := a.hash
	if !known {
		hash = []byte(dummyHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || !known {
		return nil, false
	}
	return &a.User, true
}

var errLogin = errors.New("incorrect username or password")

// login issues an access token with the requested scopes the user may have.
func (s *Store) login(username, password, clientID string, requested []string) (ginauth.AccessToken, error) {
	if _, ok := s.authenticate(username, password); !ok {
		return ginauth.AccessToken{}, errLogin
	}
	s.mu.Lock()
	allowed := s.accounts[username].scopes
	s.mu.Unlock()
	var granted []string
	for _, sc := range requested {
		if slices.Contains(allowed, sc) && !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	if clientID == "" {
		clientID = "example-app"
	}
	return s.issuer.Issue(username, clientID, granted)
}

// user is the account named by a token's subject.
func (s *Store) user(username string) (*User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[username]
	return &a.User, ok
}

// Tx is one request's view of the store.
type Tx struct {
	store   *Store
	pending []Item
}

func (tx *Tx) list(p Page) []Item {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	var out []Item
	for _, it := range tx.store.items {
		if strings.Contains(strings.ToLower(it.Name), strings.ToLower(p.Q)) {
			out = append(out, it)
		}
	}
	out = out[min(p.Skip, len(out)):]
	return slices.Clone(out[:min(p.Limit, len(out))])
}

func (tx *Tx) ownedBy(owner string) []Item {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	out := []Item{}
	for _, it := range tx.store.items {
		if it.Owner == owner {
			out = append(out, it)
		}
	}
	return out
}

func (tx *Tx) get(id int) (Item, bool) {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	i := slices.IndexFunc(tx.store.items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		return Item{}, false
	}
	return tx.store.items[i], true
}

func (tx *Tx) add(it Item) Item {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	it.ID = len(tx.store.items) + len(tx.pending) + 1
	tx.pending = append(tx.pending, it)
	return it
}

// errDuplicate is what a commit of an item whose name is taken answers.
var errDuplicate = di.Error(http.StatusConflict, "An item with this name exists")

func (tx *Tx) commit() error {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	for _, it := range tx.pending {
		if slices.ContainsFunc(tx.store.items, func(o Item) bool { return o.Name == it.Name }) {
			return errors.Join(errDuplicate, fmt.Errorf("item %q", it.Name))
		}
	}
	tx.store.items = append(tx.store.items, tx.pending...)
	return nil
}
