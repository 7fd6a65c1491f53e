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

; an alias of the process environment: Map<String, String> env =
; System.getenv(); env.get("NAME") (an ALL_CAPS key)
(method_invocation
  object: [(identifier) (field_access)] @_env
  name: (identifier) @_get
  arguments: (argument_list . (string_literal) @env.name)
  (#match? @_env "(^|[.])(env|environment|envVars|ENV|sysEnv|systemEnv)$")
  (#match? @_get "^(get|getOrDefault)$")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env
(method_invocation
  object: [(identifier) (field_access)] @_env
  name: (identifier) @_get
  arguments: (argument_list . (string_literal) @env.name . (_) @env.default)
  (#match? @_env "(^|[.])(env|environment|envVars|ENV|sysEnv|systemEnv)$")
  (#eq? @_get "getOrDefault")
  (#match? @env.name "^.[A-Z][A-Z0-9_]*.$")) @env

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

; ---- routes (issue 4) --------------------------------------------------------
; @PostMapping("/x") / @RequestMapping(value = "/x", method = RequestMethod.POST)
(method_declaration
  (modifiers
    (annotation
      name: (identifier) @route.method
      arguments: (annotation_argument_list (string_literal) @route.path)))
  name: (identifier) @route.handler
  (#match? @route.method "^(Get|Post|Put|Patch|Delete|Request)Mapping$")) @route @route.body
(method_declaration
  (modifiers
    (annotation
      name: (identifier) @route.method
      arguments: (annotation_argument_list
        (element_value_pair key: (identifier) @_k value: (string_literal) @route.path))))
  name: (identifier) @route.handler
  (#match? @route.method "^(Get|Post|Put|Patch|Delete|Request)Mapping$")
  (#match? @_k "^(value|path)$")) @route @route.body

; class-level @RequestMapping("/api") prefixes the class's routes
(class_declaration
  (modifiers
    (annotation
      name: (identifier) @_rm
      arguments: (annotation_argument_list (string_literal) @mount.prefix)))
  (#eq? @_rm "RequestMapping")) @mount

; Spark Java: post("/webhook", Controller.handle) (a static import), and
; Javalin/Spark on an instance: app.post("/webhook", ctx -> ...)
(method_invocation
  !object
  name: (identifier) @route.method
  arguments: (argument_list . (string_literal) @route.path)
  (#match? @route.method "^(get|post|put|patch|delete)$")) @route
(method_invocation
  object: (identifier) @route.router
  name: (identifier) @route.method
  arguments: (argument_list . (string_literal) @route.path)
  (#match? @route.method "^(get|post|put|patch|delete)$")) @route

(method_declaration name: (identifier) @func.name) @func
; Spark's handlers as fields: public static Route handle = (req, res) -> {...}
(field_declaration declarator: (variable_declarator name: (identifier) @func.name value: (lambda_expression))) @func

; "x".equals(event.getType()), case "x" in a switch on a type
(method_invocation
  object: (string_literal) @event.value
  name: (identifier) @_eq
  arguments: (argument_list (method_invocation name: (identifier) @_gt))
  (#eq? @_eq "equals")
  (#match? @_gt "(?i)type"))
(switch_label (string_literal) @event.value)

; ---- CORS origins (issue 4.3) ------------------------------------------------
; Spring @CrossOrigin(origins = {"https://a", ...}) / (origins = "https://a")
(annotation
  name: (identifier) @prop.name
  arguments: (annotation_argument_list
    (element_value_pair
      key: (identifier) @_k
      value: [(string_literal) @prop.value (element_value_array_initializer (string_literal) @prop.value)]))
  (#eq? @prop.name "CrossOrigin")
  (#match? @_k "^(origins|value)$")) @prop
; @CrossOrigin("https://a")
(annotation
  name: (identifier) @prop.name
  arguments: (annotation_argument_list [(string_literal) @prop.value (element_value_array_initializer (string_literal) @prop.value)])
  (#eq? @prop.name "CrossOrigin")) @prop
; CorsRegistry: registry.addMapping("/**").allowedOrigins("https://a", ...)
(method_invocation
  name: (identifier) @prop.name
  arguments: (argument_list (string_literal) @prop.value)
  (#eq? @prop.name "allowedOrigins")) @prop
