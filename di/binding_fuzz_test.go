package di_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"

	"github.com/gindepends/gindepends/di"
)

type fuzzPaging struct {
	Limit int `form:"limit,default=10" binding:"gte=1,lte=100"`
}

// fuzzForm has a field of every kind the form-like bindings read.
type fuzzForm struct {
	fuzzPaging
	Name  string        `form:"name" binding:"required,min=2,max=8"`
	Age   int8          `form:"age" binding:"omitempty,gte=0,lte=120"`
	Score float32       `form:"score"`
	On    bool          `form:"on"`
	Kind  string        `form:"kind,default=a" binding:"oneof=a b"`
	Tags  []string      `form:"tag" binding:"max=3,dive,min=1"`
	IDs   []uint16      `form:"id"`
	Pair  [2]int        `form:"pair"`
	CSV   []int         `form:"csv" collection_format:"csv"`
	When  time.Time     `form:"when" time_format:"2006-01-02"`
	Wait  time.Duration `form:"wait"`
	Ptr   *int          `form:"ptr" binding:"omitempty,gt=0"`
	Doc   fuzzDoc       `form:"doc"`
}

type fuzzDoc struct {
	Title string `json:"title" form:"title" binding:"omitempty,max=4"`
}

var fuzzFormKeys = []string{"limit", "name", "age", "score", "on", "kind", "tag", "id", "pair", "csv", "when", "wait", "ptr", "doc", "title"}

// fuzzBody has a field of every kind a JSON body decodes into.
type fuzzBody struct {
	Name  string          `json:"name" binding:"required,min=2"`
	Age   uint8           `json:"age" binding:"lte=120"`
	Score float32         `json:"score"`
	On    *bool           `json:"on"`
	Tags  []string        `json:"tags" binding:"max=3,dive,min=1"`
	Items []fuzzItem      `json:"items" binding:"dive"`
	Meta  map[string]int  `json:"meta" binding:"omitempty,dive,gte=0"`
	Keys  map[int8]string `json:"keys"`
	Pair  [2]int          `json:"pair"`
	When  time.Time       `json:"when"`
	Raw   json.RawMessage `json:"raw"`
	Any   any             `json:"any"`
	Blob  []byte          `json:"blob"`
	Count int             `json:"count,string"`
	Inner *fuzzDoc        `json:"inner"`
}

type fuzzItem struct {
	SKU string  `json:"sku" binding:"required"`
	Qty int     `json:"qty" binding:"gte=1"`
	Opt []int16 `json:"opt"`
}

// checkProblemShape asserts a 422 body is FastAPI's {"detail":[...]}, every
// item with a type, a location in src and a message.
func checkProblemShape(t *testing.T, body []byte, src string, keys []string) {
	t.Helper()
	var got struct {
		Detail []map[string]json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("422 body is not {\"detail\":[...]}: %v: %s", err, body)
	}
	if len(got.Detail) == 0 {
		t.Fatalf("422 with no problems: %s", body)
	}
	for _, item := range got.Detail {
		var typ, msg string
		var loc []any
		if json.Unmarshal(item["type"], &typ) != nil || typ == "" ||
			json.Unmarshal(item["msg"], &msg) != nil || msg == "" ||
			json.Unmarshal(item["loc"], &loc) != nil || len(loc) == 0 {
			t.Fatalf("problem without type, loc or msg: %s", body)
		}
		if _, ok := item["input"]; !ok {
			t.Fatalf("problem without input: %s", body)
		}
		if loc[0] != src {
			t.Fatalf("problem located in %v, not in %q: %s", loc[0], src, body)
		}
		if keys != nil && (len(loc) < 2 || !slices.ContainsFunc(keys, func(k string) bool { return k == loc[1] })) {
			t.Fatalf("problem located at %v, not at a field: %s", loc, body)
		}
		// The catch-alls for what the binding could not place: every value
		// of these structs has a place.
		if msg == "Value error, the values could not be read" || msg == "Value error, the body does not match the model" {
			t.Fatalf("problem not placed: %s", body)
		}
	}
}

func fuzzRoutes() *gin.Engine {
	engine, api := bindAPI()
	api.GET("/query", di.Handle1(di.Query[fuzzForm](), bindEcho[fuzzForm]))
	api.POST("/body", di.Handle1(di.Body[fuzzBody](di.MaxBytes(4096)), bindEcho[fuzzBody]))
	api.POST("/form", di.Handle1(di.Form[fuzzForm](di.MaxBytes(4096)), bindEcho[fuzzForm]))
	return engine
}

