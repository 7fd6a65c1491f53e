// Package csharp is the C# front end (.cs).
package csharp

import (
	_ "embed"

	"github.com/smacker/go-tree-sitter/csharp"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

//go:embed queries.scm
var querySource []byte

// Lang is the compiled front end.
var Lang = treesitter.MustNew("csharp", csharp.GetLanguage(), querySource, treesitter.Hooks{
	CallTypes:  []string{"invocation_expression", "object_creation_expression"},
	HasDefault: treesitter.DefaultByOperator([]string{"parenthesized_expression"}, "??"),
})
