package di_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"

	"github.com/gindepends/gindepends/di"
)

// ---------------------------------------------------------------------------
// helpers

func bindAPI() (*gin.Engine, *di.Router) {
	gin.SetMode(gin.TestMode)
	engine := gin.New()
	return engine, di.NewRouter(engine)
}

// bindEcho answers 200 with the bound value as JSON.
func bindEcho[T any](c *gin.Context, v T) { c.JSON(http.StatusOK, v) }

type bindResponse struct {
	status int
	header http.Header
	body   []byte
}

func bindServe(h http.Handler, r *http.Request) bindResponse {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return bindResponse{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

func bindGet(h http.Handler, target string, header ...string) bindResponse {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	return bindServe(h, r)
}

func bindPost(h http.Handler, target, contentType, body string) bindResponse {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return bindServe(h, r)
}

// bindCheck asserts the status and that the body is the JSON want (compared
// decoded, so that spacing and key orderBody do not matter; array orderBody does).
func bindCheck(t *testing.T, got bindResponse, status int, want string) {
	t.Helper()
	if got.status != status {
		t.Errorf("status = %d, want %d; body: %s", got.status, status, got.body)
	}
	var g, w any
	if err := json.Unmarshal(got.body, &g); err != nil {
		t.Fatalf("body is not JSON (%v): %q", err, got.body)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad test: want is not JSON (%v): %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body =\n  %s\nwant\n  %s", got.body, bindCompact(want))
	}
}

func bindCompact(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}

func bindMustPanic(t *testing.T, contains string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		if v == nil {
			t.Fatalf("did not panic; want a panic that says %q", contains)
		}
		if msg := fmt.Sprint(v); !strings.Contains(msg, contains) {
			t.Fatalf("panic %q does not say %q", msg, contains)
		}
	}()
	fn()
}

const (
	wantIntParsing   = `"type":"int_parsing","msg":"Input should be a valid integer, unable to parse string as an integer"`
	wantFloatParsing = `"type":"float_parsing","msg":"Input should be a valid number, unable to parse string as a number"`
	wantBoolParsing  = `"type":"bool_parsing","msg":"Input should be a valid boolean, unable to interpret input"`
	wantMissing      = `"type":"missing","msg":"Field required","input":null`
)

// ---------------------------------------------------------------------------
// Query

type searchQuery struct {
	Q     string   `form:"q" binding:"required"`
	Limit int      `form:"limit"`
	Ratio float64  `form:"ratio"`
	Exact bool     `form:"exact"`
	Name  string   `form:"name" binding:"omitempty,min=3,max=5"`
	Page  int      `form:"page,default=1" binding:"gte=1,lte=10"`
	Kind  string   `form:"kind" binding:"omitempty,oneof=a b"`
	Tags  []string `form:"tag" binding:"max=3,dive,min=2"`
	IDs   []int    `form:"id"`
}

func TestQuery(t *testing.T) {
	engine, api := bindAPI()
	api.GET("/search", di.Handle1(di.Query[searchQuery](), bindEcho[searchQuery]))

	tests := []struct {
		name   string
		query  string
		status int
		want   string
	}{{
		name:   "values injected",
		query:  "q=go&limit=20&ratio=0.5&exact=true&name=gin&page=3&kind=b&tag=xx&tag=yy&id=1&id=2",
		status: 200,
		want:   `{"Q":"go","Limit":20,"Ratio":0.5,"Exact":true,"Name":"gin","Page":3,"Kind":"b","Tags":["xx","yy"],"IDs":[1,2]}`,
	}, {
		name:   "defaults for what is absent",
		query:  "q=go",
		status: 200,
		want:   `{"Q":"go","Limit":0,"Ratio":0,"Exact":false,"Name":"","Page":1,"Kind":"","Tags":null,"IDs":null}`,
	}, {
		name:   "an empty value takes the default",
		query:  "q=go&page=",
		status: 200,
		want:   `{"Q":"go","Limit":0,"Ratio":0,"Exact":false,"Name":"","Page":1,"Kind":"","Tags":null,"IDs":null}`,
	}, {
		name:   "missing required field",
		query:  "",
		status: 422,
		want:   `{"detail":[{"loc":["query","q"],` + wantMissing + `}]}`,
	}, {
		name:   "empty required string is missing",
		query:  "q=",
		status: 422,
		want:   `{"detail":[{"loc":["query","q"],` + wantMissing + `}]}`,
	}, {
		name:   "int_parsing keeps the raw string",
		query:  "q=go&limit=ten",
		status: 422,
		want:   `{"detail":[{"loc":["query","limit"],` + wantIntParsing + `,"input":"ten"}]}`,
	}, {
		name:   "every problem reported, in field order",
		query:  "name=ab&limit=x&ratio=y",
		status: 422,
		want: `{"detail":[
			{"loc":["query","q"],` + wantMissing + `},
			{"loc":["query","limit"],` + wantIntParsing + `,"input":"x"},
			{"loc":["query","ratio"],` + wantFloatParsing + `,"input":"y"},
			{"type":"string_too_short","loc":["query","name"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}
		]}`,
	}, {
		name:   "bool_parsing",
		query:  "q=go&exact=maybe",
		status: 422,
		want:   `{"detail":[{"loc":["query","exact"],` + wantBoolParsing + `,"input":"maybe"}]}`,
	}, {
		name:   "max, gte and oneof",
		query:  "q=go&name=abcdef&page=0&kind=c",
		status: 422,
		want: `{"detail":[
			{"type":"string_too_long","loc":["query","name"],"msg":"String should have at most 5 characters","input":"abcdef","ctx":{"max_length":5}},
			{"type":"greater_than_equal","loc":["query","page"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}},
			{"type":"literal_error","loc":["query","kind"],"msg":"Input should be 'a' or 'b'","input":"c","ctx":{"expected":"'a' or 'b'"}}
		]}`,
	}, {
		name:   "lte",
		query:  "q=go&page=11",
		status: 422,
		want:   `{"detail":[{"type":"less_than_equal","loc":["query","page"],"msg":"Input should be less than or equal to 10","input":"11","ctx":{"le":10}}]}`,
	}, {
		name:   "a scalar reads the first of repeated values",
		query:  "q=go&limit=1&limit=x",
		status: 200,
		want:   `{"Q":"go","Limit":1,"Ratio":0,"Exact":false,"Name":"","Page":1,"Kind":"","Tags":null,"IDs":null}`,
	}, {
		name:   "a bad list item is located by its index",
		query:  "q=go&id=1&id=x&id=3&id=y",
		status: 422,
		want: `{"detail":[
			{"loc":["query","id",1],` + wantIntParsing + `,"input":"x"},
			{"loc":["query","id",3],` + wantIntParsing + `,"input":"y"}
		]}`,
	}, {
		name:   "list length rule has the list as input",
		query:  "q=go&tag=aa&tag=bb&tag=cc&tag=dd",
		status: 422,
		want: `{"detail":[{"type":"too_long","loc":["query","tag"],"msg":"List should have at most 3 items after validation, not 4",
			"input":["aa","bb","cc","dd"],"ctx":{"field_type":"List","max_length":3,"actual_length":4}}]}`,
	}, {
		name:   "dive rules locate the item",
		query:  "q=go&tag=aa&tag=b",
		status: 422,
		want: `{"detail":[{"type":"string_too_short","loc":["query","tag",1],"msg":"String should have at least 2 characters",
			"input":"b","ctx":{"min_length":2}}]}`,
	}, {
		name:   "parse and validation errors of one list",
		query:  "q=go&tag=a&id=z",
		status: 422,
		want: `{"detail":[
			{"type":"string_too_short","loc":["query","tag",0],"msg":"String should have at least 2 characters","input":"a","ctx":{"min_length":2}},
			{"loc":["query","id",0],` + wantIntParsing + `,"input":"z"}
		]}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bindCheck(t, bindGet(engine, "/search?"+tt.query), tt.status, tt.want)
		})
	}
}

type pagingQuery struct {
	Limit  int `form:"limit,default=10" binding:"gte=1,lte=100"`
	Offset int `form:"offset" binding:"gte=0"`
}

type filterQuery struct {
	Owner string `form:"owner" binding:"omitempty,alphanum"`
}

type listQuery struct {
	pagingQuery
	Filter filterQuery   `form:"filter"`
	Since  time.Time     `form:"since" time_format:"2006-01-02"`
	Within time.Duration `form:"within"`
	Point  [2]int        `form:"point"`
	Sizes  []int         `form:"sizes" collection_format:"csv"`
	Ref    *int          `form:"ref" binding:"omitempty,gt=0"`
}

func TestQueryNestedAndSpecialFields(t *testing.T) {
	engine, api := bindAPI()
	api.GET("/list", di.Handle1(di.Query[listQuery](), func(c *gin.Context, q listQuery) {
		ref := "nil"
		if q.Ref != nil {
			ref = fmt.Sprint(*q.Ref)
		}
		c.JSON(200, gin.H{"limit": q.Limit, "offset": q.Offset, "owner": q.Filter.Owner, "since": q.Since.Format(time.DateOnly),
			"within": q.Within.String(), "point": q.Point, "sizes": q.Sizes, "ref": ref})
	}))

	tests := []struct {
		name   string
		query  string
		status int
		want   string
	}{{
		name:   "embedded and nested structs, time, duration, array, csv and pointer",
		query:  "limit=5&offset=2&owner=bob&since=2024-02-29&within=90s&point=1&point=2&sizes=1,2,3&ref=7",
		status: 200,
		want:   `{"limit":5,"offset":2,"owner":"bob","since":"2024-02-29","within":"1m30s","point":[1,2],"sizes":[1,2,3],"ref":"7"}`,
	}, {
		name:   "defaults",
		query:  "",
		status: 200,
		want:   `{"limit":10,"offset":0,"owner":"","since":"0001-01-01","within":"0s","point":[0,0],"sizes":null,"ref":"nil"}`,
	}, {
		name:   "rules of embedded and nested fields are located by their names",
		query:  "limit=0&offset=-1&owner=b-b&ref=0",
		status: 422,
		want: `{"detail":[
			{"type":"greater_than_equal","loc":["query","limit"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}},
			{"type":"greater_than_equal","loc":["query","offset"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},
			{"type":"value_error","loc":["query","owner"],"msg":"Value error, the value fails the \"alphanum\" rule","input":"b-b","ctx":{"rule":"alphanum"}},
			{"type":"greater_than","loc":["query","ref"],"msg":"Input should be greater than 0","input":"0","ctx":{"gt":0}}
		]}`,
	}, {
		name:   "parse errors of every kind",
		query:  "limit=many&since=yesterday&within=soon&point=1&point=x&sizes=1,x,3&ref=r",
		status: 422,
		want: `{"detail":[
			{"loc":["query","limit"],` + wantIntParsing + `,"input":"many"},
			{"type":"datetime_parsing","loc":["query","since"],"msg":"Input should be a valid datetime","input":"yesterday"},
			{"type":"time_delta_parsing","loc":["query","within"],"msg":"Input should be a valid timedelta","input":"soon"},
			{"loc":["query","point",1],` + wantIntParsing + `,"input":"x"},
			{"loc":["query","sizes",1],` + wantIntParsing + `,"input":"x"},
			{"loc":["query","ref"],` + wantIntParsing + `,"input":"r"}
		]}`,
	}, {
		name:   "an array of the wrong length",
		query:  "point=1&point=2&point=3",
		status: 422,
		want: `{"detail":[{"type":"too_long","loc":["query","point"],"msg":"Tuple should have at most 2 items after validation, not 3",
			"input":["1","2","3"],"ctx":{"field_type":"Tuple","max_length":2,"actual_length":3}}]}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bindCheck(t, bindGet(engine, "/list?"+tt.query), tt.status, tt.want)
		})
	}
}

// bindQueryOf serves one request to a route that binds T from the query.
func bindQueryOf[T any](query string) bindResponse {
	engine, api := bindAPI()
	api.GET("/", di.Handle1(di.Query[T](), bindEcho[T]))
	return bindGet(engine, "/?"+query)
}

func TestRuleMessages(t *testing.T) {
	tests := []struct {
		name string
		got  bindResponse
		want string // the one error
	}{{
		name: "min on a string",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"min=3"`
		}]("v=ab"),
		want: `{"type":"string_too_short","loc":["query","v"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}`,
	}, {
		name: "min=1 on a string is singular",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"min=1"`
		}]("v="),
		want: `{"type":"string_too_short","loc":["query","v"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}`,
	}, {
		name: "min counts characters, not bytes",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"min=3"`
		}]("v=" + url.QueryEscape("éé")),
		want: `{"type":"string_too_short","loc":["query","v"],"msg":"String should have at least 3 characters","input":"éé","ctx":{"min_length":3}}`,
	}, {
		name: "gt on a string",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"gt=2"`
		}]("v=ab"),
		want: `{"type":"string_too_short","loc":["query","v"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}`,
	}, {
		name: "len on a long string",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"len=2"`
		}]("v=abc"),
		want: `{"type":"string_too_long","loc":["query","v"],"msg":"String should have at most 2 characters","input":"abc","ctx":{"max_length":2}}`,
	}, {
		name: "lt on a string",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"lt=3"`
		}]("v=abc"),
		want: `{"type":"string_too_long","loc":["query","v"],"msg":"String should have at most 2 characters","input":"abc","ctx":{"max_length":2}}`,
	}, {
		name: "min on a number",
		got: bindQueryOf[struct {
			V int `form:"v" binding:"min=1"`
		}]("v=0"),
		want: `{"type":"greater_than_equal","loc":["query","v"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}`,
	}, {
		name: "gt on a float",
		got: bindQueryOf[struct {
			V float64 `form:"v" binding:"gt=0.5"`
		}]("v=0.5"),
		want: `{"type":"greater_than","loc":["query","v"],"msg":"Input should be greater than 0.5","input":"0.5","ctx":{"gt":0.5}}`,
	}, {
		name: "lt on a number",
		got: bindQueryOf[struct {
			V int `form:"v" binding:"lt=10"`
		}]("v=10"),
		want: `{"type":"less_than","loc":["query","v"],"msg":"Input should be less than 10","input":"10","ctx":{"lt":10}}`,
	}, {
		name: "max on a number",
		got: bindQueryOf[struct {
			V int `form:"v" binding:"max=10"`
		}]("v=11"),
		want: `{"type":"less_than_equal","loc":["query","v"],"msg":"Input should be less than or equal to 10","input":"11","ctx":{"le":10}}`,
	}, {
		name: "oneof with three choices",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"oneof=red green blue"`
		}]("v=pink"),
		want: `{"type":"literal_error","loc":["query","v"],"msg":"Input should be 'red', 'green' or 'blue'","input":"pink","ctx":{"expected":"'red', 'green' or 'blue'"}}`,
	}, {
		name: "oneof with a quoted choice",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"oneof='light blue' red"`
		}]("v=blue"),
		want: `{"type":"literal_error","loc":["query","v"],"msg":"Input should be 'light blue' or 'red'","input":"blue","ctx":{"expected":"'light blue' or 'red'"}}`,
	}, {
		name: "oneof of numbers",
		got: bindQueryOf[struct {
			V int `form:"v" binding:"oneof=1 2"`
		}]("v=3"),
		want: `{"type":"literal_error","loc":["query","v"],"msg":"Input should be 1 or 2","input":"3","ctx":{"expected":"1 or 2"}}`,
	}, {
		name: "min on a list",
		got: bindQueryOf[struct {
			V []string `form:"v" binding:"min=2"`
		}]("v=a"),
		want: `{"type":"too_short","loc":["query","v"],"msg":"List should have at least 2 items after validation, not 1","input":["a"],"ctx":{"field_type":"List","min_length":2,"actual_length":1}}`,
	}, {
		name: "required list",
		got: bindQueryOf[struct {
			V []int `form:"v" binding:"required"`
		}](""),
		want: `{"type":"missing","loc":["query","v"],"msg":"Field required","input":null}`,
	}, {
		name: "email",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"email"`
		}]("v=nope"),
		want: `{"type":"value_error","loc":["query","v"],"msg":"value is not a valid email address","input":"nope","ctx":{"reason":"not an email address"}}`,
	}, {
		name: "url",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"url"`
		}]("v=nope"),
		want: `{"type":"url_parsing","loc":["query","v"],"msg":"Input should be a valid URL","input":"nope"}`,
	}, {
		name: "uuid",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"uuid4"`
		}]("v=nope"),
		want: `{"type":"uuid_parsing","loc":["query","v"],"msg":"Input should be a valid UUID","input":"nope"}`,
	}, {
		name: "another rule names itself",
		got: bindQueryOf[struct {
			V string `form:"v" binding:"startswith=ab"`
		}]("v=xy"),
		want: `{"type":"value_error","loc":["query","v"],"msg":"Value error, the value fails the \"startswith\" rule","input":"xy","ctx":{"rule":"startswith","param":"ab"}}`,
	}, {
		name: "a rule on a field absent from the request has the zero value as input",
		got: bindQueryOf[struct {
			V int `form:"v" binding:"gte=1"`
		}](""),
		want: `{"type":"greater_than_equal","loc":["query","v"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bindCheck(t, tt.got, 422, `{"detail":[`+tt.want+`]}`)
		})
	}
}

