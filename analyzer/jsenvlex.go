package analyzer

import (
	"bytes"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// jsEnvLex is the cheap path for JavaScript and TypeScript files whose only
// prefilter hit is `process.env` (library code reading NODE_ENV and the
// like): a lexical scan that finds the `process.env.NAME`,
// `process.env?.NAME` and `process.env["NAME"]` reads without building a
// syntax tree (computed indexes, spreads and arguments read no name). It
// yields exactly the env facts the tree-sitter query would (name, span,
// HasDefault), or ok=false whenever the file holds anything it cannot
// decide lexically (JSX, regex/division ambiguity, other env forms,
// `= process.env` destructuring, TypeScript non-null or `as` around a read,
// unbalanced brackets, unterminated strings); the caller then parses the
// file.
// jsenvlex_test.go compares both paths on the fixtures and on fuzzed input.
//
// Facts the Base query also returns and this path does not: imports. In a
// file without a provider-package needle they cannot become findings (no
// SDK_USAGE, no attribution through constructors), and files with route,
// mount or auth needles never take this path. Env.Callee is likewise only
// used with a provider import, so it is left empty.
func jsEnvLex(src []byte, ts bool) (env []facts.Env, ok bool) {
	if bytes.Contains(src, []byte("$env/")) || bytes.Contains(src, []byte("z.object")) {
		return nil, false // SvelteKit env modules, env schemas: the query reads them
	}
	if bytes.Contains(src, []byte("<!--")) || bytes.Contains(src, []byte("-->")) ||
		bytes.Contains(src, []byte("\u2028")) || bytes.Contains(src, []byte("\u2029")) {
		return nil, false // HTML-like comments and odd line terminators
	}
	for i, c := range src {
		if c == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			return nil, false
		}
	}
	lx := jsLexer{src: src, ts: ts}
	if !lx.run() {
		return nil, false
	}
	return lx.env, true
}

type jsTokKind uint8

const (
	tokNone jsTokKind = iota
	tokIdent
	tokPunct
	tokLiteral // number, string, template, regex: an expression just ended
)

type jsTok struct {
	kind jsTokKind
	text string // identifiers and punctuators
}

type jsLexer struct {
	src  []byte
	ts   bool
	i    int
	prev jsTok
	// prev2 is the token before prev, prev3 the one before that.
	prev2, prev3 jsTok
	// stack of open brackets; '`' marks a template substitution ${...}.
	stack []byte
	// heads[i]: the bracket stack[i] opened a statement head (if/while/for/
	// with), after whose ")" a "/" starts a regex and a read starts an
	// expression.
	heads []bool
	env   []facts.Env
	// line bookkeeping for spans: line number at linePos.
	linePos, line int
}

func (lx *jsLexer) push(t jsTok) { lx.prev3, lx.prev2, lx.prev = lx.prev2, lx.prev, t }

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// regexAllowed: after prev, does `/` start a regular expression? ok=false
// when only a parser can tell (after `)` or `}`, or a contextual keyword).
func regexAllowed(prev jsTok) (allowed, ok bool) {
	switch prev.kind {
	case tokNone:
		return true, true
	case tokLiteral:
		return false, true
	case tokIdent:
		switch prev.text {
		case "return", "typeof", "instanceof", "in", "new", "delete", "void", "throw", "case", "do", "else":
			return true, true
		case "of", "yield", "await", "let", "async", "get", "set", "static":
			return false, false
		}
		return false, true
	}
	switch prev.text {
	case "}":
		return false, false
	case ")", "]", "++", "--":
		return false, true
	}
	return true, true // ")head" too: if (x) /re/.test(y)
}

var jsPuncts = []string{">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
	"=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=",
	"&=", "|=", "^=", "**", "<<", ">>"}

