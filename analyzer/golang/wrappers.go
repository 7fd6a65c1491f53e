package golang

import (
	"go/ast"
)

// Local env wrappers: a function of the file that hands one of its string
// parameters to os.Getenv/os.LookupEnv, directly or through another such
// function (MustGetBase64Env(name) → MustGetenv(name) → os.Getenv(name)),
// reads the variable its callers name: MustGetBase64Env("SIGNER") reads
// SIGNER. Followed through their definitions, not guessed from names.

// envWrappers maps each wrapper's name to the index of the parameter that
// names the variable.
func envWrappers(f *ast.File, local map[string]string) map[string]int {
	var fns []wrapperCandidate
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil {
			if params := stringParams(fd); len(params) > 0 {
				fns = append(fns, wrapperCandidate{fd, params})
			}
		}
	}
	out := map[string]int{}
	osName := ""
	for name, p := range local {
		if p == "os" {
			osName = name
		}
	}
	// Fixpoint: a wrapper may call a wrapper declared after it.
	for changed := len(fns) > 0; changed; {
		changed = false
		for _, w := range fns {
			if _, done := out[w.decl.Name.Name]; done {
				continue
			}
			if i := w.envParam(osName, out); i >= 0 {
				out[w.decl.Name.Name] = i
				changed = true
			}
		}
	}
	return out
}

type wrapperCandidate struct {
	decl   *ast.FuncDecl
	params map[string]int // string parameter name -> index
}

// stringParams: the function's string parameters by index.
func stringParams(fd *ast.FuncDecl) map[string]int {
	params := map[string]int{}
	if fd.Type.Params == nil {
		return params
	}
	i := 0
	for _, field := range fd.Type.Params.List {
		if len(field.Names) == 0 {
			i++
			continue
		}
		for _, n := range field.Names {
			if id, ok := field.Type.(*ast.Ident); ok && id.Name == "string" {
				params[n.Name] = i
			}
			i++
		}
	}
	return params
}

// envParam: the index of the parameter the body hands to os.Getenv or
// os.LookupEnv (osName is the file's name for package os) or to a known
// wrapper; -1 when none.
func (w wrapperCandidate) envParam(osName string, wrappers map[string]int) int {
	idx := -1
	ast.Inspect(w.decl.Body, func(n ast.Node) bool {
		if idx >= 0 {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		arg := envArg(call, osName, wrappers)
		if arg < 0 || arg >= len(call.Args) {
			return true
		}
		if id, ok := call.Args[arg].(*ast.Ident); ok {
			if i, ok := w.params[id.Name]; ok {
				idx = i
			}
		}
		return idx < 0
	})
	return idx
}

// envArg: which argument of call names an env variable (os.Getenv's
// first, a wrapper's own), or -1.
func envArg(call *ast.CallExpr, osName string, wrappers map[string]int) int {
	switch fun := call.Fun.(type) {
	case *ast.SelectorExpr:
		if id, ok := fun.X.(*ast.Ident); ok && osName != "" && id.Name == osName && (fun.Sel.Name == "Getenv" || fun.Sel.Name == "LookupEnv") {
			return 0
		}
	case *ast.Ident:
		if i, ok := wrappers[fun.Name]; ok {
			return i
		}
	}
	return -1
}
