package analyzer

import (
	"context"
	"path"
	"strings"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/analyzer/golang"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/csharp"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/java"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/javascript"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/php"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/python"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/ruby"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/typescript"
	"github.com/patchbay-dev/patchbay/providers"
)

// A language front end turns one file into facts.
type frontEnd struct {
	language  string
	ecosystem providers.Ecosystem
	// ts is the tree-sitter front end; nil for Go.
	ts *treesitter.Lang
	// envNeedles are substrings that show a file may read env vars;
	// lexEnvNeedles those of the forms the lexical path reads (jsEnvLex;
	// not TSX, whose JSX it cannot read).
	envNeedles, lexEnvNeedles [][]byte
	// envCalls are names of env-reading calls (os.Getenv, getEnv, ...),
	// which count only where called with a literal first argument: the
	// front ends report no other reads of them.
	envCalls [][]byte
	// envCallCheck tells such a call (see callWithLiteral).
	envCallCheck func(src []byte, at, end int) bool
	// scriptOnly: a single-file component (.vue, .svelte, .astro); only
	// its <script> blocks (and Astro's frontmatter) are code, see
	// scriptBlocks.
	scriptOnly bool
}

func (fe *frontEnd) extract(ctx context.Context, rel string, src []byte, parts treesitter.Parts) (*facts.File, error) {
	if fe.scriptOnly {
		src = scriptBlocks(src)
	}
	if fe.ts == nil {
		return golang.Extract(ctx, rel, src)
	}
	return fe.ts.ExtractParts(ctx, src, parts)
}

func needles(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, x := range s {
		out[i] = []byte(x)
	}
	return out
}

var (
	jsLexEnv = needles("process.env")
	jsEnv    = needles("import.meta.env", "Deno.env", "Bun.env", "$env/", "z.object(", "hono/adapter")
	// jsEnvCalls: env("X"), getEnv("X"), ..., and config.get("X") with the
	// receivers and methods the query knows (config, configService, env,
	// ENV; get, getOrThrow, require, str, string, url).
	jsEnvCalls = needles("env(", "Env(",
		"config.get", "config.require", "config.str", "config.url",
		"onfigService.get", "onfigService.require", "onfigService.str", "onfigService.url",
		"env.get", "env.require", "env.str", "env.url",
		"ENV.get", "ENV.require", "ENV.str", "ENV.url")
	jsCallLit = callWithLiteral("\"'`")
	feGo      = &frontEnd{language: "go", ecosystem: providers.Go,
		envCalls: needles("Getenv", "LookupEnv", "getenv", "Env(", "env(", "EnvOr", "envOr"), envCallCheck: callWithLiteral("\"`")}
	feJS   = &frontEnd{language: "javascript", ecosystem: providers.NPM, ts: javascript.Lang, lexEnvNeedles: jsLexEnv, envNeedles: jsEnv, envCalls: jsEnvCalls, envCallCheck: jsCallLit}
	feTS   = &frontEnd{language: "typescript", ecosystem: providers.NPM, ts: typescript.TS, lexEnvNeedles: jsLexEnv, envNeedles: jsEnv, envCalls: jsEnvCalls, envCallCheck: jsCallLit}
	feTSX  = &frontEnd{language: "typescript", ecosystem: providers.NPM, ts: typescript.TSX, envNeedles: append(jsLexEnv, jsEnv...), envCalls: jsEnvCalls, envCallCheck: jsCallLit}
	fePy   = &frontEnd{language: "python", ecosystem: providers.PyPI, ts: python.Lang, envNeedles: needles("environ", "getenv", "config(", "env(", "env.", "BaseSettings")}
	feRb   = &frontEnd{language: "ruby", ecosystem: providers.RubyGems, ts: ruby.Lang, envNeedles: needles("ENV")}
	fePHP  = &frontEnd{language: "php", ecosystem: providers.Composer, ts: php.Lang, envNeedles: needles("getenv", "env(", "$_ENV", "$_SERVER")}
	feJava = &frontEnd{language: "java", ecosystem: providers.Maven, ts: java.Lang, envNeedles: needles("getenv", "getProperty", "@Value")}
	// Single-file components: their scripts parsed as TypeScript (a
	// superset of what plain <script> blocks hold).
	feVue    = &frontEnd{language: "vue", ecosystem: providers.NPM, ts: typescript.TS, envNeedles: append(jsLexEnv, jsEnv...), envCalls: jsEnvCalls, envCallCheck: jsCallLit, scriptOnly: true}
	feSvelte = &frontEnd{language: "svelte", ecosystem: providers.NPM, ts: typescript.TS, envNeedles: append(jsLexEnv, jsEnv...), envCalls: jsEnvCalls, envCallCheck: jsCallLit, scriptOnly: true}
	feAstro  = &frontEnd{language: "astro", ecosystem: providers.NPM, ts: typescript.TS, envNeedles: append(jsLexEnv, jsEnv...), envCalls: jsEnvCalls, envCallCheck: jsCallLit, scriptOnly: true}
	feCS     = &frontEnd{language: "csharp", ecosystem: providers.NuGet, ts: csharp.Lang, envNeedles: needles("GetEnvironmentVariable", "onfig")}
)

