package di

import (
	"bytes"
	"cmp"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"
)

// Body binds T from a JSON body (FastAPI's body model), with `json` tags,
// checked with its `binding` tags (see Bindings in the package doc). An
// empty body, or null, is a "missing" error; malformed JSON "json_invalid"; a
// body of another content type "model_attributes_type"; values of the wrong
// JSON type "int_type", "string_type"... each at its place; one over the limit
// (1 MiB unless [MaxBytes] says otherwise) a 413.
func Body[T any](opts ...BindOption) Dep[T] {
	cfg := bindConfigOf(opts)
	t := structType[T]("Body")
	dep := Func(fmt.Sprintf("di.Body[%s]", t), func(c *gin.Context) (T, error) {
		var v T
		body, err := readBody(c, cfg.maxBytes)
		if err != nil {
			return v, err
		}
		if len(body) == 0 {
			return v, &ValidationError{Errors: []FieldError{{Type: "missing", Loc: []any{"body"}, Msg: "Field required"}}}
		}
		if !isJSON(c.Request.Header.Get("Content-Type")) {
			return v, &ValidationError{Errors: []FieldError{{Type: "model_attributes_type", Loc: []any{"body"},
				Msg: "Input should be a valid dictionary or object to extract fields from", Input: string(body)}}}
		}
		if !json.Valid(body) {
			return v, &ValidationError{Errors: []FieldError{jsonInvalid(body)}}
		}
		if string(bytes.TrimSpace(body)) == "null" {
			return v, &ValidationError{Errors: []FieldError{{Type: "missing", Loc: []any{"body"}, Msg: "Field required"}}}
		}
		err = binding.JSON.BindBody(body, &v)
		if err == nil {
			return v, nil
		}
		return v, jsonErrors(t, body, &v, err)
	})
	dep.u.d.binding = &Binding{In: "body", Type: t, Tag: "json", MaxBytes: cfg.maxBytes}
	return dep
}

func readBody(c *gin.Context, limit int64) ([]byte, error) {
	if cached, ok := c.Get(gin.BodyBytesKey); ok {
		if b, ok := cached.([]byte); ok {
			return b, nil
		}
	}
	if c.Request.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		return nil, bodyError(err)
	}
	c.Set(gin.BodyBytesKey, body) // other bindings of the request read it again
	return body, nil
}

func bodyError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return Error(http.StatusRequestEntityTooLarge, "Request Entity Too Large")
	}
	return Error(http.StatusBadRequest, "There was an error parsing the body")
}

// isJSON reads a content type as FastAPI does: none, application/json or
// application/*+json, parameters and case aside.
func isJSON(contentType string) bool {
	if strings.TrimSpace(contentType) == "" {
		return true
	}
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// jsonInvalid describes malformed JSON. Its position is that of the byte at
// fault, counted from 0, as Python's json module reports it.
func jsonInvalid(body []byte) FieldError {
	var x any
	err := json.Unmarshal(body, &x)
	pos := int64(len(body))
	var se *json.SyntaxError
	if errors.As(err, &se) {
		pos = se.Offset
		if strings.HasPrefix(se.Error(), "invalid character") && pos > 0 {
			pos-- // encoding/json counts the byte at fault as read
		}
	}
	msg := "invalid JSON"
	if err != nil {
		msg = err.Error()
	}
	return FieldError{Type: "json_invalid", Loc: []any{"body", pos}, Msg: "JSON decode error", Input: map[string]any{}, Ctx: map[string]any{"error": msg}}
}

// jsonErrors describes a JSON body, valid JSON, that did not decode into t or
// did not validate: every value of the wrong type at its place, then the
// validator's errors for the rest.
func jsonErrors(t reflect.Type, body []byte, v any, err error) error {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	_ = dec.Decode(&raw)

	var errs []FieldError
	var fes validator.ValidationErrors
	if !errors.As(err, &fes) {
		// The body did not decode. encoding/json reports one problem, and
		// gives up on some: find them all, then decode what is left.
		var w jsonWalker
		clean := w.check(t, raw, []any{"body"})
		errs = w.errs
		b, merr := json.Marshal(clean)
		fresh := reflect.New(t)
		if merr != nil || binding.JSON.BindBody(b, fresh.Interface()) != nil && len(errs) == 0 {
			return &ValidationError{Errors: []FieldError{{Type: "value_error", Loc: []any{"body"}, Msg: "Value error, the body does not match the model", Input: raw}}}
		}
		v = fresh.Interface()
	}
	bad := newLocSet(errs)
	verr := validationErrors(v, func(fe validator.FieldError) ([]any, any) {
		loc := append([]any{"body"}, jsonLoc(t, fe.StructNamespace())...)
		if fe.Tag() == "required" && len(loc) > 1 {
			parent, _ := lookup(raw, loc[1:len(loc)-1])
			return loc, parent
		}
		input, ok := lookup(raw, loc[1:])
		if !ok {
			input = fe.Value()
		}
		return loc, input
	}, bad.covers)
	if ve, ok := verr.(*ValidationError); ok {
		errs = append(errs, ve.Errors...)
	}
	if len(errs) == 0 {
		return nil
	}
	sortErrors(errs, func(loc []any) []any { return jsonOrder(t, loc[1:]) })
	return &ValidationError{Errors: errs}
}

// jsonWalker compares decoded JSON (numbers as json.Number) with the Go type
// it is meant for, as encoding/json decodes it, and lists every value that
// would not decode.
type jsonWalker struct{ errs []FieldError }

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNumberType      = reflect.TypeFor[json.Number]()
)

