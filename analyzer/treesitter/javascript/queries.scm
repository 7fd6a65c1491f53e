; ---- imports ---------------------------------------------------------------
(import_statement
  (import_clause (identifier) @import.alias)?
  source: (string) @import.import) @import.span

(export_statement source: (string) @import.import) @import.span

(call_expression
  function: (identifier) @_req
  arguments: (arguments . (string) @import.require)
  (#eq? @_req "require")) @import.span

(call_expression
  function: (import)
  arguments: (arguments . (string) @import.dynamic_import)) @import.span

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

; ---- calls -----------------------------------------------------------------
(call_expression) @call
(new_expression) @new
