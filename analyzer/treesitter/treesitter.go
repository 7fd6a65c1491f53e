// Package treesitter is the shared half of the tree-sitter front ends: one
// compiled query per language, one query pass per file, and the capture
// conventions that turn matches into facts. Each language lives in its own
// package below this one (Bearer's and klotho's layout) and contributes only
// its grammar, its embedded .scm query and a few syntax hooks.
//
// Capture names the front ends use:
//
//	@import.<form>   the module path (string or name); <form> is import,
//	                 require, dynamic_import, use, using, include
//	@import.alias    the local name bound by the import (optional)
//	@import.span     the range to report (optional; default the path node)
//	@env             the whole env read (its range is reported)
//	@env.name        the variable name (string literal or identifier)
//	@env.default     present when the read has a fallback
//	@call            a call expression (callee = text before its arguments)
//	@new             a constructor expression
//
// Captures starting with "_" are only there for predicates.
package treesitter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

var placeholder = regexp.MustCompile(`^\$\{([A-Z_][A-Z0-9_]*)(:[^}]*)?\}`)

// Lang is one language front end. It is safe for concurrent use.
//
// Its queries are compiled on first use, one variant at a time: compiling
// a query against a large grammar takes tens of milliseconds (the three
// TypeScript variants ≈ 320 ms), which every process that links the
// analyzer would otherwise pay at start-up for every language, and a scan
// pays only for the languages and variants its files need.
type Lang struct {
	Name     string
	language *sitter.Language
	// sources[p] is the query text for the parts p; a file is queried
	// once, with the smallest variant that answers what it can contribute.
	sources  [3][]byte
	variants [3]lazyQuery
	hooks    Hooks
	parsers  sync.Pool
}

type lazyQuery struct {
	once sync.Once
	q    *Query
	err  error
}

// Hooks are the language-specific bits the generic extractor needs.
type Hooks struct {
	// CallTypes are node types of calls and constructor expressions; an env
	// read directly inside one of their argument lists is attributed to it.
	CallTypes []string
	// ArgsField is the field name of a call's argument list (default
	// "arguments"); ArgsTypes are node types that are argument lists when no
	// field is set (Ruby's argument_list, PHP's arguments).
	ArgsField string
	ArgsTypes []string
	// HasDefault reports whether the env-read node n has a fallback value
	// (e.g. `process.env.X || "d"`).
	HasDefault func(n *sitter.Node, src []byte) bool
	// ImportPath post-processes an import path (e.g. Java drops the class name).
	ImportPath func(form, path string) string
}

// New makes a front end from its grammar and query. It checks that the
// query splits into its sections; the query itself is compiled on first
// use (see Compile for doing it up front).
func New(name string, language *sitter.Language, query []byte, hooks Hooks) (*Lang, error) {
	base, calls, routes := splitSections(query)
	if len(bytes.TrimSpace(base)) == 0 {
		return nil, fmt.Errorf("%s query: empty base section", name)
	}
	if hooks.ArgsField == "" {
		hooks.ArgsField = "arguments"
	}
	l := &Lang{Name: name, language: language, hooks: hooks,
		sources: [3][]byte{base, join(base, calls), join(base, calls, routes)}}
	l.parsers.New = func() any {
		p := sitter.NewParser()
		p.SetLanguage(language)
		return p
	}
	return l, nil
}

// variant returns the compiled query for parts, compiling it once.
func (l *Lang) variant(parts Parts) (*Query, error) {
	v := &l.variants[parts]
	v.once.Do(func() {
		v.q, v.err = CompileQuery(l.sources[parts], l.language)
		if v.err != nil {
			v.err = fmt.Errorf("%s query: %w", l.Name, v.err)
		}
	})
	return v.q, v.err
}

// Compile compiles every query variant now: tests call it to prove the
// embedded query is valid, the daemon to warm up in the background.
func (l *Lang) Compile() error {
	for p := Base; p <= All; p++ {
		if _, err := l.variant(p); err != nil {
			return err
		}
	}
	return nil
}

// Parts says which sections of a language's query a file needs.
type Parts int

// Query sections. The .scm files mark them with CallsSection and
// RoutesSection comment lines.
const (
	// Base: imports and environment reads.
	Base Parts = iota
	// Calls adds calls and constructor expressions (SDK clients).
	Calls
	// All adds routes, mounts, functions, event types and options.
	All
)

