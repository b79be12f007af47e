package di

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// sortErrors puts errors in the order pydantic reports them: by the place
// of the field in the struct, then of the item in the list; a map's entries
// by key. order turns a location into such positions.
func sortErrors(errs []FieldError, order func(loc []any) []any) {
	type keyed struct {
		pos []any
		fe  FieldError
	}
	ks := make([]keyed, len(errs))
	for i, fe := range errs {
		ks[i] = keyed{order(fe.Loc), fe}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return cmpPositions(a.pos, b.pos) })
	for i := range ks {
		errs[i] = ks[i].fe
	}
}

// cmpPositions compares positions made of ints and strings: ints first, a
// parent before its children.
func cmpPositions(a, b []any) int {
	for i := range min(len(a), len(b)) {
		x, xInt := a[i].(int)
		y, yInt := b[i].(int)
		switch {
		case xInt && yInt:
			if c := cmp.Compare(x, y); c != 0 {
				return c
			}
		case xInt:
			return -1
		case yInt:
			return 1
		default:
			if c := cmp.Compare(locPart(a[i]), locPart(b[i])); c != 0 {
				return c
			}
		}
	}
	return cmp.Compare(len(a), len(b))
}

// nsPath is a validator namespace without its root, the name of t: none
// for a struct type without a name, and one with dots for some generic types.
func nsPath(t reflect.Type, ns string) string {
	if t.Name() == "" {
		return ns
	}
	return strings.TrimPrefix(ns, t.Name()+".")
}

// nsLoc turns a path of Go names and indexes below type t ("Items[0].Name")
// into a location with JSON names (["items", 0, "name"]).
func nsLoc(t reflect.Type, path string) []any {
	var loc []any
	if path == "" {
		return loc
	}
	for part := range strings.SplitSeq(path, ".") {
		name, idx, _ := strings.Cut(part, "[")
		t = elem(t)
		if name != "" && t.Kind() == reflect.Struct {
			if sf, ok := t.FieldByName(name); ok {
				if !sf.Anonymous || sf.Tag.Get("json") != "" {
					loc = append(loc, jsonName(sf))
				}
				t = sf.Type
			} else {
				loc = append(loc, name)
			}
		} else if name != "" {
			loc = append(loc, name)
		}
		for idx != "" {
			var key string
			key, idx, _ = strings.Cut(idx, "]")
			idx = strings.TrimPrefix(idx, "[")
			t = elem(t)
			if n, err := strconv.Atoi(key); err == nil && t.Kind() != reflect.Map {
				loc = append(loc, n)
			} else {
				loc = append(loc, key)
			}
			if k := t.Kind(); k == reflect.Slice || k == reflect.Array || k == reflect.Map {
				t = t.Elem()
			}
		}
	}
	return loc
}

// maxErrors caps the problems a 422 lists: a body of a million bad values
// must not cost a million descriptions (FastAPI lists them all).
const maxErrors = 100

// capErrors keeps the first maxErrors problems and says that there are more.
func capErrors(errs []FieldError) []FieldError {
	if len(errs) <= maxErrors {
		return errs
	}
	return append(errs[:maxErrors:maxErrors], FieldError{Type: "too_many_errors", Loc: []any{},
		Msg: fmt.Sprintf("There are more than %d problems; only the first %d are listed", maxErrors, maxErrors)})
}

// locSet is a set of locations, to skip errors found at or below them.
type locSet map[string]struct{}

func newLocSet(errs []FieldError) locSet {
	s := make(locSet, len(errs))
	for _, e := range errs {
		s[locKey(e.Loc)] = struct{}{}
	}
	return s
}

// covers reports whether loc is in the set or below a location in it.
func (s locSet) covers(loc []any) bool {
	for i := 1; i <= len(loc); i++ {
		if _, ok := s[locKey(loc[:i])]; ok {
			return true
		}
	}
	return false
}

func locKey(loc []any) string {
	var b strings.Builder
	for _, p := range loc {
		if n, ok := p.(int); ok {
			b.WriteString("#" + strconv.Itoa(n))
		} else {
			b.WriteString("." + locPart(p))
		}
		b.WriteByte(0)
	}
	return b.String()
}

// locPart is a location's part as text.
func locPart(p any) string {
	switch v := p.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return fmt.Sprint(p)
}
