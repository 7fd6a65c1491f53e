package analyzer

import (
	"bytes"
	"slices"
	"sort"
	"strings"

	"github.com/patchbay-dev/patchbay/analyzer/facts"

	"github.com/patchbay-dev/patchbay/analyzer/golang"
	"github.com/patchbay-dev/patchbay/providers"
)

// index is the providers' signature tables arranged for lookup. It is
// built once per Analyzer and never changes.
type index struct {
	byEco        map[providers.Ecosystem][]pkgEntry
	constructors map[providers.Ecosystem][]symEntry
	webhooks     map[providers.Ecosystem][]symEntry
	envExact     map[string]string
	envPrefixes  []prefixEntry
	// callTails are the last segments of every constructor and webhook
	// symbol: calls ending otherwise can never become findings.
	callTails, webhookTails map[string]bool
	// needles per ecosystem: cheap substrings a file must contain to be
	// worth parsing (import names); env tokens are added per language.
	// moduleNeedles are quoted whole module names: they count only where
	// the name ends (a quote or "/" follows, see moduleEnd).
	needles, moduleNeedles map[providers.Ecosystem][][]byte
	// marks are the providers' webhook headers and markers, normalized
	// (lower case, '_' as '-'), see markText.
	marks []markEntry
	// globals are the names packages provide without an import
	// (providers.Package.Globals), per ecosystem.
	globals map[providers.Ecosystem][]globalEntry
	// defaults are, per manifest dependency (ecosystem and name), the
	// providers that declare a default callback or webhook route for it,
	// in catalogue order.
	defaults map[depKey][]providers.Provider
}

// depKey names a manifest dependency.
type depKey struct{ eco, name string }

type globalEntry struct {
	provider, pkg, name string
}

type markEntry struct {
	provider, text, declared string
	// word: a marker (an identifier), matched as a whole identifier;
	// headers may sit inside a longer name (HTTP_STRIPE_SIGNATURE).
	word bool
}

type pkgEntry struct {
	provider string
	name     string   // manifest name pattern
	imports  []string // import name patterns
}

type symEntry struct {
	provider string
	symbol   string
}

type prefixEntry struct {
	provider, prefix string
}