// Section markers in the .scm files.
const (
	CallsSection  = "; ---- calls"
	RoutesSection = "; ---- routes"
)

func splitSections(src []byte) (base, calls, routes []byte) {
	s := string(src)
	ci, ri := strings.Index(s, CallsSection), strings.Index(s, RoutesSection)
	switch {
	case ci < 0 && ri < 0:
		return src, nil, nil
	case ci < 0:
		return []byte(s[:ri]), nil, []byte(s[ri:])
	case ri < 0:
		return []byte(s[:ci]), []byte(s[ci:]), nil
	case ci < ri:
		return []byte(s[:ci]), []byte(s[ci:ri]), []byte(s[ri:])
	}
	return []byte(s[:ri]), []byte(s[ci:]), []byte(s[ri:ci])
}

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(append(out, p...), '\n')
	}
	return out
}

// MustNew is New for package-level variables; their queries are compiled
// by each package's smoke test.
func MustNew(name string, language *sitter.Language, query []byte, hooks Hooks) *Lang {
	l, err := New(name, language, query, hooks)
	if err != nil {
		panic(err)
	}
	return l
}

// Query returns the compiled query with every section (for tests).
func (l *Lang) Query() (*sitter.Query, error) {
	q, err := l.variant(All)
	if err != nil {
		return nil, err
	}
	return q.q, nil
}

// Language returns the grammar.
func (l *Lang) Language() *sitter.Language { return l.language }

// ErrTimeout is returned when parsing a file took longer than its budget.
var ErrTimeout = errors.New("parse timed out")

// ErrTooDeep is returned for a file nested deeper than MaxNesting.
var ErrTooDeep = errors.New("nesting too deep")

// MaxNesting bounds how deeply brackets may nest in a file that is
// queried. Query execution inside one NextMatch call (C code, which no
// deadline or cancellation reaches) grows with the square of the tree's
// depth: in the JavaScript grammar 256 levels take ≈ 100 ms, 2,000 levels
// 2 s, 50,000 levels minutes; and tree-sitter checks its parse budget less
// often the deeper its stack (Ruby at 200 levels overran a 20 ms slice
// five-fold). Real code stays far below 128; a file past it is skipped
// with a diagnostic.
const MaxNesting = 128

