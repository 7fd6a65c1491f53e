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

; ---- routes (issue 4) --------------------------------------------------------
; app.MapPost("/x", handler)
(invocation_expression
  function: (member_access_expression expression: (identifier) @route.router name: (identifier) @route.method)
  arguments: (argument_list . (argument (string_literal) @route.path))
  (#match? @route.method "^Map(Get|Post|Put|Patch|Delete|Methods)?$")) @route
; [HttpPost("webhooks/stripe")] on a controller action
(method_declaration
  (attribute_list
    (attribute
      name: (identifier) @route.method
      (attribute_argument_list (attribute_argument (string_literal) @route.path))))
  name: (identifier) @route.handler
  (#match? @route.method "^Http(Get|Post|Put|Patch|Delete)$")) @route @route.body
; [HttpPost] without a template: routed by convention or by the class's [Route]
(method_declaration
  (attribute_list (attribute name: (identifier) @route.method) @_a)
  name: (identifier) @route.handler @route.action
  (#match? @_a "^Http(Get|Post|Put|Patch|Delete)$")
  (#match? @route.method "^Http(Get|Post|Put|Patch|Delete)$")) @route @route.body
; [Route("api/[controller]")] on a controller class prefixes its actions
(class_declaration
  (attribute_list (attribute name: (identifier) @_r (attribute_argument_list (attribute_argument (string_literal) @mount.prefix))))
  (#eq? @_r "Route")) @mount

(method_declaration name: (identifier) @func.name) @func
(local_function_statement name: (identifier) @func.name) @func

; if (stripeEvent.Type == "x"), case "x": in a switch
(binary_expression
  left: (member_access_expression name: (identifier) @_p)
  right: (string_literal) @event.value
  (#match? @_p "^(Type|EventType)$"))
(switch_section (constant_pattern (string_literal) @event.value))

; ---- CORS origins (issue 4.3) ------------------------------------------------
; ASP.NET Core: policy.WithOrigins("https://a", "https://b")
(invocation_expression
  function: (member_access_expression name: (identifier) @prop.name)
  arguments: (argument_list (argument (string_literal) @prop.value))
  (#eq? @prop.name "WithOrigins")) @prop
