package treesitter

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// Rails resource routing (config/routes.rb): resources :photos and
// resource :profile stand for the conventional routes of their actions
// (https://guides.rubyonrails.org/routing.html#crud-verbs-and-actions),
// narrowed by only:/except:. A block nests what it holds under the
// record (/photos/:photo_id/...). namespace/scope/member prefixes are
// mounts (the Ruby query); this file expands what a query cannot.

type railsAction struct {
	name, method, path string // path after /photos (plural) or /profile (singular)
}

var (
	railsPlural = []railsAction{
		{"index", "GET", ""}, {"create", "POST", ""}, {"new", "GET", "/new"},
		{"edit", "GET", "/:id/edit"}, {"show", "GET", "/:id"},
		{"update", "PATCH", "/:id"}, {"update", "PUT", "/:id"}, {"destroy", "DELETE", "/:id"},
	}
	railsSingular = []railsAction{
		{"create", "POST", ""}, {"new", "GET", "/new"}, {"edit", "GET", "/edit"},
		{"show", "GET", ""}, {"update", "PATCH", ""}, {"update", "PUT", ""}, {"destroy", "DELETE", ""},
	}
)

// railsResources appends the routes of a resources/resource call, and,
// when it has a block, the mount that nests the block's routes.
func railsResources(call *sitter.Node, src []byte, out *facts.File) {
	method := call.ChildByFieldName("method")
	args := call.ChildByFieldName("arguments")
	if method == nil || args == nil {
		return
	}
	singular := method.Content(src) == "resource"
	var names []string
	only, except := map[string]bool(nil), map[string]bool{}
	pathOverride := ""
	for i := 0; i < int(args.NamedChildCount()); i++ {
		a := args.NamedChild(i)
		switch a.Type() {
		case "simple_symbol":
			names = append(names, strings.TrimPrefix(a.Content(src), ":"))
		case "pair":
			key, val := a.ChildByFieldName("key"), a.ChildByFieldName("value")
			if key == nil || val == nil {
				continue
			}
			switch strings.Trim(key.Content(src), ":\"' ") {
			case "only":
				only = symbolSet(val, src)
			case "except":
				except = symbolSet(val, src)
			case "path":
				if v, ok := Unquote(val.Content(src)); ok {
					pathOverride = v
				}
			}
		}
	}
	actions := railsPlural
	if singular {
		actions = railsSingular
	}
	controllerPrefix := railsNamespace(call, src)
	span := spanOf(call)
	parent := railsParentParam(call, src)
	for _, name := range names {
		seg := parent + name
		if pathOverride != "" && len(names) == 1 {
			seg = strings.Trim(pathOverride, "/")
		}
		controller := name
		if singular {
			controller = railsPluralize(name)
		}
		for _, act := range actions {
			if only != nil && !only[act.name] || except[act.name] {
				continue
			}
			out.Routes = append(out.Routes, facts.Route{
				Method:  act.method,
				Path:    "/" + seg + act.path,
				Handler: controllerPrefix + controller + "#" + act.name,
				Span:    span,
				Body:    span,
			})
		}
	}
	if block := call.ChildByFieldName("block"); block != nil && len(names) == 1 {
		// The block's member routes add /:id (the member mount), its
		// nested resources their parent's /:photo_id (railsParentParam).
		prefix := "/" + names[0]
		if pathOverride != "" {
			prefix = "/" + strings.Trim(pathOverride, "/")
		}
		out.Mounts = append(out.Mounts, facts.Mount{Prefix: prefix, Span: spanOf(block)})
	}
}

// railsParentParam: a resources call nested in a plural resources block
// is under the parent record: ":photo_id/".
func railsParentParam(call *sitter.Node, src []byte) string {
	for p := call.Parent(); p != nil; p = p.Parent() {
		if p.Type() != "call" {
			continue
		}
		m := p.ChildByFieldName("method")
		if m == nil {
			continue
		}
		switch m.Content(src) {
		case "resources":
			if args := p.ChildByFieldName("arguments"); args != nil && args.NamedChildCount() > 0 && args.NamedChild(0).Type() == "simple_symbol" {
				return ":" + railsSingularize(strings.TrimPrefix(args.NamedChild(0).Content(src), ":")) + "_id/"
			}
			return ""
		case "resource", "member", "collection", "namespace", "scope", "draw":
			return ""
		}
	}
	return ""
}

// railsSymbolRoute: `post :publish` names an action of the resource
// whose block holds it (member/collection/resources); outside routes
// blocks a symbol argument is no route (`hash.delete :key`). It returns
// the route's handler ("posts#publish") and whether it is one.
func railsSymbolRoute(call *sitter.Node, action string, src []byte) (handler string, ok bool) {
	for p := call.Parent(); p != nil; p = p.Parent() {
		if p.Type() != "call" {
			continue
		}
		m := p.ChildByFieldName("method")
		if m == nil {
			continue
		}
		switch m.Content(src) {
		case "member", "collection":
			continue
		case "resources", "resource":
			if args := p.ChildByFieldName("arguments"); args != nil && args.NamedChildCount() > 0 {
				return railsNamespace(p, src) + strings.TrimPrefix(args.NamedChild(0).Content(src), ":") + "#" + action, true
			}
			return action, true
		case "namespace", "scope", "draw", "constraints", "concern":
			return action, true
		}
		return "", false
	}
	return "", false
}

// railsNamespace: the controller path the enclosing namespaces give
// ("admin/" inside namespace :admin).
func railsNamespace(call *sitter.Node, src []byte) string {
	var parts []string
	for p := call.Parent(); p != nil; p = p.Parent() {
		if p.Type() != "call" {
			continue
		}
		if m := p.ChildByFieldName("method"); m == nil || m.Content(src) != "namespace" {
			continue
		}
		if args := p.ChildByFieldName("arguments"); args != nil && args.NamedChildCount() > 0 && args.NamedChild(0).Type() == "simple_symbol" {
			parts = append([]string{strings.TrimPrefix(args.NamedChild(0).Content(src), ":")}, parts...)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "/") + "/"
}

func symbolSet(n *sitter.Node, src []byte) map[string]bool {
	out := map[string]bool{}
	add := func(x *sitter.Node) {
		if v, ok := Unquote(x.Content(src)); ok {
			out[v] = true
		}
	}
	if n.Type() == "array" {
		for i := 0; i < int(n.NamedChildCount()); i++ {
			add(n.NamedChild(i))
		}
	} else {
		add(n)
	}
	return out
}

func railsSingularize(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return strings.TrimSuffix(s, "ies") + "y"
	case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "xes"), strings.HasSuffix(s, "ches"), strings.HasSuffix(s, "shes"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss"):
		return s[:len(s)-1]
	}
	return s
}

func railsPluralize(s string) string {
	switch {
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	}
	return s + "s"
}
