package browser_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"github.com/gindepends/gindepends/example_app/app"
	"github.com/gindepends/gindepends/tests/internal/exampletest"
)

// Timeouts: of each step of the test, and of the whole browser session, its
// start included; the test takes a few seconds.
const (
	stepTimeout  = 30 * time.Second
	totalTimeout = 55 * time.Second
)

// The Swagger UI elements the test works with, as Swagger UI 4.15.5 (the
// one github.com/swaggo/files serves) renders them. The OAuth2 scheme has
// two flows, so the Authorize dialog has a form for each: the forms are
// told apart by their titles, with XPath, as their inputs share ids
// (client_id) or are gone once authorized (oauth_username); Logout is a
// button of the same classes as Authorize.
const (
	authorizeButton = `.btn.authorize`
	usersMe         = `#operations-tutorial-getUsersMe`
	usersMeItems    = `#operations-tutorial-getUsersMeItems`
)

// A form of the Authorize dialog, for one flow of the OAuth2 scheme: an
// XPath.
type form string

const (
	passwordForm form = `//div[contains(concat(" ", @class, " "), " auth-container ")][.//h4[contains(., "(OAuth2, password)")]]`
	codeForm     form = `//div[contains(concat(" ", @class, " "), " auth-container ")][.//h4[contains(., "(OAuth2, authorizationCode with PKCE)")]]`
)

// button is the form's button labelled text: Authorize, Logout or Close.
func (f form) button(text string) string {
	return fmt.Sprintf(`%s//button[normalize-space() = %q]`, f, text)
}

// input is the form's input of id.
func (f form) input(id string) string { return fmt.Sprintf(`%s//*[@id = %q]`, f, id) }

// scope is the label of a scope's checkbox in the form: Swagger UI hides
// the checkbox itself and draws the label.
func (f form) scope(name string) string {
	return fmt.Sprintf(`%s//label[starts-with(@for, %q)]`, f, name+"-")
}

