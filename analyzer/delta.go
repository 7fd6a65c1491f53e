package analyzer

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Deltas: a watcher that already holds an analysis needs only what the
// next one changed. One saved file changes a few findings of tens of
// thousands, so a delta is a few kilobytes where the whole analysis is
// megabytes to encode, send and decode.

// Indexed is an analysis with its findings by id and services by path,
// kept by whoever diffs against it.
type Indexed struct {
	Result   *Result
	findings map[string]*patchbayv1.Finding
	services map[string]*patchbayv1.Service
	// dup: two findings share an id, so a delta cannot name them.
	dup bool
}

// Index indexes res for Diff.
func Index(res *Result) *Indexed {
	x := &Indexed{Result: res, findings: make(map[string]*patchbayv1.Finding, len(res.Findings)), services: make(map[string]*patchbayv1.Service, len(res.Services))}
	for _, f := range res.Findings {
		if _, ok := x.findings[f.GetId()]; ok {
			x.dup = true
		}
		x.findings[f.GetId()] = f
	}
	for _, s := range res.Services {
		x.services[s.GetPath()] = s
	}
	return x
}

// Diff is the delta from prev to next; false when a delta cannot describe
// the change (an analysis has two findings with one id), and the whole of
// next must be sent.
func Diff(prev, next *Indexed) (*patchbayv1.AnalysisDelta, bool) {
	if prev == nil || prev.dup || next.dup || prev.Result.Root != next.Result.Root {
		return nil, false
	}
	d := &patchbayv1.AnalysisDelta{Stats: next.Result.Stats}
	for _, f := range next.Result.Findings {
		// Unchanged files' findings are the previous build's own
		// messages, so most comparisons end at the pointer.
		if old, ok := prev.findings[f.GetId()]; !ok || old != f && !proto.Equal(old, f) {
			d.Findings = append(d.Findings, f)
		}
	}
	for _, f := range prev.Result.Findings {
		if _, ok := next.findings[f.GetId()]; !ok {
			d.RemovedFindings = append(d.RemovedFindings, f.GetId())
		}
	}
	for _, s := range next.Result.Services {
		if old, ok := prev.services[s.GetPath()]; !ok || old != s && !proto.Equal(old, s) {
			d.Services = append(d.Services, s)
		}
	}
	for _, s := range prev.Result.Services {
		if _, ok := next.services[s.GetPath()]; !ok {
			d.RemovedServices = append(d.RemovedServices, s.GetPath())
		}
	}
	if !slices.EqualFunc(prev.Result.Diagnostics, next.Result.Diagnostics, func(a, b *patchbayv1.Diagnostic) bool { return a == b || proto.Equal(a, b) }) {
		d.DiagnosticsChanged = true
		d.Diagnostics = next.Result.Diagnostics
	}
	return d, true
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

// compareFindings is the analyzer's order of findings, ids breaking ties.
func compareFindings(x, y *patchbayv1.Finding) int {
	switch {
	case findingLess(x, y):
		return -1
	case findingLess(y, x):
		return 1
	}
	return strings.Compare(x.GetId(), y.GetId())
}

// applyKeyed drops the items of have (ordered by cmp) whose key is
// removed or upserted, then merges in the upserts, sorted: the result is
// ordered by cmp too.
func applyKeyed[T any](have, upserts []T, removed []string, key func(T) string, cmp func(T, T) int) []T {
	drop := make(map[string]bool, len(removed)+len(upserts))
	for _, k := range removed {
		drop[k] = true
	}
	for _, u := range upserts {
		drop[key(u)] = true
	}
	if !slices.IsSortedFunc(have, cmp) {
		// Not from the analyzer (or not from this version of it): order
		// it once, then every later delta merges in one pass.
		have = slices.SortedStableFunc(slices.Values(have), cmp)
	}
	if len(upserts) == 0 && len(removed) == 0 {
		return have
	}
	add := slices.SortedStableFunc(slices.Values(upserts), cmp)
	out := make([]T, 0, len(have)+len(add))
	for _, h := range have {
		if drop[key(h)] {
			continue
		}
		for len(add) > 0 && cmp(add[0], h) < 0 {
			out = append(out, add[0])
			add = add[1:]
		}
		out = append(out, h)
	}
	return append(out, add...)
}
