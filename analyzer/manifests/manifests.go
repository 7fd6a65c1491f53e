// Package manifests reads package manifests (package.json, go.mod,
// requirements.txt, pyproject.toml, Pipfile, Gemfile, composer.json,
// pom.xml, build.gradle(.kts), *.csproj): the declared dependencies, with
// their positions, and what the manifest says about the service.
package manifests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// Manifest is one parsed manifest file.
type Manifest struct {
	// Ecosystem of its dependencies: npm, go, pypi, rubygems, composer, maven, nuget.
	Ecosystem string
	// Language the manifest implies (refined later by the files around it).
	Language string
	// Name of the project when the manifest states one.
	Name string
	Deps []facts.Dep
	// Workspaces are npm/yarn/pnpm workspace globs (package.json).
	Workspaces []string
	// Frameworks stated by the manifest itself (a csproj Web SDK, a Spring
	// Boot parent POM); dependency-based detection happens in the analyzer.
	Frameworks []string
	// Problems are parts of the manifest that could not be read although
	// the rest was (one line each); the analyzer reports the first as a
	// diagnostic on the file.
	Problems []string
}

// IsManifest reports whether a file name (base name) is a manifest.
func IsManifest(base string) bool {
	switch base {
	case "package.json", "go.mod", "requirements.txt", "pyproject.toml", "Pipfile", "Gemfile",
		"composer.json", "pom.xml", "build.gradle", "build.gradle.kts", "setup.py":
		return true
	}
	return strings.HasSuffix(base, ".csproj") || strings.HasSuffix(base, ".fsproj") ||
		(strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt"))
}

// Parse parses the manifest named base.
func Parse(base string, src []byte) (*Manifest, error) {
	switch {
	case base == "package.json":
		return parsePackageJSON(src)
	case base == "go.mod":
		return parseGoMod(src)
	case base == "requirements.txt" || (strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt")):
		return parseRequirements(src), nil
	case base == "setup.py":
		return &Manifest{Ecosystem: "pypi", Language: "python", Deps: quotedDeps(src, "pypi", setupPyDeps)}, nil
	case base == "pyproject.toml":
		return parsePyproject(src), nil
	case base == "Pipfile":
		return parsePipfile(src), nil
	case base == "Gemfile":
		return parseGemfile(src), nil
	case base == "composer.json":
		return parseComposer(src)
	case base == "pom.xml":
		return parsePom(src), nil
	case base == "build.gradle" || base == "build.gradle.kts":
		return parseGradle(src), nil
	case strings.HasSuffix(base, ".csproj") || strings.HasSuffix(base, ".fsproj"):
		return parseCsproj(src), nil
	}
	return nil, fmt.Errorf("%s is not a manifest", base)
}

func dep(src []byte, eco, name, version string, at int) facts.Dep {
	end := at + len(name)
	if at < 0 {
		at, end = 0, 0
	}
	return facts.Dep{Ecosystem: eco, Name: name, Version: version, Span: facts.SpanOf(src, at, end)}
}

// locate finds name in src as a quoted JSON/TOML key or string, falling
// back to a bare occurrence.
func locate(src []byte, name string) int {
	for _, q := range []string{`"` + name + `"`, `'` + name + `'`} {
		if i := bytes.Index(src, []byte(q)); i >= 0 {
			return i + 1
		}
	}
	return bytes.Index(src, []byte(name))
}

type packageJSON struct {
	Name                 string            `json:"name"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	Workspaces           json.RawMessage   `json:"workspaces"`
}

func parsePackageJSON(src []byte) (*Manifest, error) {
	var p packageJSON
	if err := json.Unmarshal(src, &p); err != nil {
		return nil, fmt.Errorf("package.json: %w", err)
	}
	m := &Manifest{Ecosystem: "npm", Language: "javascript", Name: p.Name}
	m.Deps = mapDeps(src, "npm", p.Dependencies, p.DevDependencies, p.PeerDependencies, p.OptionalDependencies)
	if len(p.Workspaces) > 0 {
		list, err := workspaceGlobs(p.Workspaces)
		if err != nil {
			m.Problems = append(m.Problems, err.Error())
		}
		m.Workspaces = list
	}
	return m, nil
}

// workspaceGlobs reads "workspaces": a list of globs (npm, yarn) or an
// object whose "packages" is one (yarn's nohoist form).
func workspaceGlobs(raw json.RawMessage) ([]string, error) {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list, nil
	}
	var obj struct {
		Packages []string `json:"packages"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("package.json: \"workspaces\" is neither a list of globs nor an object with \"packages\": %w", err)
	}
	return obj.Packages, nil
}

func mapDeps(src []byte, eco string, maps ...map[string]string) []facts.Dep {
	seen := map[string]bool{}
	var out []facts.Dep
	for _, m := range maps {
		names := make([]string, 0, len(m))
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if seen[n] {
				continue
			}
			seen[n] = true
			out = append(out, dep(src, eco, n, m[n], locate(src, n)))
		}
	}
	sortDeps(out)
	return out
}

