package envfiles

import (
	"path"
	"regexp"
	"strings"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// Configuration files that read environment variables through their own
// syntax: Symfony's %env(X)% and Rails' ERB (<%= ENV["X"] %>) in YAML under
// a config folder, Prisma's env("X") in schema.prisma.

// IsConfig reports whether rel is such a file.
func IsConfig(rel string) bool {
	base := strings.ToLower(path.Base(rel))
	if strings.HasSuffix(base, ".prisma") || strings.HasSuffix(base, ".erb") && !strings.HasSuffix(base, ".rb.erb") {
		return true // Prisma's env(); ERB templates (views, mailers) with <%= ENV["X"] %>
	}
	if !strings.HasSuffix(base, ".yml") && !strings.HasSuffix(base, ".yaml") {
		return false
	}
	return strings.HasPrefix(rel, "config/") || strings.Contains(rel, "/config/")
}

var configEnvForms = []*regexp.Regexp{
	// Symfony: %env(APP_SECRET)%, %env(resolve:DATABASE_URL)%, %env(default::X)%
	regexp.MustCompile(`%env\((?:[a-z_]*:)*([A-Za-z_][A-Za-z0-9_]*)\)%`),
	// ERB in YAML: ENV["X"], ENV['X'], ENV.fetch("X" ...)
	regexp.MustCompile(`\bENV(?:\[\s*|\.fetch\(\s*)["']([A-Za-z_][A-Za-z0-9_]*)["']`),
	// Prisma: env("DATABASE_URL")
	regexp.MustCompile(`\benv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)`),
}

// Config returns the env reads of a configuration file. A read has a
// default when Symfony's default: processor or ENV.fetch's second argument
// supplies one.
func Config(src []byte) []facts.Env {
	var out []facts.Env
	for _, re := range configEnvForms {
		for _, m := range re.FindAllSubmatchIndex(src, 256) {
			whole := string(src[m[0]:m[1]])
			def := strings.Contains(whole, "default:")
			if strings.Contains(whole, ".fetch(") {
				rest := src[m[1]:]
				if i := strings.IndexAny(string(rest[:min(len(rest), 80)]), ",)"); i >= 0 && rest[i] == ',' {
					def = true
				}
			}
			out = append(out, facts.Env{Name: string(src[m[2]:m[3]]), HasDefault: def, Span: facts.SpanOf(src, m[2], m[3])})
		}
	}
	return out
}
