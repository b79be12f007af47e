package di

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
)

// describe words a validator error as pydantic does, so that clients written
// against FastAPI read the same types, messages and context.
func describe(fe validator.FieldError) FieldError {
	param := fe.Param()
	kind := fe.Kind()
	text := kind == reflect.String
	list := kind == reflect.Slice || kind == reflect.Array || kind == reflect.Map
	switch tag := fe.Tag(); {
	case tag == "required":
		return FieldError{Type: "missing", Msg: "Field required"}
	case text && (tag == "min" || tag == "gte" || tag == "gt" || tag == "len" && length(fe) < atoi(param)):
		n := atoi(param)
		if tag == "gt" {
			n++
		}
		return FieldError{Type: "string_too_short", Msg: fmt.Sprintf("String should have at least %d character%s", n, plural(n)), Ctx: map[string]any{"min_length": n}}
	case text && (tag == "max" || tag == "lte" || tag == "lt" || tag == "len"):
		n := atoi(param)
		if tag == "lt" {
			n--
		}
		return FieldError{Type: "string_too_long", Msg: fmt.Sprintf("String should have at most %d character%s", n, plural(n)), Ctx: map[string]any{"max_length": n}}
	case list && (tag == "min" || tag == "gte" || tag == "len" && length(fe) < atoi(param)):
		n, got := atoi(param), length(fe)
		return FieldError{Type: "too_short", Msg: fmt.Sprintf("List should have at least %d item%s after validation, not %d", n, plural(n), got),
			Ctx: map[string]any{"field_type": "List", "min_length": n, "actual_length": got}}
	case list && (tag == "max" || tag == "lte" || tag == "len"):
		n, got := atoi(param), length(fe)
		return FieldError{Type: "too_long", Msg: fmt.Sprintf("List should have at most %d item%s after validation, not %d", n, plural(n), got),
			Ctx: map[string]any{"field_type": "List", "max_length": n, "actual_length": got}}
	case tag == "gt":
		return FieldError{Type: "greater_than", Msg: "Input should be greater than " + param, Ctx: map[string]any{"gt": number(param)}}
	case tag == "gte" || tag == "min":
		return FieldError{Type: "greater_than_equal", Msg: "Input should be greater than or equal to " + param, Ctx: map[string]any{"ge": number(param)}}
	case tag == "lt":
		return FieldError{Type: "less_than", Msg: "Input should be less than " + param, Ctx: map[string]any{"lt": number(param)}}
	case tag == "lte" || tag == "max":
		return FieldError{Type: "less_than_equal", Msg: "Input should be less than or equal to " + param, Ctx: map[string]any{"le": number(param)}}
	case tag == "oneof":
		expected := oneOf(oneOfParams(param), kind == reflect.String)
		return FieldError{Type: "literal_error", Msg: "Input should be " + expected, Ctx: map[string]any{"expected": expected}}
	case tag == "email":
		return FieldError{Type: "value_error", Msg: "value is not a valid email address", Ctx: map[string]any{"reason": "not an email address"}}
	case tag == "url" || tag == "http_url" || tag == "uri":
		return FieldError{Type: "url_parsing", Msg: "Input should be a valid URL"}
	case strings.HasPrefix(tag, "uuid"):
		return FieldError{Type: "uuid_parsing", Msg: "Input should be a valid UUID"}
	default:
		ctx := map[string]any{"rule": tag}
		if param != "" {
			ctx["param"] = param
		}
		return FieldError{Type: "value_error", Msg: fmt.Sprintf("Value error, the value fails the %q rule", tag), Ctx: ctx}
	}
}

func length(fe validator.FieldError) int {
	v := reflect.ValueOf(fe.Value())
	switch v.Kind() {
	case reflect.String:
		return len([]rune(v.String()))
	case reflect.Slice, reflect.Array, reflect.Map:
		return v.Len()
	}
	return 0
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// number renders a rule's parameter as a JSON number where it is one.
func number(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// oneOfParams splits the parameter of oneof as the validator does: by
// spaces, except within single quotes.
func oneOfParams(param string) []string {
	vals := oneOfParam.FindAllString(param, -1)
	for i, v := range vals {
		vals[i] = strings.ReplaceAll(v, "'", "")
	}
	return vals
}

var oneOfParam = regexp.MustCompile(`'[^']*'|\S+`)

// oneOf words choices as pydantic does: 'a', 'b' or 'c' (1, 2 or 3 for
// numbers).
func oneOf(choices []string, quote bool) string {
	q := make([]string, len(choices))
	for i, c := range choices {
		if quote {
			c = "'" + c + "'"
		}
		q[i] = c
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