func sortDeps(d []facts.Dep) {
	sort.SliceStable(d, func(i, j int) bool {
		if d[i].Span.StartLine != d[j].Span.StartLine {
			return d[i].Span.StartLine < d[j].Span.StartLine
		}
		return d[i].Span.StartCol < d[j].Span.StartCol
	})
}

func parseGoMod(src []byte) (*Manifest, error) {
	f, err := modfile.ParseLax("go.mod", src, nil)
	if err != nil {
		return nil, fmt.Errorf("go.mod: %s", strings.SplitN(err.Error(), "\n", 2)[0])
	}
	m := &Manifest{Ecosystem: "go", Language: "go"}
	if f.Module != nil {
		m.Name = f.Module.Mod.Path
	}
	for _, r := range f.Require {
		var d facts.Dep
		if r.Syntax != nil {
			// The path token: find it on the require line.
			off := r.Syntax.Start.Byte
			if i := bytes.Index(src[off:], []byte(r.Mod.Path)); i >= 0 && i < 200 {
				off += i
			}
			d = dep(src, "go", r.Mod.Path, r.Mod.Version, off)
		} else {
			d = dep(src, "go", r.Mod.Path, r.Mod.Version, locate(src, r.Mod.Path))
		}
		m.Deps = append(m.Deps, d)
	}
	return m, nil
}

var reqName = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$`)

func parseRequirements(src []byte) *Manifest {
	m := &Manifest{Ecosystem: "pypi", Language: "python"}
	off := 0
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		start := off
		off += len(line)
		s := string(bytes.TrimRight(line, "\r\n"))
		if i := strings.Index(s, "#"); i >= 0 {
			s = s[:i]
		}
		lead := len(s) - len(strings.TrimLeft(s, " \t"))
		s = strings.TrimSpace(s)
		if s == "" || strings.HasPrefix(s, "-") {
			continue
		}
		mm := reqName.FindStringSubmatch(s)
		if mm == nil {
			continue
		}
		version := strings.TrimSpace(strings.SplitN(mm[3], ";", 2)[0])
		m.Deps = append(m.Deps, dep(src, "pypi", mm[1], version, start+lead))
	}
	return m
}

var pep508 = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$`)

