// Package golang is the Go front end. Files are parsed one at a time with
// go/parser (cheap, incremental, works on unsaved overlays); each module is
// also loaded once through golang.org/x/tools/go/packages to learn what the
// build system says about it (see load.go).
package golang

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// Extract parses one Go file and returns its facts. Parse errors are
// reported in File.Errors; whatever parsed is still used.
func Extract(ctx context.Context, filename string, src []byte) (*facts.File, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	out := &facts.File{}
	if err != nil {
		out.Errors = append(out.Errors, firstLine(err.Error()))
	}
	if f == nil {
		return out, nil
	}
	x := &extractor{ctx: ctx, fset: fset, out: out, local: map[string]string{}}
	x.imports(f)
	x.wrappers = envWrappers(f, x.local)
	x.consts(f)
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			out.Funcs = append(out.Funcs, facts.Func{Name: fd.Name.Name, Span: x.span(fd)})
		}
	}
	ast.Inspect(f, x.visit)
	x.prefixScopedRoutes()
	out.Mounts = append(out.Mounts, groupHandoffs(f, out.Mounts, x.span)...)
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	return out, nil
}

// extractor is the state of one Extract: the facts found so far and what
// the walk needs to know about the file.
type extractor struct {
	ctx  context.Context
	fset *token.FileSet
	out  *facts.File
	// local maps a local package name to its import path.
	local map[string]string
	// hasOS: the file imports os or syscall.
	hasOS bool
	// wrappers are the file's env wrapper functions (wrappers.go).
	wrappers map[string]int
	// routeScopes are chi r.Route("/api", func(r chi.Router) {...}) bodies.
	routeScopes []routeScope
	// stack is the path from the file to the node being visited.
	stack []ast.Node
	steps int
}

type routeScope struct {
	prefix string
	span   facts.Span
}

func (x *extractor) span(n ast.Node) facts.Span {
	s, e := x.fset.Position(n.Pos()), x.fset.Position(n.End())
	return facts.Span{StartLine: uint32(s.Line), StartCol: uint32(s.Column), EndLine: uint32(e.Line), EndCol: uint32(e.Column)}
}

// imports records the file's imports and their local names.
func (x *extractor) imports(f *ast.File) {
	for _, is := range f.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		alias := ""
		name := PackageName(p)
		if is.Name != nil {
			alias = is.Name.Name
			name = alias
		}
		x.local[name] = p
		x.hasOS = x.hasOS || p == "os" || p == "syscall"
		x.out.Imports = append(x.out.Imports, facts.Import{Path: p, Form: "import", Alias: alias, Span: x.span(is)})
	}
}

// callee names what a call calls: importpath.Func for a package-qualified
// call, recv.Method, a.b.Method or a bare function name.
func (x *extractor) callee(fun ast.Expr) string {
	switch fn := fun.(type) {
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok {
			if p, ok := x.local[id.Name]; ok {
				return p + "." + fn.Sel.Name
			}
			return id.Name + "." + fn.Sel.Name
		}
		if inner, ok := fn.X.(*ast.SelectorExpr); ok {
			if id, ok := inner.X.(*ast.Ident); ok {
				return id.Name + "." + inner.Sel.Name + "." + fn.Sel.Name
			}
		}
	case *ast.Ident:
		return fn.Name
	case *ast.IndexExpr: // generic instantiation f[T](...)
		if id, ok := fn.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

// visit is the ast.Inspect callback: it keeps the node stack and hands
// each node to what it can contribute to.
func (x *extractor) visit(n ast.Node) bool {
	x.steps++
	if x.steps&1023 == 0 && x.ctx.Err() != nil {
		return false
	}
	if n == nil {
		x.stack = x.stack[:len(x.stack)-1]
		return false
	}
	x.stack = append(x.stack, n)
	switch n := n.(type) {
	case *ast.CompositeLit:
		x.corsOptions(n)
	case *ast.AssignStmt:
		x.assign(n)
	case *ast.SwitchStmt:
		x.eventSwitch(n)
	case *ast.BinaryExpr:
		x.eventComparison(n)
	case *ast.CallExpr:
		x.call(n)
	}
	return true
}

// corsOptions: cors.Options{AllowedOrigins: []string{...}} (rs/cors,
// go-chi/cors), cors.Config{AllowOrigins: []string{...}} (gin-contrib/cors).
func (x *extractor) corsOptions(lit *ast.CompositeLit) {
	if sel, ok := lit.Type.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Options" || sel.Sel.Name == "Config") {
		if id, ok := sel.X.(*ast.Ident); ok && strings.HasSuffix(x.local[id.Name], "/cors") {
			x.out.Props = append(x.out.Props, corsOrigins(lit, x.span)...)
		}
	}
}

// assign: handler := func(w http.ResponseWriter, r *http.Request) {...} is
// a function; g := r.Group("/api") (gin, echo) a mount.
func (x *extractor) assign(as *ast.AssignStmt) {
	if len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok {
		return
	}
	if _, ok := as.Rhs[0].(*ast.FuncLit); ok {
		x.out.Funcs = append(x.out.Funcs, facts.Func{Name: id.Name, Span: x.span(as)})
	}
	if c, ok := as.Rhs[0].(*ast.CallExpr); ok {
		if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Group" && len(c.Args) >= 1 {
			if p, ok := stringLit(c.Args[0]); ok {
				x.out.Mounts = append(x.out.Mounts, facts.Mount{Prefix: p, Parent: exprText(sel.X), Target: id.Name, Span: x.span(as)})
			}
		}
	}
}

