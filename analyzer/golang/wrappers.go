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
	type fn struct {
		decl   *ast.FuncDecl
		params map[string]int // parameter name -> index
	}
	var fns []fn
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Body == nil || fd.Type.Params == nil {
			continue
		}
		params := map[string]int{}
		i := 0
		for _, field := range fd.Type.Params.List {
			names := field.Names
			if len(names) == 0 {
				i++
				continue
			}
			for _, n := range names {
				if id, ok := field.Type.(*ast.Ident); ok && id.Name == "string" {
					params[n.Name] = i
				}
				i++
			}
		}
		if len(params) > 0 {
			fns = append(fns, fn{fd, params})
		}
	}
	out := map[string]int{}
	if len(fns) == 0 {
		return out
	}
	osName := ""
	for name, p := range local {
		if p == "os" {
			osName = name
		}
	}
	// Fixpoint: a wrapper may call a wrapper declared after it.
	for changed := true; changed; {
		changed = false
		for _, w := range fns {
			if _, done := out[w.decl.Name.Name]; done {
				continue
			}
			idx := -1
			ast.Inspect(w.decl.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || idx >= 0 {
					return idx < 0
				}
				arg := -1 // which argument of the call names the variable
				switch fun := call.Fun.(type) {
				case *ast.SelectorExpr:
					if id, ok := fun.X.(*ast.Ident); ok && osName != "" && id.Name == osName && (fun.Sel.Name == "Getenv" || fun.Sel.Name == "LookupEnv") {
						arg = 0
					}
				case *ast.Ident:
					if i, ok := out[fun.Name]; ok {
						arg = i
					}
				}
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
			if idx >= 0 {
				out[w.decl.Name.Name] = idx
				changed = true
			}
		}
	}
	return out
}
