// Package java is the Java front end (.java).
package java

import (
	_ "embed"

	"github.com/smacker/go-tree-sitter/java"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

//go:embed queries.scm
var querySource []byte

// Lang is the compiled front end.
var Lang = treesitter.MustNew("java", java.GetLanguage(), querySource, treesitter.Hooks{
	CallTypes:  []string{"method_invocation", "object_creation_expression"},
	HasDefault: treesitter.DefaultByOperator([]string{"parenthesized_expression"}),
})