// parsePyproject reads PEP 621 [project] dependencies (and optional ones)
// and Poetry's dependency tables, line by line: enough TOML for manifests.
func parsePyproject(src []byte) *Manifest {
	m := &Manifest{Ecosystem: "pypi", Language: "python"}
	section := ""
	inArray := false
	off := 0
	for _, raw := range bytes.SplitAfter(src, []byte("\n")) {
		start := off
		off += len(raw)
		line := strings.TrimSpace(string(raw))
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if strings.HasPrefix(line, "[") && !inArray {
			section = strings.Trim(line, "[] ")
			continue
		}
		if section == "project" && strings.HasPrefix(line, "name") && strings.Contains(line, "=") {
			m.Name = strings.Trim(strings.TrimSpace(strings.SplitN(line, "=", 2)[1]), `"'`)
		}
		isDepsKey := (section == "project" && strings.HasPrefix(line, "dependencies")) ||
			section == "project.optional-dependencies" || section == "dependency-groups"
		if isDepsKey && strings.Contains(line, "[") {
			inArray = true
		}
		if inArray || (section == "project.optional-dependencies" && strings.Contains(line, "\"")) {
			for _, q := range quoted(string(raw)) {
				mm := pep508.FindStringSubmatch(q.text)
				if mm == nil {
					continue
				}
				m.Deps = append(m.Deps, dep(src, "pypi", mm[1], strings.TrimSpace(mm[3]), start+q.at))
			}
			if bare := stripQuoted(line); strings.Contains(bare, "]") && strings.Count(bare, "]") >= strings.Count(bare, "[") {
				inArray = false
			}
			continue
		}
		if strings.HasPrefix(section, "tool.poetry") && strings.HasSuffix(section, "dependencies") && strings.Contains(line, "=") {
			name := strings.Trim(strings.TrimSpace(strings.SplitN(line, "=", 2)[0]), `"'`)
			if name == "" || name == "python" {
				continue
			}
			lead := len(raw) - len(bytes.TrimLeft(raw, " \t"))
			m.Deps = append(m.Deps, dep(src, "pypi", name, strings.TrimSpace(strings.SplitN(line, "=", 2)[1]), start+lead))
		}
	}
	return m
}

type quotedString struct {
	text string
	at   int
}

func quoted(s string) []quotedString {
	var out []quotedString
	for i := 0; i < len(s); i++ {
		if s[i] != '"' && s[i] != '\'' {
			continue
		}
		if j := strings.IndexByte(s[i+1:], s[i]); j >= 0 {
			out = append(out, quotedString{text: s[i+1 : i+1+j], at: i + 1})
			i += j + 1
		}
	}
	return out
}

// stripQuoted removes quoted strings (and a trailing comment) from a line.
func stripQuoted(s string) string {
	var b strings.Builder
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '#':
			return b.String()
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func parsePipfile(src []byte) *Manifest {
	m := &Manifest{Ecosystem: "pypi", Language: "python"}
	section := ""
	off := 0
	for _, raw := range bytes.SplitAfter(src, []byte("\n")) {
		start := off
		off += len(raw)
		line := strings.TrimSpace(string(raw))
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[] ")
			continue
		}
		if (section == "packages" || section == "dev-packages") && strings.Contains(line, "=") && !strings.HasPrefix(line, "#") {
			kv := strings.SplitN(line, "=", 2)
			name := strings.Trim(strings.TrimSpace(kv[0]), `"'`)
			lead := len(raw) - len(bytes.TrimLeft(raw, " \t"))
			m.Deps = append(m.Deps, dep(src, "pypi", name, strings.Trim(strings.TrimSpace(kv[1]), `"'`), start+lead))
		}
	}
	return m
}

var gemLine = regexp.MustCompile(`(?m)^\s*gem\s*\(?\s*["']([^"']+)["']\s*(?:,\s*["']([^"']+)["'])?`)

func parseGemfile(src []byte) *Manifest {
	m := &Manifest{Ecosystem: "rubygems", Language: "ruby"}
	for _, mm := range gemLine.FindAllSubmatchIndex(src, -1) {
		version := ""
		if mm[4] >= 0 {
			version = string(src[mm[4]:mm[5]])
		}
		m.Deps = append(m.Deps, dep(src, "rubygems", string(src[mm[2]:mm[3]]), version, mm[2]))
	}
	return m
}

func parseComposer(src []byte) (*Manifest, error) {
	var c struct {
		Name       string            `json:"name"`
		Require    map[string]string `json:"require"`
		RequireDev map[string]string `json:"require-dev"`
	}
	if err := json.Unmarshal(src, &c); err != nil {
		return nil, fmt.Errorf("composer.json: %w", err)
	}
	m := &Manifest{Ecosystem: "composer", Language: "php", Name: c.Name}
	m.Deps = mapDeps(src, "composer", c.Require, c.RequireDev)
	return m, nil
}