// TestSwaggerUIOAuth2 logs in through Swagger UI at /docs in a headless
// Chromium, as a user of the docs would, and calls the tutorial's routes
// with the tokens Swagger UI gets:
//
//  1. the password flow, with the scopes me and items: GET /users/me/ and
//     GET /users/me/items/ answer 200;
//  2. logged out, the authorization-code flow with PKCE: Swagger UI opens the
//     authorization server's login page in a popup, asking for me and items;
//     the user logs in and grants only me; the redirect page hands the code
//     to Swagger UI and closes the popup; Swagger UI exchanges it for a
//     token: GET /users/me/ answers 200;
//  3. GET /users/me/items/, whose scope items was not granted, answers 403.
//
// Screenshots of each step go to $SCREENSHOT_DIR, or to a temporary folder;
// the test logs which.
func TestSwaggerUIOAuth2(t *testing.T) {
	chromium := findChromium(t)
	srv, authorizeRequests := start(t)
	b := newBrowser(t, chromium)

	// 1. The password flow.
	b.step("open the docs", func(ctx context.Context) error {
		return chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+"/docs"),
			chromedp.WaitVisible(chromedp.CSS(usersMe)),
			chromedp.WaitVisible(chromedp.CSS(authorizeButton)),
		)
	})
	b.shot("01-docs")
	b.openAuthorize()
	b.step("fill the password flow's form", func(ctx context.Context) error {
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(passwordForm.input("oauth_username"), "johndoe"),
			chromedp.SendKeys(passwordForm.input("oauth_password"), "secret"),
		); err != nil {
			return err
		}
		// Swagger UI fills in the client of swagger.ClientID (initOAuth).
		if err := b.fillClientID(ctx, passwordForm); err != nil {
			return err
		}
		// Swagger UI's default sends the client in an Authorization header,
		// Basic with an empty secret: the server reads it as the public
		// client's ID. The default is kept, so that this is what is tested.
		return chromedp.Do(ctx,
			chromedp.Click(passwordForm.scope("me")),
			chromedp.Click(passwordForm.scope("items")),
		)
	})
	b.shot("02-password-form", string(passwordForm))
	b.authorize(passwordForm)
	b.shot("03-password-authorized", string(passwordForm))
	b.closeDialog(passwordForm)
	b.execute(usersMe, "04-password-users-me", http.StatusOK, `"username": "johndoe"`)
	b.execute(usersMeItems, "05-password-users-me-items", http.StatusOK, `"owner": "johndoe"`)

	// 2. Log out; the authorization-code flow with PKCE, in a popup.
	b.openAuthorize()
	b.step("log out", func(ctx context.Context) error {
		return chromedp.Do(ctx,
			chromedp.Click(passwordForm.button("Logout")),
			chromedp.WaitVisible(passwordForm.button("Authorize")),
			chromedp.WaitVisible(codeForm.button("Authorize")),
		)
	})
	// Swagger UI 4.15.5's forms keep the state they were opened with: the
	// authorization-code form, opened while the password flow's token was
	// there, ignores clicks on its scopes once logged out. Reopen the
	// dialog, as a user would after logging out.
	b.closeDialog(passwordForm)
	b.openAuthorize()
	b.step("fill the authorization-code flow's form", func(ctx context.Context) error {
		if err := b.fillClientID(ctx, codeForm); err != nil {
			return err
		}
		// Both scopes are asked for; the user grants only one on the login
		// page.
		return chromedp.Do(ctx,
			chromedp.Click(codeForm.scope("me")),
			chromedp.Click(codeForm.scope("items")),
		)
	})
	b.shot("06-code-form", string(codeForm))
	popup := b.openPopup(codeForm)
	popup.step("the login page", func(ctx context.Context) error {
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`input[name=username]`))); err != nil {
			return err
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			return err
		}
		if !strings.HasPrefix(loc, srv.URL+"/oauth/login?") {
			return fmt.Errorf("the popup is at %s, not the login page", loc)
		}
		// The page lists the scopes asked for, each checked.
		checked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("input[name=scope]:checked")].map(e => e.value).sort()`))
		if err != nil {
			return err
		}
		if strings.Join(checked, " ") != "items me" {
			return fmt.Errorf("the login page asks for %q, want items and me", checked)
		}
		return chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "johndoe"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "secret"),
			// Grant me only.
			chromedp.Click(chromedp.CSS(`input[name=scope][value=items]`)),
		)
	})
	popup.shot("07-login-page")
	gone, err := chromedp.Detached(popup.ctx)
	if err != nil {
		t.Fatal(err)
	}
	popup.step("log in and allow", func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[name=decision][value=allow]`)))
	})
	// The login page redirects to Swagger UI's redirect page, which hands
	// the code to the docs' window and closes the popup.
	popup.step("the redirect page closes the popup", func(ctx context.Context) error {
		select {
		case <-gone:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("the popup is still open: %w", ctx.Err())
		}
	})
	popup.close()
	b.authorized(codeForm)
	b.shot("08-code-authorized", string(codeForm))
	// Swagger UI asked for the code with PKCE, to its redirect page.
	if got := authorizeRequests(); len(got) != 1 || got[0].Get("code_challenge_method") != "S256" || got[0].Get("code_challenge") == "" ||
		got[0].Get("client_id") != app.PublicClient || got[0].Get("redirect_uri") != srv.URL+"/docs/oauth2-redirect.html" ||
		got[0].Get("scope") != "me items" && got[0].Get("scope") != "items me" {
		t.Fatalf("the requests to /oauth/authorize: %v", got)
	}
	b.closeDialog(codeForm)
	b.execute(usersMe, "09-code-users-me", http.StatusOK, `"username": "johndoe"`)

	// 3. The scope the user did not grant.
	b.execute(usersMeItems, "10-code-users-me-items-403", http.StatusForbidden, `"detail": "Not enough permissions"`)
}

// browser is a tab of a headless Chromium, and where its screenshots go.
type browser struct {
	t      *testing.T
	ctx    context.Context // the tab's
	dir    string
	cancel context.CancelFunc
}

// newBrowser starts Chromium, headless, with a tab; the test's cleanup
// closes them.
func newBrowser(t *testing.T, chromium string) *browser {
	t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", dir)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless
		chromedp.ExecPath(chromium),
		chromedp.WindowSize(1280, 900),
	)
	if os.Geteuid() == 0 {
		// Chromium's sandbox does not run as root (CI does).
		opts = append(opts, chromedp.NoSandbox)
	}
	ctx, cancelTotal := context.WithTimeout(context.Background(), totalTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	b := &browser{t: t, ctx: tabCtx, dir: dir, cancel: func() {
		// Close the browser gracefully; the allocator's cancel waits for
		// its process to end and its profile to be removed.
		if err := chromedp.Cancel(tabCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("closing the browser: %v", err)
		}
		cancelTab()
		cancelAlloc()
		cancelTotal()
	}}
	t.Cleanup(b.cancel)
	// The first action starts the browser, bound to the context it is given:
	// the tab's, not a step's, which ends with the step.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return b
}