// Nesting returns how deeply (), [] and {} nest in src, counted on the raw
// bytes (brackets inside strings and comments count too, which only ever
// overestimates). It stops counting once past limit.
func Nesting(src []byte, limit int) int {
	depth, deepest := 0, 0
	for _, c := range src {
		switch c {
		case '(', '[', '{':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > limit {
					return deepest
				}
			}
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return deepest
}

// ParseSlice is how long tree-sitter parses before Parse checks ctx: a
// canceled analysis stops within about this long, whatever the file.
const ParseSlice = 20 * time.Millisecond

// Parse parses src within ctx's deadline (the per-file timeout) and stops
// soon after ctx is canceled. The caller must Close the tree.
//
// Time is handed to tree-sitter as its own budget, in slices of ParseSlice:
// a parse that runs out of budget is resumed by the next call on the same
// parser, and ctx is checked between slices. ParseCtx's cancellation flag
// is not used: it is set asynchronously and can stay set on a pooled parser
// after a parse that finished in time, failing the parser's next, unrelated
// parse.
func (l *Lang) Parse(ctx context.Context, src []byte) (*sitter.Tree, error) {
	if err := ctx.Err(); err != nil {
		return nil, ErrTimeout
	}
	p := l.parsers.Get().(*sitter.Parser)
	dl, hasDeadline := ctx.Deadline()
	for {
		slice := ParseSlice
		if hasDeadline {
			left := time.Until(dl)
			if left <= 0 {
				p.Close()
				return nil, ErrTimeout
			}
			slice = min(slice, left)
		}
		p.SetOperationLimit(max(1, int(slice.Microseconds())))
		tree, err := p.ParseCtx(context.Background(), nil, src)
		if err == nil {
			p.Reset()
			l.parsers.Put(p)
			return tree, nil
		}
		if !errors.Is(err, sitter.ErrOperationLimit) {
			p.Close()
			return nil, err
		}
		if ctx.Err() != nil {
			// A half-done parse stays in the parser; this one is dropped.
			p.Close()
			return nil, ErrTimeout
		}
	}
}

// Query is a compiled query with its predicates prepared: the regular
// expressions of #match?/#not-match? are compiled once, here, so that an
// invalid one is a compile error and no match pays for a compile.
type Query struct {
	q *sitter.Query
	// regex[i] holds pattern i's predicates when any of them is a regular
	// expression; nil means the pattern has only #eq?-style predicates (or
	// none) and smacker's FilterPredicates handles it.
	regex [][]predicate
}

type predicate struct {
	op        string // eq?, not-eq?, match?, not-match?
	capture   uint32
	other     int64 // capture id of the right-hand side, or -1
	value     string
	re        *regexp.Regexp
	supported bool
}

// CompileQuery compiles a query and its predicates.
func CompileQuery(src []byte, lang *sitter.Language) (*Query, error) {
	q, err := sitter.NewQuery(src, lang)
	if err != nil {
		return nil, err
	}
	out := &Query{q: q, regex: make([][]predicate, q.PatternCount())}
	for i := uint32(0); i < q.PatternCount(); i++ {
		var preds []predicate
		hasRegex := false
		for _, group := range q.PredicatesForPattern(i) {
			if n := len(group); n > 0 && group[n-1].Type == sitter.QueryPredicateStepTypeDone {
				group = group[:n-1]
			}
			if len(group) != 3 || group[0].Type != sitter.QueryPredicateStepTypeString || group[1].Type != sitter.QueryPredicateStepTypeCapture {
				continue
			}
			p := predicate{op: q.StringValueForId(group[0].ValueId), capture: group[1].ValueId, other: -1, supported: true}
			if group[2].Type == sitter.QueryPredicateStepTypeCapture {
				p.other = int64(group[2].ValueId)
			} else {
				p.value = q.StringValueForId(group[2].ValueId)
			}
			switch p.op {
			case "match?", "not-match?":
				hasRegex = true
				re, err := regexp.Compile(p.value)
				if err != nil {
					q.Close()
					return nil, fmt.Errorf("pattern %d: %s %q: %w", i, p.op, p.value, err)
				}
				p.re = re
			case "eq?", "not-eq?":
			default:
				p.supported = false
			}
			preds = append(preds, p)
		}
		if hasRegex {
			out.regex[i] = preds
		}
	}
	return out, nil
}

// Close frees the query.
func (q *Query) Close() { q.q.Close() }

// Raw returns the underlying query.
func (q *Query) Raw() *sitter.Query { return q.q }

// Matches runs q over root once (one cursor pass) and calls fn for every
// match that satisfies the pattern's predicates. smacker's NextMatch does
// not apply #eq?/#match?; this helper is the one place that does: patterns
// with only #eq?/#not-eq? go through smacker's FilterPredicates, patterns
// with regular expressions through the same logic with the expressions
// compiled once (FilterPredicates recompiles them on every match, which
// cost a third of a cold scan).
func Matches(q *Query, root *sitter.Node, src []byte, fn func(m *sitter.QueryMatch) bool) {
	MatchesCtx(context.Background(), q, root, src, fn)
}

// MatchesCtx is Matches that stops when ctx is done, checked on every
// match, also on the ones the predicates filter out.
func MatchesCtx(ctx context.Context, q *Query, root *sitter.Node, src []byte, fn func(m *sitter.QueryMatch) bool) {
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	qc.Exec(q.q, root)
	for {
		if ctx.Err() != nil {
			return
		}
		m, ok := qc.NextMatch()
		if !ok {
			return
		}
		if preds := q.regex[m.PatternIndex]; preds != nil {
			if !satisfies(preds, m, src) {
				continue
			}
		} else {
			m = qc.FilterPredicates(m, src)
			if len(m.Captures) == 0 {
				continue
			}
		}
		if !fn(m) {
			return
		}
	}
}

func satisfies(preds []predicate, m *sitter.QueryMatch, src []byte) bool {
	text := func(id uint32) (string, bool) {
		for _, c := range m.Captures {
			if c.Index == id {
				return c.Node.Content(src), true
			}
		}
		return "", false
	}
	for _, p := range preds {
		if !p.supported {
			continue
		}
		left, ok := text(p.capture)
		if !ok {
			continue
		}
		switch p.op {
		case "eq?", "not-eq?":
			right := p.value
			if p.other >= 0 {
				r, ok := text(uint32(p.other))
				if !ok {
					continue
				}
				right = r
			}
			if (left == right) != (p.op == "eq?") {
				return false
			}
		case "match?", "not-match?":
			if p.re.MatchString(left) != (p.op == "match?") {
				return false
			}
		}
	}
	return true
}

// Extract parses src and returns all its facts.
func (l *Lang) Extract(ctx context.Context, src []byte) (*facts.File, error) {
	return l.ExtractParts(ctx, src, All)
}

// ExtractParts parses src and returns the facts of the given parts.
func (l *Lang) ExtractParts(ctx context.Context, src []byte, parts Parts) (*facts.File, error) {
	if parts < Base || parts > All {
		parts = All
	}
	q, err := l.variant(parts)
	if err != nil {
		return nil, err
	}
	if Nesting(src, MaxNesting) > MaxNesting {
		return nil, fmt.Errorf("%w: brackets nest more than %d levels deep", ErrTooDeep, MaxNesting)
	}
	tree, err := l.Parse(ctx, src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	root := tree.RootNode()
	out := &facts.File{}
	if root.HasError() {
		out.Errors = append(out.Errors, fmt.Sprintf("syntax error near line %d; findings may be incomplete", firstErrorLine(root)))
	}
	envAt := map[uint32]int{}        // start byte of @env -> index in out.Env
	seenCall := map[[2]uint32]bool{} // a call node by its range: chained calls share a start
	MatchesCtx(ctx, q, root, src, func(m *sitter.QueryMatch) bool {
		l.collect(q, m, src, out, envAt, seenCall)
		return true
	})
	if err := ctx.Err(); err != nil {
		return out, ErrTimeout
	}
	return out, nil
}

// collect turns one query match into facts: each capture, in match order,
// goes to the part of matchState its family fills (collect.go), and the
// parts become facts at the end.
func (l *Lang) collect(q *Query, m *sitter.QueryMatch, src []byte, out *facts.File, envAt map[uint32]int, seenCall map[[2]uint32]bool) {
	s := matchState{l: l, src: src, out: out, envAt: envAt, seenCall: seenCall}
	for _, c := range m.Captures {
		if !s.capture(q.q.CaptureNameForId(c.Index), c.Node) {
			return
		}
	}
	s.finish()
}

// isAssignedTo: n is the target of a plain assignment (not `||=`, which
// reads first).
func isAssignedTo(n *sitter.Node) bool {
	p := n.Parent()
	if p == nil {
		return false
	}
	switch p.Type() {
	case "assignment", "assignment_expression":
		left := p.ChildByFieldName("left")
		return left != nil && left.StartByte() == n.StartByte() && left.EndByte() == n.EndByte()
	}
	return false
}

// lastArgName names the handler passed as the last argument of a route
// call: an identifier, or the method of `controller.method`.
func (l *Lang) lastArgName(call *sitter.Node, src []byte) string {
	args := call.ChildByFieldName(l.hooks.ArgsField)
	if args == nil || args.NamedChildCount() == 0 {
		return ""
	}
	last := args.NamedChild(int(args.NamedChildCount()) - 1)
	if last.Type() == "argument" && last.NamedChildCount() > 0 {
		last = last.NamedChild(0)
	}
	switch last.Type() {
	case "identifier", "member_expression", "selector_expression", "attribute", "field_access", "member_access_expression":
		return lastSegment(last.Content(src))
	case "array_creation_expression", "array":
		return arrayHandler(last, src)
	case "string": // Laravel 'Controller@method'
		if v, ok := Unquote(last.Content(src)); ok {
			if i := strings.LastIndexAny(v, "@#"); i >= 0 {
				return v[i+1:]
			}
		}
	case "object":
		return objectHandler(last, src)
	case "pair":
		return pairHandler(last, src)
	}
	return ""
}

// arrayHandler: Laravel [Controller::class, 'method'], ['uses' =>
// 'Controller@method', 'as' => 'name'].
func arrayHandler(last *sitter.Node, src []byte) string {
	n := int(last.NamedChildCount())
	for i := 0; i < n; i++ {
		el := last.NamedChild(i)
		if el.NamedChildCount() == 2 {
			if k, ok := Unquote(el.NamedChild(0).Content(src)); ok && k == "uses" {
				if v, ok := Unquote(el.NamedChild(1).Content(src)); ok {
					return v[strings.LastIndexAny(v, "@")+1:]
				}
			}
		}
	}
	if n > 0 {
		if v, ok := Unquote(strings.TrimSpace(last.NamedChild(n - 1).Content(src))); ok {
			return lastSegment(v)
		}
	}
	return ""
}

// objectHandler: Fastify: app.post("/x", { preHandler, handler: handle }).
func objectHandler(last *sitter.Node, src []byte) string {
	for i := 0; i < int(last.NamedChildCount()); i++ {
		pr := last.NamedChild(i)
		if pr.Type() != "pair" {
			continue
		}
		if k := pr.ChildByFieldName("key"); k != nil && k.Content(src) == "handler" {
			if v := pr.ChildByFieldName("value"); v != nil && (v.Type() == "identifier" || v.Type() == "member_expression") {
				return lastSegment(v.Content(src))
			}
		}
	}
	return ""
}

// pairHandler: Rails: post "/x", to: "webhooks#stripe", kept whole (see
// routes.go handlerDefs).
func pairHandler(last *sitter.Node, src []byte) string {
	if v := last.ChildByFieldName("value"); v != nil {
		if s, ok := Unquote(v.Content(src)); ok {
			if strings.Contains(s, "#") {
				return s
			}
			if i := strings.LastIndexByte(s, '@'); i >= 0 {
				return s[i+1:]
			}
		}
	}
	return ""
}

// NormalizeMethod maps a route method as written (post, POST, MapPost,
// PostMapping, HandleFunc, all) to an upper-case HTTP method or "" (any).
func NormalizeMethod(m string) string {
	m = strings.ToUpper(m)
	m = strings.TrimPrefix(m, "HTTP")
	m = strings.TrimPrefix(m, "MAP")
	m = strings.TrimSuffix(m, "MAPPING")
	switch m {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", facts.MethodFilter:
		return m
	}
	return ""
}

func lastSegment(s string) string {
	if i := strings.LastIndexAny(s, ".:>"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// mountTarget is the mounted router: an identifier, or the module of an
// inline require("./routes").
func mountTarget(s string) string {
	s = strings.TrimSpace(s)
	if p, ok := Unquote(s); ok {
		return p // Django's include("billing.urls")
	}
	if strings.HasPrefix(s, "require(") {
		if p, ok := Unquote(strings.TrimSuffix(strings.TrimPrefix(s, "require("), ")")); ok {
			return p
		}
	}
	return s
}

func upperStrings(s string) []string {
	var out []string
	for _, q := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '"' || r == '\'' || r == ',' || r == '[' || r == ']' || r == '(' || r == ')' || r == ' ' || r == '{' || r == '}'
	}) {
		q = strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(q, "RequestMethod."), "HttpMethod."))
		switch q {
		case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
			out = append(out, q)
		}
	}
	return out
}