// ---------------------------------------------------------------------------
// Path, Header, Cookie

type itemPath struct {
	ID   int    `uri:"id" binding:"gte=1"`
	Slug string `uri:"slug"`
}

func TestPath(t *testing.T) {
	engine, api := bindAPI()
	api.GET("/items/:id/:slug", di.Handle1(di.Path[itemPath](), bindEcho[itemPath]))

	bindCheck(t, bindGet(engine, "/items/42/hello"), 200, `{"ID":42,"Slug":"hello"}`)
	bindCheck(t, bindGet(engine, "/items/abc/hello"), 422, `{"detail":[{"loc":["path","id"],`+wantIntParsing+`,"input":"abc"}]}`)
	bindCheck(t, bindGet(engine, "/items/0/hello"), 422,
		`{"detail":[{"type":"greater_than_equal","loc":["path","id"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}`)
}

func TestPathMissingParam(t *testing.T) {
	type userPath struct {
		User string `uri:"user" binding:"required"`
	}
	engine, api := bindAPI()
	// The route has no :user: the binding reports it wantMissing, as FastAPI
	// would for a path parameter the path does not declare.
	api.GET("/me", di.Handle1(di.Path[userPath](), bindEcho[userPath]))
	bindCheck(t, bindGet(engine, "/me"), 422, `{"detail":[{"loc":["path","user"],`+wantMissing+`}]}`)
}

