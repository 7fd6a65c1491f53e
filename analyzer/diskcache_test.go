package analyzer

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// cachedJSON renders a result like goldenJSON and adds the stats that do
// not vary between a cold and a cached run (files seen and analyzed).
func cachedJSON(t *testing.T, res *Result) string {
	t.Helper()
	// Durations and re-analysis counts differ between any two runs.
	st := proto.Clone(res.Stats).(*patchbayv1.AnalysisStats)
	st.DurationMs, st.FilesReanalyzed = 0, 0
	raw, err := protojson.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var stats bytes.Buffer
	if err := json.Compact(&stats, raw); err != nil {
		t.Fatal(err)
	}
	return string(goldenJSON(t, res)) + stats.String()
}

// copyTree copies the fixture at src into a new temporary directory.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func analyzeWith(t *testing.T, opts Options, root string) (*Analyzer, *Result) {
	t.Helper()
	a := New(opts)
	res, err := a.Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	return a, res
}

// TestDiskCacheFixtures: every fixture analyzed cold, then in a new
// Analyzer from the cache (nothing read or parsed: the result is the one
// written down), then with every mtime changed (every file read again,
// none parsed: the facts come from the cache by content hash, and the
// findings are assembled from them) gives the same JSON.
func TestDiskCacheFixtures(t *testing.T) {
	ents, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		n++
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := copyTree(t, filepath.Join(fixtureDir, name))
			_, cold := analyzeWith(t, Options{NoGoPackages: true}, root)
			want := cachedJSON(t, cold)
			cache := t.TempDir()
			opts := Options{NoGoPackages: true, CacheDir: cache}

			_, first := analyzeWith(t, opts, root)
			if d := cmp.Diff(want, cachedJSON(t, first)); d != "" {
				t.Fatalf("first run with a cache differs from cold (-cold +cached):\n%s", d)
			}
			warm, res := analyzeWith(t, opts, root)
			if r, p := warm.reads.Load(), warm.parses.Load(); r != 0 || p != 0 {
				t.Errorf("warm run read %d and parsed %d files, want none", r, p)
			}
			if res.Stats.FilesReanalyzed != 0 {
				t.Errorf("warm run re-analyzed %d files", res.Stats.FilesReanalyzed)
			}
			if n := len(warm.workspace(root).findings.files); n != 0 {
				t.Errorf("warm run assembled findings (%d files in the finding cache): the cached result should stand", n)
			}
			if d := cmp.Diff(want, cachedJSON(t, res)); d != "" {
				t.Errorf("warm run differs from cold (-cold +warm):\n%s", d)
			}

			later := time.Now().Add(time.Hour)
			touched := 0
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					touched++
					return os.Chtimes(p, later, later)
				}
				return nil
			})
			touchedA, res := analyzeWith(t, opts, root)
			if p := touchedA.parses.Load(); p != 0 {
				t.Errorf("after touching every file, %d files were parsed; the content hash should keep their facts", p)
			}
			if cold.Stats.FilesAnalyzed > 0 && touchedA.reads.Load() == 0 {
				t.Errorf("after touching %d files none was read again", touched)
			}
			if d := cmp.Diff(want, cachedJSON(t, res)); d != "" {
				t.Errorf("facts from the cache, assembled again, differ from cold (-cold +cached):\n%s", d)
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d fixtures in %s", n, fixtureDir)
	}
}