func (w *jsonWalker) fail(fe FieldError, loc []any, input any) {
	if len(w.errs) > maxErrors {
		return // enough to say; the rest is cut anyway
	}
	fe.Loc, fe.Input = slices.Clone(loc), input
	w.errs = append(w.errs, fe)
}

// check returns raw with the values that do not decode set to null (or, for
// map keys and unknown fields, removed), so that what is left decodes.
func (w *jsonWalker) check(t reflect.Type, raw any, loc []any) any {
	if raw == nil {
		return nil // null decodes into anything
	}
	t = elem(t)
	p := reflect.PointerTo(t)
	if p.Implements(jsonUnmarshalerType) || p.Implements(textUnmarshalerType) || t == jsonNumberType {
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, reflect.New(t).Interface()); err != nil {
			w.fail(customError(t, raw, err), loc, raw)
			return nil
		}
		return raw
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return raw
		}
	case reflect.Bool:
		if _, ok := raw.(bool); ok {
			return raw
		}
	case reflect.String:
		if _, ok := raw.(string); ok {
			return raw
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := raw.(json.Number); ok {
			if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err == nil {
				return raw
			}
			if f, err := strconv.ParseFloat(string(n), 64); err == nil && f != math.Trunc(f) {
				w.fail(FieldError{Type: "int_from_float", Msg: "Input should be a valid integer, got a number with a fractional part"}, loc, raw)
				return nil
			}
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n, ok := raw.(json.Number); ok {
			if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err == nil {
				return raw
			}
			if f, err := strconv.ParseFloat(string(n), 64); err == nil && f != math.Trunc(f) {
				w.fail(FieldError{Type: "int_from_float", Msg: "Input should be a valid integer, got a number with a fractional part"}, loc, raw)
				return nil
			}
		}
	case reflect.Float32, reflect.Float64:
		if n, ok := raw.(json.Number); ok {
			if _, err := strconv.ParseFloat(string(n), t.Bits()); err == nil {
				return raw
			}
		}
	case reflect.Slice, reflect.Array:
		if s, ok := raw.(string); ok && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 &&
			!reflect.PointerTo(t.Elem()).Implements(jsonUnmarshalerType) && !reflect.PointerTo(t.Elem()).Implements(textUnmarshalerType) {
			if _, err := base64.StdEncoding.DecodeString(s); err == nil {
				return raw
			}
			w.fail(FieldError{Type: "bytes_type", Msg: "Input should be a valid bytes, encoded in base64"}, loc, raw)
			return nil
		}
		items, ok := raw.([]any)
		if !ok {
			break
		}
		if t.Kind() == reflect.Array && len(items) > t.Len() {
			items = items[:t.Len()] // encoding/json skips the rest
		}
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = w.check(t.Elem(), item, append(loc, i))
		}
		return out
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			break
		}
		out := make(map[string]any, len(obj))
		for k, item := range obj {
			if !w.mapKey(t.Key(), k, append(loc, k, "[key]")) {
				continue
			}
			out[k] = w.check(t.Elem(), item, append(loc, k))
		}
		return out
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			break
		}
		fields := jsonFields(t)
		out := make(map[string]any, len(obj))
		keys := slices.Sorted(maps.Keys(obj))
		slices.SortStableFunc(keys, func(a, b string) int { // in the order of the fields, as pydantic reports
			return cmp.Compare(jsonFieldIndex(fields, a), jsonFieldIndex(fields, b))
		})
		for _, k := range keys {
			item := obj[k]
			f, ok := jsonFieldFor(fields, k)
			if !ok {
				if binding.EnableDecoderDisallowUnknownFields {
					w.fail(FieldError{Type: "extra_forbidden", Msg: "Extra inputs are not permitted"}, append(loc, k), item)
					continue
				}
				out[k] = item
				continue
			}
			if f.quoted {
				out[k] = w.quoted(f, item, append(loc, f.name))
				continue
			}
			out[k] = w.check(f.typ, item, append(loc, f.name))
		}
		return out
	}
	w.fail(typeError(t), loc, raw)
	return nil
}