// callee returns the text of a call before its argument list, normalised.
func (l *Lang) callee(n *sitter.Node, src []byte) string {
	args := n.ChildByFieldName(l.hooks.ArgsField)
	if args == nil {
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			for _, t := range l.hooks.ArgsTypes {
				if c.Type() == t {
					args = c
					break
				}
			}
			if args != nil {
				break
			}
		}
	}
	end := n.EndByte()
	if args != nil {
		end = args.StartByte()
	}
	start := n.StartByte()
	if end <= start || int(end) > len(src) {
		return ""
	}
	return NormalizeCallee(string(src[start:end]))
}

// NormalizeCallee drops "new", whitespace, optional chaining and generic
// arguments from a callee as written.
func NormalizeCallee(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "new ") || strings.HasPrefix(s, "new\t") || strings.HasPrefix(s, "new\n") {
		s = s[4:]
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '<':
			depth++
		case r == '>' && depth > 0:
			depth--
		case depth > 0:
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '?':
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if len(out) > 200 {
		return ""
	}
	return out
}

// enclosingCallee returns the callee of the call whose argument list holds n
// (directly, or as a property value of an options object).
func (l *Lang) enclosingCallee(n *sitter.Node, src []byte) string {
	cur := n
	for depth := 0; depth < 5; depth++ {
		p := cur.Parent()
		if p == nil {
			return ""
		}
		for _, t := range l.hooks.CallTypes {
			if p.Type() == t {
				if cur.Type() == "arguments" || cur.Type() == "argument_list" || cur.Type() == l.hooks.ArgsField || isArgs(cur, l.hooks.ArgsTypes) {
					return l.callee(p, src)
				}
				return ""
			}
		}
		cur = p
	}
	return ""
}

