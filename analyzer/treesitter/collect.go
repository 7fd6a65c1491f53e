package treesitter

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// matchState gathers the captures of one query match, one part per fact
// kind, until finish turns the parts into facts. Captures are read in match
// order; a capture method returning false drops the rest of the match
// (facts already appended by earlier captures of the match stay).
type matchState struct {
	l        *Lang
	src      []byte
	out      *facts.File
	envAt    map[uint32]int
	seenCall map[[2]uint32]bool

	route   routePart
	mount   mountPart
	fn      *sitter.Node
	fnName  string
	prop    propPart
	imp     importPart
	env     envPart
	methods []string // route.methods: one route per method
	// constName is the name of a const.name/const.value pair.
	constName string
}

type routePart struct {
	node    *sitter.Node
	rt      facts.Route
	hasPath bool
}

type mountPart struct {
	node *sitter.Node
	mt   facts.Mount
}

type propPart struct {
	node        *sitter.Node
	name, value string
}

type importPart struct {
	imp        *facts.Import
	node, span *sitter.Node
	alias      string
	aliasOf    string
	names      []string
}

type envPart struct {
	node, name      *sitter.Node
	hasDefault      bool
	placeholderName string
}

// capture hands one capture to the method of its family (the name up to its
// first dot); false drops the match.
func (s *matchState) capture(name string, n *sitter.Node) bool {
	family, _, _ := strings.Cut(name, ".")
	switch family {
	case "route":
		return s.routeCapture(name, n)
	case "mount":
		return s.mountCapture(name, n)
	case "import":
		return s.importCapture(name, n)
	case "env":
		return s.envCapture(name, n)
	}
	s.otherCapture(name, n)
	return true
}

func (s *matchState) routeCapture(name string, n *sitter.Node) bool {
	src, rt := s.src, &s.route.rt
	switch name {
	case "route":
		s.route.node = n
	case "route.method":
		rt.Method = strings.ToUpper(strings.Trim(n.Content(src), `"'`))
	case "route.methods":
		s.methods = append(s.methods, upperStrings(n.Content(src))...)
	case "route.path":
		p, ok := Unquote(n.Content(src))
		if !ok {
			return false
		}
		rt.Path, s.route.hasPath = p, true
	case "route.action":
		rt.Action, rt.Path, s.route.hasPath = n.Content(src), "", true
	case "route.dance":
		// Flask-Dance's make_<provider>_blueprint(): its callback route.
		fn := n.Content(src)
		fn = fn[strings.LastIndexByte(fn, '.')+1:]
		provider := strings.TrimSuffix(strings.TrimPrefix(fn, "make_"), "_blueprint")
		rt.Path, rt.Method, s.route.hasPath = "/"+provider+"/authorized", "GET", true
	case "route.root":
		// A route registered without a path of its own (@Post(),
		// @router.post("")): the path of its scope or mount.
		if n.NamedChildCount() == 0 {
			rt.Path, s.route.hasPath = "", true
		}
	case "route.resources":
		railsResources(n, src, s.out)
		return false
	case "route.symbol":
		// Rails: post :publish inside a resource's block.
		action := strings.TrimPrefix(n.Content(src), ":")
		h, ok := railsSymbolRoute(n.Parent().Parent(), action, src)
		if !ok {
			return false
		}
		rt.Path, rt.Handler, s.route.hasPath = "/"+action, h, true
	case "route.router":
		rt.Router = n.Content(src)
	case "route.handler":
		rt.Handler = routeHandler(n.Content(src))
	case "route.body":
		rt.Body = spanOf(n)
	}
	return true
}

// routeHandler is the handler a route.handler capture names.
func routeHandler(h string) string {
	v, ok := Unquote(h)
	if ok && strings.Contains(v, "#") {
		return v // Rails "settings#github_callback": resolved per controller
	}
	if ok {
		h = v[strings.LastIndexByte(v, '@')+1:] // Laravel "CallController@newCall"
	}
	return lastSegment(h)
}

func (s *matchState) mountCapture(name string, n *sitter.Node) bool {
	mt := &s.mount.mt
	switch name {
	case "mount":
		s.mount.node = n
	case "mount.prefix":
		p, ok := Unquote(n.Content(s.src))
		if !ok {
			return false
		}
		mt.Prefix = p
	case "mount.prefixconst":
		mt.PrefixConst = n.Content(s.src)
	case "mount.member":
		mt.Prefix = "/:id" // Rails member do ... end
	case "mount.parent":
		mt.Parent = n.Content(s.src)
	case "mount.target":
		mt.Target = mountTarget(n.Content(s.src))
	case "mount.override":
		mt.Override = true
	}
	return true
}