// step runs one step of the test, with a timeout. A failed step fails the
// test with the page's text, and saves it and a screenshot of the page.
func (b *browser) step(name string, f func(ctx context.Context) error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := f(ctx); err != nil {
		b.fail(name, err)
	}
}

// unsafe is what a file's name does without.
var unsafe = regexp.MustCompile(`[^a-z0-9]+`)

// fail ends the test, with what the page shows.
func (b *browser) fail(name string, err error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	file := filepath.Join(b.dir, "failed-"+strings.Trim(unsafe.ReplaceAllString(strings.ToLower(name), "-"), "-"))
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		if err := os.WriteFile(file+".png", png, 0o644); err != nil {
			b.t.Error(err)
		}
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, terr := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if terr != nil {
		text = "(the page's text cannot be read: " + terr.Error() + ")"
	}
	if err := os.WriteFile(file+".txt", []byte(loc+"\n\n"+text), 0o644); err != nil {
		b.t.Error(err)
	}
	if len(text) > 4000 {
		text = strings.ToValidUTF8(text[:4000], "") + "\n[…]"
	}
	b.t.Fatalf("%s: %v\n(%s.png and .txt)\nthe page %s:\n%s", name, err, file, loc, text)
}

// shot saves a screenshot, name.png: of the smallest area that holds the
// elements of sels (XPath or CSS selectors, as DOM.performSearch takes
// them), or of the whole page.
func (b *browser) shot(name string, sels ...string) {
	b.t.Helper()
	b.step("screenshot "+name, func(ctx context.Context) error {
		var (
			png []byte
			err error
		)
		if len(sels) == 0 {
			png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		} else {
			// In view first: the dialog's forms are in a scrolling box.
			if err := chromedp.Do(ctx, chromedp.ScrollIntoView(sels[0])); err != nil {
				return err
			}
			var nodes []*chromedp.Node
			for _, sel := range sels {
				n, err := chromedp.Run(ctx, chromedp.Nodes(sel, chromedp.NodeVisible))
				if err != nil {
					return err
				}
				nodes = append(nodes, n[0])
			}
			png, err = chromedp.Run(ctx, chromedp.ScreenshotNodes(nodes, 1))
		}
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644)
	})
}

// openAuthorize opens the Authorize dialog.
func (b *browser) openAuthorize() {
	b.t.Helper()
	b.step("open the Authorize dialog", func(ctx context.Context) error {
		return chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(authorizeButton)),
			chromedp.WaitVisible(passwordForm),
			chromedp.WaitVisible(codeForm),
		)
	})
}

// fillClientID checks that the form has Swagger UI's client, example-app,
// and types it if the field is empty.
func (b *browser) fillClientID(ctx context.Context, f form) error {
	sel := f.input("client_id")
	id, err := chromedp.Run(ctx, chromedp.Value(sel))
	if err != nil {
		return err
	}
	switch id {
	case app.PublicClient:
		return nil
	case "":
		b.t.Logf("client_id is empty: typing %s", app.PublicClient)
		return chromedp.Do(ctx, chromedp.SendKeys(sel, app.PublicClient))
	}
	return fmt.Errorf("client_id is %q, want %s", id, app.PublicClient)
}

// authorize clicks the form's Authorize and waits until Swagger UI has a
// token.
func (b *browser) authorize(f form) {
	b.t.Helper()
	b.step("authorize", func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.Click(f.button("Authorize")))
	})
	b.authorized(f)
}

