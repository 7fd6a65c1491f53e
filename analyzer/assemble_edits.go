package analyzer

import (
	"maps"
	"path"
	"slices"
	"sort"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Incremental assembly. After an edit of a few files, assemble would walk
// every file of the workspace again (services, per-file findings, route
// members, function tables) although nearly all of it is what the last
// build had. assembleEdits starts from what the last assembly kept
// (asmState) and redoes only the edited files' own findings and the route
// pass of the dirs the edits can change: the services that contain an
// edited file, and those whose route pass read an edited file or a
// function or constant an edited file defines (before or after).
//
// It handles edits only: a file added or removed, a manifest, patchbay.json,
// tsconfig.json or Spring configuration edited, a Go module reloaded, the
// walk's diagnostics changed, or users' overrides anywhere, and the build
// assembles everything (assemble). TestAssembleEditsRandom checks it
// against assemble on chains of random edits.

// asmState is what one assembly keeps for the next; it belongs to the
// build side (buildCache.asm) and is never read by a published snapshot.
type asmState struct {
	snap *snapshot // the snapshot assembled
	res  *Result
	// services by dir (the last result's protos, final) and their dirs
	// in path order.
	services map[string]*serviceInfo
	dirs     []string
	// perFile: each file's own findings, by its index in snap.rels.
	perFile [][]*patchbayv1.Finding
	// fileProv: per service, how many of its files' own findings name
	// each provider.
	fileProv          map[string]map[string]int
	analyzed, skipped uint32
	members           *routeMembers
	routes            map[string]*routeOut
	// overrides: some patchbay.json corrected the findings.
	overrides bool
}

// countProv adds n for each provider fs name to svc's counts.
func (st *asmState) countProv(svc string, fs []*patchbayv1.Finding, n int) {
	for _, x := range fs {
		if x.Provider == "" {
			continue
		}
		m := st.fileProv[svc]
		if m == nil {
			m = map[string]int{}
			st.fileProv[svc] = m
		}
		m[x.Provider] += n
	}
}

// editable: an edit of a file of this kind changes only that file's own
// findings and the route pass of the dirs that read it.
func editable(f *fileState) bool {
	switch f.kind {
	case kindManifest, kindPatchbay, kindTSConfig, kindSpring:
		return false
	}
	return true
}

// assembleEdits is assemble(s) for a snapshot that differs from prev, the
// last one assembled, only by the files edits names; nil when it cannot
// tell (see above), and the build assembles everything.
func (a *Analyzer) assembleEdits(prev, s *snapshot, edits []string, cache *buildCache) *Result {
	st := cache.asm
	if st == nil || st.snap != prev || st.overrides || len(edits) == 0 ||
		!sameRels(prev.rels, s.rels) || !sameGoMods(prev, s) || prev.seen != s.seen || !slices.Equal(prev.walkDiag, s.walkDiag) {
		return nil
	}
	for _, rel := range edits {
		old, nu := prev.files[rel], s.files[rel]
		if old == nil || nu == nil || old == nu || !editable(old) || !editable(nu) {
			return nil
		}
	}
	services := st.services
	serviceOf := func(rel string) string { return serviceOfDir(services, path.Dir(rel)) }

	// The dirs whose route pass or description an edit can change.
	aff := map[string]bool{}
	edited := map[string]bool{}
	funcs, consts := map[string]bool{}, map[string]bool{}
	for _, rel := range edits {
		edited[rel] = true
		aff[serviceOf(rel)] = true
		for d := path.Dir(rel); ; d = path.Dir(d) {
			if services[d] != nil {
				aff[d] = true // its description reads the files under it
			}
			if d == "." {
				break
			}
		}
		for _, f := range []*fileState{prev.files[rel], s.files[rel]} {
			if f.facts == nil {
				continue
			}
			for _, fn := range f.facts.Funcs {
				funcs[fn.Name] = true
			}
			for _, c := range f.facts.Consts {
				consts[c.Name] = true
			}
		}
	}
	touches := func(r *routeReads) bool {
		if r == nil {
			return false
		}
		for rel := range r.files {
			if edited[rel] {
				return true
			}
		}
		for name := range r.funcs {
			if funcs[name] {
				return true
			}
		}
		for name := range r.consts {
			if consts[name] {
				return true
			}
		}
		return false
	}
	for dir, m := range cache.routes {
		if touches(m.reads) {
			aff[dir] = true
		}
	}
	for dir, ro := range st.routes {
		if touches(ro.reads) {
			aff[dir] = true
		}
	}

	res := &Result{Root: s.root, Stats: &patchbayv1.AnalysisStats{FilesSeen: uint32(s.seen)}}
	diags := slices.Clone(st.res.Diagnostics)
	m := st.members
	m.ws.all, m.ws.rels, m.ws.consts = s.files, s.rels, nil
	for _, rel := range edits {
		old, nu := prev.files[rel], s.files[rel]
		i, _ := slices.BinarySearch(s.rels, rel)
		svc := serviceOf(rel)
		si := services[svc]

		// The file's own findings, diagnostic and counts.
		oldA, oldS := fileCounts(old)
		na, ns := fileCounts(nu)
		st.analyzed += na - oldA
		st.skipped += ns - oldS
		if si != nil {
			st.countProv(svc, st.perFile[i], -1)
		}
		var fs []*patchbayv1.Finding
		if na == 1 && nu.facts != nil {
			fs = cache.files.get(nu, serviceKey(svc, si), func() []*patchbayv1.Finding { return a.fileFindings(nu, svc, si.allDeps()) })
			explain(fs)
			if si != nil {
				st.countProv(svc, fs, 1)
			}
		}
		st.perFile[i] = fs
		diags = replaceDiag(diags, old.diag, nu.diag, rel)

		// Its place in the route members and workspace tables.
		if old.facts != nil && old.fe != nil {
			m.ws.remove(old)
			if sm := m.byDir[svc]; sm != nil {
				delete(sm.files, rel)
				sm.code = slices.DeleteFunc(slices.Clone(sm.code), func(f *fileState) bool { return f == old })
			}
		}
		if nu.facts != nil && nu.fe != nil {
			m.ws.insert(nu)
			routing, imports := a.routing(nu, cache), len(nu.facts.Imports) > 0
			if routing || imports {
				sm := m.member(svc)
				if routing {
					sm.files[rel] = nu
				}
				if imports {
					sm.code = insertByPath(sm.code, nu)
				}
			}
		}
	}

	// The affected services again, then their route pass.
	affDirs := slices.Sorted(maps.Keys(aff))
	for _, dir := range affDirs {
		if si := services[dir]; si != nil {
			nsi := &serviceInfo{svc: &patchbayv1.Service{Path: dir, Manifests: slices.Clone(si.manifests)}, manifests: si.manifests, stamp: si.stamp, deps: si.deps, prov: map[string]bool{}}
			a.describeService(s, nsi)
			services[dir] = nsi
		}
	}
	for _, dir := range affDirs {
		if !m.routes(dir) {
			delete(cache.routes, dir)
		}
		if services[dir] == nil && !m.routes(dir) {
			delete(st.routes, dir)
			continue
		}
		ro := a.serviceRouteOutput(s, dir, services, m, cache)
		explain(ro.findings)
		st.routes[dir] = ro
	}

	perFile := make([]*patchbayv1.Finding, 0, len(st.res.Findings))
	for _, fs := range st.perFile {
		perFile = append(perFile, fs...)
	}
	res.Findings = mergeFindings(perFile, allRouteFindings(st.routes))
	res.Diagnostics = diags
	res.Stats.FilesAnalyzed, res.Stats.FilesSkipped = st.analyzed, st.skipped
	for _, dir := range st.dirs {
		si := services[dir]
		if aff[dir] {
			routeProv := map[string]bool{}
			if ro := st.routes[dir]; ro != nil {
				for _, f := range ro.findings {
					if isHookOrCallback(f) && f.Provider != "" {
						routeProv[f.Provider] = true
					}
				}
			}
			finishService(si, st.fileProv[dir], routeProv, st.routes[dir])
		}
		res.Services = append(res.Services, si.svc)
	}
	cache.prune(s)
	st.snap, st.res = s, res
	return res
}

// sameRels: the same paths (setRels shares the slice when they are).
func sameRels(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// sameGoMods: next has prev's Go module loads.
func sameGoMods(prev, next *snapshot) bool {
	if len(prev.goMods) != len(next.goMods) {
		return false
	}
	for dir, m := range next.goMods {
		if prev.goMods[dir] != m {
			return false
		}
	}
	return true
}

// replaceDiag swaps a file's diagnostic in a list sorted stably by path,
// where a file's own diagnostic comes before the others of its path.
func replaceDiag(diags []*patchbayv1.Diagnostic, old, nu *patchbayv1.Diagnostic, rel string) []*patchbayv1.Diagnostic {
	if old != nil {
		if i := slices.Index(diags, old); i >= 0 {
			diags = slices.Delete(diags, i, i+1)
		}
	}
	if nu != nil {
		i := sort.Search(len(diags), func(i int) bool { return diags[i].Path >= rel })
		diags = slices.Insert(diags, i, nu)
	}
	return diags
}

// insertByPath returns files (in path order) with f added in its place,
// in a new slice.
func insertByPath(files []*fileState, f *fileState) []*fileState {
	i := sort.Search(len(files), func(i int) bool { return files[i].rel >= f.rel })
	out := make([]*fileState, 0, len(files)+1)
	out = append(out, files[:i]...)
	out = append(out, f)
	return append(out, files[i:]...)
}

// remove takes f's functions and constants out of the tables. Lists are
// replaced, never changed in place: route memos keep the ones they read.
func (ws *workspaceFiles) remove(f *fileState) {
	for _, fn := range f.facts.Funcs {
		defs := ws.funcs[fn.Name]
		if !slices.ContainsFunc(defs, func(sc scope) bool { return sc.file == f }) {
			continue
		}
		defs = slices.DeleteFunc(slices.Clone(defs), func(sc scope) bool { return sc.file == f })
		if len(defs) == 0 {
			delete(ws.funcs, fn.Name)
		} else {
			ws.funcs[fn.Name] = defs
		}
	}
	for _, c := range f.facts.Consts {
		files := ws.constDefs[c.Name]
		if !slices.Contains(files, f) {
			continue
		}
		files = slices.DeleteFunc(slices.Clone(files), func(g *fileState) bool { return g == f })
		if len(files) == 0 {
			delete(ws.constDefs, c.Name)
		} else {
			ws.constDefs[c.Name] = files
		}
	}
}

// insert puts f's functions and constants into the tables at f's place in
// path order (as add does for the files in order).
func (ws *workspaceFiles) insert(f *fileState) {
	var names []string
	mine := map[string][]scope{}
	for _, fn := range f.facts.Funcs {
		if _, ok := mine[fn.Name]; !ok {
			names = append(names, fn.Name)
		}
		mine[fn.Name] = append(mine[fn.Name], scope{f, fn.Span})
	}
	for _, name := range names {
		defs := ws.funcs[name]
		i := sort.Search(len(defs), func(i int) bool { return defs[i].file.rel > f.rel })
		out := make([]scope, 0, len(defs)+len(mine[name]))
		out = append(out, defs[:i]...)
		out = append(out, mine[name]...)
		ws.funcs[name] = append(out, defs[i:]...)
	}
	for _, c := range f.facts.Consts {
		if !slices.Contains(ws.constDefs[c.Name], f) {
			ws.constDefs[c.Name] = insertByPath(ws.constDefs[c.Name], f)
		}
	}
}
