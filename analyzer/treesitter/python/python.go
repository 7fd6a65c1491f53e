// Package python is the Python front end (.py).
package python

import (
	_ "embed"

	"github.com/smacker/go-tree-sitter/python"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

//go:embed queries.scm
var querySource []byte

// Lang is the compiled front end.
var Lang = treesitter.MustNew("python", python.GetLanguage(), querySource, treesitter.Hooks{
	CallTypes:  []string{"call"},
	HasDefault: treesitter.DefaultByOperator([]string{"parenthesized_expression"}, "or"),
})