// lowestBefore: tokens after which an expression starts at the lowest
// precedence, so `process.env.X || d` there is a binary expression whose left
// operand is the read itself.
func lowestBefore(t jsTok) (lowest, ok bool) {
	switch t.kind {
	case tokNone:
		return true, true
	case tokLiteral:
		return true, true // "use strict" then a new line: a new statement
	case tokIdent:
		switch t.text {
		case "return", "yield", "throw", "case", "else", "do":
			return true, true
		case "typeof", "void", "delete", "await", "new":
			return false, true
		}
		return false, false // `in`/`of` (for-in/of or operator), ASI, errors
	}
	switch t.text {
	case "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??=",
		"(", "[", "{", "${", ",", ";", "?", ":", "=>", "...", ")head":
		return true, true
	case ")", "]", "}":
		// Nothing continues an expression past these without an operator:
		// the read starts a statement (automatic semicolon insertion).
		return true, true
	case ".", "?.":
		return false, false
	}
	return false, true // a higher-precedence operator
}

func (lx *jsLexer) run() bool {
	src := lx.src
	if bytes.HasPrefix(src, []byte("#!")) {
		for lx.i < len(src) && src[lx.i] != '\n' {
			lx.i++
		}
	}
	for lx.i < len(src) {
		if !lx.token() {
			return false
		}
	}
	return len(lx.stack) == 0
}

// token scans the token, space or comment at lx.i; false when only the
// parser can read the file.
func (lx *jsLexer) token() bool {
	src := lx.src
	c := src[lx.i]
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '\v':
		lx.i++
		return true
	case '#':
		if lx.i > 0 && lx.i+1 < len(src) && isIdentStart(src[lx.i+1]) {
			lx.i++ // a private name #x is an identifier here
			return lx.ident()
		}
		return false // decorators and the like
	case '\\', '@':
		return false // escapes, decorators
	case '/':
		return lx.slash()
	case '\'', '"':
		if !lx.str(c) {
			return false
		}
		lx.push(jsTok{kind: tokLiteral})
		return true
	case '`':
		lx.i++
		return lx.template()
	case '(', '[', '{':
		lx.open(c)
		return true
	case ')', ']', '}':
		return lx.close(c)
	case '<':
		if allowed, _ := regexAllowed(lx.prev); allowed {
			return false // JSX or a TypeScript type assertion
		}
		lx.punct()
		return true
	}
	return lx.wordOrPunct(c)
}

// wordOrPunct scans a number, an identifier or an operator.
func (lx *jsLexer) wordOrPunct(c byte) bool {
	src := lx.src
	switch {
	case c >= 0x80:
		return false // non-ASCII identifiers
	case c >= '0' && c <= '9' || c == '.' && lx.i+1 < len(src) && src[lx.i+1] >= '0' && src[lx.i+1] <= '9':
		for lx.i < len(src) && (isIdentPart(src[lx.i]) || src[lx.i] == '.') {
			lx.i++
		}
		lx.push(jsTok{kind: tokLiteral})
		return true
	case isIdentStart(c):
		return lx.ident()
	case bytes.IndexByte([]byte("+-*%&|^!~>=?:;,."), c) >= 0:
		lx.punct()
		return true
	}
	return false // control characters and the like: the parser decides
}

// slash scans a comment, a regular expression or a division operator.
func (lx *jsLexer) slash() bool {
	src := lx.src
	if lx.i+1 < len(src) && (src[lx.i+1] == '/' || src[lx.i+1] == '*') {
		return lx.skipComment()
	}
	allowed, ok := regexAllowed(lx.prev)
	if !ok {
		return false
	}
	if !allowed {
		lx.punct()
		return true
	}
	if !lx.regex() {
		return false
	}
	lx.push(jsTok{kind: tokLiteral})
	return true
}

// open pushes an opening bracket, marking the "(" of a statement head.
func (lx *jsLexer) open(c byte) {
	lx.stack = append(lx.stack, c)
	lx.heads = append(lx.heads, c == '(' && lx.prev.kind == tokIdent &&
		(lx.prev.text == "if" || lx.prev.text == "while" || lx.prev.text == "for" || lx.prev.text == "with"))
	lx.push(jsTok{kind: tokPunct, text: string(c)})
	lx.i++
}