func newIndex(all []providers.Provider) *index {
	ix := &index{
		byEco:         map[providers.Ecosystem][]pkgEntry{},
		constructors:  map[providers.Ecosystem][]symEntry{},
		webhooks:      map[providers.Ecosystem][]symEntry{},
		envExact:      map[string]string{},
		needles:       map[providers.Ecosystem][][]byte{},
		moduleNeedles: map[providers.Ecosystem][][]byte{},
		callTails:     map[string]bool{},
		webhookTails:  map[string]bool{},
		globals:       map[providers.Ecosystem][]globalEntry{},
		defaults:      map[depKey][]providers.Provider{},
	}
	for _, p := range all {
		var keys []depKey
		for _, cb := range p.Signatures.Callbacks {
			keys = append(keys, depKey{string(cb.Ecosystem), cb.Package})
		}
		for _, wd := range p.Signatures.WebhookDefaults {
			keys = append(keys, depKey{string(wd.Ecosystem), wd.Package})
		}
		slices.SortFunc(keys, func(a, b depKey) int { return strings.Compare(a.eco+"\x00"+a.name, b.eco+"\x00"+b.name) })
		for _, k := range slices.Compact(keys) {
			ix.defaults[k] = append(ix.defaults[k], p)
		}
	}
	// needle -> whether it names a whole module (see needles below).
	type needleKey struct {
		eco  providers.Ecosystem
		text string
	}
	exact := map[needleKey]bool{}
	var order []needleKey
	for _, p := range all {
		s := p.Signatures
		for _, pkg := range s.Packages {
			ix.byEco[pkg.Ecosystem] = append(ix.byEco[pkg.Ecosystem], pkgEntry{provider: p.ID, name: pkg.Name, imports: pkg.ImportNames()})
			for _, g := range pkg.Globals {
				ix.globals[pkg.Ecosystem] = append(ix.globals[pkg.Ecosystem], globalEntry{p.ID, pkg.Name, g})
				// A file naming one is worth parsing for its calls.
				for _, v := range []string{g + "::", g + ".", g + "("} {
					k := needleKey{pkg.Ecosystem, v}
					if _, seen := exact[k]; !seen {
						exact[k] = false
						order = append(order, k)
					}
				}
			}
			for _, imp := range pkg.ImportNames() {
				n := strings.TrimSuffix(imp, "*")
				if pkg.Ecosystem == providers.Composer {
					// PHP namespaces appear with either separator in use statements.
					n = strings.SplitN(n, `\`, 2)[0]
				}
				if n == "" {
					continue
				}
				// Where imports quote the module, so does the needle: a
				// file of the Stripe SDK itself says "stripe" everywhere,
				// but imports it nowhere. A quoted name that is not a
				// prefix pattern must also end where the module name
				// does ("redis" or "redis/x", not "redis-errors").
				variants := []string{n}
				whole := false
				switch pkg.Ecosystem {
				case providers.NPM, providers.Go, providers.RubyGems:
					variants = []string{`"` + n, `'` + n, "`" + n}
					whole = !strings.HasSuffix(imp, "*")
				}
				for _, v := range variants {
					k := needleKey{pkg.Ecosystem, v}
					if w, seen := exact[k]; seen {
						exact[k] = w && whole
						continue
					}
					exact[k] = whole
					order = append(order, k)
				}
			}
		}
		for _, c := range s.Constructors {
			ix.constructors[c.Ecosystem] = append(ix.constructors[c.Ecosystem], symEntry{p.ID, c.Symbol})
			ix.callTails[symbolTail(c.Symbol)] = true
		}
		for _, w := range s.Webhooks {
			ix.webhooks[w.Ecosystem] = append(ix.webhooks[w.Ecosystem], symEntry{p.ID, w.Symbol})
			ix.callTails[symbolTail(w.Symbol)] = true
			ix.webhookTails[symbolTail(w.Symbol)] = true
		}
		for _, m := range s.WebhookHeaders {
			ix.marks = append(ix.marks, markEntry{provider: p.ID, text: string(markText([]byte(m))), declared: m})
		}
		for _, m := range s.WebhookMarkers {
			ix.marks = append(ix.marks, markEntry{provider: p.ID, text: string(markText([]byte(m))), declared: m, word: true})
		}
		for _, cb := range s.Callbacks {
			for _, c := range cb.Calls {
				ix.callTails[symbolTail(c)] = true
			}
		}
		for _, wd := range s.WebhookDefaults {
			for _, c := range wd.Calls {
				ix.callTails[symbolTail(c)] = true
			}
		}
		for _, e := range s.EnvVars {
			if _, dup := ix.envExact[e]; !dup {
				ix.envExact[e] = p.ID
			}
		}
		for _, pre := range s.EnvPrefixes {
			ix.envPrefixes = append(ix.envPrefixes, prefixEntry{p.ID, pre})
		}
	}
	for _, k := range order {
		if exact[k] {
			ix.moduleNeedles[k.eco] = append(ix.moduleNeedles[k.eco], []byte(k.text))
		} else {
			ix.needles[k.eco] = append(ix.needles[k.eco], []byte(k.text))
		}
	}
	sort.SliceStable(ix.envPrefixes, func(i, j int) bool { return len(ix.envPrefixes[i].prefix) > len(ix.envPrefixes[j].prefix) })
	return ix
}

// importSep is the separator between a package and its sub-paths.
func importSep(eco providers.Ecosystem) string {
	switch eco {
	case providers.PyPI, providers.Maven, providers.NuGet:
		return "."
	case providers.Composer:
		return `\`
	}
	return "/"
}

func matchName(pattern, name, sep string) bool {
	if strings.HasSuffix(pattern, "*") {
		return strings.HasPrefix(name, pattern[:len(pattern)-1])
	}
	return name == pattern || strings.HasPrefix(name, pattern+sep)
}

// matchImport returns the provider whose package code imports by path.
func (ix *index) matchImport(eco providers.Ecosystem, path string) (provider, pkg string) {
	if eco == providers.Composer {
		path = strings.TrimPrefix(strings.ReplaceAll(path, "/", `\`), `\`)
	}
	sep := importSep(eco)
	for _, e := range ix.byEco[eco] {
		for _, imp := range e.imports {
			if matchName(imp, path, sep) {
				return e.provider, e.name
			}
		}
	}
	return "", ""
}

// depSep is the separator between a manifest name and its sub-packages
// ("@scope/pkg", "github.com/x/y").
func depSep(eco providers.Ecosystem) string {
	if eco == providers.NPM || eco == providers.Go {
		return "/"
	}
	return importSep(eco)
}

// matchDep returns the provider of a manifest dependency.
func (ix *index) matchDep(eco providers.Ecosystem, name string) string {
	sep := depSep(eco)
	for _, e := range ix.byEco[eco] {
		if matchName(e.name, name, sep) {
			return e.provider
		}
	}
	return ""
}

// frameworkPrefixes are stripped from env names before attribution:
// NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY is Stripe's.
var frameworkPrefixes = []string{"NEXT_PUBLIC_", "VITE_", "REACT_APP_", "NUXT_PUBLIC_", "NUXT_", "PUBLIC_", "EXPO_PUBLIC_", "GATSBY_", "VUE_APP_"}

// envProvider attributes an env-var name by the providers' tables.
func (ix *index) envProvider(name string) string {
	if p, ok := ix.envExact[name]; ok {
		return p
	}
	candidates := []string{name}
	for _, fp := range frameworkPrefixes {
		if strings.HasPrefix(name, fp) {
			candidates = append(candidates, name[len(fp):])
		}
	}
	for _, n := range candidates[1:] {
		if p, ok := ix.envExact[n]; ok {
			return p
		}
	}
	for _, n := range candidates {
		for _, pe := range ix.envPrefixes {
			if strings.HasPrefix(n, pe.prefix) {
				return pe.provider
			}
		}
	}
	return ""
}

// calleeMatches reports whether a callee as written ends with symbol.
func calleeMatches(callee, symbol string) bool {
	if callee == symbol {
		return true
	}
	if !strings.HasSuffix(callee, symbol) {
		return false
	}
	before := callee[:len(callee)-len(symbol)]
	return strings.HasSuffix(before, ".") || strings.HasSuffix(before, `\`) || strings.HasSuffix(before, "::") || strings.HasSuffix(before, "->")
}

// goCallee turns a resolved Go callee "github.com/x/y/v2.Func" into the
// (import path, "y.Func") pair that signatures are written against.
func goCallee(callee string) (importPath, short string) {
	i := strings.LastIndex(callee, ".")
	if i <= 0 || !strings.Contains(callee[:i], "/") && !strings.Contains(callee[:i], ".") {
		return "", callee
	}
	importPath = callee[:i]
	return importPath, golang.PackageName(importPath) + "." + callee[i+1:]
}

// matchCall returns the provider whose constructor (or, with webhooks, whose
// webhook check) the callee is, among the providers the file imports.
func (ix *index) matchCall(table map[providers.Ecosystem][]symEntry, eco providers.Ecosystem, callee string, imported map[string]bool) (provider, symbol string) {
	if eco == providers.Go {
		ip, short := goCallee(callee)
		if ip == "" {
			return "", ""
		}
		p, _ := ix.matchImport(eco, ip)
		if p == "" {
			return "", ""
		}
		for _, c := range table[eco] {
			if c.provider == p && short == c.symbol {
				return p, c.symbol
			}
		}
		return "", ""
	}
	for _, c := range table[eco] {
		if imported[c.provider] && calleeMatches(callee, c.symbol) {
			return c.provider, c.symbol
		}
	}
	return "", ""
}

// symbolTail is the last name of a callee or symbol ("constructEvent" of
// "stripe.webhooks.constructEvent", "new" of "Stripe::StripeClient.new").
func symbolTail(s string) string {
	if i := strings.LastIndexAny(s, `.:>\`); i >= 0 {
		return s[i+1:]
	}
	return s
}

// namesGlobal: the callee starts with a package's global name.
func (ix *index) namesGlobal(callee string) bool {
	for _, es := range ix.globals {
		for _, g := range es {
			if globalMatch(g.name, callee) {
				return true
			}
		}
	}
	return false
}

// globalOf: the provider and package whose global the callee names, in
// ecosystem eco ("DropletKit::Client.new", "::Stripe::Customer.list",
// "useSupabaseClient").
func (ix *index) globalOf(eco providers.Ecosystem, callee string) (provider, pkg, name string) {
	for _, g := range ix.globals[eco] {
		if globalMatch(g.name, callee) {
			return g.provider, g.pkg, g.name
		}
	}
	return "", "", ""
}

func globalMatch(g, callee string) bool {
	c := strings.TrimPrefix(callee, "::")
	if !strings.HasPrefix(c, g) {
		return false
	}
	rest := c[len(g):]
	return rest == "" || strings.HasPrefix(rest, "::") || strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "(")
}

// prune drops the facts that can never produce a finding, so that a large
// workspace's snapshot stays small: calls that are no constructor or
// webhook check (except helper calls in files that define routes), and
// functions and event literals of files without routes or webhook checks.
// handlers marks a file that by convention holds handlers other files'
// routes name (a controller): its functions and their calls are kept.
func (ix *index) prune(f *facts.File, handlers bool) {
	f.Mounts = dedupeMounts(f.Mounts)
	routes := len(f.Routes) > 0 || len(f.Exports) > 0 || len(f.Mounts) > 0 || handlers
	webhook := false
	kept := f.Calls[:0]
	for _, c := range f.Calls {
		tail := symbolTail(c.Callee)
		switch {
		case ix.callTails[tail]:
			webhook = webhook || ix.webhookTails[tail]
			kept = append(kept, c)
		case isCodeExchange(c.Callee), aspNetSchemes[tail] != "", ix.namesGlobal(c.Callee):
			kept = append(kept, c) // an OAuth callback's code exchange or handler
		case routes && !strings.Contains(c.Callee, "("):
			// May call a helper that verifies: verify(req),
			// this.billing.handleWebhook(req), WebhookUtil::check($r).
			kept = append(kept, c)
		}
	}
	f.Calls = append([]facts.Call(nil), kept...)
	if !routes && !webhook && len(f.Marks) == 0 {
		f.Funcs, f.Events = nil, nil
	}
}

// markText normalizes text for mark matching: ASCII lower case, '_' as '-'
// (so Rack's and WSGI's HTTP_STRIPE_SIGNATURE reads Stripe-Signature).
func markText(src []byte) []byte {
	out := make([]byte, len(src))
	for i, c := range src {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '_':
			c = '-'
		}
		out[i] = c
	}
	return out
}

// findMarks returns the occurrences in src of every provider's webhook
// headers and markers (at most a few per marker: one inside a handler is
// all a route needs, and a file that says it everywhere is a library).
func (ix *index) findMarks(src []byte) []facts.Literal {
	if len(ix.marks) == 0 {
		return nil
	}
	low := markText(src)
	type hit struct {
		off, end int
		declared string
	}
	var hits []hit
	for _, m := range ix.marks {
		from, n := 0, 0
		for n < 32 {
			i := bytes.Index(low[from:], []byte(m.text))
			if i < 0 {
				break
			}
			at := from + i
			end := at + len(m.text)
			// Whole words only: "twiml" in "twimlet" is not TwiML, nor in
			// TWIML_APP_SID (for markers '-', once '_', joins words).
			word := func(c byte) bool { return isMarkWordByte(c) || m.word && c == '-' }
			if (at == 0 || !word(low[at-1])) && (end == len(low) || !word(low[end])) {
				hits = append(hits, hit{at, end, m.declared})
				n++
			}
			from = end
		}
	}
	if len(hits) == 0 {
		return nil
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].off < hits[j].off })
	out := make([]facts.Literal, 0, len(hits))
	line, lineStart, pos := uint32(1), 0, 0
	for _, h := range hits {
		for ; pos < h.off; pos++ {
			if src[pos] == '\n' {
				line++
				lineStart = pos + 1
			}
		}
		sp := facts.Span{StartLine: line, StartCol: uint32(h.off-lineStart) + 1, EndLine: line, EndCol: uint32(h.end-lineStart) + 1}
		out = append(out, facts.Literal{Value: h.declared, Span: sp})
	}
	return out
}

func isMarkWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// markProvider is the provider that declares the mark.
func (ix *index) markProvider(declared string) string {
	for _, m := range ix.marks {
		if m.declared == declared {
			return m.provider
		}
	}
	return ""
}

// dedupeMounts drops a mount without a prefix that a pattern with the
// prefix also matched (include_router(r) and include_router(r, prefix=...)).
func dedupeMounts(ms []facts.Mount) []facts.Mount {
	out := ms[:0:0]
	for _, m := range ms {
		dup := false
		if m.Prefix == "" && m.PrefixConst == "" {
			for _, o := range ms {
				if (o.Prefix != "" || o.PrefixConst != "") && o.Span == m.Span && o.Target == m.Target {
					dup = true
				}
			}
		}
		if !dup {
			out = append(out, m)
		}
	}
	return out
}

// markNeedles: the prefilter's needles for webhook headers and markers, as
// declared, in lower case and as Rack/WSGI write headers (HTTP_X_Y).
func (ix *index) markNeedles() [][]byte {
	seen := map[string]bool{}
	var out [][]byte
	for _, m := range ix.marks {
		for _, v := range []string{m.declared, strings.ToLower(m.declared), strings.ToUpper(strings.ReplaceAll(m.declared, "-", "_"))} {
			if !seen[v] {
				seen[v] = true
				out = append(out, []byte(v))
			}
		}
	}
	return out
}
