; TypeScript-only patterns; the JavaScript query is compiled in front of these.

; import x = require("pkg")
(import_require_clause source: (string) @import.require) @import.span

; NestJS: @Post("stripe") on a controller method (the method is the next
; method_definition), @Controller("webhooks") on the class.
(class_body
  (decorator
    (call_expression
      function: (identifier) @route.method
      arguments: (arguments . (string) @route.path))) @route
  (#match? @route.method "^(Get|Post|Put|Patch|Delete|All)$"))
; @Post() with no path: the controller's own path
(class_body
  (decorator
    (call_expression
      function: (identifier) @route.method
      arguments: (arguments) @route.root)) @route
  (#match? @route.method "^(Get|Post|Put|Patch|Delete|All)$"))
(class_declaration
  decorator: (decorator
    (call_expression function: (identifier) @_c arguments: (arguments . (string) @mount.prefix)))
  (#eq? @_c "Controller")) @mount
(export_statement
  decorator: (decorator
    (call_expression function: (identifier) @_c arguments: (arguments . (string) @mount.prefix)))
  (#eq? @_c "Controller")) @mount
