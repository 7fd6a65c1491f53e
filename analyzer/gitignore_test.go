package analyzer

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestIgnoreRules(t *testing.T) {
	ig := (&ignorer{}).with("", []byte(strings.Join([]string{
		"# comment", "*.log", "!keep.log", "/build-out", "tmp/", "docs/**/*.md", "a/**", "**/gen",
		"ca[ct]he", "x[!0-9]y", `\#hash`, "lib/*.js", "trailing   ",
	}, "\n")))
	sub := ig.with("pkg", []byte("local\n/anchored\n"))
	cases := []struct {
		ig    *ignorer
		rel   string
		isDir bool
		want  bool
	}{
		{ig, "debug.log", false, true},
		{ig, "deep/dir/debug.log", false, true},
		{ig, "keep.log", false, false},
		{ig, "deep/keep.log", false, false},
		{ig, "build-out", true, true},
		{ig, "sub/build-out", true, false}, // anchored to the .gitignore's directory
		{ig, "tmp", true, true},
		{ig, "tmp", false, false}, // dir-only rule
		{ig, "x/tmp", true, true},
		{ig, "docs/a.md", false, true}, // "**/" matches zero directories
		{ig, "docs/x/y/a.md", false, true},
		{ig, "docs/x/y/a.txt", false, false},
		{ig, "a", true, false}, // "a/**": what is inside a, not a
		{ig, "a/b", false, true},
		{ig, "a/b/c", false, true},
		{ig, "gen", true, true},
		{ig, "x/y/gen", true, true},
		{ig, "cache", true, true},
		{ig, "catche", true, false},
		{ig, "xay", false, true},
		{ig, "x1y", false, false},
		{ig, "#hash", false, true},
		{ig, "lib/a.js", false, true},
		{ig, "lib/sub/a.js", false, false}, // "*" does not cross "/"
		{ig, "trailing", false, true},
		{sub, "pkg/local", false, true},
		{sub, "pkg/x/local", false, true},
		{sub, "local", false, false}, // a rule applies below its own directory only
		{sub, "pkg/anchored", false, true},
		{sub, "pkg/x/anchored", false, false},
		{sub, "pkgx/local", false, false},
		{sub, "pkg/debug.log", false, true}, // the parent's rules still apply
	}
	for _, c := range cases {
		if got := c.ig.ignored(c.rel, c.isDir); got != c.want {
			t.Errorf("ignored(%q, dir=%v) = %v, want %v", c.rel, c.isDir, got, c.want)
		}
	}
}

// regexpRule is the previous implementation (a regular expression per
// rule), kept as the reference the segment matcher must agree with.
func regexpRule(line string) (*regexp.Regexp, bool) {
	r, ok := parseIgnoreRule("", line)
	if !ok {
		return nil, false
	}
	line = strings.TrimRight(line, " \r")
	line = strings.TrimPrefix(strings.TrimPrefix(line, "!"), `\`)
	line = strings.TrimRight(line, "/")
	line = strings.TrimPrefix(line, "/")
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case '*':
			if i+1 < len(line) && line[i+1] == '*' {
				if i+2 < len(line) && line[i+2] == '/' {
					b.WriteString("(.*/)?")
					i += 2
				} else {
					b.WriteString(".*")
					i++
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	expr := b.String()
	if r.anchored {
		expr = "^" + expr + "$"
	} else {
		expr = "(^|/)" + expr + "$"
	}
	return regexp.MustCompile(expr), true
}

// FuzzIgnoreRule checks the segment matcher against the regular expression
// reference on patterns of literals, "*", "?" and whole-segment "**"
// (the forms where both define the same language; "**" inside a segment
// and "a/**" against "a/" differ on purpose, see matchSegs).
func FuzzIgnoreRule(f *testing.F) {
	f.Add("*.log", "a/b.log")
	f.Add("docs/**/*.md", "docs/x/a.md")
	f.Add("**/gen", "x/gen")
	f.Add("a/*/c", "a/b/c")
	f.Add("/x?z", "xyz")
	f.Fuzz(func(t *testing.T, pattern, rel string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(rel) || strings.ContainsAny(pattern, "[]\\!# \r\n") || strings.ContainsAny(rel, "\r\n") || rel == "" ||
			strings.HasPrefix(rel, "/") || strings.HasSuffix(rel, "/") || strings.Contains(rel, "//") {
			return
		}
		for _, seg := range strings.Split(strings.Trim(pattern, "/"), "/") {
			if strings.Contains(seg, "**") && seg != "**" || seg == "" {
				return
			}
		}
		if strings.HasSuffix(strings.TrimRight(pattern, "/"), "/**") {
			return
		}
		re, ok := regexpRule(pattern)
		if !ok {
			return
		}
		r, _ := parseIgnoreRule("", pattern)
		name := rel[strings.LastIndexByte(rel, '/')+1:]
		if got, want := r.matches(rel, name), re.MatchString(rel); got != want {
			t.Fatalf("pattern %q, path %q: segment matcher %v, regexp %v", pattern, rel, got, want)
		}
	})
}

// FuzzIgnorer checks a whole .gitignore (the indexed lookup, negation,
// directory-only rules, last match wins) against trying every rule's
// reference expression in order.
func FuzzIgnorer(f *testing.F) {
	f.Add("*.log\n!keep.log\nbuild/\n/x/*.js\n", "x/keep.log", false)
	f.Add("node_modules\n*~\ndocs/**/*.md\n", "docs/a/b.md", false)
	f.Add("gen/\n!gen\n", "a/gen", true)
	f.Fuzz(func(t *testing.T, content, rel string, isDir bool) {
		if !utf8.ValidString(content) || !utf8.ValidString(rel) || strings.ContainsAny(content, "[]\\#\r") ||
			rel == "" || strings.ContainsAny(rel, "\r\n") || strings.HasPrefix(rel, "/") || strings.HasSuffix(rel, "/") || strings.Contains(rel, "//") {
			return
		}
		var want bool
		for _, line := range strings.Split(content, "\n") {
			core := strings.Trim(strings.TrimPrefix(strings.TrimRight(line, " "), "!"), "/")
			if core == "" {
				continue
			}
			for _, seg := range strings.Split(core, "/") {
				if strings.Contains(seg, "**") && seg != "**" || seg == "" {
					return
				}
			}
			if strings.HasSuffix(core, "/**") || strings.HasPrefix(line, " ") {
				return
			}
			re, ok := regexpRule(line)
			if !ok {
				continue
			}
			r, _ := parseIgnoreRule("", line)
			if (!r.dirOnly || isDir) && re.MatchString(rel) {
				want = !r.negate
			}
		}
		ig := (&ignorer{}).with("", []byte(content))
		if got := ig.ignored(rel, isDir); got != want {
			t.Fatalf(".gitignore %q, path %q (dir %v): ignored %v, reference %v", content, rel, isDir, got, want)
		}
	})
}
