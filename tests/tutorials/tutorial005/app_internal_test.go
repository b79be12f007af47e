package tutorial005

import (
	"encoding/json"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/tests/tutorials/internal/check"
)

func signed(t *testing.T, kv ...any) string { return check.Signed(t, secretKey, kv...) }

// FastAPI's tests of the tutorial (test_tutorial005.py). Where a token is
// present but not valid, the answer is RFC 6750's invalid_token, which
// says why, where FastAPI's tutorial says only "Bearer".
func TestTutorial004(t *testing.T) {
	gin.SetMode(gin.TestMode)
	app := App()
	login := func(scope string) string {
		w := check.Do(app, check.Post("/token", "username=johndoe&password=secret&scope="+scope))
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
		}
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &tok) != nil || tok.AccessToken == "" || tok.TokenType != "bearer" {
			t.Fatalf("login: %d %s", w.Code, w.Body)
		}
		return tok.AccessToken
	}
	incorrect := check.Want(400, "", `{"detail":"Incorrect username or password"}`)
	invalid := func(why string) check.Answer {
		return check.Want(401, `Bearer error="invalid_token", error_description="`+why+`"`, `{"detail":"Could not validate credentials"}`)
	}
	notAuthenticated := check.Want(401, "Bearer", `{"detail":"Not authenticated"}`)
	check.Run(t, app, []check.Case{
		check.C("login, incorrect password", check.Post("/token", "username=johndoe&password=incorrect"), incorrect),
		check.C("login, incorrect username", check.Post("/token", "username=foo&password=secret"), incorrect),
		check.C("no token", check.Get("/users/me/"), notAuthenticated),
		check.C("token", check.Get("/users/me/", check.Bearer(login("me"))...),
			check.Want(200, "", `{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}`)),
		check.C("incorrect token", check.Get("/users/me/", check.Bearer("nonexistent")...), invalid("The access token is malformed")),
		check.C("incorrect token type", check.Get("/users/me/", "Authorization", "Notexistent testtoken"), notAuthenticated),
		check.C("token without sub", check.Get("/users/me/", check.Bearer(signed(t, "sub", nil, "scope", "me"))...), invalid("The access token lacks a required claim")),
		check.C("token without scope", check.Get("/users/me/", check.Bearer(login(""))...), check.Want(401, `Bearer scope="me"`, `{"detail":"Not enough permissions"}`)),
		check.C("token of a nonexistent user", check.Get("/users/me/", check.Bearer(signed(t, "sub", "nonexistent", "scope", "me"))...), invalid("Unknown user")),
		check.C("token of an inactive user", check.Get("/users/me/", check.Bearer(signed(t, "sub", "alice", "scope", "me"))...), check.Want(400, "", `{"detail":"Inactive user"}`)),
		check.C("items", check.Get("/users/me/items/", check.Bearer(login("me items"))...), check.Want(200, "", `[{"item_id":"Foo","owner":"johndoe"}]`)),
		check.C("items without their scope", check.Get("/users/me/items/", check.Bearer(login("me"))...), check.Want(401, `Bearer scope="items me"`, `{"detail":"Not enough permissions"}`)),
		check.C("status", check.Get("/status/", check.Bearer(login(""))...), check.Want(200, "", `{"status":"ok"}`)),
		check.C("status without a token", check.Get("/status/"), notAuthenticated),
		check.C("alice logs in, inactive", check.Get("/users/me/", check.Bearer(loginAs(t, app, "alice", "secret2"))...), check.Want(400, "", `{"detail":"Inactive user"}`)),
	})
}

func loginAs(t *testing.T, app *gin.Engine, user, password string) string {
	w := check.Do(app, check.Post("/token", "username="+user+"&password="+password+"&scope=me"))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &tok) != nil {
		t.Fatalf("login %s: %d %s", user, w.Code, w.Body)
	}
	return tok.AccessToken
}
