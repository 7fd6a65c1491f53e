package analyzer

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Deltas: a watcher that already holds an analysis needs only what the
// next one changed. One saved file changes a few findings of tens of
// thousands, so a delta is a few kilobytes where the whole analysis is
// megabytes to encode, send and decode.

// Indexed is an analysis as a watcher last sent it, with the ids of its
// findings, kept by whoever diffs against it.
type Indexed struct {
	Result *Result
	ids    map[string]struct{}
	// dup: two findings share an id, so a delta cannot name them.
	dup bool
}

// Index indexes res for Diff.
func Index(res *Result) *Indexed {
	x := &Indexed{Result: res, ids: make(map[string]struct{}, len(res.Findings))}
	for _, f := range res.Findings {
		if _, ok := x.ids[f.GetId()]; ok {
			x.dup = true
		}
		x.ids[f.GetId()] = struct{}{}
	}
	return x
}

// Diff is the delta from prev to next, and next indexed for the next
// Diff. prev is consumed: its id set becomes next's. ok is false when a
// delta cannot describe the change (no prev, another root, two findings
// with one id): the whole of next must be sent.
//
// Both analyses list findings in the analyzer's order and unchanged
// files' findings are the previous build's own messages, so one merge
// walk comparing pointers finds what changed; only the few findings
// where the lists differ are compared by value or looked up.
func Diff(prev *Indexed, next *Result) (d *patchbayv1.AnalysisDelta, x *Indexed, ok bool) {
	if prev == nil || prev.dup || prev.Result.Root != next.Root {
		x = Index(next)
		return nil, x, false
	}
	d = &patchbayv1.AnalysisDelta{Stats: next.Stats}
	p, n := prev.Result.Findings, next.Findings
	var gone []*patchbayv1.Finding
	inPlace := map[string]bool{} // changed, at the same place
	i, j := 0, 0
	for i < len(p) && j < len(n) {
		if p[i] == n[j] {
			i++
			j++
			continue
		}
		switch {
		case findingLess(p[i], n[j]):
			gone = append(gone, p[i])
			i++
		case findingLess(n[j], p[i]):
			d.Findings = append(d.Findings, n[j])
			j++
		default:
			// Findings at one place: the analyzer's order among them
			// is not by id, so match the two groups by id.
			pe, ne := i+1, j+1
			for pe < len(p) && !findingLess(p[i], p[pe]) {
				pe++
			}
			for ne < len(n) && !findingLess(p[i], n[ne]) {
				ne++
			}
			olds := make(map[string]*patchbayv1.Finding, pe-i)
			for _, f := range p[i:pe] {
				olds[f.GetId()] = f
			}
			for _, f := range n[j:ne] {
				old, ok := olds[f.GetId()]
				switch {
				case !ok:
					d.Findings = append(d.Findings, f)
				case old != f && !proto.Equal(old, f):
					d.Findings = append(d.Findings, f)
					inPlace[f.GetId()] = true
				}
				if ok {
					delete(olds, f.GetId())
				}
			}
			for _, f := range p[i:pe] {
				if _, left := olds[f.GetId()]; left {
					gone = append(gone, f)
				}
			}
			i, j = pe, ne
		}
	}
	gone = append(gone, p[i:]...)
	d.Findings = append(d.Findings, n[j:]...)

	// The id set follows: ids of gone findings leave unless next has them
	// again; a new id already held by a finding still in place is a
	// duplicate.
	ids := prev.ids
	prev.ids = nil
	upserted := make(map[string]bool, len(d.Findings))
	for _, f := range d.Findings {
		if upserted[f.GetId()] {
			return nil, Index(next), false
		}
		upserted[f.GetId()] = true
	}
	goneIDs := make(map[string]bool, len(gone))
	for _, f := range gone {
		goneIDs[f.GetId()] = true
		if !upserted[f.GetId()] {
			d.RemovedFindings = append(d.RemovedFindings, f.GetId())
			delete(ids, f.GetId())
		}
	}
	for id := range upserted {
		if _, held := ids[id]; held && !goneIDs[id] && !inPlace[id] {
			return nil, Index(next), false
		}
		ids[id] = struct{}{}
	}
	x = &Indexed{Result: next, ids: ids}

	prevSvc := make(map[string]*patchbayv1.Service, len(prev.Result.Services))
	for _, s := range prev.Result.Services {
		prevSvc[s.GetPath()] = s
	}
	nextSvc := make(map[string]bool, len(next.Services))
	for _, s := range next.Services {
		nextSvc[s.GetPath()] = true
		if old, ok := prevSvc[s.GetPath()]; !ok || old != s && !proto.Equal(old, s) {
			d.Services = append(d.Services, s)
		}
	}
	for _, s := range prev.Result.Services {
		if !nextSvc[s.GetPath()] {
			d.RemovedServices = append(d.RemovedServices, s.GetPath())
		}
	}
	if !slices.EqualFunc(prev.Result.Diagnostics, next.Diagnostics, func(a, b *patchbayv1.Diagnostic) bool { return a == b || proto.Equal(a, b) }) {
		d.DiagnosticsChanged = true
		d.Diagnostics = next.Diagnostics
	}
	return d, x, true
}

