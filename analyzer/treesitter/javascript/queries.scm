; ---- imports ---------------------------------------------------------------
(import_statement
  (import_clause (identifier) @import.alias)?
  source: (string) @import.import) @import.span

(export_statement source: (string) @import.import) @import.span
; export { webhookRoutes } from "./webhook/routes": a barrel re-exports names
(export_statement
  (export_clause (export_specifier name: (identifier) @import.names))
  source: (string) @import.import
  (#match? @import.import "^.[./]")) @import.span

(call_expression
  function: (identifier) @_req
  arguments: (arguments . (string) @import.require)
  (#eq? @_req "require")) @import.span

(call_expression
  function: (import)
  arguments: (arguments . (string) @import.dynamic_import)) @import.span

; const webhooks = require("./webhooks")
(variable_declarator
  name: (identifier) @import.alias
  value: (call_expression
    function: (identifier) @_req
    arguments: (arguments . (string) @import.require))
  (#eq? @_req "require")) @import.span

; import { router, webhooks as hooks } from "./routes": the names a
; relative module binds, so a router mounted by name resolves to its file
(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @import.names !alias)))
  source: (string) @import.import
  (#match? @import.import "^.[./]")) @import.span
(import_statement
  (import_clause (named_imports (import_specifier alias: (identifier) @import.names)))
  source: (string) @import.import
  (#match? @import.import "^.[./]")) @import.span

; const { userRouter } = require("./routes/user")
(variable_declarator
  name: (object_pattern (shorthand_property_identifier_pattern) @import.names)
  value: (call_expression
    function: (identifier) @_req
    arguments: (arguments . (string) @import.require))
  (#eq? @_req "require")
  (#match? @import.require "^.[./]")) @import.span

; ---- environment reads -----------------------------------------------------
; process.env.NAME
(member_expression
  object: (member_expression
    object: (identifier) @_process
    property: (property_identifier) @_env)
  property: (property_identifier) @env.name
  (#eq? @_process "process")
  (#eq? @_env "env")) @env

; process.env["NAME"]
(subscript_expression
  object: (member_expression
    object: (identifier) @_process
    property: (property_identifier) @_env)
  index: (string) @env.name
  (#eq? @_process "process")
  (#eq? @_env "env")) @env

; import.meta.env.NAME
(member_expression
  object: (member_expression
    object: (member_expression
      object: (import)
      property: (property_identifier) @_meta)
    property: (property_identifier) @_env)
  property: (property_identifier) @env.name
  (#eq? @_meta "meta")
  (#eq? @_env "env")) @env

; const { NAME, OTHER: x, THIRD = "d" } = process.env
(variable_declarator
  name: (object_pattern
    [(shorthand_property_identifier_pattern) @env.name
     (pair_pattern key: (property_identifier) @env.name)
     (object_assignment_pattern left: (shorthand_property_identifier_pattern) @env.name) @env.default])
  value: (member_expression
    object: (identifier) @_process
    property: (property_identifier) @_env)
  (#eq? @_process "process")
  (#eq? @_env "env"))

; Hono's env adapter (hono/adapter): const { NAME } = env(c)
(variable_declarator
  name: (object_pattern
    [(shorthand_property_identifier_pattern) @env.name
     (pair_pattern key: (property_identifier) @env.name)
     (object_assignment_pattern left: (shorthand_property_identifier_pattern) @env.name) @env.default])
  value: (call_expression
    function: (identifier) @_env
    arguments: (arguments . (identifier)))
  (#eq? @_env "env"))

; Deno.env.get("NAME"), Bun.env.NAME
(call_expression
  function: (member_expression
    object: (member_expression object: (identifier) @_deno property: (property_identifier) @_env)
    property: (property_identifier) @_get)
  arguments: (arguments . (string) @env.name)
  (#eq? @_deno "Deno") (#eq? @_env "env") (#eq? @_get "get")) @env

; config helpers called with a literal ALL_CAPS name:
; env("X"), getEnv("X"), requireEnv("X"), config.get("X"), configService.get("X")
(call_expression
  function: (identifier) @_fn
  arguments: (arguments . (string) @env.name)
  (#match? @_fn "^(env|getEnv|getenv|requireEnv|mustGetEnv|readEnv)$")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env

(call_expression
  function: (member_expression
    object: [(identifier) (member_expression)] @_cfg
    property: (property_identifier) @_get)
  arguments: (arguments . (string) @env.name)
  (#match? @_cfg "(^|[.])(config|configService|env|ENV)$")
  (#match? @_get "^(get|getOrThrow|require|str|string|url)$")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env

; aliases of the environment: SvelteKit's `import { env } from
; "$env/dynamic/private"`, Vite's `const env = loadEnv(...)`, a Worker's
; `env` binding: env.STRIPE_SECRET_KEY (an ALL_CAPS member)
(member_expression
  object: (identifier) @_envobj
  property: (property_identifier) @env.name
  (#match? @_envobj "^(env|ENV|environment|processEnv|envVars)$")
  (#match? @env.name "^[A-Z][A-Z0-9_]*$")) @env

; SvelteKit: import { STRIPE_SECRET_KEY } from "$env/static/private"
(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @env.name) @env))
  source: (string) @_src
  (#match? @_src "^.[$]env/static/")
  (#match? @env.name "^[A-Z_][A-Za-z0-9_]*$"))

; env schemas: z.object({ STRIPE_SECRET_KEY: z.string(), ... }) parsed from
; process.env (zod, t3-env's createEnv): ALL_CAPS keys are variable names
(pair
  key: (property_identifier) @env.name
  value: (call_expression) @_zv
  (#match? @env.name "^[A-Z][A-Z0-9_]*$")
  (#match? @_zv "^z\\s*[.]")) @env

; ---- calls -----------------------------------------------------------------
(call_expression) @call
(new_expression) @new

; ---- routes (issue 4) --------------------------------------------------------
; app.post("/path", ...handlers), router.get(...), fastify.post(...)
(call_expression
  function: (member_expression
    object: (_) @route.router
    property: (property_identifier) @route.method)
  arguments: (arguments . (string) @route.path)
  (#match? @route.method "^(get|post|put|patch|delete|all|options|head)$")) @route

; app.use("/api", router) / app.use("/api", require("./routes"))
(call_expression
  function: (member_expression
    object: (_) @mount.parent
    property: (property_identifier) @_use)
  arguments: (arguments . (string) @mount.prefix (_) @mount.target .)
  (#match? @_use "^(use|register|route)$")) @mount

; Koa: app.use(router.routes()), api.use(webhooks.routes()): mounted
; without a prefix of its own (the router's prefix is its constructor's)
(call_expression
  function: (member_expression
    object: (_) @mount.parent
    property: (property_identifier) @_use)
  arguments: (arguments . (call_expression
    function: (member_expression
      object: (identifier) @mount.target
      property: (property_identifier) @_routes)) .)
  (#eq? @_use "use")
  (#eq? @_routes "routes")) @mount

; Koa: const router = new Router({ prefix: "/api" })
(variable_declarator
  name: (identifier) @mount.target
  value: (new_expression
    arguments: (arguments . (object
      (pair key: [(property_identifier) (string)] @_k value: (string) @mount.prefix))))
  (#match? @_k "^.?prefix.?$")) @mount

; Fastify: fastify.register(routes, { prefix: "/api" }), also with an
; inline require("./routes")
(call_expression
  function: (member_expression
    object: (_) @mount.parent
    property: (property_identifier) @_register)
  arguments: (arguments . (_) @mount.target . (object
    (pair key: [(property_identifier) (string)] @_k value: (string) @mount.prefix)))
  (#eq? @_register "register")
  (#match? @_k "^.?prefix.?$")) @mount

; handlers and middlewares passed by name: router.post("/x", verify, handle),
; fastify.post("/x", { preHandler: verify, handler })
(call_expression
  function: (member_expression property: (property_identifier) @_m)
  arguments: (arguments (identifier) @call)
  (#match? @_m "^(get|post|put|patch|delete|all|use|route)$"))
(pair
  key: (property_identifier) @_k
  value: [(identifier) (member_expression)] @call
  (#match? @_k "^(handler|preHandler|onRequest|preValidation|preParsing)$"))

; NestJS: app.setGlobalPrefix("api/v1")
(call_expression
  function: (member_expression property: (property_identifier) @prop.name)
  arguments: (arguments . (string) @prop.value)
  (#eq? @prop.name "setGlobalPrefix")) @prop

; named functions
(function_declaration name: (identifier) @func.name) @func
(variable_declarator name: (identifier) @func.name value: [(arrow_function) (function_expression)]) @func
(method_definition name: (property_identifier) @func.name) @func

; exported route handlers (Next.js app router): export async function POST
(export_statement declaration: (function_declaration name: (identifier) @export.name))
(export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @export.name)))

; event types: switch (event.type) { case "x": }, event.type === "x"
(switch_statement
  value: (_) @_subject
  body: (switch_body (switch_case value: (string) @event.value))
  (#match? @_subject "(?i)(type|event|kind|action)"))
(binary_expression
  left: (member_expression property: (property_identifier) @_p)
  right: (string) @event.value
  (#match? @_p "^(type|event|eventType|event_type|action)$"))
; const event = req.get("X-GitHub-Event"); if (event === "push")
(binary_expression
  left: (identifier) @_id
  right: (string) @event.value
  (#match? @_id "^(type|event|eventType|event_type|eventName|kind|action|githubEvent|ghEvent)$"))

; options of interest: callbackURL: "/auth/callback", basePath: "/auth"
(pair
  key: [(property_identifier) (string)] @prop.name
  value: (string) @prop.value
  (#match? @prop.name "^.?(callbackURL|callbackUrl|callback_url|redirectUri|redirect_uri|redirectURL|basePath|baseURL|routes|returnTo|post_logout_redirect_uri|postLogoutRedirectUri|logoutRedirect|logoutReturn|afterSignOutUrl|origin.?$)")) @prop

; cors({ origin: ["https://app.example.com", ...] })
(pair
  key: [(property_identifier) (string)] @prop.name
  value: (array (string) @prop.value)
  (#match? @prop.name "^.?origin.?$")) @prop