// eventSwitch: switch event.Type { case "checkout.session.completed": }
func (x *extractor) eventSwitch(sw *ast.SwitchStmt) {
	if sw.Tag == nil || !eventSubject(exprText(sw.Tag)) && !eventHeader(sw.Tag) {
		return
	}
	for _, st := range sw.Body.List {
		if cc, ok := st.(*ast.CaseClause); ok {
			for _, e := range cc.List {
				if v, ok := stringLit(e); ok {
					x.out.Events = append(x.out.Events, facts.Literal{Value: v, Span: x.span(e)})
				}
			}
		}
	}
}

// eventComparison: event.Type == "invoice.paid"
func (x *extractor) eventComparison(b *ast.BinaryExpr) {
	if b.Op == token.EQL && eventSubject(exprText(b.X)) {
		if v, ok := stringLit(b.Y); ok {
			x.out.Events = append(x.out.Events, facts.Literal{Value: v, Span: x.span(b.Y)})
		}
	}
}

// call records a call: a route registration, its callee, an env read.
func (x *extractor) call(call *ast.CallExpr) {
	x.routeCall(call)
	c := x.callee(call.Fun)
	if c != "" {
		x.out.Calls = append(x.out.Calls, facts.Call{Callee: c, Span: x.span(call)})
	}
	x.envCall(call, c)
}

// routeCall: r.HandleFunc("/x", h), r.POST("/x", h) and the like, chi's
// r.Method("POST", "/x", h), r.Route("/api", func...) and r.Mount("/x", h).
func (x *extractor) routeCall(call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) < 1 {
		return
	}
	p, ok := stringLit(call.Args[0])
	if !ok {
		// r.Get(config.CALLBACK_PATH, h): a route whose path is a
		// constant, resolved across files (analyzer routemodel.go).
		if ref := constRef(call.Args[0]); ref != "" && routeMethods[sel.Sel.Name] && sel.Sel.Name != "Method" {
			r := x.route(call, sel, "")
			r.PathConst = ref
			x.out.Routes = append(x.out.Routes, r)
		}
		return
	}
	switch name := sel.Sel.Name; name {
	case "HandleFunc", "Handle", "GET", "POST", "PUT", "PATCH", "DELETE", "Get", "Post", "Put", "Patch", "Delete", "Any", "Method":
		x.out.Routes = append(x.out.Routes, x.route(call, sel, p))
	case "Route":
		if len(call.Args) == 2 {
			if fl, ok := call.Args[1].(*ast.FuncLit); ok {
				x.routeScopes = append(x.routeScopes, routeScope{prefix: p, span: x.span(fl)})
			}
		}
	case "Mount":
		if len(call.Args) == 2 {
			x.out.Mounts = append(x.out.Mounts, facts.Mount{Prefix: p, Parent: exprText(sel.X), Target: exprText(call.Args[1]), Span: x.span(call)})
		}
	}
}

// routeMethods are the registration calls routeCall records.
var routeMethods = map[string]bool{
	"HandleFunc": true, "Handle": true, "GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
	"Get": true, "Post": true, "Put": true, "Patch": true, "Delete": true, "Any": true, "Method": true,
}

// constRef names a constant an expression reads: CALLBACK_PATH or
// config.CALLBACK_PATH; "" otherwise.
func constRef(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		if id, ok := v.X.(*ast.Ident); ok {
			return id.Name + "." + v.Sel.Name
		}
	}
	return ""
}

