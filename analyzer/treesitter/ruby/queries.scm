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

; ---- routes (issue 4) --------------------------------------------------------
; Sinatra: post "/x" do ... end; Rails routes.rb: post "/x", to: "c#a"
(call
  method: (identifier) @route.method
  arguments: (argument_list . (string) @route.path)
  (#match? @route.method "^(get|post|put|patch|delete|match|before)$")) @route

; Rails: get "/settings/github_callback" => "settings#github_callback"
(call
  method: (identifier) @route.method
  arguments: (argument_list . (pair key: (string) @route.path value: (string) @route.handler))
  (#match? @route.method "^(get|post|put|patch|delete|match)$")) @route

; Rails routes.rb: namespace :admin do ... end and scope "/api" do ... end
; prefix the routes inside them; member do ... end inside resources adds
; the record's :id.
(call
  method: (identifier) @_ns
  arguments: (argument_list . [(simple_symbol) (string)] @mount.prefix)
  block: [(do_block) (block)]
  (#match? @_ns "^(namespace|scope)$")) @mount
(call
  method: (identifier) @_member @mount.member
  block: [(do_block) (block)]
  (#eq? @_member "member")) @mount
; resources :photos, only: [:index, :show] and resource :profile: the
; conventional routes of each action, expanded in Go (railsResources).
(call
  method: (identifier) @_res
  arguments: (argument_list . (simple_symbol))
  (#match? @_res "^resources?$")) @route.resources
; post :publish inside a member/collection/resources block: /publish.
(call
  method: (identifier) @route.method
  arguments: (argument_list . (simple_symbol) @route.symbol)
  (#match? @route.method "^(get|post|put|patch|delete)$")) @route


; config.omniauth :github, ...: each serves /auth/<provider>/callback
(call
  method: (identifier) @prop.name
  arguments: (argument_list . (simple_symbol) @prop.value)
  (#match? @prop.name "^(provider|omniauth)$")) @prop
; devise_for :users: Devise's routes (its OmniAuth callbacks too) under /users
(call
  method: (identifier) @prop.name
  arguments: (argument_list . (simple_symbol) @prop.value)
  (#eq? @prop.name "devise_for")) @prop

; a method called without arguments or parentheses: `verify_signature`
; alone on its line (a helper a route or filter calls)
(body_statement (identifier) @call)

(method name: (identifier) @func.name) @func
(singleton_method name: (identifier) @func.name) @func

; case event.type when "x"
(case
  value: (_) @_s
  (when pattern: (pattern (string) @event.value))
  (#match? @_s "type"))
(binary
  left: [(call method: (identifier) @_p) (element_reference (string) @_p)]
  right: (string) @event.value
  (#match? @_p "type"))

; ---- CORS origins (issue 4.3) ------------------------------------------------
; rack-cors: allow do origins "https://a", "https://b" ... end
(call
  method: (identifier) @prop.name
  arguments: (argument_list (string) @prop.value)
  (#eq? @prop.name "origins")) @prop