// close pops the bracket c closes; the "}" of a template substitution
// continues the template. False when c closes nothing or another bracket.
func (lx *jsLexer) close(c byte) bool {
	if len(lx.stack) == 0 {
		return false
	}
	open := lx.stack[len(lx.stack)-1]
	lx.stack = lx.stack[:len(lx.stack)-1]
	head := lx.heads[len(lx.heads)-1]
	lx.heads = lx.heads[:len(lx.heads)-1]
	lx.i++
	if open == '`' && c == '}' {
		return lx.template()
	}
	if open != map[byte]byte{')': '(', ']': '[', '}': '{'}[c] {
		return false
	}
	if head {
		lx.push(jsTok{kind: tokPunct, text: ")head"})
		return true
	}
	lx.push(jsTok{kind: tokPunct, text: string(c)})
	return true
}

func (lx *jsLexer) punct() {
	rest := lx.src[lx.i:]
	for _, p := range jsPuncts {
		if bytes.HasPrefix(rest, []byte(p)) {
			if p == "?." && len(rest) > 2 && rest[2] >= '0' && rest[2] <= '9' {
				continue // a ? .5 : b
			}
			lx.i += len(p)
			lx.push(jsTok{kind: tokPunct, text: p})
			return
		}
	}
	lx.i++
	lx.push(jsTok{kind: tokPunct, text: string(rest[0])})
}

func (lx *jsLexer) skipComment() bool {
	src := lx.src
	if src[lx.i+1] == '/' {
		for lx.i < len(src) && src[lx.i] != '\n' {
			lx.i++
		}
		return true
	}
	end := bytes.Index(src[lx.i+2:], []byte("*/"))
	if end < 0 {
		return false
	}
	lx.i += 2 + end + 2
	return true
}

// skipSpace skips whitespace and comments; false on an unterminated comment.
func (lx *jsLexer) skipSpace() bool {
	src := lx.src
	for lx.i < len(src) {
		c := src[lx.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.i++
		case c == '/' && lx.i+1 < len(src) && (src[lx.i+1] == '/' || src[lx.i+1] == '*'):
			if !lx.skipComment() {
				return false
			}
		default:
			return true
		}
	}
	return true
}

func (lx *jsLexer) str(q byte) bool {
	src := lx.src
	for lx.i++; lx.i < len(src); lx.i++ {
		switch src[lx.i] {
		case '\\':
			lx.i++
		case '\n':
			return false
		case q:
			lx.i++
			return true
		}
	}
	return false
}

// template scans template text up to its end (a literal) or to a
// substitution `${` (pushed on the stack).
func (lx *jsLexer) template() bool {
	src := lx.src
	for ; lx.i < len(src); lx.i++ {
		switch src[lx.i] {
		case '\\':
			lx.i++
		case '`':
			lx.i++
			lx.push(jsTok{kind: tokLiteral})
			return true
		case '$':
			if lx.i+1 < len(src) && src[lx.i+1] == '{' {
				lx.i += 2
				lx.stack = append(lx.stack, '`')
				lx.heads = append(lx.heads, false)
				lx.push(jsTok{kind: tokPunct, text: "${"})
				return true
			}
		}
	}
	return false
}

func (lx *jsLexer) regex() bool {
	src := lx.src
	class := false
	for lx.i++; lx.i < len(src); lx.i++ {
		switch src[lx.i] {
		case '\\':
			lx.i++
		case '\n':
			return false
		case '[':
			class = true
		case ']':
			class = false
		case '/':
			if !class {
				lx.i++
				for lx.i < len(src) && isIdentPart(src[lx.i]) {
					lx.i++
				}
				return true
			}
		}
	}
	return false
}

func (lx *jsLexer) scanIdent() string {
	start := lx.i
	for lx.i < len(lx.src) && isIdentPart(lx.src[lx.i]) {
		lx.i++
	}
	return string(lx.src[start:lx.i])
}

