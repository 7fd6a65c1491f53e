package analyzer

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// TestDeltas: over a series of edits (a changed file, a new one, a removed
// one, a new service, a removed one), each delta applied to the analysis
// before it gives the next whole analysis, and a delta names only what
// the edit touched.
func TestDeltas(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"api/package.json": `{"dependencies": {"stripe": "14", "express": "4"}}`,
		"api/app.js":       "const stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);\nconst x = process.env.A;\n",
		"api/other.js":     "const y = process.env.B;\n",
		"web/package.json": `{"dependencies": {"@auth0/nextjs-auth0": "4"}}`,
		"web/env.js":       "const z = process.env.AUTH0_SECRET;\n",
	})
	a := New(Options{NoGoPackages: true})
	ctx := context.Background()
	analyze := func(changed ...string) *Result {
		t.Helper()
		res, err := a.Analyze(ctx, root, Request{Changed: changed})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := analyze()
	held := proto.Clone(toWire(first)).(*patchbayv1.AnalyzeResponse)
	prev := Index(first)
	steps := []struct {
		name    string
		edit    func()
		changed []string
		// want: how many findings the delta carries and removes.
		upserts, removed int
		services         bool
	}{
		{"a changed env read", func() {
			writeFiles(t, root, map[string]string{"api/other.js": "const y = process.env.C;\n"})
		}, []string{"api/other.js"}, 1, 1, false},
		{"a new file", func() {
			writeFiles(t, root, map[string]string{"api/more.js": "const w = process.env.D;\n"})
		}, []string{"api/more.js"}, 1, 0, false},
		{"a removed file", func() {
			os.Remove(filepath.Join(root, "api/more.js"))
		}, []string{"api/more.js"}, 0, 1, false},
		{"a new service", func() {
			writeFiles(t, root, map[string]string{"jobs/requirements.txt": "sendgrid\n", "jobs/send.py": "import os\nos.environ['SENDGRID_API_KEY']\n"})
		}, []string{"jobs/requirements.txt", "jobs/send.py"}, -1, 0, true},
		{"a removed service", func() {
			os.RemoveAll(filepath.Join(root, "jobs"))
		}, []string{"jobs/requirements.txt", "jobs/send.py"}, 0, -1, true},
		{"nothing", func() {}, nil, 0, 0, false},
	}
	for _, st := range steps {
		st.edit()
		res := analyze(st.changed...)
		d, next, ok := Diff(prev, res)
		if !ok {
			t.Fatalf("%s: no delta", st.name)
		}
		if st.upserts >= 0 && len(d.Findings) != st.upserts || st.upserts < 0 && len(d.Findings) == 0 {
			t.Errorf("%s: delta carries %d findings, want %d: %v", st.name, len(d.Findings), st.upserts, d.Findings)
		}
		if st.removed >= 0 && len(d.RemovedFindings) != st.removed || st.removed < 0 && len(d.RemovedFindings) == 0 {
			t.Errorf("%s: delta removes %d findings, want %d", st.name, len(d.RemovedFindings), st.removed)
		}
		if got := len(d.Services)+len(d.RemovedServices) > 0; got != st.services {
			t.Errorf("%s: delta changes services = %v, want %v (%v, removed %v)", st.name, got, st.services, d.Services, d.RemovedServices)
		}
		if err := ApplyDelta(held, d); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(canonical(toWire(res)), canonical(held), protocmp.Transform()); diff != "" {
			t.Fatalf("%s: the analysis rebuilt from deltas differs from the whole one (-whole +rebuilt):\n%s", st.name, diff)
		}
		prev = next
	}
}

// TestDiffRefusesDuplicateIDs: two findings with one id cannot be named by
// a delta, so the whole analysis must be sent.
func TestDiffRefusesDuplicateIDs(t *testing.T) {
	f := func(id string, line uint32) *patchbayv1.Finding {
		return &patchbayv1.Finding{Id: id, Location: &patchbayv1.Location{Path: "a.js", StartLine: line}}
	}
	one := f("1", 1)
	for name, next := range map[string][]*patchbayv1.Finding{
		"two new with one id":                {one, f("2", 2), f("2", 3)},
		"a new one with a held finding's id": {one, f("1", 2)},
	} {
		if _, x, ok := Diff(Index(&Result{Root: "/w", Findings: []*patchbayv1.Finding{one}}), &Result{Root: "/w", Findings: next}); ok || !x.dup {
			t.Errorf("%s: a delta was made for an analysis with a duplicate id", name)
		}
	}
	if _, _, ok := Diff(Index(&Result{Root: "/w", Findings: []*patchbayv1.Finding{one, f("1", 2)}}), &Result{Root: "/w"}); ok {
		t.Error("a delta was made against an analysis with a duplicate id")
	}
	if _, _, ok := Diff(nil, &Result{Root: "/w"}); ok {
		t.Error("a delta was made with nothing to apply it to")
	}
	if _, _, ok := Diff(Index(&Result{Root: "/w"}), &Result{Root: "/other"}); ok {
		t.Error("a delta was made across roots")
	}
}

