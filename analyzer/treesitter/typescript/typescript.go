// Package typescript is the TypeScript front end (.ts, .mts, .cts and .tsx).
// It reuses the JavaScript query and adds TypeScript-only patterns.
package typescript

import (
	_ "embed"

	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/javascript"
)

//go:embed queries.scm
var extra []byte

// QuerySource is the full TypeScript query.
var QuerySource = append(append(append([]byte{}, javascript.QuerySource...), '\n'), extra...)

var (
	// TS is the compiled .ts front end.
	TS = treesitter.MustNew("typescript", typescript.GetLanguage(), QuerySource, javascript.Hooks)
	// TSX is the compiled .tsx front end.
	TSX = treesitter.MustNew("tsx", tsx.GetLanguage(), QuerySource, javascript.Hooks)
)