func FuzzQueryBinding(f *testing.F) {
	for _, seed := range []string{
		"name=ann",
		"name=ann&age=30&score=1.5&on=true&kind=b&tag=x&tag=y&id=1&id=2&pair=1&pair=2&csv=1,2&when=2024-01-02&wait=1s&ptr=3&limit=5",
		"age=x&score=y&on=z&id=-1&pair=1&csv=1,,x&when=never&wait=1y&ptr=p&limit=0",
		"name=a&kind=c&tag=&tag=b&tag=c&tag=d&title=toolong",
		"name=ann&doc=%7B%22title%22%3A%22abcdef%22%7D",
		"name=ann&doc=notjson&age=300",
		"%zz=1&name=%ff%fe",
		"name=ann&name=bob&limit=&limit=7",
	} {
		f.Add(seed)
	}
	engine := fuzzRoutes()
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest(http.MethodGet, "/query", nil)
		r.URL.RawQuery = query
		got := bindServe(engine, r)
		switch got.status {
		case http.StatusOK:
			var v fuzzForm
			if err := json.Unmarshal(got.body, &v); err != nil {
				t.Fatalf("200 with a body that is not the value: %v: %s", err, got.body)
			}
		case http.StatusUnprocessableEntity:
			checkProblemShape(t, got.body, "query", fuzzFormKeys)
		default:
			t.Fatalf("query %q: status %d: %s", query, got.status, got.body)
		}
	})
}

func FuzzBodyBinding(f *testing.F) {
	for _, seed := range []struct{ body, contentType string }{
		{`{"name":"ann"}`, "application/json"},
		{`{"name":"ann","age":30,"score":1.5,"on":true,"tags":["a"],"items":[{"sku":"x","qty":1,"opt":[1]}],"meta":{"a":1},` +
			`"keys":{"1":"a"},"pair":[1,2],"when":"2024-01-02T03:04:05Z","raw":{"x":[1]},"any":null,"blob":"aGk=","count":"3","inner":{"title":"t"}}`, ""},
		{`{"name":5,"age":-1,"score":"x","on":1,"tags":{},"items":[{"qty":0.5},3],"meta":{"a":"b"},"keys":{"x":1},` +
			`"pair":[1,2,3],"when":1,"blob":"!!","count":4,"inner":[]}`, "application/json; charset=utf-8"},
		{`{"Name":"ann","AGE":300,"pair":[1],"count":"x"}`, "application/merge-patch+json"},
		{`{"name":`, "application/json"},
		{`{"name":"ann"} trailing`, "application/json"},
		{`null`, "application/json"},
		{`[1,2]`, "application/json"},
		{"", "application/json"},
		{"name=ann&age=3&tag=x", "application/x-www-form-urlencoded"},
		{"--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nann\r\n--b--\r\n", "multipart/form-data; boundary=b"},
		{"garbage", "multipart/form-data; boundary=b"},
		{"%zz", "application/x-www-form-urlencoded"},
	} {
		f.Add([]byte(seed.body), seed.contentType)
	}
	engine := fuzzRoutes()
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		for _, target := range []string{"/body", "/form"} {
			r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(string(body)))
			r.Header.Set("Content-Type", contentType)
			got := bindServe(engine, r)
			switch got.status {
			case http.StatusOK:
				if !json.Valid(got.body) {
					t.Fatalf("%s: 200 with a body that is not JSON: %s", target, got.body)
				}
				var v fuzzBody
				if err := json.Unmarshal(body, &v); target == "/body" && err != nil {
					t.Fatalf("/body: 200 for a body encoding/json refuses (%v): %q", err, body)
				}
			case http.StatusUnprocessableEntity:
				var v fuzzBody
				if target == "/body" && jsonContentType(contentType) && json.Unmarshal(body, &v) == nil && binding.Validator.ValidateStruct(&v) == nil {
					t.Fatalf("/body: 422 for a body that decodes and validates: %q: %s", body, got.body)
				}
				if target == "/form" {
					checkProblemShape(t, got.body, "body", fuzzFormKeys)
				} else {
					checkProblemShape(t, got.body, "body", nil)
				}
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
				var v struct{ Detail string }
				if err := json.Unmarshal(got.body, &v); err != nil || v.Detail == "" {
					t.Fatalf("%s: %d without a detail: %s", target, got.status, got.body)
				}
				if target == "/body" && got.status == http.StatusBadRequest {
					t.Fatalf("/body: 400 %s", got.body)
				}
			default:
				t.Fatalf("%s %q (%q): status %d: %s", target, body, contentType, got.status, got.body)
			}
		}
	})
}

// jsonContentType is FastAPI's test of a JSON body: no content type,
// application/json or application/*+json.
func jsonContentType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "" || mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}
