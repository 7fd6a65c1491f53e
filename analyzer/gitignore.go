package analyzer

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// ignorer holds the .gitignore rules in force for one directory. It is
// immutable: a subdirectory with its own .gitignore gets a new ignorer that
// shares its parent's rules.
//
// Rules are compiled once, when their .gitignore is read, into glob
// segments matched without regular expressions (no backtracking: `*` and
// `?` stay inside one path segment, `**` spans whole segments), so checking
// a path costs a few string comparisons per rule.
type ignorer struct {
	rules []ignoreRule
	// An index over rules, built once per ignorer: unanchored rules that
	// are a plain name (byName) or "*" and a plain suffix (suffixes), the
	// two forms most rules take, are found without trying each; the rest
	// are tried in order.
	byName   map[string][]int
	suffixes []suffixRules
	general  []int
}

type suffixRules struct {
	suffix string
	idx    []int
}

type ignoreRule struct {
	base string // directory of the .gitignore, relative to the root ("" for root)
	// segs is the pattern split at "/"; a pattern without a slash
	// (unanchored) is one segment matched against the last path segment.
	segs     []string
	anchored bool
	negate   bool
	dirOnly  bool
	// literal: segs[0] has no wildcard (the most common rule: a name).
	literal bool
}

// with returns an ignorer with the rules of a .gitignore in directory base.
func (ig *ignorer) with(base string, content []byte) *ignorer {
	var rules []ignoreRule
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if r, ok := parseIgnoreRule(base, sc.Text()); ok {
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 {
		return ig
	}
	out := &ignorer{rules: make([]ignoreRule, 0, len(ig.rules)+len(rules))}
	out.rules = append(append(out.rules, ig.rules...), rules...)
	out.index()
	return out
}

func (ig *ignorer) index() {
	ig.byName = map[string][]int{}
	for i := range ig.rules {
		r := &ig.rules[i]
		switch {
		case r.literal:
			ig.byName[r.segs[0]] = append(ig.byName[r.segs[0]], i)
		case !r.anchored && strings.HasPrefix(r.segs[0], "*") && !strings.ContainsAny(r.segs[0][1:], `*?[\`):
			suf := r.segs[0][1:]
			j := 0
			for j < len(ig.suffixes) && ig.suffixes[j].suffix != suf {
				j++
			}
			if j == len(ig.suffixes) {
				ig.suffixes = append(ig.suffixes, suffixRules{suffix: suf})
			}
			ig.suffixes[j].idx = append(ig.suffixes[j].idx, i)
		default:
			ig.general = append(ig.general, i)
		}
	}
}

// parseIgnoreRule compiles one .gitignore line (gitignore(5)).
func parseIgnoreRule(base, line string) (ignoreRule, bool) {
	line = strings.TrimRight(line, " \r")
	if line == "" || strings.HasPrefix(line, "#") {
		return ignoreRule{}, false
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
		return ignoreRule{}, false
	}
	r.anchored = strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	if r.anchored {
		r.segs = strings.Split(line, "/")
	} else {
		r.segs = []string{line}
	}
	for i, s := range r.segs {
		if s != "**" {
			r.segs[i] = normalizeClass(s)
			if _, err := path.Match(r.segs[i], ""); err != nil {
				return ignoreRule{}, false // a malformed class: git ignores the line too
			}
		}
	}
	r.literal = !r.anchored && len(r.segs) == 1 && !strings.ContainsAny(r.segs[0], `*?[\`)
	return r, true
}

// normalizeClass rewrites git's "[!...]" negated classes to path.Match's
// "[^...]" and a "**" inside a segment to "*" (git: two asterisks not
// forming a whole segment are ordinary asterisks).
func normalizeClass(seg string) string {
	seg = strings.ReplaceAll(seg, "[!", "[^")
	for strings.Contains(seg, "**") {
		seg = strings.ReplaceAll(seg, "**", "*")
	}
	return seg
}

// ignored reports whether rel (slash-separated, relative to the root) is
// ignored. The last matching rule wins, as in git.
func (ig *ignorer) ignored(rel string, isDir bool) bool {
	if len(ig.rules) == 0 {
		return false
	}
	name := rel[strings.LastIndexByte(rel, '/')+1:]
	best := -1
	// last returns the highest rule index in idx (ascending) above best
	// that applies to rel: for these rules, applying is matching.
	last := func(idx []int) {
		for k := len(idx) - 1; k >= 0 && idx[k] > best; k-- {
			if ig.rules[idx[k]].applies(rel, isDir) {
				best = idx[k]
				return
			}
		}
	}
	last(ig.byName[name])
	for _, s := range ig.suffixes {
		if strings.HasSuffix(name, s.suffix) {
			last(s.idx)
		}
	}
	for k := len(ig.general) - 1; k >= 0 && ig.general[k] > best; k-- {
		if r := &ig.rules[ig.general[k]]; r.applies(rel, isDir) && r.matches(rel, name) {
			best = ig.general[k]
			break
		}
	}
	return best >= 0 && !ig.rules[best].negate
}

// applies reports whether the rule concerns rel at all: a directory-only
// rule only directories, a rule only paths below its .gitignore.
func (r *ignoreRule) applies(rel string, isDir bool) bool {
	if r.dirOnly && !isDir {
		return false
	}
	return r.base == "" || len(rel) > len(r.base) && rel[len(r.base)] == '/' && rel[:len(r.base)] == r.base
}

// matches matches the pattern against rel (below the rule's base; see
// applies) whose last segment is name.
func (r *ignoreRule) matches(rel, name string) bool {
	p := rel
	if r.base != "" {
		if !r.applies(rel, true) {
			return false
		}
		p = rel[len(r.base)+1:]
	}
	if !r.anchored {
		if r.literal {
			return name == r.segs[0]
		}
		ok, _ := path.Match(r.segs[0], name)
		return ok
	}
	return matchSegs(r.segs, p)
}

// matchSegs matches the segments of p (slash-separated; "" has none)
// against pattern segments, where "**" stands for any number of whole
// segments (at the end: at least one, so "a/**" matches what is inside a,
// not a itself).
func matchSegs(pat []string, p string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			if len(rest) == 0 {
				return p != ""
			}
			for q := p; ; {
				if matchSegs(rest, q) {
					return true
				}
				if q == "" {
					return false
				}
				if i := strings.IndexByte(q, '/'); i >= 0 {
					q = q[i+1:]
				} else {
					q = ""
				}
			}
		}
		if p == "" {
			return false
		}
		seg, tail := p, ""
		if i := strings.IndexByte(p, '/'); i >= 0 {
			seg, tail = p[:i], p[i+1:]
		}
		if ok, _ := path.Match(pat[0], seg); !ok {
			return false
		}
		pat, p = pat[1:], tail
	}
	return p == ""
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

// joinRel is path.Join for a directory entry's name (one clean element,
// as os.ReadDir gives them).
func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
