; ---- imports ---------------------------------------------------------------
(using_directive !name [(identifier) (qualified_name)] @import.using) @import.span
(using_directive name: (identifier) @import.alias [(identifier) (qualified_name)] @import.using) @import.span

; ---- environment reads -----------------------------------------------------
; Environment.GetEnvironmentVariable("NAME")
(invocation_expression
  function: (member_access_expression expression: (identifier) @_e name: (identifier) @_m)
  arguments: (argument_list . (argument (string_literal) @env.name))
  (#eq? @_e "Environment") (#eq? @_m "GetEnvironmentVariable")) @env

; configuration["NAME"] / builder.Configuration["NAME"] with an ALL_CAPS key
(element_access_expression
  expression: [(identifier) (member_access_expression)] @_cfg
  subscript: (bracketed_argument_list . (argument (string_literal) @env.name))
  (#match? @_cfg "(^|[.])(config|Config|configuration|Configuration|_config|_configuration)$")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env

; ---- calls -----------------------------------------------------------------
(invocation_expression) @call
(object_creation_expression) @new