// consts records the file's top-level string constants.
func (x *extractor) consts(f *ast.File) {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST && gd.Tok != token.VAR {
			continue
		}
		for _, sp := range gd.Specs {
			vs, ok := sp.(*ast.ValueSpec)
			if !ok || len(vs.Names) != len(vs.Values) {
				continue
			}
			for i, n := range vs.Names {
				if v, ok := stringLit(vs.Values[i]); ok && strings.HasPrefix(v, "/") {
					x.out.Consts = append(x.out.Consts, facts.Property{Name: n.Name, Value: v, Span: x.span(vs)})
				}
			}
		}
	}
}

// route builds the route a registration call with literal path p names.
func (x *extractor) route(call *ast.CallExpr, sel *ast.SelectorExpr, p string) facts.Route {
	name := sel.Sel.Name
	r := facts.Route{Method: strings.ToUpper(name), Path: p, Router: exprText(sel.X), Span: x.span(call), Body: x.span(call)}
	if name == "Method" && len(call.Args) >= 2 { // chi r.Method("POST", "/x", h)
		if p2, ok := stringLit(call.Args[1]); ok {
			r.Method, r.Path = strings.ToUpper(p), p2
		}
	}
	switch r.Method {
	case "HANDLEFUNC", "HANDLE", "ANY":
		r.Method = ""
	}
	r.Handler = handlerName(call.Args[len(call.Args)-1])
	return r
}

// handlerName names the handler argument of a route registration: h,
// pkg.H or http.HandlerFunc(h).
func handlerName(last ast.Expr) string {
	switch h := last.(type) {
	case *ast.Ident:
		return h.Name
	case *ast.SelectorExpr:
		return h.Sel.Name
	case *ast.CallExpr: // http.HandlerFunc(h)
		if len(h.Args) == 1 {
			if id, ok := h.Args[0].(*ast.Ident); ok {
				return id.Name
			}
		}
	}
	return ""
}

// envCall records call as an env read when it is one (see envRead).
func (x *extractor) envCall(call *ast.CallExpr, c string) {
	name, isEnv := envRead(call, c, x.hasOS)
	if i, ok := x.wrappers[c]; ok && !isEnv && i < len(call.Args) {
		name, isEnv = stringLit(call.Args[i])
		isEnv = isEnv && validName(name)
	}
	if !isEnv {
		return
	}
	ev := facts.Env{Name: name, Span: x.span(call)}
	if strings.HasSuffix(c, "Or") || strings.HasSuffix(c, "Default") || (len(call.Args) >= 2 && !strings.HasSuffix(c, "Getenv") && !strings.HasSuffix(c, "LookupEnv")) {
		ev.HasDefault = true
	}
	x.attribute(&ev, call)
	x.out.Env = append(x.out.Env, ev)
}

// attribute looks at the enclosing call an env read is an argument of:
// cmp.Or(os.Getenv(..), "d") is a default; stripe.NewClient(os.Getenv(..))
// attributes it, also through an options struct
// (stripe.NewClient(..., &Config{Key: os.Getenv(..)})).
func (x *extractor) attribute(ev *facts.Env, call *ast.CallExpr) {
	stack := x.stack
	if len(stack) < 2 {
		return
	}
	if parent, ok := stack[len(stack)-2].(*ast.CallExpr); ok {
		pc := x.callee(parent.Fun)
		if pc == "cmp.Or" && len(parent.Args) > 1 {
			ev.HasDefault = true
		} else {
			ev.Callee = pc
		}
		return
	}
	if kv, ok := stack[len(stack)-2].(*ast.KeyValueExpr); ok && kv.Value == call && len(stack) >= 4 {
		for i := len(stack) - 3; i >= 0 && i >= len(stack)-5; i-- {
			if parent, ok := stack[i].(*ast.CallExpr); ok {
				ev.Callee = x.callee(parent.Fun)
				break
			}
		}
	}
}

// prefixScopedRoutes: routes inside chi's r.Route("/api", func(r
// chi.Router) {...}) get the prefixes of every enclosing Route, outermost
// first.
func (x *extractor) prefixScopedRoutes() {
	routes := x.out.Routes
	for i := range routes {
		prefix := ""
		for _, sc := range x.routeScopes {
			if sc.span.Contains(routes[i].Span) {
				prefix = joinPath(prefix, sc.prefix)
			}
		}
		if prefix == "" {
			continue
		}
		method, p, ok := strings.Cut(routes[i].Path, " ")
		if ok && strings.ToUpper(method) == method {
			routes[i].Path = method + " " + joinPath(prefix, strings.TrimSpace(p))
		} else {
			routes[i].Path = joinPath(prefix, routes[i].Path)
		}
	}
}

