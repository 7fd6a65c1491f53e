package analyzer

import (
	"bufio"
	"bytes"
	"path"
	"regexp"
	"strings"
)

// ignorer holds the .gitignore rules in force for one directory. It is
// immutable: a subdirectory with its own .gitignore gets a new ignorer that
// shares its parent's rules.
type ignorer struct {
	rules []ignoreRule
}

type ignoreRule struct {
	base    string // directory of the .gitignore, relative to the root ("" for root)
	re      *regexp.Regexp
	negate  bool
	dirOnly bool
}

// with returns an ignorer with the rules of a .gitignore in directory base.
func (ig *ignorer) with(base string, content []byte) *ignorer {
	var rules []ignoreRule
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{base: base}
		if strings.HasPrefix(line, "!") {
			r.negate = true
			line = line[1:]
		} else if strings.HasPrefix(line, `\`) {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly = true
			line = strings.TrimRight(line, "/")
		}
		if line == "" {
			continue
		}
		anchored := strings.Contains(line, "/")
		line = strings.TrimPrefix(line, "/")
		expr := globToRegexp(line)
		if anchored {
			expr = "^" + expr + "$"
		} else {
			expr = "(^|/)" + expr + "$"
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			continue
		}
		r.re = re
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return ig
	}
	out := &ignorer{rules: make([]ignoreRule, 0, len(ig.rules)+len(rules))}
	out.rules = append(append(out.rules, ig.rules...), rules...)
	return out
}

// ignored reports whether rel (slash-separated, relative to the root) is
// ignored. The last matching rule wins, as in git.
func (ig *ignorer) ignored(rel string, isDir bool) bool {
	ignored := false
	for i := range ig.rules {
		r := &ig.rules[i]
		if r.dirOnly && !isDir {
			continue
		}
		p := rel
		if r.base != "" {
			if !strings.HasPrefix(rel, r.base+"/") {
				continue
			}
			p = rel[len(r.base)+1:]
		}
		if r.re.MatchString(p) {
			ignored = !r.negate
		}
	}
	return ignored
}

func globToRegexp(glob string) string {
	var b strings.Builder
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch c {
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				// "**/" matches zero or more directories; "/**" everything below.
				if i+2 < len(glob) && glob[i+2] == '/' {
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
		case '[':
			j := strings.IndexByte(glob[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := glob[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// skipDirs are never descended into; each one found is reported once.
var skipDirs = map[string]string{
	"node_modules":     "dependency directory",
	"vendor":           "vendored dependencies",
	"bower_components": "dependency directory",
	".venv":            "virtual environment",
	"venv":             "virtual environment",
	"__pycache__":      "build output",
	"dist":             "build output",
	"build":            "build output",
	"out":              "build output",
	"target":           "build output",
	"bin":              "build output",
	"obj":              "build output",
	".next":            "build output",
	".nuxt":            "build output",
	".svelte-kit":      "build output",
	".turbo":           "build output",
	"coverage":         "build output",
	".gradle":          "build output",
}

// silentDirs are skipped without a diagnostic: tool state, not project files.
var silentDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".idea": true, ".vscode": true, ".cache": true}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return path.Join(dir, name)
}