func (s *matchState) importCapture(name string, n *sitter.Node) bool {
	ip := &s.imp
	switch {
	case name == "import.alias":
		ip.alias = n.Content(s.src)
	case name == "import.aliasof":
		ip.aliasOf = n.Content(s.src)
	case name == "import.names":
		// An aliased name is kept as "local=original".
		if ip.aliasOf != "" {
			ip.names = append(ip.names, n.Content(s.src)+"="+ip.aliasOf)
			ip.aliasOf = ""
		} else {
			ip.names = append(ip.names, n.Content(s.src))
		}
	case name == "import.span":
		ip.span = n
	case strings.HasPrefix(name, "import."):
		path, ok := Unquote(n.Content(s.src))
		if !ok || path == "" {
			return false
		}
		form := strings.TrimPrefix(name, "import.")
		if s.l.hooks.ImportPath != nil {
			path = s.l.hooks.ImportPath(form, path)
		}
		ip.imp = &facts.Import{Path: path, Form: form}
		ip.node = n
	}
	return true
}

func (s *matchState) envCapture(name string, n *sitter.Node) bool {
	e := &s.env
	switch name {
	case "env":
		e.node = n
	case "env.name":
		e.name = n
	case "env.field":
		// A settings field: the variable is its name in upper case.
		e.name, e.placeholderName = n, strings.ToUpper(n.Content(s.src))
	case "env.placeholder":
		// Spring-style "${NAME:default}"
		text := strings.Trim(n.Content(s.src), `"'`)
		mm := placeholder.FindStringSubmatch(text)
		if mm == nil {
			return false
		}
		e.name, e.placeholderName = n, mm[1]
		e.hasDefault = e.hasDefault || mm[2] != ""
	case "env.default":
		e.hasDefault = true
	}
	return true
}

// otherCapture: functions, properties, and the facts one capture makes on
// its own (events, exports, calls). Names starting with "_" are helpers of
// the query and make nothing.
func (s *matchState) otherCapture(name string, n *sitter.Node) {
	src := s.src
	switch name {
	case "func":
		s.fn = n
	case "func.name":
		s.fnName = n.Content(src)
	case "event.value":
		if v, ok := Unquote(n.Content(src)); ok && v != "" && len(v) < 120 {
			s.out.Events = append(s.out.Events, facts.Literal{Value: v, Span: spanOf(n)})
		}
	case "prop":
		s.prop.node = n
	case "prop.name":
		s.prop.name = strings.Trim(n.Content(src), `"'`)
	case "prop.value":
		if v, ok := Unquote(n.Content(src)); ok {
			s.prop.value = v
		}
	case "export.name":
		s.out.Exports = append(s.out.Exports, n.Content(src))
	case "const.name":
		s.constName = n.Content(src)
	case "const.value":
		// A path constant (API_V1_STR: str = "/api/v1") that a mount or
		// route elsewhere names.
		if v, ok := Unquote(n.Content(src)); ok && strings.HasPrefix(v, "/") && s.constName != "" {
			s.out.Consts = append(s.out.Consts, facts.Property{Name: s.constName, Value: v, Span: spanOf(n)})
		}
	case "call", "new":
		s.call(name == "new", n)
	}
}

// call records a call or constructor once per node: chained calls share a
// start, so a call node is known by its range.
func (s *matchState) call(isNew bool, n *sitter.Node) {
	key := [2]uint32{n.StartByte(), n.EndByte()}
	if s.seenCall[key] && !isNew {
		return
	}
	s.seenCall[key] = true
	if callee := s.l.callee(n, s.src); callee != "" {
		s.out.Calls = append(s.out.Calls, facts.Call{Callee: callee, New: isNew, Span: spanOf(n)})
	}
}

