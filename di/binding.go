package di

import (
	"encoding"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"
)

// Query binds T from the query string, with gin's `form` tags.
func Query[T any]() Dep[T] {
	return bindFields[T]("query", "form", 0, func(c *gin.Context, _ []field) (map[string][]string, error) {
		return c.Request.URL.Query(), nil
	})
}

// Path binds T from the route's path parameters, with gin's `uri` tags.
func Path[T any]() Dep[T] {
	return bindFields[T]("path", "uri", 0, func(c *gin.Context, _ []field) (map[string][]string, error) {
		m := make(map[string][]string, len(c.Params))
		for _, p := range c.Params {
			m[p.Key] = []string{p.Value}
		}
		return m, nil
	})
}

// Header binds T from the request headers, with gin's `header` tags; names
// are case-insensitive, and errors locate them in lower case.
func Header[T any]() Dep[T] {
	return bindFields[T]("header", "header", 0, func(c *gin.Context, fields []field) (map[string][]string, error) {
		m := make(map[string][]string, len(fields))
		for _, fd := range fields {
			if vs := c.Request.Header.Values(fd.key); len(vs) > 0 {
				m[fd.key] = vs
			}
		}
		return m, nil
	})
}

// Cookie binds T from the request cookies, with `cookie` tags.
func Cookie[T any]() Dep[T] {
	return bindFields[T]("cookie", "cookie", 0, func(c *gin.Context, fields []field) (map[string][]string, error) {
		m := make(map[string][]string, len(fields))
		for _, ck := range c.Request.Cookies() {
			if slices.ContainsFunc(fields, func(fd field) bool { return fd.key == ck.Name }) {
				m[ck.Name] = append(m[ck.Name], ck.Value)
			}
		}
		return m, nil
	})
}

// Form binds T from an application/x-www-form-urlencoded or
// multipart/form-data body (FastAPI's Form), with gin's `form` tags. A body
// that cannot be parsed is a 400 {"detail":"There was an error parsing the
// body"}; one over the limit (1 MiB unless [MaxBytes] says otherwise) a 413.
func Form[T any](opts ...BindOption) Dep[T] {
	cfg := bindConfigOf(opts)
	return bindFields[T]("body", "form", cfg.maxBytes, func(c *gin.Context, _ []field) (map[string][]string, error) {
		r := c.Request
		r.Body = http.MaxBytesReader(c.Writer, r.Body, cfg.maxBytes)
		var err error
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
			err = r.ParseMultipartForm(cfg.maxBytes)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return nil, bodyError(err)
		}
		return r.PostForm, nil
	})
}

// BindOption configures a binding dependency.
type BindOption func(*bindConfig)

type bindConfig struct{ maxBytes int64 }

// MaxBytes sets the largest body a binding reads; a larger one is a 413.
func MaxBytes(n int64) BindOption {
	return func(c *bindConfig) { c.maxBytes = n }
}

func bindConfigOf(opts []BindOption) bindConfig {
	cfg := bindConfig{maxBytes: 1 << 20}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// field is a struct field that a form-like source fills.
type field struct {
	key    string // the name in the request
	goPath string // Go field names from the struct, as the validator reports them
}

func structType[T any](what string) reflect.Type {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("di.%s[%s]: bind into a struct type, with one field per value", what, t))
	}
	return t
}

// bindFields declares a binding of T from a form-like source: query, path,
// headers, cookies or a form body, all mapped by gin.
func bindFields[T any](src, tag string, maxBytes int64, values func(*gin.Context, []field) (map[string][]string, error)) Dep[T] {
	t := structType[T](bindingName(src))
	fields := fieldsOf(t, tag, "", nil)
	var zero T
	if err := binding.MapFormWithTag(&zero, map[string][]string{}, tag); err != nil {
		panic(fmt.Sprintf("di.%s[%s]: a default value in its `%s` tags cannot be read: %v", bindingName(src), t, tag, err))
	}
	dep := Func(fmt.Sprintf("di.%s[%s]", bindingName(src), t), func(c *gin.Context) (T, error) {
		var v T
		form, err := values(c, fields)
		if err != nil {
			return v, err
		}
		if err := binding.MapFormWithTag(&v, form, tag); err != nil {
			return formErrors[T](src, tag, t, fields, form)
		}
		err = validationErrors(&v, func(fe validator.FieldError) ([]any, any) {
			return formLoc(src, t, fields, form, fe)
		}, nil)
		if ve, ok := err.(*ValidationError); ok {
			sortErrors(ve.Errors, formOrder(src, fields))
		}
		return v, err
	})
	b := Binding{In: src, Type: t, Tag: tag}
	if src == "body" {
		b.In, b.MaxBytes = "form", maxBytes
	}
	dep.u.d.binding = &b
	return dep
}

func bindingName(src string) string {
	if src == "body" {
		return "Form"
	}
	return strings.ToUpper(src[:1]) + src[1:]
}