// extFrontEnds maps file extensions to front ends; languages register
// themselves here (see languages.go).
var extFrontEnds = map[string]*frontEnd{
	".go":     feGo,
	".js":     feJS,
	".jsx":    feJS,
	".mjs":    feJS,
	".cjs":    feJS,
	".ts":     feTS,
	".mts":    feTS,
	".cts":    feTS,
	".tsx":    feTSX,
	".py":     fePy,
	".rb":     feRb,
	".rake":   feRb,
	".php":    fePHP,
	".java":   feJava,
	".cs":     feCS,
	".vue":    feVue,
	".svelte": feSvelte,
	".astro":  feAstro,
}

// scriptBlocks keeps only the code of a single-file component: the
// contents of its <script> elements and an Astro component's --- frontmatter
// ---; every other byte becomes a space (newlines stay), so positions in
// the result are positions in the file.
func scriptBlocks(src []byte) []byte {
	out := make([]byte, len(src))
	for i, c := range src {
		if c == '\n' || c == '\r' {
			out[i] = c
		} else {
			out[i] = ' '
		}
	}
	keep := func(from, to int) { copy(out[from:to], src[from:to]) }
	// Astro frontmatter: the file starts with a --- line.
	if rest, ok := strings.CutPrefix(string(src), "---"); ok {
		if end := strings.Index(rest, "\n---"); end >= 0 {
			keep(3, 3+end)
		}
	}
	lower := strings.ToLower(string(src))
	for at := 0; ; {
		i := strings.Index(lower[at:], "<script")
		if i < 0 {
			break
		}
		open := at + i
		gt := strings.IndexByte(lower[open:], '>')
		if gt < 0 {
			break
		}
		body := open + gt + 1
		end := strings.Index(lower[body:], "</script")
		if end < 0 {
			keep(body, len(src))
			break
		}
		keep(body, body+end)
		at = body + end
	}
	return out
}

// File kinds besides source code.
const (
	kindManifest = "manifest"
	kindDotenv   = "dotenv"
	kindCompose  = "compose"
	kindDocker   = "dockerfile"
	// kindConfig: configuration that reads env vars in its own syntax
	// (Symfony %env()%, ERB in YAML, Prisma env()).
	kindConfig = "config"
	// kindPatchbay: the service's patchbay.json (its "analyzer" section).
	kindPatchbay = "patchbay"
)

func frontEndFor(rel string) *frontEnd {
	base := path.Base(rel)
	if strings.HasSuffix(base, ".d.ts") {
		return nil
	}
	if fe, ok := nameFrontEnds[base]; ok {
		return fe
	}
	return extFrontEnds[strings.ToLower(path.Ext(base))]
}

// nameFrontEnds are Ruby files known by name, without an extension
// (Rake, Capistrano, Guard); config.ru is Rack's.
var nameFrontEnds = map[string]*frontEnd{
	"Rakefile": feRb, "Capfile": feRb, "Guardfile": feRb, "config.ru": feRb,
}