// TestDiskCacheEdits: a file edited, added or removed between two
// processes shows in the next analysis, which equals a cold one.
func TestDiskCacheEdits(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"package.json": `{"dependencies": {"stripe": "1"}}`,
		"src/pay.js":   "import Stripe from 'stripe';\nconst s = new Stripe(process.env.STRIPE_SECRET_KEY);\n",
		"src/mail.js":  "const k = process.env.SENDGRID_API_KEY;\n",
	})
	opts := Options{NoGoPackages: true, CacheDir: t.TempDir()}
	analyzeWith(t, opts, root)

	past := time.Now().Add(-time.Hour) // a stamp different from the cached one
	writeFiles(t, root, map[string]string{
		"src/pay.js": "import Stripe from 'stripe';\nconst s = new Stripe(process.env.STRIPE_API_KEY_OTHER);\n",
		"src/new.js": "const t = process.env.TWILIO_AUTH_TOKEN;\n",
	})
	if err := os.Chtimes(filepath.Join(root, "src/pay.js"), past, past); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "src/mail.js")); err != nil {
		t.Fatal(err)
	}
	a, res := analyzeWith(t, opts, root)
	if p := a.parses.Load() + int64(a.reads.Load()); p == 0 {
		t.Error("nothing was read after the edits")
	}
	_, cold := analyzeWith(t, Options{NoGoPackages: true}, root)
	if d := cmp.Diff(cachedJSON(t, cold), cachedJSON(t, res)); d != "" {
		t.Errorf("after edits, the cached run differs from cold (-cold +cached):\n%s", d)
	}
	names := strings.Join(append(envNames(res, "src/pay.js"), envNames(res, "src/new.js")...), ",")
	if !strings.Contains(names, "STRIPE_API_KEY_OTHER") || !strings.Contains(names, "TWILIO_AUTH_TOKEN") || strings.Contains(names, "STRIPE_SECRET_KEY") {
		t.Errorf("env findings %s do not follow the edits", names)
	}
	if got := envNames(res, "src/mail.js"); len(got) != 0 {
		t.Errorf("removed file still has findings %v", got)
	}
	// And the next process sees the edited tree from the cache.
	warm, again := analyzeWith(t, opts, root)
	if warm.reads.Load() != 0 {
		t.Errorf("third run read %d files", warm.reads.Load())
	}
	if d := cmp.Diff(cachedJSON(t, cold), cachedJSON(t, again)); d != "" {
		t.Errorf("third run differs (-cold +cached):\n%s", d)
	}
}

// debugLog collects log lines.
type debugLog struct{ bytes.Buffer }

func (l *debugLog) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(&l.Buffer, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestDiskCacheDamaged: a truncated, corrupted, foreign or empty cache
// file, or one from another version, is ignored with a debug line and
// rewritten; the analysis is the cold one.
func TestDiskCacheDamaged(t *testing.T) {
	root := copyTree(t, filepath.Join(fixtureDir, "javascript"))
	_, cold := analyzeWith(t, Options{NoGoPackages: true}, root)
	want := cachedJSON(t, cold)
	cache := t.TempDir()
	analyzeWith(t, Options{NoGoPackages: true, CacheDir: cache}, root)
	file := cachePath(cache, root)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := slices.Clone(good)
		b[i] ^= 0x5a
		return b
	}
	other := New(Options{NoGoPackages: true, MaxFileSize: 1000})
	otherKey := other.cacheKey()
	foreignKey := slices.Clone(good)
	copy(foreignKey[len(diskMagic)+4:], otherKey[:])
	cases := map[string][]byte{
		"empty":           {},
		"magic only":      []byte(diskMagic),
		"truncated head":  good[:20],
		"truncated index": good[:len(good)/3],
		"truncated facts": good[:len(good)-7],
		"trailing bytes":  append(slices.Clone(good), 1, 2, 3),
		"format":          flip(len(diskMagic)),
		"key":             flip(len(diskMagic) + 6),
		"index byte":      flip(len(diskMagic) + 4 + 32 + 12 + 5),
		"facts byte":      flip(len(good) - 3),
		"other options":   foreignKey,
		"not a cache":     []byte("{\"hello\": \"world\"}\n"),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(file, content, 0o600); err != nil {
				t.Fatal(err)
			}
			var log debugLog
			a, res := analyzeWith(t, Options{NoGoPackages: true, CacheDir: cache, Logger: log.logger()}, root)
			if d := cmp.Diff(want, cachedJSON(t, res)); d != "" {
				t.Errorf("differs from cold (-cold +got):\n%s", d)
			}
			if a.reads.Load() == 0 {
				t.Error("a damaged cache was used: nothing was read")
			}
			if !strings.Contains(log.String(), "analyzer cache") {
				t.Errorf("no debug line about the cache; log:\n%s", log.String())
			}
			// Rewritten: the next run reads nothing.
			warm, res := analyzeWith(t, Options{NoGoPackages: true, CacheDir: cache}, root)
			if warm.reads.Load() != 0 {
				t.Errorf("the cache was not rewritten: %d files read", warm.reads.Load())
			}
			if d := cmp.Diff(want, cachedJSON(t, res)); d != "" {
				t.Errorf("rewritten cache differs from cold (-cold +got):\n%s", d)
			}
		})
	}
}