func isArgs(n *sitter.Node, types []string) bool {
	for _, t := range types {
		if n.Type() == t {
			return true
		}
	}
	return false
}

func spanOf(n *sitter.Node) facts.Span {
	s, e := n.StartPoint(), n.EndPoint()
	return facts.PointSpan(s.Row, s.Column, e.Row, e.Column)
}

func firstErrorLine(root *sitter.Node) uint32 {
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	// Descend towards the first error without recursion (deep trees).
	for steps := 0; steps < 1_000_000; steps++ {
		n := c.CurrentNode()
		if n.IsError() || n.IsMissing() {
			return n.StartPoint().Row + 1
		}
		if n.HasError() && c.GoToFirstChild() {
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() {
				return root.StartPoint().Row + 1
			}
		}
	}
	return 1
}

// Unquote strips string-literal quotes (and Python/C#/PHP prefixes) from a
// literal. It reports false for interpolated strings, whose value is not
// known statically. Bare identifiers and names come back unchanged.
func Unquote(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if !utf8.ValidString(s) {
		return "", false
	}
	t := strings.TrimLeft(s, "rRbBuUfF@$")
	if t == "" {
		return s, true
	}
	switch t[0] {
	case '"', '\'', '`':
	case ':': // Ruby symbol
		return strings.TrimPrefix(t, ":"), true
	default:
		return s, true
	}
	for _, q := range []string{`"""`, `'''`, `"`, `'`, "`"} {
		if strings.HasPrefix(t, q) && strings.HasSuffix(t, q) && len(t) >= 2*len(q) {
			inner := t[len(q) : len(t)-len(q)]
			if strings.Contains(inner, "${") || strings.Contains(inner, "#{") ||
				(strings.ContainsAny(inner, "{") && strings.ContainsAny(s[:len(s)-len(t)], "fF$")) {
				return "", false
			}
			return inner, true
		}
	}
	return "", false
}

