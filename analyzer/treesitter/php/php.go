// Package php is the PHP front end (.php).
package php

import (
	_ "embed"

	"github.com/smacker/go-tree-sitter/php"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

//go:embed queries.scm
var querySource []byte

// Lang is the compiled front end.
var Lang = treesitter.MustNew("php", php.GetLanguage(), querySource, treesitter.Hooks{
	CallTypes:  []string{"object_creation_expression", "function_call_expression", "scoped_call_expression", "member_call_expression"},
	ArgsTypes:  []string{"arguments"},
	HasDefault: treesitter.DefaultByOperator([]string{"parenthesized_expression"}, "??", "?:", "||", "or"),
})
