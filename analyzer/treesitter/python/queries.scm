; ---- imports ---------------------------------------------------------------
(import_statement name: (dotted_name) @import.import) @import.span
(import_statement
  name: (aliased_import name: (dotted_name) @import.import alias: (identifier) @import.alias)) @import.span
(import_from_statement module_name: (dotted_name) @import.import) @import.span

; ---- environment reads -----------------------------------------------------
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

; ---- calls -----------------------------------------------------------------
(call) @call