// authorized waits until the form shows its scheme authorized, with a
// Logout button; an error Swagger UI shows in the form fails the test.
func (b *browser) authorized(f form) {
	b.t.Helper()
	b.step("wait for the authorization", func(ctx context.Context) error {
		state, err := chromedp.Run(ctx, chromedp.Poll[string](fmt.Sprintf(`(() => {
			const f = document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
			if (!f) return "";
			const errs = f.querySelector(".errors");
			if (errs && errs.innerText.trim()) return "Swagger UI says: " + errs.innerText.trim();
			if ([...f.querySelectorAll("button")].some(b => b.innerText.trim() == "Logout")) return "authorized";
			return "";
		})()`, f), chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
		if err != nil {
			return err
		}
		if state != "authorized" {
			return errors.New(state)
		}
		return nil
	})
}

// closeDialog closes the Authorize dialog with a form's Close.
func (b *browser) closeDialog(f form) {
	b.t.Helper()
	b.step("close the dialog", func(ctx context.Context) error {
		return chromedp.Do(ctx,
			chromedp.Click(f.button("Close")),
			chromedp.WaitNotPresent(chromedp.CSS(".modal-ux")),
		)
	})
}

// openPopup clicks the form's Authorize, which opens the authorization
// server's login page in a popup, and returns the popup's tab.
func (b *browser) openPopup(f form) *browser {
	b.t.Helper()
	var id target.ID
	b.step("open the login popup", func(ctx context.Context) error {
		ch := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool { return info.Type == "page" })
		if err := chromedp.Do(ctx, chromedp.Click(f.button("Authorize"))); err != nil {
			return err
		}
		select {
		case id = <-ch:
			if id == "" {
				return errors.New("no popup")
			}
			return nil
		case <-ctx.Done():
			return fmt.Errorf("no popup: %w", ctx.Err())
		}
	})
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(id))
	p := &browser{t: b.t, ctx: ctx, dir: b.dir, cancel: cancel}
	// Attach to the popup with its own context, not a step's: the tab's
	// connection would end with the step.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		b.fail("attach to the popup", err)
	}
	return p
}

// close detaches from a popup, and closes it if it is still open.
func (b *browser) close() { b.cancel() }

// execute calls the operation op from its panel, Try it out then Execute,
// and checks the response's status and body; the screenshot name shows the
// panel's head and the response.
func (b *browser) execute(op, name string, status int, body string) {
	b.t.Helper()
	js := func(ctx context.Context, expr string, args ...any) (bool, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(expr, args...)))
	}
	b.step("execute "+op, func(ctx context.Context) error {
		open, err := js(ctx, `document.querySelector(%q).classList.contains("is-open")`, op)
		if err != nil {
			return err
		}
		if !open {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(op+" .opblock-summary"))); err != nil {
				return err
			}
		}
		// Try it out, unless it is on already.
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(op+" .try-out__btn"))); err != nil {
			return err
		}
		on, err := js(ctx, `!!document.querySelector(%q)`, op+" .btn.execute")
		if err != nil {
			return err
		}
		if !on {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(op+" .try-out__btn"))); err != nil {
				return err
			}
		}
		// Clear the previous response, if any.
		shown, err := js(ctx, `!!document.querySelector(%q)`, op+" .btn-clear")
		if err != nil {
			return err
		}
		if shown {
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(op+" .btn-clear")),
				chromedp.WaitNotPresent(chromedp.CSS(op+" .live-responses-table")),
			); err != nil {
				return err
			}
		}
		return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(op+" .btn.execute")))
	})
	b.step("the response of "+op, func(ctx context.Context) error {
		got, err := chromedp.Run(ctx, chromedp.Poll[[]string](fmt.Sprintf(`(() => {
			const r = document.querySelector(%q);
			if (!r) return null;
			const status = r.querySelector(".response-col_status");
			const body = r.querySelector(".response-col_description pre");
			if (!status || !body) return null;
			return [status.innerText.trim(), body.innerText];
		})()`, op+" .live-responses-table .response"), chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
		if err != nil {
			return err
		}
		if got[0] != fmt.Sprint(status) || !strings.Contains(got[1], body) {
			return fmt.Errorf("got %s %s, want %d with %s", got[0], got[1], status, body)
		}
		return nil
	})
	b.shot(name, op+" .opblock-summary", op+" .live-responses-table")
}

// findChromium finds a Chromium or Chrome on PATH, or skips the test.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not found: apt-get install chromium")
	return ""
}

// start runs the example, its authorization server and its API, on a real
// listener on 127.0.0.1 (as tests/example_app_test.go does), with its state
// in a temporary folder. It returns once the API can check tokens, with a
// func that lists the queries of the requests to /oauth/authorize so far.
func start(t *testing.T) (*httptest.Server, func() []url.Values) {
	t.Helper()
	var (
		mu        sync.Mutex
		authorize []url.Values
	)
	srv, _ := exampletest.Start(t, app.Config{}, func(c *gin.Context) {
		if c.Request.URL.Path == "/oauth/authorize" {
			mu.Lock()
			authorize = append(authorize, c.Request.URL.Query())
			mu.Unlock()
		}
	})
	return srv, func() []url.Values {
		mu.Lock()
		defer mu.Unlock()
		return append([]url.Values(nil), authorize...)
	}
}