// mapKey reports whether encoding/json reads k as a key of type t.
func (w *jsonWalker) mapKey(t reflect.Type, k string, loc []any) bool {
	var err error
	switch {
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		err = reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(k))
	case t.Kind() == reflect.String:
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		_, err = strconv.ParseInt(k, 10, t.Bits())
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr:
		_, err = strconv.ParseUint(k, 10, t.Bits())
	default:
		err = errors.New("unsupported key type")
	}
	if err != nil {
		w.fail(parseError(t, nil, k), loc, k)
		return false
	}
	return true
}

// quoted checks a field with the ",string" option: a JSON string that holds
// the value.
func (w *jsonWalker) quoted(f jsonField, raw any, loc []any) any {
	if raw == nil {
		return nil
	}
	one := reflect.StructOf([]reflect.StructField{{Name: "V", Type: f.typ, Tag: `json:"v,string"`}})
	b, _ := json.Marshal(map[string]any{"v": raw})
	if json.Unmarshal(b, reflect.New(one).Interface()) == nil {
		return raw
	}
	if s, ok := raw.(string); ok {
		w.fail(parseError(elem(f.typ), nil, s), loc, raw)
	} else {
		w.fail(FieldError{Type: "string_type", Msg: "Input should be a valid string"}, loc, raw)
	}
	return nil
}

// customError describes a value that a type's own UnmarshalJSON or
// UnmarshalText refused.
func customError(t reflect.Type, raw any, err error) FieldError {
	var te *json.UnmarshalTypeError
	_, isString := raw.(string)
	switch {
	case t == reflect.TypeFor[time.Time]() && isString:
		return FieldError{Type: "datetime_parsing", Msg: "Input should be a valid datetime"}
	case t == reflect.TypeFor[time.Time]():
		return FieldError{Type: "datetime_type", Msg: "Input should be a valid datetime"}
	case t == jsonNumberType:
		return FieldError{Type: "float_parsing", Msg: "Input should be a valid number, unable to parse string as a number"}
	case errors.As(err, &te):
		return typeError(t)
	default:
		return FieldError{Type: "value_error", Msg: "Value error, " + err.Error()}
	}
}

// jsonField is a struct field as encoding/json sees it.
type jsonField struct {
	name   string
	typ    reflect.Type
	quoted bool // the ",string" option, on a type it applies to
}