// ApplyDelta turns a (an analysis from a WatchResponse, in the analyzer's
// order) into the next one in place: findings and services replaced by id
// and path, the gone ones dropped, the new ones added, all in the
// analyzer's order. It costs one pass over a plus sorting the delta, so a
// client holding tens of thousands of findings applies a small delta in
// well under a millisecond.
func ApplyDelta(a *patchbayv1.AnalyzeResponse, d *patchbayv1.AnalysisDelta) error {
	if a == nil {
		return fmt.Errorf("a delta needs the analysis it applies to")
	}
	a.Findings = applyKeyed(a.Findings, d.GetFindings(), d.GetRemovedFindings(), (*patchbayv1.Finding).GetId, compareFindings)
	a.Services = applyKeyed(a.Services, d.GetServices(), d.GetRemovedServices(), (*patchbayv1.Service).GetPath, func(x, y *patchbayv1.Service) int {
		return strings.Compare(x.GetPath(), y.GetPath())
	})
	if d.GetDiagnosticsChanged() {
		a.Diagnostics = d.GetDiagnostics()
	}
	if d.GetStats() != nil {
		a.Stats = d.GetStats()
	}
	return nil
}

// compareFindings is the analyzer's order of findings (findingLess), ids
// breaking ties, in one pass over the fields.
func compareFindings(x, y *patchbayv1.Finding) int {
	a, b := x.GetLocation(), y.GetLocation()
	if c := strings.Compare(a.GetPath(), b.GetPath()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.GetStartLine(), b.GetStartLine()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.GetStartColumn(), b.GetStartColumn()); c != 0 {
		return c
	}
	if c := cmp.Compare(x.GetKind(), y.GetKind()); c != 0 {
		return c
	}
	if c := strings.Compare(x.GetProvider(), y.GetProvider()); c != 0 {
		return c
	}
	return strings.Compare(x.GetId(), y.GetId())
}

// applyKeyed drops the items of have (ordered by cmp) whose key is
// removed or upserted, then merges in the upserts, sorted: the result is
// ordered by cmp too. It costs one pass over have (a key lookup and a
// comparison with the item before, to notice a list not in order) and a
// binary search per upsert.
func applyKeyed[T any](have, upserts []T, removed []string, key func(T) string, cmp func(T, T) int) []T {
	if len(upserts) == 0 && len(removed) == 0 {
		if !slices.IsSortedFunc(have, cmp) {
			return slices.SortedStableFunc(slices.Values(have), cmp)
		}
		return have
	}
	drop := make(map[string]bool, len(removed)+len(upserts))
	for _, k := range removed {
		drop[k] = true
	}
	for _, u := range upserts {
		drop[key(u)] = true
	}
	kept := make([]T, 0, len(have)+len(upserts))
	sorted := true
	for i, h := range have {
		if sorted && i > 0 && cmp(have[i-1], h) > 0 {
			sorted = false
		}
		if !drop[key(h)] {
			kept = append(kept, h)
		}
	}
	if !sorted {
		// Not from the analyzer (or not from this version of it): order
		// it once, then every later delta merges in one pass.
		kept = slices.SortedStableFunc(slices.Values(kept), cmp)
	}
	add := slices.SortedStableFunc(slices.Values(upserts), cmp)
	return insertSorted(kept, add, func(x, y T) bool { return cmp(x, y) < 0 })
}

// insertSorted returns a new list of a's and b's items (both sorted by
// less), each of b's after the items of a that are not after it: a binary
// search per item of b, so a short b costs little however long a is.
func insertSorted[T any](a, b []T, less func(x, y T) bool) []T {
	out := make([]T, 0, len(a)+len(b))
	i := 0
	for _, x := range b {
		j := i + sort.Search(len(a)-i, func(k int) bool { return less(x, a[i+k]) })
		out = append(out, a[i:j]...)
		out = append(out, x)
		i = j
	}
	return append(out, a[i:]...)
}
