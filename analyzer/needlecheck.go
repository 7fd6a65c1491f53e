package analyzer

import "strings"

// Context checks for prefilter needles that are common words in library
// code ("callback", "redirect", "basePath") but can only matter to the
// JavaScript/TypeScript query in two places: as an object key whose value
// is a literal (`callbackURL: "/auth/callback"`, `basePath: '/auth'`,
// `origin: ["https://..."]`), which is what the query's option patterns
// capture, or inside a quoted URL or path (`"/auth/callback"`), which is
// what a route path is. A `callback` parameter or `redirect()` call is
// neither, so a file whose only such word is one of those is not parsed
// for routes. The checks err on the side of accepting: a comment between a
// key and its value, a template literal or an unusual spacing all count.

// jsKeyOrPath accepts an occurrence at src[at:] that sits in an object key
// with a literal value or in a quoted path.
func jsKeyOrPath(src []byte, at, end int) bool {
	return jsKeyWithLiteral(src, at, end) || inQuotedPath(src, at, end)
}

// jsKeyWithLiteral: the identifier (or quoted key) running through src[at]
// is followed by ':' and then a string, template, array or comment.
func jsKeyWithLiteral(src []byte, at, end int) bool {
	v, ok := jsKeyValue(src, at)
	if !ok {
		return false
	}
	switch src[v] {
	case '"', '\'', '`', '[', '/':
		return true
	}
	return false
}

// jsKeyValue: the identifier (or quoted key) running through src[at] is
// an object key; v is where its value starts.
func jsKeyValue(src []byte, at int) (v int, ok bool) {
	e := at
	for e < len(src) && isIdentByte(src[e]) {
		e++
	}
	if e < len(src) && (src[e] == '"' || src[e] == '\'') {
		e++ // "redirect_uri": ...
	}
	e = skipSpace(src, e)
	if e >= len(src) || src[e] != ':' {
		return 0, false
	}
	e = skipSpace(src, e+1)
	return e, e < len(src)
}

// inQuotedPath: src[at] is inside a quoted run of URL characters that
// starts with '/' ("/auth/callback", '/api/oauth/github'). An absolute
// URL outside an option ("https://oauth2.example.com/token") is a provider
// endpoint, not a route of the app.
func inQuotedPath(src []byte, at, end int) bool {
	b := at - 1
	for ; b >= 0 && at-b < 256 && isPathByte(src[b]); b-- {
	}
	return b >= 0 && (src[b] == '"' || src[b] == '\'' || src[b] == '`') && b+1 < at && src[b+1] == '/'
}

// jsKeyWithPath: like jsKeyWithLiteral, for options whose value matters
// only as a path (basePath: "/auth", prefix: '/api').
func jsKeyWithPath(src []byte, at, end int) bool {
	v, ok := jsKeyValue(src, at)
	if !ok {
		return false
	}
	switch src[v] {
	case '`', '/':
		return true // a template or a comment: the parser decides
	case '"', '\'':
		return v+1 < len(src) && src[v+1] == '/'
	}
	return false
}

// callWithLiteral returns a check that accepts a call whose name runs
// through src[at] (dots allowed: config.get) and whose first argument
// starts with one of quotes, or with a comment. Env reads are reported
// only for literal names, so `os.Getenv(key)` or `isBrowserEnv()` alone
// is no reason to parse a file.
func callWithLiteral(quotes string) func(src []byte, at, end int) bool {
	return func(src []byte, at, end int) bool {
		e := at
		for e < len(src) && (isIdentByte(src[e]) || src[e] == '.') {
			e++
		}
		e = skipSpace(src, e)
		if e < len(src) && src[e] == '<' {
			// TypeScript type arguments: config.get<string>("X")
			depth := 0
			for ; e < len(src) && e-at < 200; e++ {
				if src[e] == '<' {
					depth++
				} else if src[e] == '>' {
					depth--
					if depth == 0 {
						e++
						break
					}
				}
			}
			e = skipSpace(src, e)
		}
		if e >= len(src) || src[e] != '(' {
			return false
		}
		e = skipSpace(src, e+1)
		return e < len(src) && (src[e] == '/' || strings.IndexByte(quotes, src[e]) >= 0)
	}
}

// moduleEnd accepts a quoted module name (the needle, src[at:end]) that
// ends there: a closing quote or a sub-path follows. Import patterns
// without a wildcard match the module itself or its sub-paths only.
func moduleEnd(src []byte, at, end int) bool {
	if end >= len(src) {
		return false
	}
	switch src[end] {
	case '"', '\'', '`', '/':
		return true
	}
	return false
}

// isIdentByte: an identifier byte, counting any non-ASCII byte as one (the
// checks accept rather than decide Unicode identifiers).
func isIdentByte(c byte) bool { return isIdentPart(c) || c >= 0x80 }

func isPathByte(c byte) bool {
	if isIdentByte(c) {
		return true
	}
	switch c {
	case '/', '-', '.', ':', '{', '}', '*', '~', '%', '@', '+', '=', '?', '&', '#', '[', ']':
		return true
	}
	return false
}

func skipSpace(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	return i
}

// envAliasMember accepts "env." (the needle, src[at:end]) as an alias of the
// environment read with an ALL_CAPS member: env.STRIPE_KEY, not
// process.env.X (the lexical path's) nor myenv.x.
func envAliasMember(src []byte, at, end int) bool {
	if at > 0 && (isIdentByte(src[at-1]) || src[at-1] == '.') {
		return false
	}
	return end < len(src) && src[end] >= 'A' && src[end] <= 'Z'
}