type tokenHeader struct {
	Token   string   `header:"X-Token" binding:"required"`
	Retries int      `header:"X-Retries"`
	Agent   string   `header:"User-Agent" binding:"omitempty,min=3"`
	Langs   []string `header:"Accept-Language"`
}

func TestHeader(t *testing.T) {
	engine, api := bindAPI()
	api.GET("/", di.Handle1(di.Header[tokenHeader](), bindEcho[tokenHeader]))

	tests := []struct {
		name   string
		header []string
		status int
		want   string
	}{{
		name:   "values injected, names case-insensitive, repeated headers in a list",
		header: []string{"x-token", "secret", "X-RETRIES", "3", "User-Agent", "curl", "Accept-Language", "en", "Accept-Language", "fr"},
		status: 200,
		want:   `{"Token":"secret","Retries":3,"Agent":"curl","Langs":["en","fr"]}`,
	}, {
		name:   "missing, located by the lower-case name",
		header: nil,
		status: 422,
		want:   `{"detail":[{"loc":["header","x-token"],` + wantMissing + `}]}`,
	}, {
		name:   "parse and rule errors together",
		header: []string{"X-Retries", "often", "User-Agent", "ab"},
		status: 422,
		want: `{"detail":[
			{"loc":["header","x-token"],` + wantMissing + `},
			{"loc":["header","x-retries"],` + wantIntParsing + `,"input":"often"},
			{"type":"string_too_short","loc":["header","user-agent"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}
		]}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bindCheck(t, bindGet(engine, "/", tt.header...), tt.status, tt.want)
		})
	}
}

type sessionCookie struct {
	Session string `cookie:"session" binding:"required"`
	Visits  int    `cookie:"visits"`
}

func TestCookie(t *testing.T) {
	engine, api := bindAPI()
	api.GET("/", di.Handle1(di.Cookie[sessionCookie](), bindEcho[sessionCookie]))

	bindCheck(t, bindGet(engine, "/", "Cookie", "session=abc; visits=4; other=x"), 200, `{"Session":"abc","Visits":4}`)
	bindCheck(t, bindGet(engine, "/"), 422, `{"detail":[{"loc":["cookie","session"],`+wantMissing+`}]}`)
	bindCheck(t, bindGet(engine, "/", "Cookie", "visits=lots"), 422, `{"detail":[
		{"loc":["cookie","session"],`+wantMissing+`},
		{"loc":["cookie","visits"],`+wantIntParsing+`,"input":"lots"}
	]}`)
}

// ---------------------------------------------------------------------------
// Several bindings, and the dependencies around them

type pageQuery struct {
	Page int `form:"page" binding:"gte=1"`
}

type apiKeyHeader struct {
	Key string `header:"X-Key" binding:"required"`
}

func TestTwoBindingsFailTogether(t *testing.T) {
	engine, api := bindAPI()
	calls := 0
	api.GET("/", di.Handle2(di.Query[pageQuery](), di.Header[apiKeyHeader](), func(c *gin.Context, q pageQuery, h apiKeyHeader) {
		calls++
		c.JSON(200, gin.H{"page": q.Page, "key": h.Key})
	}))

	bindCheck(t, bindGet(engine, "/?page=x"), 422, `{"detail":[
		{"loc":["query","page"],`+wantIntParsing+`,"input":"x"},
		{"loc":["header","x-key"],`+wantMissing+`}
	]}`)
	if calls != 0 {
		t.Errorf("handler ran %d times after a 422", calls)
	}
	bindCheck(t, bindGet(engine, "/?page=2", "X-Key", "k"), 200, `{"page":2,"key":"k"}`)
	if calls != 1 {
		t.Errorf("handler ran %d times, want 1", calls)
	}
}

func TestFailedBindingSkipsItsDependents(t *testing.T) {
	engine, api := bindAPI()
	var dependent, sibling, handler int
	page := di.Query[pageQuery]()
	offset := di.Func1("offset", page, func(c *gin.Context, q pageQuery) (int, error) {
		dependent++
		return (q.Page - 1) * 10, nil
	})
	user := di.Func("user", func(c *gin.Context) (string, error) {
		sibling++
		return "ann", nil
	})
	api.GET("/", di.Handle2(offset, user, func(c *gin.Context, off int, u string) {
		handler++
		c.JSON(200, gin.H{"offset": off, "user": u})
	}))

	bindCheck(t, bindGet(engine, "/?page=0"), 422,
		`{"detail":[{"type":"greater_than_equal","loc":["query","page"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}`)
	if dependent != 0 || sibling != 1 || handler != 0 {
		t.Errorf("after a 422: dependent ran %d times (want 0), sibling %d (want 1), handler %d (want 0)", dependent, sibling, handler)
	}

	bindCheck(t, bindGet(engine, "/?page=3"), 200, `{"offset":20,"user":"ann"}`)
	if dependent != 1 || sibling != 2 || handler != 1 {
		t.Errorf("after a 200: dependent ran %d times (want 1), sibling %d (want 2), handler %d (want 1)", dependent, sibling, handler)
	}
}

func TestHTTPErrorWinsOverValidation(t *testing.T) {
	auth := di.Func("auth", func(c *gin.Context) (string, error) {
		if c.GetHeader("Authorization") == "" {
			return "", di.Error(http.StatusUnauthorized, "Not authenticated").WithHeader("WWW-Authenticate", "Bearer")
		}
		return "ann", nil
	})
	page := di.Query[pageQuery]()
	handler := func(c *gin.Context, a pageQuery, b string) { c.JSON(200, gin.H{"page": a.Page, "user": b}) }

	t.Run("binding declared first", func(t *testing.T) {
		engine, api := bindAPI()
		api.GET("/", di.Handle2(page, auth, handler))
		got := bindGet(engine, "/?page=bad")
		bindCheck(t, got, 401, `{"detail":"Not authenticated"}`)
		if h := got.header.Get("WWW-Authenticate"); h != "Bearer" {
			t.Errorf("WWW-Authenticate = %q, want Bearer", h)
		}
		bindCheck(t, bindGet(engine, "/?page=bad", "Authorization", "Bearer x"), 422,
			`{"detail":[{"loc":["query","page"],`+wantIntParsing+`,"input":"bad"}]}`)
	})
	t.Run("binding declared last, behind a dependency on auth", func(t *testing.T) {
		engine, api := bindAPI()
		user := di.Func1("user", auth, func(c *gin.Context, u string) (string, error) { return u, nil })
		api.GET("/", di.Handle2(user, page, func(c *gin.Context, u string, q pageQuery) { handler(c, q, u) }))
		bindCheck(t, bindGet(engine, "/?page=bad"), 401, `{"detail":"Not authenticated"}`)
		bindCheck(t, bindGet(engine, "/?page=2", "Authorization", "Bearer x"), 200, `{"page":2,"user":"ann"}`)
	})
}

func TestBindingsAreCachedPerRequest(t *testing.T) {
	engine, api := bindAPI()
	page := di.Query[pageQuery]()
	runs := 0
	double := di.Func1("double", page, func(c *gin.Context, q pageQuery) (int, error) {
		runs++
		return q.Page * 2, nil
	})
	api.GET("/", di.Handle3(page, double, page, func(c *gin.Context, a pageQuery, d int, b pageQuery) {
		c.JSON(200, gin.H{"a": a.Page, "double": d, "b": b.Page})
	}))
	bindCheck(t, bindGet(engine, "/?page=4"), 200, `{"a":4,"double":8,"b":4}`)
	// One 422 however many places use the failing binding.
	bindCheck(t, bindGet(engine, "/?page=0"), 422,
		`{"detail":[{"type":"greater_than_equal","loc":["query","page"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}`)
	if runs != 1 {
		t.Errorf("double ran %d times, want 1", runs)
	}
}

// ---------------------------------------------------------------------------
// Form

type loginForm struct {
	Username string   `form:"username" binding:"required"`
	Password string   `form:"password" binding:"required,min=4"`
	Remember bool     `form:"remember"`
	Scopes   []string `form:"scope"`
}

func bindMultipart(t *testing.T, fields ...string) (contentType, body string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.String()
}

func TestForm(t *testing.T) {
	engine, api := bindAPI()
	api.POST("/login", di.Handle1(di.Form[loginForm](di.MaxBytes(1024)), bindEcho[loginForm]))

	const urlencoded = "application/x-www-form-urlencoded"
	mpType, mpBody := bindMultipart(t, "username", "ann", "password", "hunter2", "scope", "read", "scope", "write")
	mpBadType, mpBadBody := bindMultipart(t, "password", "abc", "remember", "perhaps")
	mpBigType, mpBigBody := bindMultipart(t, "username", strings.Repeat("a", 1100), "password", "hunter2")

	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		want        string
	}{{
		name:        "urlencoded",
		contentType: urlencoded,
		body:        "username=ann&password=hunter2&remember=true&scope=read&scope=write",
		status:      200,
		want:        `{"Username":"ann","Password":"hunter2","Remember":true,"Scopes":["read","write"]}`,
	}, {
		name:        "urlencoded with a charset",
		contentType: urlencoded + "; charset=utf-8",
		body:        "username=ann&password=hunter2",
		status:      200,
		want:        `{"Username":"ann","Password":"hunter2","Remember":false,"Scopes":null}`,
	}, {
		name:        "multipart",
		contentType: mpType,
		body:        mpBody,
		status:      200,
		want:        `{"Username":"ann","Password":"hunter2","Remember":false,"Scopes":["read","write"]}`,
	}, {
		name:        "missing field",
		contentType: urlencoded,
		body:        "password=hunter2",
		status:      422,
		want:        `{"detail":[{"loc":["body","username"],` + wantMissing + `}]}`,
	}, {
		name:        "an empty value is missing",
		contentType: urlencoded,
		body:        "username=&password=hunter2",
		status:      422,
		want:        `{"detail":[{"loc":["body","username"],` + wantMissing + `}]}`,
	}, {
		name:        "every problem of a multipart form",
		contentType: mpBadType,
		body:        mpBadBody,
		status:      422,
		want: `{"detail":[
			{"loc":["body","username"],` + wantMissing + `},
			{"type":"string_too_short","loc":["body","password"],"msg":"String should have at least 4 characters","input":"abc","ctx":{"min_length":4}},
			{"loc":["body","remember"],` + wantBoolParsing + `,"input":"perhaps"}
		]}`,
	}, {
		name:        "a body of another type has no fields",
		contentType: "application/json",
		body:        `{"username":"ann","password":"hunter2"}`,
		status:      422,
		want:        `{"detail":[{"loc":["body","username"],` + wantMissing + `},{"loc":["body","password"],` + wantMissing + `}]}`,
	}, {
		name:        "unparsable urlencoded body",
		contentType: urlencoded,
		body:        "username=%zz",
		status:      400,
		want:        `{"detail":"There was an error parsing the body"}`,
	}, {
		name:        "unparsable multipart body",
		contentType: "multipart/form-data; boundary=xyz",
		body:        "this is not multipart",
		status:      400,
		want:        `{"detail":"There was an error parsing the body"}`,
	}, {
		name:        "multipart without a boundary",
		contentType: "multipart/form-data",
		body:        mpBody,
		status:      400,
		want:        `{"detail":"There was an error parsing the body"}`,
	}, {
		name:        "urlencoded over MaxBytes",
		contentType: urlencoded,
		body:        "username=" + strings.Repeat("a", 1100) + "&password=hunter2",
		status:      413,
		want:        `{"detail":"Request Entity Too Large"}`,
	}, {
		name:        "multipart over MaxBytes",
		contentType: mpBigType,
		body:        mpBigBody,
		status:      413,
		want:        `{"detail":"Request Entity Too Large"}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bindCheck(t, bindPost(engine, "/login", tt.contentType, tt.body), tt.status, tt.want)
		})
	}
}

func TestFormDefaultLimit(t *testing.T) {
	engine, api := bindAPI()
	api.POST("/", di.Handle1(di.Form[loginForm](), bindEcho[loginForm]))
	body := "username=ann&password=" + strings.Repeat("p", 1<<20)
	bindCheck(t, bindPost(engine, "/", "application/x-www-form-urlencoded", body), 413, `{"detail":"Request Entity Too Large"}`)
	body = "username=ann&password=" + strings.Repeat("p", 1<<19)
	if got := bindPost(engine, "/", "application/x-www-form-urlencoded", body); got.status != 200 {
		t.Errorf("half a MiB: status = %d, want 200", got.status)
	}
}

// ---------------------------------------------------------------------------
// Body

type lineItemBody struct {
	Name  string  `json:"name" binding:"required,min=2"`
	Price float64 `json:"price" binding:"gt=0"`
	Qty   int     `json:"qty"`
}

type orderBody struct {
	Title   string            `json:"title" binding:"required"`
	Count   int               `json:"count" binding:"gte=0"`
	Paid    bool              `json:"paid"`
	Items   []lineItemBody    `json:"items" binding:"dive"`
	Labels  map[string]int    `json:"labels" binding:"omitempty,dive,gt=0"`
	Ship    *addressBody      `json:"ship"`
	Due     time.Time         `json:"due"`
	Ratings map[int]string    `json:"ratings"`
	Extra   map[string]string `json:"-"`
}

type addressBody struct {
	City string `json:"city" binding:"required"`
	Zip  string `json:"zip" binding:"omitempty,len=5"`
}

func TestBody(t *testing.T) {
	engine, api := bindAPI()
	api.POST("/orders", di.Handle1(di.Body[orderBody](di.MaxBytes(512)), func(c *gin.Context, o orderBody) {
		c.JSON(200, gin.H{"title": o.Title, "count": o.Count, "items": len(o.Items), "labels": o.Labels, "ship": o.Ship})
	}))

	const ct = "application/json"
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		want        string
	}{{
		name:        "success",
		contentType: ct,
		body:        `{"title":"t","count":2,"items":[{"name":"pen","price":1.5}],"labels":{"a":1},"ship":{"city":"Oslo"}}`,
		status:      200,
		want:        `{"title":"t","count":2,"items":1,"labels":{"a":1},"ship":{"city":"Oslo","zip":""}}`,
	}, {
		name:        "no content type is JSON",
		contentType: "",
		body:        `{"title":"t"}`,
		status:      200,
		want:        `{"title":"t","count":0,"items":0,"labels":null,"ship":null}`,
	}, {
		name:        "merge-patch+json is JSON",
		contentType: "application/merge-patch+json",
		body:        `{"title":"t"}`,
		status:      200,
		want:        `{"title":"t","count":0,"items":0,"labels":null,"ship":null}`,
	}, {
		name:        "parameters and case of the content type do not matter",
		contentType: "Application/JSON; charset=UTF-8",
		body:        `{"title":"t"}`,
		status:      200,
		want:        `{"title":"t","count":0,"items":0,"labels":null,"ship":null}`,
	}, {
		name:        "empty body",
		contentType: ct,
		body:        "",
		status:      422,
		want:        `{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`,
	}, {
		name:        "null body",
		contentType: ct,
		body:        " null ",
		status:      422,
		want:        `{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`,
	}, {
		name:        "malformed JSON",
		contentType: ct,
		body:        `{"title":`,
		status:      422,
		want: `{"detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},
			"ctx":{"error":"unexpected end of JSON input"}}]}`,
	}, {
		name:        "a bad character is located at its offset",
		contentType: ct,
		body:        `{"title" "t"}`,
		status:      422,
		want: `{"detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},
			"ctx":{"error":"invalid character '\"' after object key"}}]}`,
	}, {
		name:        "trailing garbage",
		contentType: ct,
		body:        `{"title":"t"} x`,
		status:      422,
		want: `{"detail":[{"type":"json_invalid","loc":["body",14],"msg":"JSON decode error","input":{},
			"ctx":{"error":"invalid character 'x' after top-level value"}}]}`,
	}, {
		name:        "white space only",
		contentType: ct,
		body:        "  ",
		status:      422,
		want: `{"detail":[{"type":"json_invalid","loc":["body",2],"msg":"JSON decode error","input":{},
			"ctx":{"error":"unexpected end of JSON input"}}]}`,
	}, {
		name:        "wrong types, each at its place",
		contentType: ct,
		body:        `{"title":5,"count":"x","paid":"yes","items":{},"labels":[],"ship":"here"}`,
		status:      422,
		want: `{"detail":[
			{"type":"string_type","loc":["body","title"],"msg":"Input should be a valid string","input":5},
			{"type":"int_type","loc":["body","count"],"msg":"Input should be a valid integer","input":"x"},
			{"type":"bool_type","loc":["body","paid"],"msg":"Input should be a valid boolean","input":"yes"},
			{"type":"list_type","loc":["body","items"],"msg":"Input should be a valid list","input":{}},
			{"type":"dict_type","loc":["body","labels"],"msg":"Input should be a valid dictionary","input":[]},
			{"type":"model_attributes_type","loc":["body","ship"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"here"}
		]}`,
	}, {
		name:        "a number with a fraction for an integer",
		contentType: ct,
		body:        `{"title":"t","count":1.5}`,
		status:      422,
		want: `{"detail":[{"type":"int_from_float","loc":["body","count"],
			"msg":"Input should be a valid integer, got a number with a fractional part","input":1.5}]}`,
	}, {
		name:        "an integer too large",
		contentType: ct,
		body:        `{"title":"t","count":99999999999999999999}`,
		status:      422,
		want:        `{"detail":[{"type":"int_type","loc":["body","count"],"msg":"Input should be a valid integer","input":99999999999999999999}]}`,
	}, {
		name:        "nested validation errors",
		contentType: ct,
		body:        `{"title":"t","count":-1,"items":[{"name":"p","price":0},{"price":2}],"ship":{"zip":"123"}}`,
		status:      422,
		want: `{"detail":[
			{"type":"greater_than_equal","loc":["body","count"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}},
			{"type":"string_too_short","loc":["body","items",0,"name"],"msg":"String should have at least 2 characters","input":"p","ctx":{"min_length":2}},
			{"type":"greater_than","loc":["body","items",0,"price"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},
			{"type":"missing","loc":["body","items",1,"name"],"msg":"Field required","input":{"price":2}},
			{"type":"missing","loc":["body","ship","city"],"msg":"Field required","input":{"zip":"123"}},
			{"type":"string_too_short","loc":["body","ship","zip"],"msg":"String should have at least 5 characters","input":"123","ctx":{"min_length":5}}
		]}`,
	}, {
		name:        "missing body field: the input is the object",
		contentType: ct,
		body:        `{"count":1}`,
		status:      422,
		want:        `{"detail":[{"type":"missing","loc":["body","title"],"msg":"Field required","input":{"count":1}}]}`,
	}, {
		name:        "type errors in list items and validation of the rest",
		contentType: ct,
		body:        `{"items":[{"name":5,"price":1},{"name":"ok","price":"free"},{"name":"x","price":1,"qty":0.5}]}`,
		status:      422,
		want: `{"detail":[
			{"type":"missing","loc":["body","title"],"msg":"Field required","input":{"items":[{"name":5,"price":1},{"name":"ok","price":"free"},{"name":"x","price":1,"qty":0.5}]}},
			{"type":"string_type","loc":["body","items",0,"name"],"msg":"Input should be a valid string","input":5},
			{"type":"float_type","loc":["body","items",1,"price"],"msg":"Input should be a valid number","input":"free"},
			{"type":"string_too_short","loc":["body","items",2,"name"],"msg":"String should have at least 2 characters","input":"x","ctx":{"min_length":2}},
			{"type":"int_from_float","loc":["body","items",2,"qty"],"msg":"Input should be a valid integer, got a number with a fractional part","input":0.5}
		]}`,
	}, {
		name:        "map values and keys",
		contentType: ct,
		body:        `{"title":"t","labels":{"a":0,"b":"x","c":2},"ratings":{"1":"ok","two":"bad"}}`,
		status:      422,
		want: `{"detail":[
			{"type":"greater_than","loc":["body","labels","a"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},
			{"type":"int_type","loc":["body","labels","b"],"msg":"Input should be a valid integer","input":"x"},
			{"loc":["body","ratings","two","[key]"],` + wantIntParsing + `,"input":"two"}
		]}`,
	}, {
		name:        "a time that does not parse",
		contentType: ct,
		body:        `{"title":"t","due":"tomorrow"}`,
		status:      422,
		want:        `{"detail":[{"type":"datetime_parsing","loc":["body","due"],"msg":"Input should be a valid datetime","input":"tomorrow"}]}`,
	}, {
		name:        "a time of the wrong type",
		contentType: ct,
		body:        `{"title":"t","due":12}`,
		status:      422,
		want:        `{"detail":[{"type":"datetime_type","loc":["body","due"],"msg":"Input should be a valid datetime","input":12}]}`,
	}, {
		name:        "a list body",
		contentType: ct,
		body:        `[{"title":"t"}]`,
		status:      422,
		want: `{"detail":[{"type":"model_attributes_type","loc":["body"],
			"msg":"Input should be a valid dictionary or object to extract fields from","input":[{"title":"t"}]}]}`,
	}, {
		name:        "another content type",
		contentType: "text/plain",
		body:        `{"title":"t"}`,
		status:      422,
		want: `{"detail":[{"type":"model_attributes_type","loc":["body"],
			"msg":"Input should be a valid dictionary or object to extract fields from","input":"{\"title\":\"t\"}"}]}`,
	}, {
		name:        "a form",
		contentType: "application/x-www-form-urlencoded",
		body:        `title=t`,
		status:      422,
		want: `{"detail":[{"type":"model_attributes_type","loc":["body"],
			"msg":"Input should be a valid dictionary or object to extract fields from","input":"title=t"}]}`,
	}, {
		name:        "over MaxBytes",
		contentType: ct,
		body:        `{"title":"` + strings.Repeat("t", 600) + `"}`,
		status:      413,
		want:        `{"detail":"Request Entity Too Large"}`,
	}, {
		name:        "unknown fields are ignored",
		contentType: ct,
		body:        `{"title":"t","color":"red"}`,
		status:      200,
		want:        `{"title":"t","count":0,"items":0,"labels":null,"ship":null}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bindCheck(t, bindPost(engine, "/orders", tt.contentType, tt.body), tt.status, tt.want)
		})
	}
}

func TestBodyDefaultLimit(t *testing.T) {
	engine, api := bindAPI()
	api.POST("/", di.Handle1(di.Body[orderBody](), func(c *gin.Context, o orderBody) { c.JSON(200, gin.H{"len": len(o.Title)}) }))
	big := `{"title":"` + strings.Repeat("t", 1<<20) + `"}`
	bindCheck(t, bindPost(engine, "/", "application/json", big), 413, `{"detail":"Request Entity Too Large"}`)
	ok := `{"title":"` + strings.Repeat("t", 1<<19) + `"}`
	bindCheck(t, bindPost(engine, "/", "application/json", ok), 200, fmt.Sprintf(`{"len":%d}`, 1<<19))
}

func TestBodyUnknownFieldsForbidden(t *testing.T) {
	// A global of gin's: this test does not run in parallel, and puts it back.
	binding.EnableDecoderDisallowUnknownFields = true
	t.Cleanup(func() { binding.EnableDecoderDisallowUnknownFields = false })

	engine, api := bindAPI()
	api.POST("/", di.Handle1(di.Body[orderBody](), func(c *gin.Context, o orderBody) { c.Status(204) }))
	bindCheck(t, bindPost(engine, "/", "application/json", `{"title":5,"zz":1,"items":[{"name":"ab","price":1,"colour":"red"}],"aa":2}`), 422, `{"detail":[
		{"type":"string_type","loc":["body","title"],"msg":"Input should be a valid string","input":5},
		{"type":"extra_forbidden","loc":["body","items",0,"colour"],"msg":"Extra inputs are not permitted","input":"red"},
		{"type":"extra_forbidden","loc":["body","aa"],"msg":"Extra inputs are not permitted","input":2},
		{"type":"extra_forbidden","loc":["body","zz"],"msg":"Extra inputs are not permitted","input":1}
	]}`)
}

type embeddedBody struct {
	metaBody
	Name  string `json:"name" binding:"required"`
	Count int    `json:"count,string" binding:"lte=9"`
}

type metaBody struct {
	Version int `json:"version" binding:"gte=1"`
}

func TestBodyEmbeddedAndStringOption(t *testing.T) {
	engine, api := bindAPI()
	api.POST("/", di.Handle1(di.Body[embeddedBody](), bindEcho[embeddedBody]))
	bindCheck(t, bindPost(engine, "/", "", `{"version":2,"name":"n","count":"7"}`), 200, `{"version":2,"name":"n","count":"7"}`)
	bindCheck(t, bindPost(engine, "/", "", `{"version":0,"count":"x"}`), 422, `{"detail":[
		{"type":"greater_than_equal","loc":["body","version"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}},
		{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"version":0,"count":"x"}},
		{"loc":["body","count"],`+wantIntParsing+`,"input":"x"}
	]}`)
	bindCheck(t, bindPost(engine, "/", "", `{"version":"1","name":"n","count":"10"}`), 422, `{"detail":[
		{"type":"int_type","loc":["body","version"],"msg":"Input should be a valid integer","input":"1"},
		{"type":"less_than_equal","loc":["body","count"],"msg":"Input should be less than or equal to 9","input":"10","ctx":{"le":9}}
	]}`)
}

type patchBody struct {
	Note string `json:"note" binding:"max=3"`
}

func TestBodyReadOnceForSeveralBindings(t *testing.T) {
	engine, api := bindAPI()
	api.PATCH("/:id", di.Handle3(di.Path[itemPath](), di.Body[orderBody](), di.Body[patchBody](),
		func(c *gin.Context, p itemPath, o orderBody, n patchBody) {
			c.JSON(200, gin.H{"id": p.ID, "title": o.Title, "note": n.Note})
		}))
	r := httptest.NewRequest(http.MethodPatch, "/5", strings.NewReader(`{"title":"t","note":"ok"}`))
	bindCheck(t, bindServe(engine, r), 200, `{"id":5,"title":"t","note":"ok"}`)

	r = httptest.NewRequest(http.MethodPatch, "/x", strings.NewReader(`{"note":"long"}`))
	bindCheck(t, bindServe(engine, r), 422, `{"detail":[
		{"loc":["path","id"],`+wantIntParsing+`,"input":"x"},
		{"type":"missing","loc":["body","title"],"msg":"Field required","input":{"note":"long"}},
		{"type":"string_too_long","loc":["body","note"],"msg":"String should have at most 3 characters","input":"long","ctx":{"max_length":3}}
	]}`)
}

// ---------------------------------------------------------------------------
// Declaration mistakes

func TestBindingNonStructPanics(t *testing.T) {
	tests := []struct {
		name    string
		declare func()
		says    string
	}{
		{"Query", func() { di.Query[int]() }, "di.Query[int]: bind into a struct type"},
		{"Path", func() { di.Path[string]() }, "di.Path[string]: bind into a struct type"},
		{"Header", func() { di.Header[map[string]string]() }, "di.Header[map[string]string]: bind into a struct type"},
		{"Cookie", func() { di.Cookie[*sessionCookie]() }, "di.Cookie[*di_test.sessionCookie]: bind into a struct type"},
		{"Form", func() { di.Form[[]string]() }, "di.Form[[]string]: bind into a struct type"},
		{"Body", func() { di.Body[any]() }, "di.Body[interface {}]: bind into a struct type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { bindMustPanic(t, tt.says, tt.declare) })
	}
}

func TestBindingBadDefaultPanics(t *testing.T) {
	type badDefault struct {
		N int `form:"n,default=ten"`
	}
	bindMustPanic(t, "di.Query[di_test.badDefault]: a default value in its `form` tags cannot be read", func() { di.Query[badDefault]() })
}

func TestBindingNames(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{di.Query[pageQuery]().Name(), "di.Query[di_test.pageQuery]"},
		{di.Path[itemPath]().Name(), "di.Path[di_test.itemPath]"},
		{di.Header[apiKeyHeader]().Name(), "di.Header[di_test.apiKeyHeader]"},
		{di.Cookie[sessionCookie]().Name(), "di.Cookie[di_test.sessionCookie]"},
		{di.Form[loginForm]().Name(), "di.Form[di_test.loginForm]"},
		{di.Body[orderBody]().Name(), "di.Body[di_test.orderBody]"},
	} {
		if tt.got != tt.want {
			t.Errorf("Name() = %q, want %q", tt.got, tt.want)
		}
	}
}
