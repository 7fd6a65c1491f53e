// Package ruby is the Ruby front end (.rb, .rake, Gemfile-free code).
package ruby

import (
	_ "embed"

	"github.com/smacker/go-tree-sitter/ruby"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

//go:embed queries.scm
var querySource []byte

// Lang is the compiled front end.
var Lang = treesitter.MustNew("ruby", ruby.GetLanguage(), querySource, treesitter.Hooks{
	CallTypes:  []string{"call"},
	ArgsTypes:  []string{"argument_list"},
	HasDefault: treesitter.DefaultByOperator([]string{"parenthesized_statements"}, "||", "or"),
})
