package tutorial004

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/tests/tutorials/internal/check"
)

func signed(t *testing.T, kv ...any) string { return check.Signed(t, secretKey, kv...) }

// FastAPI's tests of the tutorial (test_tutorial004.py). Where a token is
// present but not valid, the answer is RFC 6750's invalid_token, which
// says why, where FastAPI's tutorial says only "Bearer".
func TestTutorial004(t *testing.T) {
	gin.SetMode(gin.TestMode)
	app := App()
	w := check.Do(app, check.Post("/token", "username=johndoe&password=secret"))
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &tok) != nil || tok.AccessToken == "" || tok.TokenType != "bearer" {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	incorrect := check.Want(401, "Bearer", `{"detail":"Incorrect username or password"}`)
	invalid := func(why string) check.Answer {
		return check.Want(401, `Bearer error="invalid_token", error_description="`+why+`"`, `{"detail":"Could not validate credentials"}`)
	}
	alice := UserInDB{User{"alice", "alice@example.com", "Alice Chains", true}, ""}
	fakeUsersDB["alice"] = alice
	t.Cleanup(func() { delete(fakeUsersDB, "alice") })
	check.Run(t, app, []check.Case{
		check.C("login, incorrect password", check.Post("/token", "username=johndoe&password=incorrect"), incorrect),
		check.C("login, incorrect username", check.Post("/token", "username=foo&password=secret"), incorrect),
		check.C("no token", check.Get("/users/me/"), check.Want(401, "Bearer", `{"detail":"Not authenticated"}`)),
		check.C("token", check.Get("/users/me/", check.Bearer(tok.AccessToken)...),
			check.Want(200, "", `{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}`)),
		check.C("items", check.Get("/users/me/items/", check.Bearer(tok.AccessToken)...), check.Want(200, "", `[{"item_id":"Foo","owner":"johndoe"}]`)),
		check.C("incorrect token", check.Get("/users/me/", check.Bearer("nonexistent")...), invalid("The access token is malformed")),
		check.C("incorrect token type", check.Get("/users/me/", "Authorization", "Notexistent testtoken"), check.Want(401, "Bearer", `{"detail":"Not authenticated"}`)),
		check.C("token without sub", check.Get("/users/me/", check.Bearer(signed(t, "sub", nil))...), invalid("The access token lacks a required claim")),
		check.C("token of a nonexistent user", check.Get("/users/me/", check.Bearer(signed(t, "sub", "nonexistent"))...), invalid("Unknown user")),
		check.C("token of an inactive user", check.Get("/users/me/", check.Bearer(signed(t, "sub", "alice"))...), check.Want(400, "", `{"detail":"Inactive user"}`)),
		check.C("expired token", check.Get("/users/me/", check.Bearer(signed(t, "exp", time.Now().Add(-time.Minute).Unix()))...), invalid("The access token expired")),
	})
}
