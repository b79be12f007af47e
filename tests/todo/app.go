// Package todo is a small to-do API declared the way a FastAPI application
// is: the scheme, the values main provides, the dependencies and the routes.
package todo

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/di"
	"github.com/gindepends/gindepends/ginauth"
)

// Todo is one to-do, as the API answers it.
type Todo struct {
	ID     int    `json:"id"`
	Owner  string `json:"owner"`
	Title  string `json:"title"`
	Done   bool   `json:"done"`
	Shared bool   `json:"shared"`
}

// NewTodo is the body of POST /todos.
type NewTodo struct {
	Title  string `json:"title" binding:"required,max=100"`
	Shared bool   `json:"shared"`
}

// TodoPatch is the body of PATCH /todos/:id: absent fields stay as they are.
type TodoPatch struct {
	Title *string `json:"title" binding:"omitempty,min=1,max=100"`
	Done  *bool   `json:"done"`
}

// TodoID is the path of the routes on one to-do. No binding:"required": to
// gin it means "not zero", and /todos/0 is a to-do not found, not a 422.
type TodoID struct {
	ID int `uri:"id"`
}

// User is who the access token speaks for.
type User struct {
	ID   string // the token's subject, which owns to-dos
	Name string // the custom claim "name", for people and the audit trail
}

// ErrDuplicateTitle is the store's unique constraint on (owner, title),
// checked at commit as a database checks a deferred constraint.
var ErrDuplicateTitle = errors.New("todo: a to-do with this title already exists")

// Store keeps to-dos and the audit trail in memory. A transaction holds the
// store for its whole life and works on a copy, so that a rollback is just
// dropping the copy.
type Store struct {
	mu     sync.Mutex
	todos  map[int]Todo
	audit  []string
	nextID int
}

// NewStore returns a store holding todos, numbered from 1 in order.
func NewStore(todos ...Todo) *Store {
	s := &Store{todos: map[int]Todo{}, nextID: 1}
	for _, t := range todos {
		t.ID = s.nextID
		s.todos[t.ID] = t
		s.nextID++
	}
	return s
}

// Snapshot returns the committed to-dos, by ID, and the audit trail.
func (s *Store) Snapshot() ([]Todo, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedByID(s.todos), slices.Clone(s.audit)
}

// Tx is a transaction on a Store.
type Tx struct {
	s      *Store
	todos  map[int]Todo
	audit  []string
	nextID int
}

// Begin starts a transaction; Commit or Rollback ends it.
func (s *Store) Begin() *Tx {
	s.mu.Lock()
	return &Tx{s: s, todos: maps.Clone(s.todos), audit: slices.Clone(s.audit), nextID: s.nextID}
}

// Commit applies the transaction, unless it breaks the unique constraint.
func (tx *Tx) Commit() error {
	defer tx.s.mu.Unlock()
	seen := map[[2]string]bool{}
	for _, t := range tx.todos {
		k := [2]string{t.Owner, t.Title}
		if seen[k] {
			return ErrDuplicateTitle
		}
		seen[k] = true
	}
	tx.s.todos, tx.s.audit, tx.s.nextID = tx.todos, tx.audit, tx.nextID
	return nil
}

// Rollback drops the transaction.
func (tx *Tx) Rollback() { tx.s.mu.Unlock() }

// Visible returns the to-dos of owner, and the shared ones if shared is set.
func (tx *Tx) Visible(owner string, shared bool) []Todo {
	out := []Todo{} // an empty list answers [], not null
	for _, t := range sortedByID(tx.todos) {
		if (owner != "" && t.Owner == owner) || (shared && t.Shared) {
			out = append(out, t)
		}
	}
	return out
}

// Get returns the to-do id if owner owns it.
func (tx *Tx) Get(owner string, id int) (Todo, bool) {
	t, ok := tx.todos[id]
	return t, ok && t.Owner == owner
}

// Put stores t, giving it an ID if it has none.
func (tx *Tx) Put(t Todo) Todo {
	if t.ID == 0 {
		t.ID = tx.nextID
		tx.nextID++
	}
	tx.todos[t.ID] = t
	return t
}

// Delete removes the to-do id.
func (tx *Tx) Delete(id int) { delete(tx.todos, id) }

func sortedByID(m map[int]Todo) []Todo {
	out := make([]Todo, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[id])
	}
	return out
}

// Audit records who changed what, in the request's transaction: a change
// that rolls back leaves no trace.
type Audit struct {
	tx   *Tx
	user *User
}

// Record adds an entry to the audit trail.
func (a *Audit) Record(format string, args ...any) {
	a.tx.audit = append(a.tx.audit, a.user.Name+": "+fmt.Sprintf(format, args...))
}