var (
	pomDep      = regexp.MustCompile(`(?s)<dependency>(.*?)</dependency>`)
	pomGroup    = regexp.MustCompile(`<groupId>\s*([^<\s]+)\s*</groupId>`)
	pomArtifact = regexp.MustCompile(`<artifactId>\s*([^<\s]+)\s*</artifactId>`)
	pomVersion  = regexp.MustCompile(`<version>\s*([^<\s]+)\s*</version>`)
	pomParent   = regexp.MustCompile(`(?s)<parent>.*?<artifactId>\s*spring-boot-starter-parent\s*</artifactId>`)
)

func parsePom(src []byte) *Manifest {
	m := &Manifest{Ecosystem: "maven", Language: "java"}
	if pomParent.Match(src) {
		m.Frameworks = append(m.Frameworks, "spring")
	}
	for _, loc := range pomDep.FindAllSubmatchIndex(src, -1) {
		body := src[loc[2]:loc[3]]
		g, a := pomGroup.FindSubmatch(body), pomArtifact.FindSubmatchIndex(body)
		if g == nil || a == nil {
			continue
		}
		version := ""
		if v := pomVersion.FindSubmatch(body); v != nil {
			version = string(v[1])
		}
		name := string(g[1]) + ":" + string(body[a[2]:a[3]])
		m.Deps = append(m.Deps, facts.Dep{Ecosystem: "maven", Name: name, Version: version,
			Span: facts.SpanOf(src, loc[2]+a[2], loc[2]+a[3])})
	}
	return m
}

var (
	gradleDep    = regexp.MustCompile(`(?m)\b(?:implementation|api|compileOnly|runtimeOnly|testImplementation|annotationProcessor|compile)\s*\(?\s*["']([^:"'\s]+):([^:"'\s]+)(?::([^"'\s]+))?["']`)
	gradleSpring = regexp.MustCompile(`org\.springframework\.boot`)
)

func parseGradle(src []byte) *Manifest {
	m := &Manifest{Ecosystem: "maven", Language: "java"}
	if gradleSpring.Match(src) {
		m.Frameworks = append(m.Frameworks, "spring")
	}
	for _, mm := range gradleDep.FindAllSubmatchIndex(src, -1) {
		version := ""
		if mm[6] >= 0 {
			version = string(src[mm[6]:mm[7]])
		}
		name := string(src[mm[2]:mm[3]]) + ":" + string(src[mm[4]:mm[5]])
		m.Deps = append(m.Deps, facts.Dep{Ecosystem: "maven", Name: name, Version: version, Span: facts.SpanOf(src, mm[2], mm[5])})
	}
	return m
}

var (
	csprojRef = regexp.MustCompile(`<PackageReference\s+Include\s*=\s*"([^"]+)"(?:\s+Version\s*=\s*"([^"]*)")?`)
	csprojWeb = regexp.MustCompile(`Sdk\s*=\s*"Microsoft\.NET\.Sdk\.Web"`)
)

func parseCsproj(src []byte) *Manifest {
	m := &Manifest{Ecosystem: "nuget", Language: "csharp"}
	if csprojWeb.Match(src) {
		m.Frameworks = append(m.Frameworks, "aspnet")
	}
	for _, mm := range csprojRef.FindAllSubmatchIndex(src, -1) {
		version := ""
		if mm[4] >= 0 {
			version = string(src[mm[4]:mm[5]])
		}
		m.Deps = append(m.Deps, dep(src, "nuget", string(src[mm[2]:mm[3]]), version, mm[2]))
	}
	return m
}

var setupPyDeps = regexp.MustCompile(`(?s)install_requires\s*=\s*\[(.*?)\]`)

func quotedDeps(src []byte, eco string, block *regexp.Regexp) []facts.Dep {
	var out []facts.Dep
	for _, loc := range block.FindAllSubmatchIndex(src, -1) {
		body := string(src[loc[2]:loc[3]])
		for _, q := range quoted(body) {
			mm := pep508.FindStringSubmatch(q.text)
			if mm == nil {
				continue
			}
			out = append(out, dep(src, eco, mm[1], strings.TrimSpace(mm[3]), loc[2]+q.at))
		}
	}
	return out
}

// Dir returns the directory (slash-separated) a manifest path belongs to.
func Dir(rel string) string { return path.Dir(rel) }
