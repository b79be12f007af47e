package di

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// A plan is one route's dependency graph compiled to a flat list of steps in
// the order they run. Everything a request needs to know was decided when the
// plan was compiled: which declarations share a value (the per-request cache
// of FastAPI, keyed the same way), which run every time, the scopes at every
// place. So a request walks a slice, with no map lookups and no reflection,
// and keeps its values in a pooled frame of typed slots.
type plan struct {
	steps    []step
	slots    []func() cell
	handler  func(c *gin.Context, f *frame) error
	render   ErrorRenderer
	buffered bool          // a cleanup runs before the response: buffer it
	publish  bool          // plain handlers read values with Get: keep the frame on the context
	index    map[*decl]int // where Get finds a declaration's value
	clears   []int         // slots whose values hold pointers, cleared after each request
	pool     sync.Pool
}

type step struct {
	run runFunc
	in  []int
	out int
	// Within an Optional place (see Optional), a missing credential here
	// makes the value absent rather than ending the request. optIn marks
	// the inputs used at an Optional place: absent, they are read as their
	// zero value, and the step runs.
	optional bool
	optIn    []bool
}

// cell is one typed slot of a frame.
type cell interface {
	clear()
	holdsPointers() bool
}

type slot[T any] struct{ v T }

func (s *slot[T]) clear() {
	var zero T
	s.v = zero
}

func (s *slot[T]) holdsPointers() bool { return hasPointers(reflect.TypeFor[T]()) }

func newSlot[T any]() cell { return new(slot[T]) }

// hasPointers reports whether values of t can keep memory alive, and so must
// be cleared before their frame goes back to the pool.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}

// load and store are where the type of a slot is recovered: the compiler
// gave the slot the type of the declaration that fills it, and the typed
// constructors that read it asked for that same declaration.
func load[T any](f *frame, i int) T     { return f.cells[i].(*slot[T]).v }
func store[T any](f *frame, i int, v T) { f.cells[i].(*slot[T]).v = v }

// frame holds one request's values.
type frame struct {
	plan         *plan
	cells        []cell
	failed       []bool       // slots not computed because of a validation error below them
	invalid      []FieldError // the request's validation errors so far
	absent       []bool       // slots not computed because a credential is missing below them, under Optional
	anyAbsent    bool
	cleanups     []pendingCleanup
	buf          *bufferedWriter
	errorsBefore int // len(c.Errors) when the route began
}

type pendingCleanup struct {
	fn     Cleanup
	before bool
}

func (f *frame) deferCleanup(before bool, fn Cleanup) {
	f.cleanups = append(f.cleanups, pendingCleanup{fn: fn, before: before})
}

// absentIn reports whether s needs an absent input, other than one used at
// an Optional place, and marks its own value absent too.
func (f *frame) absentIn(s *step) bool {
	for j, i := range s.in {
		if f.absent[i] && (s.optIn == nil || !s.optIn[j]) {
			f.markAbsent(s)
			return true
		}
	}
	return false
}

// markAbsent marks the value of s absent, and zero: what an Optional place
// above it reads (no user: nil), whether the slot is shared or not.
func (f *frame) markAbsent(s *step) {
	f.cells[s.out].clear()
	f.absent[s.out] = true
	f.anyAbsent = true
}

func (f *frame) anyFailed(in []int) bool {
	for _, i := range in {
		if f.failed[i] {
			return true
		}
	}
	return false
}

func (f *frame) reset() {
	for _, i := range f.plan.clears {
		f.cells[i].clear()
	}
	if len(f.invalid) > 0 {
		clear(f.failed)
		clear(f.invalid)
		f.invalid = f.invalid[:0]
		if cap(f.invalid) > 4*maxErrors {
			f.invalid = nil // do not keep a huge request's memory in the pool
		}
	}
	if f.anyAbsent {
		clear(f.absent)
		f.anyAbsent = false
	}
	clear(f.cleanups)
	f.cleanups = f.cleanups[:0]
}

func (p *plan) acquire() *frame {
	if f, ok := p.pool.Get().(*frame); ok {
		return f
	}
	f := &frame{plan: p, cells: make([]cell, len(p.slots)), failed: make([]bool, len(p.slots)), absent: make([]bool, len(p.slots))}
	for i, mk := range p.slots {
		f.cells[i] = mk()
	}
	return f
}

// serve is the route's gin handler.
func (p *plan) serve(c *gin.Context) {
	f := p.acquire()
	f.errorsBefore = len(c.Errors)
	if p.buffered {
		f.startBuffer(c)
	}
	if p.publish {
		c.Set(frameKey{}, f)
	}
	completed := false
	var failure error
	// No recover: a panic keeps its stack on its way to gin's Recovery; the
	// deferred cleanups still run, and see ErrPanic.
	defer func() { p.finish(c, f, completed, failure) }()
	failure = p.resolve(c, f)
	if failure == nil {
		failure = p.handler(c, f)
	}
	if failure != nil && failure != errAborted { // aborted: a dependency answered the request itself
		p.fail(c, failure)
	}
	completed = true
}