// jsonFields lists the fields encoding/json decodes into, with the fields of
// embedded structs promoted (the shallower, or the only tagged, wins).
func jsonFields(t reflect.Type) []jsonField {
	type cand struct {
		jsonField
		depth  int
		tagged bool
		order  int
	}
	var cands []cand
	var walk func(t reflect.Type, depth int, seen []reflect.Type)
	walk = func(t reflect.Type, depth int, seen []reflect.Type) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := elem(sf.Type)
			if sf.Anonymous {
				if !sf.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
				if name == "" && ft.Kind() == reflect.Struct {
					if !slices.Contains(seen, ft) {
						walk(ft, depth+1, append(seen, t))
					}
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			quoted := false
			if slices.Contains(strings.Split(opts, ","), "string") {
				switch ft.Kind() {
				case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
					reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
					reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
					quoted = true
				}
			}
			tagged := name != ""
			if !tagged {
				name = sf.Name
			}
			cands = append(cands, cand{jsonField{name, sf.Type, quoted}, depth, tagged, len(cands)})
		}
	}
	walk(t, 0, nil)
	var out []jsonField
	for i, c := range cands {
		dominant, ambiguous := true, false
		for j, d := range cands {
			if i == j || d.name != c.name {
				continue
			}
			switch {
			case d.depth < c.depth, d.depth == c.depth && d.tagged && !c.tagged:
				dominant = false
			case d.depth == c.depth && d.tagged == c.tagged:
				ambiguous = true
			}
		}
		if dominant && !ambiguous {
			out = append(out, c.jsonField)
		}
	}
	return out
}

// jsonFieldFor finds the field for an object key as encoding/json does: the
// exact name, else the first that matches without regard to case.
func jsonFieldFor(fields []jsonField, key string) (jsonField, bool) {
	if i := jsonFieldIndex(fields, key); i < len(fields) {
		return fields[i], true
	}
	return jsonField{}, false
}

// jsonFieldIndex is the index of the field for key, or len(fields).
func jsonFieldIndex(fields []jsonField, key string) int {
	if i := slices.IndexFunc(fields, func(f jsonField) bool { return f.name == key }); i >= 0 {
		return i
	}
	if i := slices.IndexFunc(fields, func(f jsonField) bool { return strings.EqualFold(f.name, key) }); i >= 0 {
		return i
	}
	return len(fields)
}

// jsonOrder gives the positions of a location in a JSON body of type t.
func jsonOrder(t reflect.Type, loc []any) []any {
	out := make([]any, 0, len(loc))
	for _, k := range loc {
		t = elem(t)
		switch t.Kind() {
		case reflect.Struct:
			fields := jsonFields(t)
			name := locPart(k)
			i := slices.IndexFunc(fields, func(f jsonField) bool { return f.name == name })
			if i < 0 {
				out = append(out, len(fields), name)
				t = reflect.TypeFor[any]()
				continue
			}
			out = append(out, i)
			t = fields[i].typ
		case reflect.Slice, reflect.Array, reflect.Map:
			if k == "[key]" {
				out = append(out, -1)
				continue
			}
			out = append(out, k)
			t = t.Elem()
		default:
			out = append(out, k)
		}
	}
	return out
}

func typeError(t reflect.Type) FieldError {
	switch elem(t).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return FieldError{Type: "int_type", Msg: "Input should be a valid integer"}
	case reflect.Float32, reflect.Float64:
		return FieldError{Type: "float_type", Msg: "Input should be a valid number"}
	case reflect.String:
		return FieldError{Type: "string_type", Msg: "Input should be a valid string"}
	case reflect.Bool:
		return FieldError{Type: "bool_type", Msg: "Input should be a valid boolean"}
	case reflect.Slice, reflect.Array:
		return FieldError{Type: "list_type", Msg: "Input should be a valid list"}
	case reflect.Map:
		return FieldError{Type: "dict_type", Msg: "Input should be a valid dictionary"}
	default:
		return FieldError{Type: "model_attributes_type", Msg: "Input should be a valid dictionary or object to extract fields from"}
	}
}

// jsonLoc turns a validator namespace ("Order.Items[0].Name") into a JSON
// location (["items", 0, "name"]).
func jsonLoc(t reflect.Type, ns string) []any {
	return nsLoc(t, nsPath(t, ns))
}

func jsonName(sf reflect.StructField) string {
	if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); name != "" && name != "-" {
		return name
	}
	return sf.Name
}

// lookup finds the raw JSON value at loc.
func lookup(v any, loc []any) (any, bool) {
	for _, k := range loc {
		switch x := v.(type) {
		case map[string]any:
			s, ok := k.(string)
			if !ok {
				return nil, false
			}
			if v, ok = x[s]; !ok {
				return nil, false
			}
		case []any:
			i, ok := k.(int)
			if !ok || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}