// fieldsOf lists the fields gin's form mapping fills, as it walks them: an
// embedded struct gives its fields; any other field is read from the value
// named by its tag (or its Go name), and a struct field that has no value
// there is filled from its own fields.
func fieldsOf(t reflect.Type, tag, prefix string, seen []reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get(tag), ",")
		if name == "-" {
			continue
		}
		ft := elem(sf.Type)
		nested := ft.Kind() == reflect.Struct && !slices.Contains(seen, ft) && ft != t
		if !sf.Anonymous || ft.Kind() != reflect.Struct {
			if name == "" {
				name = sf.Name
			}
			out = append(out, field{key: name, goPath: prefix + sf.Name})
		}
		if nested {
			out = append(out, fieldsOf(ft, tag, prefix+sf.Name+".", append(seen, t))...)
		}
	}
	return out
}

// formErrors finds, field by field, the values gin could not parse, then
// binds and validates the rest, so that the 422 lists every problem.
func formErrors[T any](src, tag string, t reflect.Type, fields []field, form map[string][]string) (T, error) {
	var v T
	var errs []FieldError
	bad := locSet{}
	good := make(map[string][]string, len(form))
	for k, vs := range form {
		good[k] = vs
	}
	for _, fd := range fields {
		vs, ok := form[fd.key]
		if !ok {
			continue
		}
		var one T
		if err := binding.MapFormWithTag(&one, map[string][]string{fd.key: vs}, tag); err != nil {
			errs = append(errs, parseErrors[T](src, tag, t, fd, vs)...)
			bad[locKey([]any{src, locName(src, fd.key)})] = struct{}{}
			delete(good, fd.key)
		}
	}
	if err := binding.MapFormWithTag(&v, good, tag); err != nil || len(errs) == 0 {
		// Not one value is to blame on its own: say so rather than fail.
		return v, &ValidationError{Errors: append(errs, FieldError{Type: "value_error", Loc: []any{src}, Msg: "Value error, the values could not be read"})}
	}
	err := validationErrors(&v, func(fe validator.FieldError) ([]any, any) {
		return formLoc(src, t, fields, form, fe)
	}, bad.covers)
	if ve, ok := err.(*ValidationError); ok {
		errs = append(errs, ve.Errors...)
	}
	sortErrors(errs, formOrder(src, fields))
	return v, &ValidationError{Errors: errs}
}

// formOrder gives the positions of a location in a form-like source: the
// field's place in the struct, then the rest of the location.
func formOrder(src string, fields []field) func(loc []any) []any {
	return func(loc []any) []any {
		if len(loc) < 2 {
			return nil
		}
		i := slices.IndexFunc(fields, func(fd field) bool { return locName(src, fd.key) == loc[1] })
		if i < 0 {
			i = len(fields)
		}
		return append([]any{i}, loc[2:]...)
	}
}

// parseErrors describes the values of fd that gin could not convert to the
// field's type: the value of a scalar (gin reads the first), or every bad
// item of a list, at its index.
func parseErrors[T any](src, tag string, t reflect.Type, fd field, vs []string) []FieldError {
	loc := []any{src, locName(src, fd.key)}
	sf, _ := fieldAt(t, fd.goPath)
	ft := elem(sf.Type)
	if !isList(ft, sf) {
		input := ""
		if len(vs) > 0 {
			input = vs[0]
		}
		return []FieldError{parseError(ft, loc, input)}
	}
	items := splitValues(vs, sf)
	var errs []FieldError
	if ft.Kind() == reflect.Array && len(items) != ft.Len() {
		errs = append(errs, lengthError("Tuple", ft.Len(), len(items)))
		errs[0].Loc, errs[0].Input = loc, items
	}
	n := 1
	if ft.Kind() == reflect.Array {
		n = ft.Len() // gin fills an array from exactly as many values
	}
	for i, s := range items {
		var one T
		if binding.MapFormWithTag(&one, map[string][]string{fd.key: slices.Repeat([]string{s}, n)}, tag) != nil {
			errs = append(errs, parseError(elem(ft.Elem()), append(slices.Clip(loc), i), s))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, FieldError{Type: "value_error", Loc: loc, Msg: "Value error, invalid value", Input: vs})
	}
	return errs
}

// parseError describes a value gin could not convert to type t.
func parseError(t reflect.Type, loc []any, input string) FieldError {
	fe := FieldError{Loc: loc, Input: input}
	switch {
	case t == reflect.TypeFor[time.Duration]():
		fe.Type, fe.Msg = "time_delta_parsing", "Input should be a valid timedelta"
	case t == reflect.TypeFor[time.Time]():
		fe.Type, fe.Msg = "datetime_parsing", "Input should be a valid datetime"
	default:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			fe.Type, fe.Msg = "int_parsing", "Input should be a valid integer, unable to parse string as an integer"
		case reflect.Float32, reflect.Float64:
			fe.Type, fe.Msg = "float_parsing", "Input should be a valid number, unable to parse string as a number"
		case reflect.Bool:
			fe.Type, fe.Msg = "bool_parsing", "Input should be a valid boolean, unable to interpret input"
		default:
			fe.Type, fe.Msg = "value_error", "Value error, invalid value"
		}
	}
	return fe
}