// groupHandoffs: a router group handed to a function that registers its
// routes (api := r.Group("/api/v1"); routes.PaymentRoutes(api)) mounts
// that function's routes under the group, like chi's r.Mount.
func groupHandoffs(f *ast.File, mounts []facts.Mount, span func(ast.Node) facts.Span) []facts.Mount {
	groups := map[string]bool{}
	for _, m := range mounts {
		if m.Target != "" && m.Prefix != "" {
			groups[m.Target] = true
		}
	}
	if len(groups) == 0 {
		return nil
	}
	var out []facts.Mount
	ast.Inspect(f, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		for _, a := range c.Args {
			if id, ok := a.(*ast.Ident); ok && groups[id.Name] {
				out = append(out, facts.Mount{Parent: id.Name, Target: exprText(c.Fun), Span: span(c)})
			}
		}
		return true
	})
	return out
}

// corsOrigins: the literal origins of a CORS options literal's allow-list.
func corsOrigins(opts *ast.CompositeLit, span func(ast.Node) facts.Span) []facts.Property {
	var out []facts.Property
	for _, el := range opts.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok || key.Name != "AllowedOrigins" && key.Name != "AllowOrigins" {
			continue
		}
		list, ok := kv.Value.(*ast.CompositeLit)
		if !ok {
			continue
		}
		for _, e := range list.Elts {
			if v, ok := stringLit(e); ok {
				out = append(out, facts.Property{Name: key.Name, Value: v, Span: span(kv)})
			}
		}
	}
	return out
}

func joinPath(a, b string) string {
	return strings.TrimSuffix(a, "/") + "/" + strings.TrimPrefix(b, "/")
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// exprText renders simple expressions (identifiers and selectors).
func exprText(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprText(x.X) + "." + x.Sel.Name
	case *ast.IndexExpr:
		return exprText(x.X) + "[" + exprText(x.Index) + "]"
	case *ast.BasicLit:
		return x.Value
	case *ast.CallExpr:
		return exprText(x.Fun) + "()"
	}
	return ""
}

// eventHeader: r.Header.Get("X-GitHub-Event") and the like, where the event
// type travels in a header.
func eventHeader(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	name, ok := stringLit(call.Args[0])
	return ok && strings.Contains(strings.ToLower(name), "event")
}

func eventSubject(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "type") || strings.Contains(l, "event") || strings.Contains(l, "kind")
}

// envRead recognises os.Getenv("X"), os.LookupEnv("X"), syscall.Getenv and
// config helpers called with a literal ALL_CAPS name (getenv("X", "d"),
// envOr("X", ...), viper.GetString("X")).
func envRead(call *ast.CallExpr, callee string, hasOS bool) (string, bool) {
	if len(call.Args) == 0 {
		return "", false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	name, err := strconv.Unquote(lit.Value)
	if err != nil || name == "" {
		return "", false
	}
	switch callee {
	case "os.Getenv", "os.LookupEnv", "syscall.Getenv", "os.ExpandEnv":
		if callee == "os.ExpandEnv" {
			return "", false
		}
		return name, validName(name)
	}
	fn := callee
	if i := strings.LastIndex(fn, "."); i >= 0 {
		fn = fn[i+1:]
	}
	switch strings.ToLower(fn) {
	case "getenv", "getenvor", "getenvdefault", "envor", "env", "mustgetenv", "mustenv", "requireenv", "lookupenv", "envordefault", "getenvordefault":
		return name, isUpperName(name)
	}
	return "", false
}

func validName(s string) bool {
	for i, r := range s {
		if !(r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return s != ""
}

func isUpperName(s string) bool {
	if s == "" || !(s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for _, r := range s {
		if !(r == '_' || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// PackageName guesses the package name an import path declares, the way
// goimports does: the last element, skipping a major-version suffix and
// dropping "go-" / "-go" decorations.
func PackageName(importPath string) string {
	base := path.Base(importPath)
	if len(base) >= 2 && base[0] == 'v' && isDigits(base[1:]) {
		base = path.Base(path.Dir(importPath))
	}
	base = strings.TrimPrefix(base, "go-")
	base = strings.TrimSuffix(base, "-go")
	base = strings.TrimSuffix(base, ".go")
	if i := strings.IndexAny(base, ".-"); i >= 0 {
		base = base[:i]
	}
	return base
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