func validEnvName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z'):
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// MaxWrappers bounds how many wrapping nodes DefaultByOperator climbs.
// Each Node.Parent() call walks down from the root (O(depth)), so an
// unbounded climb is quadratic in the nesting: 50,000 nested parentheses
// took minutes. No real fallback hides behind more than a few.
const MaxWrappers = 8

// DefaultByOperator returns a HasDefault hook: the env read is the left
// operand of a binary expression with one of ops (`X || "d"`, `X ?? "d"`).
// Wrapping nodes (parentheses, casts, non-null assertions) are skipped, at
// most MaxWrappers of them.
func DefaultByOperator(wrappers []string, ops ...string) func(n *sitter.Node, src []byte) bool {
	return func(n *sitter.Node, src []byte) bool {
		p := n.Parent()
		for depth := 0; p != nil && isType(p, wrappers); depth++ {
			if depth == MaxWrappers {
				return false
			}
			n, p = p, p.Parent()
		}
		if p == nil || !(strings.Contains(p.Type(), "binary") || p.Type() == "boolean_operator") {
			return false
		}
		left := p.ChildByFieldName("left")
		if left == nil {
			left = p.NamedChild(0)
		}
		if left == nil || left.StartByte() != n.StartByte() || left.EndByte() != n.EndByte() {
			return false
		}
		right := p.ChildByFieldName("right")
		if right == nil {
			right = p.NamedChild(int(p.NamedChildCount()) - 1)
		}
		if right == nil || right.StartByte() < left.EndByte() || int(right.StartByte()) > len(src) {
			return false
		}
		op := strings.TrimSpace(string(src[left.EndByte():right.StartByte()]))
		for _, o := range ops {
			if op == o {
				return true
			}
		}
		return false
	}
}

func isType(n *sitter.Node, types []string) bool {
	for _, t := range types {
		if n.Type() == t {
			return true
		}
	}
	return false
}