// TestDiffRandom: random analyses in the analyzer's (stable, not id)
// order and random next ones — unchanged findings shared by pointer, some
// changed in place, moved, added, removed, equal copies — over a chain of
// diffs: each delta applied to the held analysis gives the next, and an
// unchanged finding is never sent.
func TestDiffRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	mk := func(id int) *patchbayv1.Finding {
		return &patchbayv1.Finding{Id: fmt.Sprint(id), Provider: fmt.Sprint(rng.IntN(2)),
			Location: &patchbayv1.Location{Path: fmt.Sprintf("f%d.js", rng.IntN(6)), StartLine: uint32(rng.IntN(3))}}
	}
	for round := range 200 {
		var cur []*patchbayv1.Finding
		next := 0
		for range rng.IntN(40) {
			cur = append(cur, mk(next))
			next++
		}
		sortFindings(cur)
		res := &Result{Root: "/w", Findings: cur}
		held := proto.Clone(toWire(res)).(*patchbayv1.AnalyzeResponse)
		x := Index(res)
		for step := range 5 {
			var n []*patchbayv1.Finding
			unchanged := map[*patchbayv1.Finding]bool{}
			for _, f := range cur {
				switch rng.IntN(10) {
				case 0: // removed
				case 1: // changed in place
					g := proto.Clone(f).(*patchbayv1.Finding)
					g.Evidence = fmt.Sprint("e", step)
					n = append(n, g)
				case 2: // moved
					g := proto.Clone(f).(*patchbayv1.Finding)
					g.Location.StartLine += 7
					n = append(n, g)
				case 3: // an equal copy, as a re-parsed file gives
					n = append(n, proto.Clone(f).(*patchbayv1.Finding))
				default:
					n = append(n, f)
					unchanged[f] = true
				}
			}
			for range rng.IntN(4) {
				n = append(n, mk(next))
				next++
			}
			sortFindings(n)
			nres := &Result{Root: "/w", Findings: n}
			d, nx, ok := Diff(x, nres)
			if !ok {
				t.Fatalf("round %d step %d: no delta", round, step)
			}
			for _, f := range d.Findings {
				if unchanged[f] {
					t.Errorf("round %d step %d: unchanged finding %s sent", round, step, f.Id)
				}
			}
			if err := ApplyDelta(held, d); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(canonical(toWire(nres)), canonical(held), protocmp.Transform()); diff != "" {
				t.Fatalf("round %d step %d (-want +got):\n%s", round, step, diff)
			}
			cur, x = n, nx
		}
	}
}

func toWire(res *Result) *patchbayv1.AnalyzeResponse {
	return &patchbayv1.AnalyzeResponse{Root: res.Root, Services: res.Services, Findings: res.Findings, Diagnostics: res.Diagnostics, Stats: res.Stats}
}

// canonical orders a's findings as ApplyDelta does and drops the stats.
func canonical(a *patchbayv1.AnalyzeResponse) *patchbayv1.AnalyzeResponse {
	c := proto.Clone(a).(*patchbayv1.AnalyzeResponse)
	c.Stats = nil
	slices.SortStableFunc(c.Findings, compareFindings)
	return c
}

// TestApplyDeltaMerges: random analyses and deltas; ApplyDelta's one-pass
// merge gives what replacing, dropping and re-sorting everything gives.
func TestApplyDeltaMerges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	finding := func(id int) *patchbayv1.Finding {
		return &patchbayv1.Finding{Id: fmt.Sprint(id), Provider: fmt.Sprint(rng.IntN(3)),
			Location: &patchbayv1.Location{Path: fmt.Sprintf("f%d.js", rng.IntN(20)), StartLine: uint32(rng.IntN(5))}}
	}
	for round := range 300 {
		byID := map[string]*patchbayv1.Finding{}
		var have []*patchbayv1.Finding
		for i := range rng.IntN(60) {
			f := finding(i)
			byID[f.Id] = f
			have = append(have, f)
		}
		if round%2 == 0 {
			slices.SortFunc(have, compareFindings)
		} // else: unordered, as a client that sorted differently holds it
		d := &patchbayv1.AnalysisDelta{}
		for range rng.IntN(8) {
			f := finding(rng.IntN(80)) // replaces one or adds one
			if _, dup := byID[f.Id]; dup && slices.ContainsFunc(d.Findings, func(g *patchbayv1.Finding) bool { return g.Id == f.Id }) {
				continue
			}
			d.Findings = append(d.Findings, f)
			byID[f.Id] = f
		}
		for id := range byID {
			if rng.IntN(10) == 0 && !slices.ContainsFunc(d.Findings, func(g *patchbayv1.Finding) bool { return g.Id == id }) {
				d.RemovedFindings = append(d.RemovedFindings, id)
				delete(byID, id)
			}
		}
		want := slices.SortedFunc(maps.Values(byID), compareFindings)
		a := &patchbayv1.AnalyzeResponse{Findings: have}
		if err := ApplyDelta(a, d); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, a.Findings, protocmp.Transform()); diff != "" {
			t.Fatalf("round %d (-want +got):\n%s", round, diff)
		}
	}
}
