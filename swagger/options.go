package swagger

import (
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/swaggo/swag"
)

// Option configures the document and how it is served.
type Option func(*config)

type config struct {
	title, version, description string
	swag                        swag.Swagger
	clientID                    string
	openAPIPath, docsPath       string
}

func newConfig(opts []Option) config {
	c := config{openAPIPath: "/openapi.json", docsPath: "/docs"}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Title sets the document's title (FastAPI's title); the default is swag's
// @title, else "API".
func Title(title string) Option { return func(c *config) { c.title = title } }

// Version sets the API's version (FastAPI's version); the default is
// swag's @version, else "0.1.0".
func Version(version string) Option { return func(c *config) { c.version = version } }

// Description sets the document's description, in CommonMark; the default
// is swag's @description.
func Description(text string) Option { return func(c *config) { c.description = text } }

// Annotations merges the document that swag generated from the handlers'
// annotations (docs.SwaggerInfo, from `swag init`) into the one built from
// the declarations: summaries, descriptions, tags, operation ids and
// response descriptions come from it; security, parameters, bodies and
// models from the declarations, which win where the two disagree ([Drift]
// reports where).
func Annotations(doc swag.Swagger) Option { return func(c *config) { c.swag = doc } }

// ClientID is the OAuth2 client that Swagger UI's Authorize dialog uses,
// a public client: with it, the authorization-code flow uses PKCE.
func ClientID(id string) Option { return func(c *config) { c.clientID = id } }

// Paths sets where [Mount] serves the document and Swagger UI; the
// defaults are FastAPI's, /openapi.json and /docs.
func Paths(openAPI, docs string) Option {
	return func(c *config) { c.openAPIPath, c.docsPath = openAPI, docs }
}

func (c config) info(ann *annotations) *openapi3.Info {
	info := &openapi3.Info{Title: "API", Version: "0.1.0"}
	if ann != nil && ann.v3.Info != nil {
		cp := *ann.v3.Info
		info = &cp
		if info.Title == "" {
			info.Title = "API"
		}
		if info.Version == "" {
			info.Version = "0.1.0"
		}
	}
	if c.title != "" {
		info.Title = c.title
	}
	if c.version != "" {
		info.Version = c.version
	}
	if c.description != "" {
		info.Description = c.description
	}
	return info
}