// errAborted ends resolution when a dependency aborted the request the gin
// way (c.AbortWithStatusJSON...): it has answered, the handler must not run.
var errAborted = errors.New("di: aborted by a dependency")

// resolve runs the steps. A validation error skips what depends on it and
// lets the rest run, so the 422 lists every error of the request; any other
// error ends resolution at once (FastAPI's order of things).
func (p *plan) resolve(c *gin.Context, f *frame) error {
	for i := range p.steps {
		s := &p.steps[i]
		if len(f.invalid) > 0 && f.anyFailed(s.in) {
			f.failed[s.out] = true
			continue
		}
		if f.anyAbsent && f.absentIn(s) {
			continue
		}
		if err := s.run(c, f); err != nil {
			if s.optional && isMissingCredential(err) {
				f.markAbsent(s)
				continue
			}
			ve, ok := find[*ValidationError](err)
			if !ok || len(ve.Errors) == 0 {
				return err
			}
			f.invalid = append(f.invalid, ve.Errors...)
			f.failed[s.out] = true
		}
		if c.IsAborted() {
			return errAborted
		}
	}
	if len(f.invalid) > 0 {
		return &ValidationError{Errors: capErrors(slices.Clone(f.invalid))}
	}
	return nil
}

// fail answers the error that ended a request, and reports it to gin
// (c.Errors, which gin's Logger prints) unless it is an answer by design.
func (p *plan) fail(c *gin.Context, err error) {
	if internal(err) || c.Writer.Written() {
		_ = c.Error(err)
	}
	if !c.Writer.Written() { // a handler that wrote, then failed, has answered
		p.render(c, err)
	}
	c.Abort()
}

func (p *plan) finish(c *gin.Context, f *frame, completed bool, failure error) {
	if len(f.cleanups) > 0 || f.buf != nil {
		p.cleanup(c, f, requestError(c, f, completed, failure), completed)
	}
	if !p.publish {
		f.reset()
		p.pool.Put(f)
	}
}

// requestError is the error the cleanups see: the one that ended the
// request, else a panic, else what the handler reported in c.Errors (after
// the route began), else an abort with an error status.
func requestError(c *gin.Context, f *frame, completed bool, failure error) error {
	switch {
	case !completed:
		return ErrPanic
	case failure != nil && failure != errAborted:
		return failure
	case len(c.Errors) > f.errorsBefore:
		return c.Errors.Last().Err
	case c.IsAborted() && c.Writer.Status() >= 400:
		return ErrAborted
	}
	return nil
}

// cleanup runs the cleanups in reverse order: those that run before the
// response first (then the buffered response is sent, or replaced by their
// error), the others after.
func (p *plan) cleanup(c *gin.Context, f *frame, err error, completed bool) {
	if bw := f.buf; bw != nil {
		var failed error
		err, failed = runCleanups(f.cleanups, true, err)
		c.Writer = bw.ResponseWriter
		switch {
		case !completed:
			bw.discard()
		case failed != nil && !bw.passthrough:
			bw.discard()
			p.fail(c, failed)
		case failed != nil:
			_ = c.Error(fmt.Errorf("di: cleanup failed after the response was flushed: %w", failed))
		default:
			bw.commit()
		}
		bw.ResponseWriter = nil
	}
	_, failed := runCleanups(f.cleanups, false, err)
	if failed == nil {
		return
	}
	if completed && !c.Writer.Written() {
		p.fail(c, failed)
		return
	}
	_ = c.Error(fmt.Errorf("di: cleanup failed after the response was written: %w", failed))
}

// runCleanups runs, last first, the cleanups whose timing is before. Each
// sees err joined with the failures of those that ran before it.
func runCleanups(list []pendingCleanup, before bool, err error) (seen, failed error) {
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].before != before {
			continue
		}
		if e := runCleanup(list[i].fn, err); e != nil {
			failed = errors.Join(failed, e)
			err = errors.Join(err, e)
		}
	}
	return err, failed
}

func runCleanup(fn Cleanup, err error) (failed error) {
	defer func() {
		if v := recover(); v != nil {
			failed = fmt.Errorf("%w in a cleanup: %v\n%s", ErrPanic, v, debug.Stack())
		}
	}()
	return fn(err)
}

// compiler turns declarations into a plan.
type compiler struct {
	overrides map[*decl]use
	provided  map[*decl]any
	plan      *plan
	cached    map[cacheKey]int
	before    []bool // per slot: its subtree holds a cleanup that runs before the response
	path      []*decl
}