// The declarations, as FastAPI has them at module level.
var (
	scheme = ginauth.OAuth2AuthorizationCodeBearer{
		AuthorizationURL: "https://auth.example.com/authorize",
		TokenURL:         "https://auth.example.com/token",
		Scopes:           map[string]string{"todos:read": "Read your to-dos.", "todos:write": "Change your to-dos."},
	}.Dep()
	tokens = di.Provided[ginauth.TokenValidator]("tokens")
	store  = di.Provided[*Store]("store")
	token  = ginauth.Bearer(scheme, tokens)

	currentUser = di.Func1("currentUser", token, func(_ *gin.Context, t *ginauth.Token) (*User, error) {
		claims, err := ginauth.ClaimsOf[struct {
			Name string `json:"name"`
		}](t)
		if err != nil || claims.Name == "" {
			return nil, ginauth.InvalidToken("The access token has no name")
		}
		return &User{ID: t.Subject, Name: claims.Name}, nil
	})

	// The cleanup must run before the response, so that a failed commit
	// answers instead of the handler's success.
	tx = di.Resource1("tx", store, func(_ *gin.Context, s *Store) (*Tx, di.Cleanup, error) {
		txn := s.Begin()
		return txn, func(err error) error {
			if err != nil {
				txn.Rollback()
				return nil
			}
			if err := txn.Commit(); !errors.Is(err, ErrDuplicateTitle) {
				return err
			}
			return di.Error(http.StatusConflict, "A to-do with this title already exists")
		}, nil
	}).BeforeResponse()

	// The user under the write scope, as the handlers that change to-dos take
	// it: the plain currentUser would be resolved again, token and all.
	audit = di.Func2("audit", writer, tx, func(_ *gin.Context, u *User, tx *Tx) (*Audit, error) {
		return &Audit{tx: tx, user: u}, nil
	})

	reader = di.Security(currentUser, "todos:read")
	writer = di.Security(currentUser, "todos:write")
)

var errNotFound = di.Error(http.StatusNotFound, "To-do not found")

// Register provides v and s to the routes of the API, registered on engine,
// and returns their router.
func Register(engine *gin.Engine, v ginauth.TokenValidator, s *Store) *di.Router {
	api := di.NewRouter(engine, di.Provide(tokens, v), di.Provide(store, s))
	api.GET("/todos", di.JSON2(reader, tx, listTodos))
	api.POST("/todos", di.JSON3(writer, di.Body[NewTodo](), tx, createTodo), di.Status(http.StatusCreated))
	api.GET("/todos/shared", di.JSON2(di.Optional(reader), tx, sharedTodos))
	api.GET("/todos/:id", di.JSON3(reader, di.Path[TodoID](), tx, getTodo))
	api.PATCH("/todos/:id", di.JSON5(writer, di.Path[TodoID](), di.Body[TodoPatch](), tx, audit, updateTodo))
	api.DELETE("/todos/:id", di.JSON3(writer, di.Path[TodoID](), tx, deleteTodo))
	return api
}

func listTodos(_ *gin.Context, u *User, tx *Tx) ([]Todo, error) {
	return tx.Visible(u.ID, false), nil
}

func sharedTodos(_ *gin.Context, u *User, tx *Tx) ([]Todo, error) {
	if u == nil {
		return tx.Visible("", true), nil
	}
	return tx.Visible(u.ID, true), nil
}

func createTodo(_ *gin.Context, u *User, in NewTodo, tx *Tx) (Todo, error) {
	return tx.Put(Todo{Owner: u.ID, Title: in.Title, Shared: in.Shared}), nil
}

func getTodo(_ *gin.Context, u *User, p TodoID, tx *Tx) (Todo, error) {
	if t, ok := tx.Get(u.ID, p.ID); ok {
		return t, nil
	}
	return Todo{}, errNotFound
}

func updateTodo(_ *gin.Context, u *User, p TodoID, in TodoPatch, tx *Tx, log *Audit) (Todo, error) {
	t, ok := tx.Get(u.ID, p.ID)
	if !ok {
		return Todo{}, errNotFound
	}
	if in.Title != nil && *in.Title != t.Title {
		log.Record("renamed #%d from %q to %q", t.ID, t.Title, *in.Title)
		t.Title = *in.Title
	}
	if in.Done != nil && *in.Done != t.Done {
		log.Record("marked #%d done=%t", t.ID, *in.Done)
		t.Done = *in.Done
	}
	return tx.Put(t), nil
}

func deleteTodo(_ *gin.Context, u *User, p TodoID, tx *Tx) (di.NoContent, error) {
	if _, ok := tx.Get(u.ID, p.ID); !ok {
		return di.NoContent{}, errNotFound
	}
	tx.Delete(p.ID)
	return di.NoContent{}, nil
}
