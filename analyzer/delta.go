package analyzer

import (
	"fmt"
	"slices"

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

// ApplyDelta turns a (an analysis from a WatchResponse) into the next one
// in place: findings and services replaced by id and path, the gone ones
// dropped, the new ones added, then ordered as the analyzer orders them.
func ApplyDelta(a *patchbayv1.AnalyzeResponse, d *patchbayv1.AnalysisDelta) error {
	if a == nil {
		return fmt.Errorf("a delta needs the analysis it applies to")
	}
	a.Findings = applyKeyed(a.Findings, d.GetFindings(), d.GetRemovedFindings(), (*patchbayv1.Finding).GetId)
	slices.SortStableFunc(a.Findings, func(x, y *patchbayv1.Finding) int {
		switch {
		case findingLess(x, y):
			return -1
		case findingLess(y, x):
			return 1
		case x.GetId() < y.GetId():
			return -1
		case x.GetId() > y.GetId():
			return 1
		}
		return 0
	})
	a.Services = applyKeyed(a.Services, d.GetServices(), d.GetRemovedServices(), (*patchbayv1.Service).GetPath)
	slices.SortStableFunc(a.Services, func(x, y *patchbayv1.Service) int {
		switch {
		case x.GetPath() < y.GetPath():
			return -1
		case x.GetPath() > y.GetPath():
			return 1
		}
		return 0
	})
	if d.GetDiagnosticsChanged() {
		a.Diagnostics = d.GetDiagnostics()
	}
	if d.GetStats() != nil {
		a.Stats = d.GetStats()
	}
	return nil
}

// applyKeyed replaces the items of have whose key is in upserts, drops
// those whose key is in removed and appends the other upserts.
func applyKeyed[T any](have, upserts []T, removed []string, key func(T) string) []T {
	if len(upserts) == 0 && len(removed) == 0 {
		return have
	}
	gone := make(map[string]bool, len(removed))
	for _, k := range removed {
		gone[k] = true
	}
	byKey := make(map[string]T, len(upserts))
	for _, u := range upserts {
		byKey[key(u)] = u
	}
	out := have[:0:0]
	for _, h := range have {
		k := key(h)
		if gone[k] {
			continue
		}
		if u, ok := byKey[k]; ok {
			h = u
			delete(byKey, k)
		}
		out = append(out, h)
	}
	for _, u := range upserts {
		if _, ok := byKey[key(u)]; ok {
			out = append(out, u)
		}
	}
	return out
}