// cacheKey is FastAPI's: the declaration, and the scopes where it uses them.
// The key is the original's when an override stands in for it.
type cacheKey struct {
	d        *decl
	scopes   string
	before   bool
	optional bool // under Optional, where it reads credentials
}

func keyOf(u use, scopes []string, optional bool) cacheKey {
	key := cacheKey{d: u.d, before: u.before, optional: optional && u.d.credentials}
	if u.d.usesScopes {
		sorted := slices.Clone(scopes)
		slices.Sort(sorted)
		key.scopes = strings.Join(sorted, " ")
	}
	return key
}

// compileConfig is what a route's plan depends on besides its graph.
type compileConfig struct {
	overrides map[*decl]use
	provided  map[*decl]any // the values of Provided dependencies
	render    ErrorRenderer
	publish   bool // keep every frame on its context, for Get
}

// compile builds the plan of a route whose dependencies are routeDeps (values
// discarded) and then h's, answering with status when h returns its answer.
// It panics on wiring mistakes, which exist from startup on: a cycle brought
// in by an override, a cleanup that would outlive what it uses, a Provided
// dependency the router does not provide.
func compile(routeDeps []use, h *Handler, status int, cfg compileConfig) *plan {
	if cfg.render == nil {
		cfg.render = RenderDetail
	}
	cp := &compiler{
		overrides: cfg.overrides,
		provided:  cfg.provided,
		plan:      &plan{render: cfg.render, publish: h.publish || cfg.publish},
		cached:    map[cacheKey]int{},
	}
	if cp.plan.publish {
		cp.plan.index = map[*decl]int{}
	}
	for _, u := range routeDeps {
		cp.visit(u, nil, false)
	}
	in := make([]int, len(h.deps))
	for i, u := range h.deps {
		in[i], _ = cp.visit(u, nil, false)
	}
	cp.plan.handler = h.bind(in, status)
	cp.plan.steps = slices.Clip(cp.plan.steps)
	return cp.plan
}

// visit places u, under the scopes above it, within an Optional place or
// not, and returns the slot of its value.
func (cp *compiler) visit(u use, above []string, optional bool) (out int, before bool) {
	scopes := union(slices.Clone(above), u.scopes)
	optional = optional || u.optional
	key := keyOf(u, scopes, optional) // an override keeps the key of what it replaces
	d, noCache, cleanBefore := u.d, u.noCache, u.before
	if r, ok := cp.overrides[u.d]; ok {
		d = r.d
		scopes = union(scopes, r.scopes) // and the scopes of the place it takes
		noCache = noCache || r.noCache
		cleanBefore = cleanBefore || r.before
	}
	if slot, ok := cp.cached[key]; ok && !noCache {
		return slot, cp.before[slot]
	}
	if slices.Contains(cp.path, d) {
		panic(fmt.Sprintf("di: dependency cycle: %s -> %s; an override must not depend on what it replaces", names(cp.path), d.name))
	}
	cp.path = append(cp.path, d)
	in := make([]int, len(d.deps))
	var optIn []bool
	for i, child := range d.deps {
		if child.optional {
			if optIn == nil {
				optIn = make([]bool, len(d.deps))
			}
			optIn[i] = true
		}
		var childBefore bool
		in[i], childBefore = cp.visit(child, scopes, optional)
		if childBefore && d.resource && !cleanBefore {
			panic(fmt.Sprintf("di: %q cleans up after the response but uses %q, whose cleanup runs before it; mark %q BeforeResponse too", d.name, d.deps[i].d.name, d.name))
		}
		before = before || childBefore
	}
	cp.path = cp.path[:len(cp.path)-1]

	p := cp.plan
	out = len(p.slots)
	p.slots = append(p.slots, d.slot)
	if d.slot().holdsPointers() {
		p.clears = append(p.clears, out)
	}
	st := site{in: in, out: out, scopes: scopes, before: cleanBefore}
	if d.provided {
		v, ok := cp.provided[d]
		if !ok {
			panic(fmt.Sprintf("di: %q is a value the router provides, and this router does not: di.NewRouter(engine, di.Provide(%s, value)), or override it", d.name, d.name))
		}
		st.provided = v
	}
	p.steps = append(p.steps, step{run: d.compile(st), in: in, out: out, optional: optional && d.credentials, optIn: optIn})
	if cleanBefore && d.resource {
		p.buffered = true
		before = true
	}
	cp.before = append(cp.before, before)
	if _, ok := cp.cached[key]; !ok {
		cp.cached[key] = out
	}
	if p.index != nil {
		if _, ok := p.index[u.d]; !ok {
			p.index[u.d] = out
		}
	}
	return out, before
}

func names(path []*decl) string {
	s := make([]string, len(path))
	for i, d := range path {
		s[i] = d.name
	}
	return strings.Join(s, " -> ")
}