// lengthError describes a list of got items where want were expected.
func lengthError(kind string, want, got int) FieldError {
	if got < want {
		return FieldError{Type: "too_short", Msg: fmt.Sprintf("%s should have at least %d item%s after validation, not %d", kind, want, plural(want), got),
			Ctx: map[string]any{"field_type": kind, "min_length": want, "actual_length": got}}
	}
	return FieldError{Type: "too_long", Msg: fmt.Sprintf("%s should have at most %d item%s after validation, not %d", kind, want, plural(want), got),
		Ctx: map[string]any{"field_type": kind, "max_length": want, "actual_length": got}}
}

// fieldAt finds the struct field at goPath, a dotted path of Go names.
func fieldAt(t reflect.Type, goPath string) (reflect.StructField, bool) {
	var sf reflect.StructField
	for name := range strings.SplitSeq(goPath, ".") {
		t = elem(t)
		if t.Kind() != reflect.Struct {
			return sf, false
		}
		f, ok := t.FieldByName(name)
		if !ok {
			return sf, false
		}
		sf, t = f, f.Type
	}
	return sf, true
}

// isList reports whether gin fills a field of type t (pointers removed) from
// every value of its key, item by item, rather than from the first one.
func isList(t reflect.Type, sf reflect.StructField) bool {
	if k := t.Kind(); k != reflect.Slice && k != reflect.Array {
		return false
	}
	p := reflect.PointerTo(t)
	if p.Implements(reflect.TypeFor[binding.BindUnmarshaler]()) {
		return false
	}
	return !(strings.Contains(sf.Tag.Get("form")+sf.Tag.Get("uri")+sf.Tag.Get("header")+sf.Tag.Get("cookie"), "parser=encoding.TextUnmarshaler") &&
		p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()))
}

// splitValues splits the values of a list field as gin does, by its
// collection_format.
func splitValues(vs []string, sf reflect.StructField) []string {
	sep := map[string]string{"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}[sf.Tag.Get("collection_format")]
	if sep == "" {
		return vs
	}
	var out []string
	for _, v := range vs {
		out = append(out, strings.Split(v, sep)...)
	}
	return out
}

func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func locName(src, key string) string {
	if src == "header" {
		return strings.ToLower(key)
	}
	return key
}

// formLoc places a validator error of a form-like source: the field's name
// in the request, then list indexes and the names within its items.
func formLoc(src string, t reflect.Type, fields []field, form map[string][]string, fe validator.FieldError) ([]any, any) {
	path := nsPath(t, fe.StructNamespace())
	fd, found := field{}, false
	for _, f := range fields {
		if len(f.goPath) > len(fd.goPath) && strings.HasPrefix(path, f.goPath) &&
			(len(path) == len(f.goPath) || path[len(f.goPath)] == '.' || path[len(f.goPath)] == '[') {
			fd, found = f, true
		}
	}
	if !found {
		if fe.Tag() == "required" {
			return []any{src, locName(src, fe.Field())}, nil
		}
		return []any{src, locName(src, fe.Field())}, fe.Value()
	}
	loc := []any{src, locName(src, fd.key)}
	sf, _ := fieldAt(t, fd.goPath)
	rest := strings.TrimPrefix(path[len(fd.goPath):], ".")
	loc = append(loc, nsLoc(sf.Type, rest)...)
	if fe.Tag() == "required" {
		return loc, nil
	}
	vs := form[fd.key]
	if len(vs) == 0 {
		return loc, fe.Value()
	}
	if !isList(elem(sf.Type), sf) {
		if rest == "" {
			return loc, vs[0]
		}
		return loc, fe.Value()
	}
	items := splitValues(vs, sf)
	if rest == "" {
		return loc, items
	}
	if len(loc) == 3 {
		if i, ok := loc[2].(int); ok && i < len(items) {
			return loc, items[i]
		}
	}
	return loc, fe.Value()
}

// validationErrors runs gin's validator on v and describes what it finds;
// skip drops errors at places already reported.
func validationErrors(v any, place func(validator.FieldError) ([]any, any), skip func(loc []any) bool) error {
	if binding.Validator == nil {
		return nil
	}
	err := binding.Validator.ValidateStruct(v)
	if err == nil {
		return nil
	}
	var fes validator.ValidationErrors
	if !errors.As(err, &fes) {
		return &ValidationError{Errors: []FieldError{{Type: "value_error", Loc: []any{}, Msg: "Value error, the value cannot be validated"}}}
	}
	out := make([]FieldError, 0, min(len(fes), maxErrors+1))
	for _, fe := range fes {
		if len(out) > maxErrors {
			break // enough to say; the rest is cut anyway
		}
		loc, input := place(fe)
		if skip != nil && skip(loc) {
			continue
		}
		item := describe(fe)
		item.Loc, item.Input = loc, input
		out = append(out, item)
	}
	if len(out) == 0 {
		return nil
	}
	return &ValidationError{Errors: out}
}
