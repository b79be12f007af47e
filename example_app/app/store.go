package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
	"golang.org/x/crypto/bcrypt"
)

// Store is the example's database: maps behind a lock, transactions that
// only apply their writes on commit, the users with their password hashes,
// and the limits on password guessing. The authorization server reads its
// users (Users); the API its users and items.
type Store struct {
	mu       sync.Mutex
	items    []Item
	lastID   int // the item ID sequence: the last ID given out
	accounts map[string]account
	apiKeys  *ginauth.APIKeys
	guard    *loginGuard
	// checkHash compares a password with its hash: bcrypt, but tests count
	// the checks through it.
	checkHash func(hash, password []byte) error
}

// account is a user with a password hash and the scopes it may be granted.
// Its User is never changed in place (SetDisabled puts in a new one): the
// requests that read it share it, without a copy each, and a request keeps
// the user it read.
type account struct {
	*User
	hash   []byte
	scopes []string
}

// The embedded defaults: passwords "secret" (johndoe) and "secret2" (alice,
// disabled), the API key "example-api-key", the secret
// "example-service-secret" of the client example-service, all stored as
// hashes only.
const (
	johndoeHash = "$2a$10$mRJQvKY/Nw5roiKvZymfpujoIbS4WLoFLZPALkZS0XmwrYvsO2mX6"
	aliceHash   = "$2a$10$siXPi7dzociYhuWbFc79aurI695W7tfndt2dODASQzgCVdL7vTGNi"
	// dummyHash is checked for unknown users, so that they take as long as
	// known ones with a wrong password.
	dummyHash           = "$2a$10$0lJd2hUpP5RXtNhcub6es.8vU.faYykhisUecMYhlegQNbKGQ.j/2"
	apiKeyDigest        = "8a7347045a068a4f6975445e94bbcd5247c269dea003fb72f6c3cc2e68c18092"
	serviceSecretDigest = "1245ddd744da063a4bc7f42c0a910ef7a26e05bd77095029bc69b2fe37317d00"
	realm               = "example"
)

// NewStore returns a store with the example's users, items and API key,
// and the default login limits.
func NewStore() *Store { return NewStoreWith(DefaultLoginLimits()) }

// NewStoreWith is NewStore with login limits l. It panics if l has a limit
// that is not positive.
func NewStoreWith(l LoginLimits) *Store {
	keys, err := ginauth.APIKeysFromDigests(map[string]string{"example-client": apiKeyDigest})
	if err != nil {
		panic(err)
	}
	return &Store{
		accounts: map[string]account{
			"johndoe": {&User{Username: "johndoe", FullName: "John Doe", Email: "johndoe@example.com"}, []byte(johndoeHash), []string{"me", "items"}},
			"alice":   {&User{Username: "alice", FullName: "Alice Wonderson", Email: "alice@example.com", Disabled: true}, []byte(aliceHash), []string{"me"}},
		},
		apiKeys:   keys,
		guard:     newLoginGuard(l),
		checkHash: bcrypt.CompareHashAndPassword,
		items: []Item{
			{ID: 1, Name: "Portal Gun", Price: 42, Owner: "johndoe"},
			{ID: 2, Name: "Plumbus", Price: 32, Owner: "johndoe"},
		},
		lastID: 2,
	}
}

// Why a login failed, when no limit stopped it.
var (
	errLogin    = errors.New("incorrect username or password")
	errInactive = di.Error(http.StatusBadRequest, "Inactive user")
)

// authenticate checks the password of username, sent from remoteIP. It
// answers errLogin for a wrong password or an unknown user, errInactive for
// the right password of a disabled user, and the 429 or 503 of the login
// limits, checking no password then. An unknown user costs a hash check
// too.
func (s *Store) authenticate(ctx context.Context, username, password, remoteIP string) (*User, error) {
	var a account
	right, err := s.guard.check(ctx, username, remoteIP, func() bool {
		s.mu.Lock()
		var known bool
		a, known = s.accounts[username]
		s.mu.Unlock()
		hash := a.hash
		if !known {
			hash = []byte(dummyHash)
		}
		return s.checkHash(hash, []byte(password)) == nil && known
	})
	switch {
	case err != nil:
		return nil, err
	case !right:
		return nil, errLogin
	case a.Disabled:
		return nil, errInactive
	}
	return a.User, nil
}

// SetDisabled disables or enables the user username, and reports whether
// there is such a user. A disabled user can neither log in nor use the
// tokens issued before.
func (s *Store) SetDisabled(username string, disabled bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[username]
	if ok {
		u := *a.User
		u.Disabled = disabled
		a.User = &u
		s.accounts[username] = a
	}
	return ok
}

// user is the account named by a token's subject.
func (s *Store) user(username string) (*User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[username]
	return a.User, ok
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

// add queues it for the commit, with a new ID. The ID is taken from the
// store's sequence now, not at the commit, since the answer that shows it is
// written before the commit; as with a database sequence, an ID is never
// given twice, and a rolled-back insert leaves a gap.
func (tx *Tx) add(it Item) Item {
	tx.store.mu.Lock()
	defer tx.store.mu.Unlock()
	tx.store.lastID++
	it.ID = tx.store.lastID
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
