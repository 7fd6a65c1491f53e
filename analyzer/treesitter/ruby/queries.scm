; ---- imports ---------------------------------------------------------------
; require "stripe"
(call
  method: (identifier) @_req
  arguments: (argument_list . (string) @import.require)
  (#eq? @_req "require")) @import.span

; ---- environment reads -----------------------------------------------------
; ENV["NAME"]
(element_reference
  object: (constant) @_env
  (string) @env.name
  (#eq? @_env "ENV")) @env

; ENV.fetch("NAME"[, default])
(call
  receiver: (constant) @_env
  method: (identifier) @_fetch
  arguments: (argument_list . (string) @env.name)
  (#eq? @_env "ENV") (#match? @_fetch "^(fetch|key\\?|include\\?)$")) @env
(call
  receiver: (constant) @_env
  method: (identifier) @_fetch
  arguments: (argument_list . (string) @env.name . (_) @env.default)
  (#eq? @_env "ENV") (#eq? @_fetch "fetch")) @env
(call
  receiver: (constant) @_env
  method: (identifier) @_fetch
  arguments: (argument_list . (string) @env.name)
  block: (_) @env.default
  (#eq? @_env "ENV") (#eq? @_fetch "fetch")) @env

; ---- calls -----------------------------------------------------------------
(call) @call
