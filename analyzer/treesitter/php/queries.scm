; ---- imports ---------------------------------------------------------------
(namespace_use_clause
  (qualified_name) @import.use
  (namespace_aliasing_clause (name) @import.alias)?) @import.span
(namespace_use_clause . (name) @import.use) @import.span

; a fully qualified class used without a use statement: new \Stripe\StripeClient(),
; \Stripe\Stripe::setApiKey() (Composer autoloads it)
(object_creation_expression (qualified_name) @import.qualified) @import.span
(scoped_call_expression scope: (qualified_name) @import.qualified) @import.span
(class_constant_access_expression . (qualified_name) @import.qualified) @import.span

(require_expression [(string) (encapsed_string)] @import.require) @import.span
(require_once_expression [(string) (encapsed_string)] @import.require) @import.span
(include_expression [(string) (encapsed_string)] @import.include) @import.span
(include_once_expression [(string) (encapsed_string)] @import.include) @import.span

; ---- environment reads -----------------------------------------------------
; getenv("NAME"), env("NAME"[, default]) (Laravel)
(function_call_expression
  function: (name) @_fn
  arguments: (arguments . (argument [(string) (encapsed_string)] @env.name))
  (#match? @_fn "^(getenv|env)$")) @env
(function_call_expression
  function: (name) @_fn
  arguments: (arguments . (argument [(string) (encapsed_string)] @env.name) . (argument) @env.default)
  (#eq? @_fn "env")) @env

; $_ENV["NAME"], $_SERVER["NAME"] (CGI request variables excluded)
(subscript_expression
  (variable_name (name) @_v)
  [(string) (encapsed_string)] @env.name
  (#match? @_v "^(_ENV|_SERVER)$")
  (#not-match? @env.name "^.(HTTP_|REQUEST_|SERVER_|REMOTE_|SCRIPT_|QUERY_|DOCUMENT_|PHP_|PATH_INFO|CONTENT_|HTTPS|GATEWAY_|argv|argc)")) @env

; ---- calls -----------------------------------------------------------------
(object_creation_expression) @new
(function_call_expression) @call
(scoped_call_expression) @call
(member_call_expression) @call

; ---- routes (issue 4) --------------------------------------------------------
; Laravel: Route::post('/webhooks/stripe', [StripeController::class, 'handle'])
(scoped_call_expression
  scope: (name) @_route
  name: (name) @route.method
  arguments: (arguments . (argument [(string) (encapsed_string)] @route.path))
  (#eq? @_route "Route")
  (#match? @route.method "^(get|post|put|patch|delete|any|match)$")) @route
; Slim and other routers on a variable: $app->post('/webhook', function (...) {...})
(member_call_expression
  object: (variable_name) @route.router
  name: (name) @route.method
  arguments: (arguments . (argument [(string) (encapsed_string)] @route.path))
  (#match? @route.method "^(get|post|put|patch|delete|any|map)$")) @route
; Symfony: #[Route('/webhook/stripe', methods: ['POST'])] on an action
(method_declaration
  attributes: (attribute_list (attribute_group (attribute (name) @_r
    parameters: (arguments . (argument [(string) (encapsed_string)] @route.path)))))
  name: (name) @route.handler
  (#eq? @_r "Route")) @route @route.body
; ... and on the controller class: a prefix for its actions
(class_declaration
  attributes: (attribute_list (attribute_group (attribute (name) @_r
    parameters: (arguments . (argument [(string) (encapsed_string)] @mount.prefix)))))
  (#eq? @_r "Route")) @mount
; Route::prefix('api')->group(...) is resolved by scope below.
(member_call_expression
  object: (scoped_call_expression
    scope: (name) @_route
    name: (name) @_prefix
    arguments: (arguments . (argument [(string) (encapsed_string)] @mount.prefix)))
  (#eq? @_route "Route")
  (#eq? @_prefix "prefix")) @mount

(method_declaration name: (name) @func.name) @func
(function_definition name: (name) @func.name) @func

; switch ($event->type) { case 'x': }, $event->type === 'x'
(switch_statement
  condition: (_) @_s
  body: (switch_block (case_statement value: [(string) (encapsed_string)] @event.value))
  (#match? @_s "type"))
(binary_expression
  left: (member_access_expression name: (name) @_p)
  right: [(string) (encapsed_string)] @event.value
  (#eq? @_p "type"))

; ---- CORS origins (issue 4.3) ------------------------------------------------
; Laravel config/cors.php: 'allowed_origins' => ['https://a', ...]
(array_element_initializer
  . [(string) (encapsed_string)] @prop.name
  . (array_creation_expression (array_element_initializer [(string) (encapsed_string)] @prop.value))
  (#match? @prop.name "^.allowed_origins.$")) @prop
