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
	span := func(n ast.Node) facts.Span {
		s, e := fset.Position(n.Pos()), fset.Position(n.End())
		return facts.Span{StartLine: uint32(s.Line), StartCol: uint32(s.Column), EndLine: uint32(e.Line), EndCol: uint32(e.Column)}
	}
	local := map[string]string{} // local package name -> import path
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
		local[name] = p
		out.Imports = append(out.Imports, facts.Import{Path: p, Form: "import", Alias: alias, Span: span(is)})
	}
	callee := func(fun ast.Expr) string {
		switch fn := fun.(type) {
		case *ast.SelectorExpr:
			if id, ok := fn.X.(*ast.Ident); ok {
				if p, ok := local[id.Name]; ok {
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
	osName := ""
	for name, p := range local {
		if p == "os" || p == "syscall" {
			osName = name
		}
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			out.Funcs = append(out.Funcs, facts.Func{Name: fd.Name.Name, Span: span(fd)})
		}
	}
	type scoped struct {
		prefix string
		span   facts.Span
	}
	var routeScopes []scoped // chi r.Route("/api", func(r chi.Router) {...})
	var stack []ast.Node
	steps := 0
	ast.Inspect(f, func(n ast.Node) bool {
		steps++
		if steps&1023 == 0 && ctx.Err() != nil {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		stack = append(stack, n)
		switch x := n.(type) {
		case *ast.CompositeLit:
			// cors.Options{AllowedOrigins: []string{...}} (rs/cors, go-chi/cors),
			// cors.Config{AllowOrigins: []string{...}} (gin-contrib/cors)
			if sel, ok := x.Type.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Options" || sel.Sel.Name == "Config") {
				if id, ok := sel.X.(*ast.Ident); ok && strings.HasSuffix(local[id.Name], "/cors") {
					out.Props = append(out.Props, corsOrigins(x, span)...)
				}
			}
		case *ast.AssignStmt:
			// handler := func(w http.ResponseWriter, r *http.Request) {...}
			if len(x.Lhs) == 1 && len(x.Rhs) == 1 {
				if id, ok := x.Lhs[0].(*ast.Ident); ok {
					if _, ok := x.Rhs[0].(*ast.FuncLit); ok {
						out.Funcs = append(out.Funcs, facts.Func{Name: id.Name, Span: span(x)})
					}
					// g := r.Group("/api") (gin, echo)
					if c, ok := x.Rhs[0].(*ast.CallExpr); ok {
						if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Group" && len(c.Args) >= 1 {
							if p, ok := stringLit(c.Args[0]); ok {
								out.Mounts = append(out.Mounts, facts.Mount{Prefix: p, Parent: exprText(sel.X), Target: id.Name, Span: span(x)})
							}
						}
					}
				}
			}
		case *ast.SwitchStmt:
			// switch event.Type { case "checkout.session.completed": }
			if x.Tag != nil && (eventSubject(exprText(x.Tag)) || eventHeader(x.Tag)) {
				for _, st := range x.Body.List {
					if cc, ok := st.(*ast.CaseClause); ok {
						for _, e := range cc.List {
							if v, ok := stringLit(e); ok {
								out.Events = append(out.Events, facts.Literal{Value: v, Span: span(e)})
							}
						}
					}
				}
			}
		case *ast.BinaryExpr:
			if x.Op == token.EQL && eventSubject(exprText(x.X)) {
				if v, ok := stringLit(x.Y); ok {
					out.Events = append(out.Events, facts.Literal{Value: v, Span: span(x.Y)})
				}
			}
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && len(call.Args) >= 1 {
			if p, ok := stringLit(call.Args[0]); ok {
				name := sel.Sel.Name
				switch name {
				case "HandleFunc", "Handle", "GET", "POST", "PUT", "PATCH", "DELETE", "Get", "Post", "Put", "Patch", "Delete", "Any", "Method":
					r := facts.Route{Method: strings.ToUpper(name), Path: p, Router: exprText(sel.X), Span: span(call), Body: span(call)}
					if name == "Method" && len(call.Args) >= 2 { // chi r.Method("POST", "/x", h)
						if p2, ok := stringLit(call.Args[1]); ok {
							r.Method, r.Path = strings.ToUpper(p), p2
						}
					}
					switch r.Method {
					case "HANDLEFUNC", "HANDLE", "ANY":
						r.Method = ""
					}
					if last := call.Args[len(call.Args)-1]; last != nil {
						switch h := last.(type) {
						case *ast.Ident:
							r.Handler = h.Name
						case *ast.SelectorExpr:
							r.Handler = h.Sel.Name
						case *ast.CallExpr: // http.HandlerFunc(h)
							if len(h.Args) == 1 {
								if id, ok := h.Args[0].(*ast.Ident); ok {
									r.Handler = id.Name
								}
							}
						}
					}
					out.Routes = append(out.Routes, r)
				case "Route":
					if len(call.Args) == 2 {
						if fl, ok := call.Args[1].(*ast.FuncLit); ok {
							routeScopes = append(routeScopes, scoped{prefix: p, span: span(fl)})
						}
					}
				case "Mount":
					if len(call.Args) == 2 {
						out.Mounts = append(out.Mounts, facts.Mount{Prefix: p, Parent: exprText(sel.X), Target: exprText(call.Args[1]), Span: span(call)})
					}
				}
			}
		}
		c := callee(call.Fun)
		if c != "" {
			out.Calls = append(out.Calls, facts.Call{Callee: c, Span: span(call)})
		}
		name, isEnv := envRead(call, c, osName != "")
		if !isEnv {
			return true
		}
		ev := facts.Env{Name: name, Span: span(call)}
		if strings.HasSuffix(c, "Or") || strings.HasSuffix(c, "Default") || (len(call.Args) >= 2 && !strings.HasSuffix(c, "Getenv") && !strings.HasSuffix(c, "LookupEnv")) {
			ev.HasDefault = true
		}
		// The enclosing call it is an argument of (cmp.Or(os.Getenv(..), "d")
		// is a default; stripe.NewClient(os.Getenv(..)) attributes it).
		if len(stack) >= 2 {
			if parent, ok := stack[len(stack)-2].(*ast.CallExpr); ok {
				pc := callee(parent.Fun)
				if pc == "cmp.Or" && len(parent.Args) > 1 {
					ev.HasDefault = true
				} else {
					ev.Callee = pc
				}
			} else if kv, ok := stack[len(stack)-2].(*ast.KeyValueExpr); ok && kv.Value == call && len(stack) >= 4 {
				// Options struct: stripe.NewClient(..., &Config{Key: os.Getenv(..)})
				for i := len(stack) - 3; i >= 0 && i >= len(stack)-5; i-- {
					if parent, ok := stack[i].(*ast.CallExpr); ok {
						ev.Callee = callee(parent.Fun)
						break
					}
				}
			}
		}
		out.Env = append(out.Env, ev)
		return true
	})
	// Routes inside chi's r.Route("/api", func(r chi.Router) {...}) get the
	// prefixes of every enclosing Route, outermost first.
	for i := range out.Routes {
		prefix := ""
		for _, sc := range routeScopes {
			if sc.span.Contains(out.Routes[i].Span) {
				prefix = joinPath(prefix, sc.prefix)
			}
		}
		if prefix != "" {
			method, p, ok := strings.Cut(out.Routes[i].Path, " ")
			if ok && strings.ToUpper(method) == method {
				out.Routes[i].Path = method + " " + joinPath(prefix, strings.TrimSpace(p))
			} else {
				out.Routes[i].Path = joinPath(prefix, out.Routes[i].Path)
			}
		}
	}
	out.Mounts = append(out.Mounts, groupHandoffs(f, out.Mounts, span)...)
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	return out, nil
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
