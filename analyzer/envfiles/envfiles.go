// Package envfiles reads environment-variable names from configuration:
// .env* files, docker-compose `environment:` (and ${VAR} interpolation) and
// Dockerfile ENV. Only names are reported, never values: a real .env holds
// secrets, and findings travel to the editor and to logs.
package envfiles

import (
	"bytes"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// Kind says which reader applies to a file, "" for none.
func Kind(base string) string {
	lower := strings.ToLower(base)
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env") ||
		// .env_example, .env-example, env.example, env.sample, and
		// Cloudflare Wrangler's .dev.vars / .dev.vars.example
		strings.HasPrefix(base, ".env_") || strings.HasPrefix(base, ".env-") ||
		strings.HasPrefix(lower, "env.") && isExampleSuffix(lower[len("env."):]) ||
		base == ".dev.vars" || strings.HasPrefix(base, ".dev.vars."):
		return "dotenv"
	case (strings.HasPrefix(lower, "docker-compose") || strings.HasPrefix(lower, "compose")) &&
		(strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")):
		return "compose"
	case base == "Dockerfile" || strings.HasPrefix(base, "Dockerfile.") || strings.HasSuffix(lower, ".dockerfile"):
		return "dockerfile"
	}
	return ""
}

func isExampleSuffix(s string) bool {
	switch s {
	case "example", "sample", "template", "dist", "defaults", "local", "development", "production":
		return true
	}
	return false
}

var dotenvLine = regexp.MustCompile(`^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(.*)$`)

// Dotenv returns the keys of a .env-style file. HasDefault is set when the
// file gives the key a non-empty value.
func Dotenv(src []byte) []facts.Env {
	var out []facts.Env
	off := 0
	for _, raw := range bytes.SplitAfter(src, []byte("\n")) {
		start := off
		off += len(raw)
		line := strings.TrimRight(string(raw), "\r\n")
		mm := dotenvLine.FindStringSubmatchIndex(line)
		if mm == nil {
			continue
		}
		name := line[mm[2]:mm[3]]
		value := strings.TrimSpace(line[mm[4]:mm[5]])
		out = append(out, facts.Env{Name: name, HasDefault: value != "" && value != `""` && value != "''",
			Span: facts.SpanOf(src, start+mm[2], start+mm[3])})
	}
	return out
}

var (
	interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+][^}]*)?\}`)
	composeItem   = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.]*)(=.*)?$`)
)

// Compose returns the keys of every service's `environment:` and the
// variables interpolated with ${NAME} anywhere in the file.
func Compose(src []byte) ([]facts.Env, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	lineStarts := lineOffsets(src)
	var out []facts.Env
	add := func(name string, line, col int, length int, def bool) {
		if line <= 0 || line > len(lineStarts) {
			return
		}
		start := lineStarts[line-1] + col - 1
		out = append(out, facts.Env{Name: name, HasDefault: def, Span: facts.SpanOf(src, start, start+length)})
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 64 {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "environment" {
					switch v.Kind {
					case yaml.MappingNode:
						for j := 0; j+1 < len(v.Content); j += 2 {
							ek, ev := v.Content[j], v.Content[j+1]
							add(ek.Value, ek.Line, ek.Column, len(ek.Value), ev.Value != "" && ev.Tag != "!!null")
						}
					case yaml.SequenceNode:
						for _, item := range v.Content {
							if mm := composeItem.FindStringSubmatch(item.Value); mm != nil {
								col := item.Column
								if item.Style == yaml.DoubleQuotedStyle || item.Style == yaml.SingleQuotedStyle {
									col++
								}
								add(mm[1], item.Line, col, len(mm[1]), len(mm[2]) > 1)
							}
						}
					}
				}
				walk(v, depth+1)
			}
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(&doc, 0)
	// ${NAME} interpolation is read by compose from the shell or .env.
	for _, mm := range interpolation.FindAllSubmatchIndex(src, -1) {
		def := mm[4] >= 0 && bytes.HasPrefix(src[mm[4]:mm[5]], []byte("-")) || mm[4] >= 0 && bytes.HasPrefix(src[mm[4]:mm[5]], []byte(":-"))
		out = append(out, facts.Env{Name: string(src[mm[2]:mm[3]]), HasDefault: def, Span: facts.SpanOf(src, mm[0], mm[1])})
	}
	return out, nil
}

func lineOffsets(src []byte) []int {
	offs := []int{0}
	for i, c := range src {
		if c == '\n' {
			offs = append(offs, i+1)
		}
	}
	return offs
}

var (
	envInstr = regexp.MustCompile(`(?i)^[ \t]*ENV[ \t]+`)
	envPair  = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)(=("[^"]*"|'[^']*'|\S*))?`)
)

// Dockerfile returns the names set by ENV instructions (both the KEY=value
// and the legacy "KEY value" forms) and ${NAME} references in the file.
func Dockerfile(src []byte) []facts.Env {
	var out []facts.Env
	off := 0
	cont := false
	for _, raw := range bytes.SplitAfter(src, []byte("\n")) {
		start := off
		off += len(raw)
		line := strings.TrimRight(string(raw), "\r\n")
		loc := envInstr.FindStringIndex(line)
		if loc == nil && cont {
			// continuation of a multi-line ENV instruction
			loc = []int{0, len(line) - len(strings.TrimLeft(line, " \t"))}
		}
		cont = false
		if loc == nil {
			continue
		}
		rest := line[loc[1]:]
		if strings.HasSuffix(rest, "\\") {
			cont = true
			rest = rest[:len(rest)-1]
		}
		if !strings.Contains(rest, "=") {
			// Legacy form: ENV KEY value
			if mm := envPair.FindStringIndex(rest); mm != nil && mm[0] == 0 {
				out = append(out, facts.Env{Name: rest[:mm[1]], HasDefault: strings.TrimSpace(rest[mm[1]:]) != "",
					Span: facts.SpanOf(src, start+loc[1], start+loc[1]+mm[1])})
			}
			continue
		}
		for _, mm := range envPair.FindAllStringSubmatchIndex(rest, -1) {
			if mm[4] < 0 { // a word without "=" (value continuation)
				continue
			}
			name := rest[mm[2]:mm[3]]
			out = append(out, facts.Env{Name: name, HasDefault: mm[5]-mm[4] > 1,
				Span: facts.SpanOf(src, start+loc[1]+mm[2], start+loc[1]+mm[3])})
		}
	}
	return out
}