// ident handles an identifier; `process.env.NAME` is recognised here.
func (lx *jsLexer) ident() bool {
	src := lx.src
	start := lx.i
	word := lx.scanIdent()
	if lx.i < len(src) && (src[lx.i] >= 0x80 || src[lx.i] == '\\') {
		return false
	}
	member := lx.prev.kind == tokPunct && (lx.prev.text == "." || lx.prev.text == "?.")
	switch word {
	case "Deno", "Bun":
		return false // other env forms the query knows
	case "environment", "processEnv", "envVars",
		"env", "getEnv", "getenv", "requireEnv", "mustGetEnv", "readEnv",
		"config", "configService", "ENV":
		if lx.envAlias(word, member) {
			return false
		}
	case "import":
		if lx.importMeta() {
			return false
		}
	case "process":
		if member {
			break
		}
		if bytes.HasPrefix(src[lx.i:], []byte(".env")) {
			return lx.processEnv(start)
		}
		if lx.spacedEnv() {
			return false
		}
	}
	lx.push(jsTok{kind: tokIdent, text: word})
	return true
}

// envAlias: word, with what follows it, is an env form other than
// process.env that the query knows.
func (lx *jsLexer) envAlias(word string, member bool) bool {
	switch word {
	case "environment", "processEnv", "envVars":
		return !member && (lx.nextIs(".") || lx.nextIs("?")) // an alias of the environment: env.NAME
	case "env", "getEnv", "getenv", "requireEnv", "mustGetEnv", "readEnv":
		// env("X"): a config helper call the query knows; env.NAME: an
		// alias of the environment (SvelteKit, Vite's loadEnv, Workers).
		if !member && (lx.nextIs("(") || word == "env" && (lx.nextIs(".") || lx.nextIs("?"))) {
			return true
		}
		return word == "env" && lx.nextMethod()
	case "config", "configService", "ENV":
		return lx.nextMethod() || word == "ENV" && !member && (lx.nextIs(".") || lx.nextIs("?")) // config.get("X"), ENV.NAME
	}
	return false
}

// importMeta: the import keyword at lx.i is import.meta (or an unterminated
// comment follows it). lx.i is kept.
func (lx *jsLexer) importMeta() bool {
	save := lx.i
	if !lx.skipSpace() {
		return true
	}
	if lx.i < len(lx.src) && lx.src[lx.i] == '.' {
		return true // import.meta
	}
	lx.i = save
	return false
}

// spacedEnv: after a process that is not followed by ".env", a spaced or
// computed env (process . env, process?.env, process[...]) follows, or an
// unterminated comment. process.exit and the like are fine; lx.i is then
// kept.
func (lx *jsLexer) spacedEnv() bool {
	src := lx.src
	save := lx.i
	if !lx.skipSpace() {
		return true
	}
	if lx.i < len(src) && (src[lx.i] == '.' || src[lx.i] == '?' || src[lx.i] == '[') {
		if src[lx.i] == '[' {
			return true
		}
		lx.i++
		if lx.i < len(src) && src[lx.i] == '.' {
			lx.i++
		}
		if !lx.skipSpace() {
			return true
		}
		if bytes.HasPrefix(src[lx.i:], []byte("env")) && (lx.i+3 == len(src) || !isIdentPart(src[lx.i+3])) {
			return true
		}
	}
	lx.i = save
	return false
}

// processEnv reads the process.env form at lx.i (just after "process",
// which starts at start): a named read, an index, or process.env alone.
func (lx *jsLexer) processEnv(start int) bool {
	src := lx.src
	rest := src[lx.i:]
	var name string
	switch {
	case len(rest) > 5 && rest[4] == '.' && isIdentStart(rest[5]): // process.env.NAME
		lx.i += 5
		name = lx.scanIdent()
	case len(rest) > 6 && rest[4] == '?' && rest[5] == '.' && isIdentStart(rest[6]): // process.env?.NAME
		lx.i += 6
		name = lx.scanIdent()
	case len(rest) > 4 && rest[4] == '[': // process.env["NAME"], process.env[key]
		return lx.indexedEnv(start)
	case len(rest) == 4 || !isIdentPart(rest[4]) && rest[4] < 0x80 && rest[4] != '\\':
		return lx.bareEnv()
	default:
		return false
	}
	if lx.i < len(src) && (src[lx.i] >= 0x80 || src[lx.i] == '\\') {
		return false
	}
	return lx.read(start, lx.i, name, jsTok{kind: tokIdent, text: name})
}