// TestDiskCacheFacts: facts that do not decode although their checksum
// matches (a cache of an older record layout) make the build start again
// from scratch, with the cold result.
func TestDiskCacheFacts(t *testing.T) {
	root := copyTree(t, filepath.Join(fixtureDir, "python"))
	_, cold := analyzeWith(t, Options{NoGoPackages: true}, root)
	cache := t.TempDir()
	a := New(Options{NoGoPackages: true, CacheDir: cache})
	if _, err := a.Analyze(context.Background(), root, Request{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(cachePath(cache, root))
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.decodeDisk(root, b)
	if err != nil {
		t.Fatal(err)
	}
	s.disk.raw = []byte("not gob")
	s.result = nil // make the build assemble, so it needs the facts
	next, err := a.build(context.Background(), root, s, nil, nil, newBuildCache())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(cachedJSON(t, cold), cachedJSON(t, next.result)); d != "" {
		t.Errorf("differs from cold (-cold +got):\n%s", d)
	}
}

// TestDiskCacheFileModes: the directory is 0700, the file 0600, and no
// temporary file is left behind.
func TestDiskCacheFileModes(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a.js": "const k = process.env.STRIPE_SECRET_KEY;\n"})
	cache := filepath.Join(t.TempDir(), "cache", "analyzer")
	analyzeWith(t, Options{NoGoPackages: true, CacheDir: cache}, root)
	di, err := os.Stat(cache)
	if err != nil {
		t.Fatal(err)
	}
	if m := di.Mode().Perm(); m != 0o700 {
		t.Errorf("cache dir mode %o, want 700", m)
	}
	ents, _ := os.ReadDir(cache)
	if len(ents) != 1 || ents[0].Name() != filepath.Base(cachePath(cache, root)) {
		t.Fatalf("cache dir holds %v, want one file named after the root", ents)
	}
	fi, _ := ents[0].Info()
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("cache file mode %o, want 600", m)
	}
	// Another root gets another file.
	root2 := t.TempDir()
	writeFiles(t, root2, map[string]string{"b.js": "const k = process.env.X;\n"})
	analyzeWith(t, Options{NoGoPackages: true, CacheDir: cache}, root2)
	if ents, _ := os.ReadDir(cache); len(ents) != 2 {
		t.Errorf("two roots, %d cache files", len(ents))
	}
}

// TestCacheKey: the version key is the same for the same providers and
// options, and changes with either; the signature text it hashes holds no
// pointer (which would change from one process to the next).
func TestCacheKey(t *testing.T) {
	k1 := New(Options{}).cacheKey()
	if k2 := New(Options{}).cacheKey(); k1 != k2 {
		t.Error("two Analyzers with the same options have different keys")
	}
	if k := New(Options{MaxFileSize: 1 << 10}).cacheKey(); k == k1 {
		t.Error("MaxFileSize does not change the key")
	}
	if k := New(Options{NoGoPackages: true}).cacheKey(); k == k1 {
		t.Error("NoGoPackages does not change the key")
	}
	all := catalog.All()
	if k := New(Options{Providers: all[:len(all)-1]}).cacheKey(); k == k1 {
		t.Error("the providers do not change the key")
	}
	text := signatureText(all)
	if m := regexp.MustCompile(`\(0x[0-9a-f]+\)|0xc[0-9a-f]{9}`).FindString(text); m != "" {
		t.Errorf("signature text holds a pointer %q", m)
	}
	if !strings.Contains(text, "stripe") {
		t.Error("signature text does not name the providers")
	}
}

// TestGoFilesDigest: a cached go/packages load is dropped when a Go file
// of its module or its go.sum changes, and kept for changes elsewhere.
func TestGoFilesDigest(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"svc/go.sum": "x\n"})
	mk := func(files map[string]int64) *snapshot {
		s := &snapshot{files: map[string]*fileState{}}
		for rel, m := range files {
			s.files[rel] = &fileState{rel: rel, size: 1, mtime: m}
		}
		return s
	}
	base := goFilesDigest(root, "svc", mk(map[string]int64{"svc/main.go": 1, "svc/x/y.go": 2, "web/a.js": 3, "other/z.go": 4}))
	if d := goFilesDigest(root, "svc", mk(map[string]int64{"svc/main.go": 1, "svc/x/y.go": 2, "web/a.js": 9, "other/z.go": 9})); d != base {
		t.Error("a change outside the module changed its digest")
	}
	if d := goFilesDigest(root, "svc", mk(map[string]int64{"svc/main.go": 1, "svc/x/y.go": 3, "web/a.js": 3})); d == base {
		t.Error("a changed Go file of the module kept its digest")
	}
	if d := goFilesDigest(root, "svc", mk(map[string]int64{"svc/main.go": 1, "web/a.js": 3})); d == base {
		t.Error("a removed Go file kept the digest")
	}
	writeFiles(t, root, map[string]string{"svc/go.sum": "x\ny\n"})
	if d := goFilesDigest(root, "svc", mk(map[string]int64{"svc/main.go": 1, "svc/x/y.go": 2, "web/a.js": 3})); d == base {
		t.Error("a changed go.sum kept the digest")
	}
}

