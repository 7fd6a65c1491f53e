// Package typescript is the TypeScript front end (.ts, .mts, .cts and .tsx).
// It reuses the JavaScript query and adds TypeScript-only patterns.
package typescript

import (
	"bytes"
	_ "embed"

	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/javascript"
)

//go:embed queries.scm
var extra []byte

// QuerySource is the full TypeScript query: the TypeScript-only patterns
// join the JavaScript query's base section.
var QuerySource = bytes.Replace(javascript.QuerySource, []byte(treesitter.CallsSection), append(append(append([]byte{}, extra...), '\n'), treesitter.CallsSection...), 1)

var (
	// TS is the compiled .ts front end.
	TS = treesitter.MustNew("typescript", typescript.GetLanguage(), QuerySource, javascript.Hooks)
	// TSX is the compiled .tsx front end.
	TSX = treesitter.MustNew("tsx", tsx.GetLanguage(), QuerySource, javascript.Hooks)
)
