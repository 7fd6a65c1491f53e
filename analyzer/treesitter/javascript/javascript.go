// Package javascript is the JavaScript front end (.js, .jsx, .mjs, .cjs).
// Its query is shared with the TypeScript front end.
package javascript

import (
	_ "embed"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/javascript"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

// QuerySource is the query shared by JavaScript and TypeScript.
//
//go:embed queries.scm
var QuerySource []byte

// Hooks are shared with the TypeScript front end.
var Hooks = treesitter.Hooks{
	CallTypes:  []string{"call_expression", "new_expression"},
	HasDefault: hasDefault,
}

// Lang is the compiled front end.
var Lang = treesitter.MustNew("javascript", javascript.GetLanguage(), QuerySource, Hooks)

// hasDefault: `process.env.X || "d"`, `process.env.X ?? "d"`.
func hasDefault(n *sitter.Node, src []byte) bool {
	p := n.Parent()
	for p != nil && (p.Type() == "non_null_expression" || p.Type() == "as_expression" || p.Type() == "parenthesized_expression") {
		n, p = p, p.Parent()
	}
	if p == nil || p.Type() != "binary_expression" {
		return false
	}
	left := p.ChildByFieldName("left")
	op := p.ChildByFieldName("operator")
	if left == nil || op == nil || left.StartByte() != n.StartByte() || left.EndByte() != n.EndByte() {
		return false
	}
	switch op.Type() {
	case "||", "??":
		return true
	}
	return false
}
