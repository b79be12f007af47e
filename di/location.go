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
			if c := cmp.Compare(fmt.Sprint(a[i]), fmt.Sprint(b[i])); c != 0 {
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
