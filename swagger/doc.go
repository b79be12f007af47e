// Package swagger builds the OpenAPI document of a gindepends API from its
// declarations, and serves it with Swagger UI, as FastAPI serves /docs.
//
// FastAPI's docs are right because they come from the same declarations
// that enforce. Gin teams write swag annotations by hand, and they drift:
// swag (Swagger 2.0) cannot express an HTTP bearer scheme, OpenID Connect, a
// refresh URL or a cookie API key, never checks that a scheme or a scope
// exists, and reads `A || B` as A AND B. Here the route registry of a
// [di.Router] is the source: every route's parameters and body (the
// bindings, with their binding rules as JSON Schema), its success status
// and result type, the errors the library answers (401, 403, 413, 422 in
// FastAPI's shapes) and its security requirements, with scopes merged, an
// AnyOf as alternatives and optional authentication as an added {}.
//
// # Serving
//
//	api := di.NewRouter(engine)
//	api.GET("/users/me", di.JSON1(activeUser, readUsersMe))
//	swagger.Mount(engine, api, swagger.Annotations(docs.SwaggerInfo), swagger.ClientID("swagger-ui"))
//
// serves /openapi.json (OpenAPI 3.0.3, which the Swagger UI of gin-swagger
// renders) and Swagger UI at /docs, with OAuth2 set up for a public client:
// PKCE for the authorization-code flow, authorization kept across reloads.
//
// # Annotations
//
// A team keeps writing swag's annotations on handlers (@Summary,
// @Description, @Tags, @Param descriptions, @Success and @Failure lines)
// and runs swag init. [Annotations] merges swag's document into the one
// built from the declarations: the prose from swag, security, parameters,
// bodies and models from the declarations, which win where the two
// disagree. [Drift] lists where they disagree, each difference with the
// annotation to write; swaggertest.NoDrift fails a test with them, and the
// command swagdrift compares swag's swagger.json with a served document.
//
// # What is built
//
// Gin's paths become OpenAPI paths (/items/:id is /items/{id}) with an
// operation id from method and path (getItemsById) unless swag gives one
// (@ID). Query, path, header and cookie bindings become parameters named by
// their form, uri, header and cookie tags, with the form tag's default=; a
// JSON body becomes a request body whose schema is a component named after
// its Go type; a form body FastAPI's Body_<operationId> schema, the password
// form of ginauth included. Schemas come from kin-openapi's generator, with
// what the binding tags say: required, min/max/len, gte/lte/gt/lt, oneof and
// eq as enums, email/url/uuid as formats; swag's format, example and
// description tags are honoured too.
package swagger
