; ---- imports ---------------------------------------------------------------
(import_statement name: (dotted_name) @import.import) @import.span
(import_statement
  name: (aliased_import name: (dotted_name) @import.import alias: (identifier) @import.alias)) @import.span
(import_from_statement module_name: (dotted_name) @import.import) @import.span
(import_from_statement
  module_name: [(dotted_name) (relative_import)] @import.import
  name: [(dotted_name) @import.names (aliased_import name: (dotted_name) @import.aliasof alias: (identifier) @import.names)]) @import.span

; ---- environment reads -----------------------------------------------------
; pydantic settings: class Settings(BaseSettings): STRIPE_KEY: str (each
; field reads the variable of its name, case-insensitively)
(class_definition
  superclasses: (argument_list [(identifier) (attribute)] @_base)
  body: (block (expression_statement (assignment left: (identifier) @env.field type: (_)) @env))
  (#match? @_base "BaseSettings$"))
; os.environ["NAME"]
(subscript
  value: (attribute object: (identifier) @_os attribute: (identifier) @_environ)
  subscript: (string) @env.name
  (#eq? @_os "os") (#eq? @_environ "environ")) @env

; environ["NAME"] (from os import environ)
(subscript
  value: (identifier) @_environ
  subscript: (string) @env.name
  (#eq? @_environ "environ")) @env

; os.environ.get("NAME"[, default])
(call
  function: (attribute
    object: (attribute object: (identifier) @_os attribute: (identifier) @_environ)
    attribute: (identifier) @_get)
  arguments: (argument_list . (string) @env.name)
  (#eq? @_os "os") (#eq? @_environ "environ") (#match? @_get "^(get|setdefault|pop)$")) @env
(call
  function: (attribute
    object: (attribute object: (identifier) @_os attribute: (identifier) @_environ)
    attribute: (identifier) @_get)
  arguments: (argument_list . (string) @env.name . (_) @env.default)
  (#eq? @_os "os") (#eq? @_environ "environ") (#match? @_get "^(get|setdefault)$")) @env

; environ.get("NAME")
(call
  function: (attribute object: (identifier) @_environ attribute: (identifier) @_get)
  arguments: (argument_list . (string) @env.name)
  (#eq? @_environ "environ") (#eq? @_get "get")) @env

; os.getenv("NAME"[, default])
(call
  function: (attribute object: (identifier) @_os attribute: (identifier) @_getenv)
  arguments: (argument_list . (string) @env.name)
  (#eq? @_os "os") (#eq? @_getenv "getenv")) @env
(call
  function: (attribute object: (identifier) @_os attribute: (identifier) @_getenv)
  arguments: (argument_list . (string) @env.name . (_) @env.default)
  (#eq? @_os "os") (#eq? @_getenv "getenv")) @env

; getenv("NAME") and config helpers with an ALL_CAPS literal:
; config("X") (python-decouple), env("X"), env.str("X") (environs)
(call
  function: (identifier) @_fn
  arguments: (argument_list . (string) @env.name)
  (#match? @_fn "^(getenv|config|env)$")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env
(call
  function: (identifier) @_fn
  arguments: (argument_list . (string) @env.name . [(_) (keyword_argument)] @env.default)
  (#match? @_fn "^(getenv|config|env)$")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env
(call
  function: (attribute object: (identifier) @_env attribute: (identifier))
  arguments: (argument_list . (string) @env.name)
  (#eq? @_env "env")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env

; path constants that mounts and routes elsewhere name (prefix=settings.API_V1_STR):
; API_V1_STR: str = "/api/v1", API_PREFIX = "/api" (any file that is parsed)
(assignment
  left: (identifier) @const.name
  right: (string) @const.value
  (#match? @const.value "^[rbuRBU]?.[/]")) @const

; ---- calls -----------------------------------------------------------------
(call) @call

; ---- routes (issue 4) --------------------------------------------------------
; @app.route("/x", methods=["POST"]), @bp.post("/x"), @router.post("/x")
(decorated_definition
  (decorator
    (call
      function: (attribute object: (identifier) @route.router attribute: (identifier) @route.method)
      arguments: (argument_list . (string) @route.path)))
  definition: (function_definition name: (identifier) @route.handler) @route.body
  (#match? @route.method "^(route|get|post|put|patch|delete|api_route)$")) @route
(decorated_definition
  (decorator
    (call
      function: (attribute object: (identifier) @route.router attribute: (identifier) @_route)
      arguments: (argument_list . (string) @route.path
        (keyword_argument name: (identifier) @_m value: (list) @route.methods))))
  definition: (function_definition name: (identifier) @route.handler) @route.body
  (#match? @_route "^(route|api_route)$")
  (#eq? @_m "methods")) @route

; Django: path("webhooks/stripe/", views.stripe_webhook)
(call
  function: (identifier) @_path
  arguments: (argument_list . (string) @route.path . [(identifier) (attribute)] @route.handler)
  (#match? @_path "^(path|re_path)$")) @route
; path("callback/", GoogleLoginApi.as_view()): a class-based view
(call
  function: (identifier) @_path
  arguments: (argument_list . (string) @route.path . (call function: (attribute object: [(identifier) (attribute)] @route.handler attribute: (identifier) @_as)))
  (#match? @_path "^(path|re_path|url)$")
  (#eq? @_as "as_view")) @route

; app.include_router(r, prefix=settings.API_V1_STR): the prefix is a
; constant, resolved across files
(call
  function: (attribute object: (identifier) @mount.parent attribute: (identifier) @_reg)
  arguments: (argument_list . [(identifier) (attribute)] @mount.target
    (keyword_argument name: (identifier) @_k value: [(identifier) (attribute)] @mount.prefixconst))
  (#eq? @_reg "include_router")
  (#eq? @_k "prefix")) @mount

; Blueprint("x", __name__, url_prefix="/api"), APIRouter(prefix="/api")
(assignment
  left: (identifier) @mount.target
  right: (call
    function: (identifier) @_bp
    arguments: (argument_list (keyword_argument name: (identifier) @_k value: (string) @mount.prefix)))
  (#match? @_bp "^(Blueprint|APIRouter)$")
  (#match? @_k "^(url_prefix|prefix)$")) @mount
; Flask-Dance: bp = make_github_blueprint(...) serves /github/authorized,
; the OAuth callback, under wherever bp is registered
(assignment
  left: (identifier) @route.router
  right: (call function: [(identifier) (attribute)] @route.dance)
  (#match? @route.dance "make_[a-z0-9_]+_blueprint$")) @route
; app.include_router(r, prefix="/api"): before the router's own prefix
(call
  function: (attribute object: (identifier) @mount.parent attribute: (identifier) @_reg)
  arguments: (argument_list . [(identifier) (attribute)] @mount.target
    (keyword_argument name: (identifier) @_k value: (string) @mount.prefix))
  (#eq? @_reg "include_router")
  (#match? @_k "^(url_prefix|prefix)$")) @mount
; router.include_router(billing.router): mounted without a prefix
(call
  function: (attribute object: (identifier) @mount.parent attribute: (identifier) @_reg)
  arguments: (argument_list . [(identifier) (attribute)] @mount.target .)
  (#eq? @_reg "include_router")) @mount
; app.register_blueprint(bp, url_prefix="/api"): replaces the blueprint's own
(call
  function: (attribute object: (identifier) @mount.parent attribute: (identifier) @mount.override)
  arguments: (argument_list . [(identifier) (attribute)] @mount.target
    (keyword_argument name: (identifier) @_k value: (string) @mount.prefix))
  (#eq? @mount.override "register_blueprint")
  (#eq? @_k "url_prefix")) @mount
; django-allauth: INSTALLED_APPS = [..., "allauth.socialaccount.providers.google"]
(assignment
  left: (identifier) @prop.name
  right: [(list (string) @prop.value @prop) (tuple (string) @prop.value @prop)]
  (#match? @prop.value "^.allauth[.]socialaccount[.]providers[.][a-z0-9_]+.$"))
; python-social-auth: AUTHENTICATION_BACKENDS = ("social_core.backends.github.GithubOAuth2", ...)
(assignment
  left: (identifier) @prop.name
  right: [(list (string) @prop.value @prop) (tuple (string) @prop.value @prop)]
  (#match? @prop.value "^.social_core[.]backends[.][a-z0-9_]+[.][A-Za-z0-9_]+.$"))
; Django: path("api/", include("billing.urls"))
(call
  function: (identifier) @_path
  arguments: (argument_list . (string) @mount.prefix . (call
    function: (identifier) @_include
    arguments: (argument_list . (string) @mount.target)))
  (#match? @_path "^(path|re_path)$")
  (#eq? @_include "include")) @mount
; path("login/", include(login_urlpatterns)): a list in the same module
(call
  function: (identifier) @_path
  arguments: (argument_list . (string) @mount.prefix . (call
    function: (identifier) @_include
    arguments: (argument_list . (identifier) @mount.target)))
  (#match? @_path "^(path|re_path)$")
  (#eq? @_include "include")) @mount
; path("auth/", include(("app.urls", "namespace")))
(call
  function: (identifier) @_path
  arguments: (argument_list . (string) @mount.prefix . (call
    function: (identifier) @_include
    arguments: (argument_list . (tuple . (string) @mount.target))))
  (#match? @_path "^(path|re_path)$")
  (#eq? @_include "include")) @mount

(function_definition name: (identifier) @func.name) @func
; urlpatterns lists: include(login_urlpatterns) mounts what the list holds
(assignment left: (identifier) @func.name right: (list)) @func
; a class-based view: its methods handle the route that names the class
(class_definition name: (identifier) @func.name) @func

; event types: event["type"] == "x", event.type == "x"
(comparison_operator
  (subscript subscript: (string) @_k)
  (string) @event.value
  (#match? @_k "type"))
(comparison_operator
  (attribute attribute: (identifier) @_p)
  (string) @event.value
  (#match? @_p "^(type|event_type|event)$"))

; ---- CORS origins (issue 4.3) ------------------------------------------------
; flask-cors CORS(app, origins=[...]) / @cross_origin(origins=...), Starlette
; add_middleware(CORSMiddleware, allow_origins=[...])
(call
  function: [(identifier) (attribute)] @_fn
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @prop.name
      value: [(string) @prop.value (list (string) @prop.value) (tuple (string) @prop.value)]))
  (#match? @_fn "(^|\\.)(CORS|cross_origin|add_middleware|CORSMiddleware)$")
  (#match? @prop.name "^(origins|allow_origins)$")) @prop
; CORS(app, resources={r"/api/*": {"origins": [...]}})
(keyword_argument
  name: (identifier) @_res
  value: (dictionary
    (pair
      value: (dictionary
        (pair
          key: (string) @prop.name
          value: [(string) @prop.value (list (string) @prop.value) (tuple (string) @prop.value)]))))
  (#eq? @_res "resources")
  (#match? @prop.name "^.origins.$")) @prop
; Django settings (django-cors-headers): CORS_ALLOWED_ORIGINS = [...]
(assignment
  left: (identifier) @prop.name
  right: [(list (string) @prop.value) (tuple (string) @prop.value)]
  (#eq? @prop.name "CORS_ALLOWED_ORIGINS")) @prop
