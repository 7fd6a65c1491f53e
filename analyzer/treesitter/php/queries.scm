; ---- imports ---------------------------------------------------------------
(namespace_use_clause
  (qualified_name) @import.use
  (namespace_aliasing_clause (name) @import.alias)?) @import.span
(namespace_use_clause . (name) @import.use) @import.span

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