// finish turns the parts of the match into facts.
func (s *matchState) finish() {
	s.finishRoute()
	s.finishMount()
	if s.fn != nil && s.fnName != "" {
		s.out.Funcs = append(s.out.Funcs, facts.Func{Name: s.fnName, Span: spanOf(s.fn)})
	}
	if p := s.prop; p.node != nil && p.name != "" && p.value != "" {
		s.out.Props = append(s.out.Props, facts.Property{Name: p.name, Value: p.value, Span: spanOf(p.node)})
	}
	if s.finishImport() {
		return // merged into an import found before: the match ends there
	}
	s.finishEnv()
}

func (s *matchState) finishRoute() {
	route, rt := s.route.node, s.route.rt
	if route == nil || !s.route.hasPath {
		return
	}
	rt.Span = spanOf(route)
	if route.Type() == "decorator" {
		decoratedMethod(route, &rt, s.src)
	}
	if rt.Body.StartLine == 0 {
		rt.Body = rt.Span
	}
	if rt.Handler == "" {
		rt.Handler = s.l.lastArgName(route, s.src)
	}
	rt.Method = NormalizeMethod(rt.Method)
	if len(s.methods) == 0 {
		s.out.Routes = append(s.out.Routes, rt)
	}
	for _, m := range s.methods {
		r := rt
		r.Method = m
		s.out.Routes = append(s.out.Routes, r)
	}
}

// decoratedMethod: a method decorator (@Post("x")) routes to the method that
// follows it, which gives the route its body and handler.
func decoratedMethod(route *sitter.Node, rt *facts.Route, src []byte) {
	for sib := route.NextNamedSibling(); sib != nil; sib = sib.NextNamedSibling() {
		if sib.Type() == "decorator" || sib.Type() == "comment" {
			continue
		}
		if sib.Type() == "method_definition" {
			rt.Body = spanOf(sib)
			if name := sib.ChildByFieldName("name"); name != nil {
				rt.Handler = name.Content(src)
			}
		}
		return
	}
}

func (s *matchState) finishMount() {
	mount, mt := s.mount.node, s.mount.mt
	if mount != nil && (mt.Target != "" || mt.Parent == "" && (mt.Prefix != "" || mt.PrefixConst != "")) {
		// An empty target is a scope mount: it prefixes the routes inside it.
		mt.Span = spanOf(mount)
		s.out.Mounts = append(s.out.Mounts, mt)
	}
}

// finishImport appends the match's import, or merges it into one found
// before and reports true.
func (s *matchState) finishImport() (merged bool) {
	ip := s.imp
	if ip.imp == nil {
		return false
	}
	imp := ip.imp
	imp.Alias = ip.alias
	imp.Names = ip.names
	if ip.span == nil {
		ip.span = ip.node
	}
	imp.Span = spanOf(ip.span)
	// Two patterns can match one import (a require with and without its
	// binding): keep one, with the alias.
	for i := range s.out.Imports {
		o := &s.out.Imports[i]
		if o.Path == imp.Path && o.Span.StartLine == imp.Span.StartLine && (o.Span.Contains(imp.Span) || imp.Span.Contains(o.Span)) {
			if o.Alias == "" {
				o.Alias = imp.Alias
			}
			o.Names = append(o.Names, imp.Names...)
			return true
		}
	}
	s.out.Imports = append(s.out.Imports, *imp)
	return false
}

func (s *matchState) finishEnv() {
	e, src := s.env, s.src
	if e.name == nil {
		return
	}
	if e.node == nil {
		e.node = e.name
	}
	name, ok := Unquote(e.name.Content(src))
	if e.placeholderName != "" {
		name, ok = e.placeholderName, true
	}
	if strings.HasPrefix(name, "__") || name == "MODEL_CONFIG" || name == "CONFIG" {
		return // pydantic's model_config / class Config, not a variable
	}
	if !ok || !validEnvName(name) {
		return
	}
	if isAssignedTo(e.node) {
		return // ENV["X"] = "v", os.environ["X"] = v: a write, not a read
	}
	def := e.hasDefault || (s.l.hooks.HasDefault != nil && s.l.hooks.HasDefault(e.node, src))
	if i, ok := s.envAt[e.node.StartByte()]; ok && s.out.Env[i].Name == name {
		s.out.Env[i].HasDefault = s.out.Env[i].HasDefault || def
		return
	}
	s.envAt[e.node.StartByte()] = len(s.out.Env)
	s.out.Env = append(s.out.Env, facts.Env{Name: name, HasDefault: def, Callee: s.l.enclosingCallee(e.node, src), Span: spanOf(e.node)})
}