// indexedEnv reads process.env[...] (lx.i at ".env["): a literal index is
// a read of that name; a computed one reads no name we can report.
func (lx *jsLexer) indexedEnv(start int) bool {
	n, end, lit, ok := envIndex(lx.src, lx.i+5)
	if !ok {
		return false
	}
	if !lit {
		lx.i += 4
		lx.push(jsTok{kind: tokIdent, text: "env"})
		return true
	}
	return lx.read(start, end, n, jsTok{kind: tokPunct, text: "]"})
}

// bareEnv: process.env alone (lx.i at ".env"): spread, argument, `in`
// operand. After "=" it may be a destructuring declaration the query reads.
func (lx *jsLexer) bareEnv() bool {
	if lx.prev.kind == tokPunct && lx.prev.text == "=" {
		return false
	}
	lx.i += 4
	if lx.nextIs(".") || lx.nextIs("?") || lx.nextIs("[") {
		return false // spaced member access or a ternary: the parser decides
	}
	lx.push(jsTok{kind: tokIdent, text: "env"})
	return true
}

// read records the env read src[start:end] of name (when valid) and
// continues after it with tok as the previous token.
func (lx *jsLexer) read(start, end int, name string, tok jsTok) bool {
	lx.i = end
	lowest, ok := lowestBefore(lx.prev)
	if !ok || lx.ts && lx.prev.kind == tokIdent && lx.prev.text == "typeof" || lx.ts && lx.typeAnnotation() {
		return false
	}
	def, ok := lx.followedByDefault()
	if !ok {
		return false
	}
	assigned, ok := assignedAfter(lx.src, end)
	if !ok {
		return false
	}
	if validName(name) && !assigned { // process.env.X = v writes, it does not read
		lx.env = append(lx.env, facts.Env{Name: name, HasDefault: lowest && def, Span: lx.span(start, end)})
	}
	lx.i = end
	lx.push(tok)
	return true
}

// assignedAfter: is the expression ending at src[i] the target of a plain
// assignment (`= v`, not `==`, `=>` or `||=`)? ok=false when a comment
// follows and only a parser can tell.
func assignedAfter(src []byte, i int) (assigned, ok bool) {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	if i < len(src) && src[i] == '/' {
		return false, false
	}
	return i < len(src) && src[i] == '=' && (i+1 == len(src) || src[i+1] != '=' && src[i+1] != '>'), true
}

// typeAnnotation: in TypeScript, is the read in a type position (`const A:
// process.env.A`, `f(): process.env.A`), which the parser reads as a type?
// An object literal's `{ key: process.env.A }` is not.
func (lx *jsLexer) typeAnnotation() bool {
	if lx.prev.kind != tokPunct || lx.prev.text != ":" {
		return false
	}
	if lx.prev2.kind == tokPunct && lx.prev2.text == ")" {
		return true
	}
	if lx.prev2.kind == tokIdent && lx.prev3.kind == tokIdent {
		switch lx.prev3.text {
		case "const", "let", "var", "readonly", "declare":
			return true
		}
	}
	return false
}

// envIndex reads the index of process.env[ starting at src[i]: a string
// literal alone on one line gives lit=true, its text and the offset after
// "]"; anything else gives lit=false (no name to report). ok=false when
// only a parser can tell (escapes, line breaks, comments).
func envIndex(src []byte, i int) (name string, end int, lit, ok bool) {
	i = skipBlanks(src, i)
	if i >= len(src) || src[i] != '"' && src[i] != '\'' {
		return "", 0, false, !breakOrSlashAt(src, i)
	}
	j, ok := quoteEnd(src, i)
	if !ok {
		return "", 0, false, false
	}
	k := skipBlanks(src, j+1)
	if k >= len(src) || src[k] != ']' {
		return "", 0, false, !breakOrSlashAt(src, k) // "A" + b: not a literal index
	}
	return string(src[i+1 : j]), k + 1, true, true
}