// TestDiskCacheGoPackages: go/packages answers are kept with the facts
// (the warm run neither reads a file nor assembles) and a Go file added to
// the module makes the next process load the module again.
func TestDiskCacheGoPackages(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":  "module example.com/svc\n\ngo 1.21\n",
		"main.go": "package main\n\nimport (\n\t\"net/http\"\n\t\"os\"\n)\n\nfunc main() {\n\t_ = os.Getenv(\"STRIPE_SECRET_KEY\")\n\t_ = http.ListenAndServe(\":8080\", nil)\n}\n",
	})
	_, cold := analyzeWith(t, Options{}, root)
	opts := Options{CacheDir: t.TempDir()}
	analyzeWith(t, opts, root)
	warm, res := analyzeWith(t, opts, root)
	if warm.reads.Load() != 0 || len(warm.workspace(root).findings.files) != 0 {
		t.Errorf("warm run read %d files and assembled %d: want neither", warm.reads.Load(), len(warm.workspace(root).findings.files))
	}
	gm := warm.published(root).goMods["."]
	if gm == nil || gm.mod == nil || len(gm.mod.Files) != 1 {
		t.Fatalf("warm run's go/packages state of the module is %+v, want the cached load of main.go", gm)
	}
	if d := cmp.Diff(cachedJSON(t, cold), cachedJSON(t, res)); d != "" {
		t.Errorf("warm run differs from cold (-cold +warm):\n%s", d)
	}
	writeFiles(t, root, map[string]string{"util.go": "package main\n\nfunc helper() string { return \"x\" }\n"})
	again, _ := analyzeWith(t, opts, root)
	gm = again.published(root).goMods["."]
	if gm == nil || gm.mod == nil || len(gm.mod.Files) != 2 {
		t.Errorf("after adding util.go the module's load is %+v, want both files", gm)
	}
}

// TestDiskCacheDigest: a result read back from the disk cache carries a
// digest of its content, the same in every process while nothing changes;
// an assembled result has none, and the one saved after an edit gets
// another.
func TestDiskCacheDigest(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"package.json": `{"dependencies": {"stripe": "1"}}`,
		"pay.js":       "import Stripe from 'stripe';\nconst s = new Stripe(process.env.STRIPE_SECRET_KEY);\n",
	})
	opts := Options{NoGoPackages: true, CacheDir: t.TempDir()}
	if _, cold := analyzeWith(t, opts, root); cold.Digest != "" {
		t.Errorf("a cold result has digest %q", cold.Digest)
	}
	_, warm := analyzeWith(t, opts, root)
	_, again := analyzeWith(t, opts, root)
	if warm.Digest == "" || again.Digest != warm.Digest {
		t.Fatalf("warm digests %q and %q, want one non-empty digest", warm.Digest, again.Digest)
	}
	writeFiles(t, root, map[string]string{"pay.js": "import Stripe from 'stripe';\nconst s = new Stripe(process.env.STRIPE_KEY);\n"})
	if _, edited := analyzeWith(t, opts, root); edited.Digest != "" {
		t.Errorf("a result assembled after an edit has digest %q", edited.Digest)
	}
	if _, after := analyzeWith(t, opts, root); after.Digest == "" || after.Digest == warm.Digest {
		t.Errorf("digest after the edit %q, want a new one (before: %q)", after.Digest, warm.Digest)
	}
}
