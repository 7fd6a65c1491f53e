; ---- imports ---------------------------------------------------------------
(import_declaration [(scoped_identifier) (identifier)] @import.import) @import.span

; ---- environment reads -----------------------------------------------------
; System.getenv("NAME")
(method_invocation
  object: (identifier) @_sys
  name: (identifier) @_getenv
  arguments: (argument_list . (string_literal) @env.name)
  (#eq? @_sys "System") (#eq? @_getenv "getenv")) @env

; System.getenv().get("NAME") / getOrDefault("NAME", d)
(method_invocation
  object: (method_invocation object: (identifier) @_sys name: (identifier) @_getenv)
  name: (identifier) @_get
  arguments: (argument_list . (string_literal) @env.name)
  (#eq? @_sys "System") (#eq? @_getenv "getenv") (#match? @_get "^(get|getOrDefault)$")) @env
(method_invocation
  object: (method_invocation object: (identifier) @_sys name: (identifier) @_getenv)
  name: (identifier) @_get
  arguments: (argument_list . (string_literal) @env.name . (_) @env.default)
  (#eq? @_sys "System") (#eq? @_getenv "getenv") (#eq? @_get "getOrDefault")) @env

; Spring Environment: env.getProperty("NAME")
(method_invocation
  object: (identifier) @_env
  name: (identifier) @_m
  arguments: (argument_list . (string_literal) @env.name)
  (#match? @_env "^(env|environment)$")
  (#match? @_m "^(getProperty|getRequiredProperty)$")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env

; Spring @Value("${NAME:default}")
(annotation
  name: (identifier) @_value
  arguments: (annotation_argument_list (string_literal) @env.placeholder)
  (#eq? @_value "Value")) @env

; ---- calls -----------------------------------------------------------------
(method_invocation) @call
(object_creation_expression) @new