// skipBlanks: the offset of the first byte from i on that is not a space or
// a tab.
func skipBlanks(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i
}

// breakOrSlashAt: src[i] is a line break or a slash (a comment may start),
// where only a parser can tell what an index is.
func breakOrSlashAt(src []byte, i int) bool {
	return i < len(src) && (src[i] == '\n' || src[i] == '\r' || src[i] == '/')
}

// quoteEnd: the offset of the quote closing the string literal opened at
// src[i] on the same line; ok=false for escapes, line breaks or no end.
func quoteEnd(src []byte, i int) (j int, ok bool) {
	q := src[i]
	for j = i + 1; j < len(src) && src[j] != q; j++ {
		if src[j] == '\\' || src[j] == '\n' || src[j] == '\r' {
			return 0, false
		}
	}
	return j, j < len(src)
}

// nextIs: after whitespace and comments, src continues with tok. Unterminated
// comments count as a match (the caller then gives up).
func (lx *jsLexer) nextIs(tok string) bool {
	save := lx.i
	defer func() { lx.i = save }()
	if !lx.skipSpace() {
		return true
	}
	return bytes.HasPrefix(lx.src[lx.i:], []byte(tok))
}

// nextMethod: `.get`, `.getOrThrow`, `.require`, `.str`, `.string` or `.url`
// follows (config.get("X") and the like).
func (lx *jsLexer) nextMethod() bool {
	save := lx.i
	defer func() { lx.i = save }()
	if !lx.skipSpace() {
		return true
	}
	if bytes.HasPrefix(lx.src[lx.i:], []byte("?.")) {
		lx.i++
	}
	if lx.i >= len(lx.src) || lx.src[lx.i] != '.' {
		return false
	}
	lx.i++
	if !lx.skipSpace() {
		return true
	}
	switch lx.scanIdent() {
	case "get", "getOrThrow", "require", "str", "string", "url":
		return true
	}
	return false
}

// followedByDefault looks past a read: `|| x` or `?? x` follows it. ok=false
// when a parser is needed (a closing paren or TypeScript's `!`/`as` in
// between, which the tree-sitter hook peels).
func (lx *jsLexer) followedByDefault() (def, ok bool) {
	src := lx.src
	if !lx.skipSpace() {
		return false, false
	}
	rest := src[lx.i:]
	switch {
	case len(rest) == 0:
		return false, true
	case rest[0] == ')':
		for lx.i < len(src) && src[lx.i] == ')' {
			lx.i++
			if !lx.skipSpace() {
				return false, false
			}
		}
		rest = src[lx.i:]
		if bytes.HasPrefix(rest, []byte("||")) || bytes.HasPrefix(rest, []byte("??")) {
			return false, false
		}
		return false, true
	case rest[0] == '!' && !bytes.HasPrefix(rest, []byte("!=")):
		return false, false
	case isIdentStart(rest[0]):
		w := lx.scanIdent()
		if w == "as" || w == "satisfies" {
			return false, false
		}
		return false, true
	}
	for _, op := range []string{"||", "??"} {
		if bytes.HasPrefix(rest, []byte(op)) {
			return !bytes.HasPrefix(rest[2:], []byte("=")), true
		}
	}
	return false, true
}

// validName mirrors treesitter's env-name check.
func validName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' && i > 0) {
			return false
		}
	}
	return true
}

// span converts byte offsets to a Span; offsets only grow between calls.
func (lx *jsLexer) span(start, end int) facts.Span {
	if lx.line == 0 {
		lx.line = 1
	}
	lx.line += bytes.Count(lx.src[lx.linePos:start], []byte("\n"))
	lx.linePos = start
	ls := bytes.LastIndexByte(lx.src[:start], '\n') + 1
	startCol := start - ls + 1
	// A read is a single line: it is made of identifier bytes and dots.
	return facts.Span{StartLine: uint32(lx.line), StartCol: uint32(startCol), EndLine: uint32(lx.line), EndCol: uint32(end - ls + 1)}
}
