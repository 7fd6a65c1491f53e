package analyzer

// The disk cache keeps a workspace's per-file facts between processes
// (Options.CacheDir), so a scan of an unchanged tree in a new process does
// the walk and no extraction. It is the previous snapshot, written down:
// Analyze, with no snapshot in memory, loads it as prev and build treats
// it like any previous snapshot (reuseUnchanged by size and mtime, the
// content hash when those changed, sameInputs to reuse the result).
//
// File format (one file per root, <CacheDir>/<sha256(root)[:16]>.bin,
// mode 0600, written to a temp file and renamed):
//
//	magic "PBAC" | format uint32 | key [32]byte
//	len(index) uint64 | crc32c(index) uint32 | index (gob diskIndex)
//	len(facts) uint64 | crc32c(facts) uint32 | facts (gob diskFacts, one
//	                                             value per file, in index order)
//
// The index (stamps, walk diagnostics, Go module loads, the result) is
// decoded on load; the facts only when a build needs them (a file changed:
// see diskLoad.hydrate), so a re-scan of an unchanged tree never decodes
// them. key is cacheKey: a file written by another Patchbay build, for
// other providers or other options, is ignored. So is a corrupt,
// truncated or foreign file (a debug log line says why); the next build
// writes it again.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"google.golang.org/protobuf/proto"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/analyzer/golang"
	"github.com/patchbay-dev/patchbay/analyzer/manifests"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
)

const (
	diskMagic = "PBAC"
	// diskFormat changes with the layout of the file or of the records
	// below (gob would decode an older record with fields missing).
	diskFormat uint32 = 2
	// maxDiskPart bounds a part's declared length (a corrupt length must
	// not make the loader allocate gigabytes).
	maxDiskPart = 2 << 30
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// diskIndex is what is decoded on every load.
type diskIndex struct {
	Root        string
	Files       []diskStamp
	WalkDiag    []diskDiag
	Seen        int
	GoMods      []diskGoMod
	FindingHint int
	// Result is the proto encoding of the result without its stats (a
	// patchbayv1 AnalyzeResponse), empty when none was saved; ResultSum is
	// its SHA-256 (Result.Digest), Stats the stats' encoding.
	Result    []byte
	ResultSum [sha256.Size]byte
	Stats     []byte
}

type diskStamp struct {
	Rel         string
	Size, Mtime int64
	Hash        contentHash
	// GoMod is a go.mod's manifest, needed before the facts are (which
	// modules to load: loadGoModules).
	GoMod *manifests.Manifest
}

type diskDiag struct{ Path, Severity, Message string }

type diskGoMod struct {
	Dir, Stamp string
	// Files is goFilesDigest of the module when it was loaded: the load is
	// reused only while the module's Go files and go.sum are unchanged.
	Files string
	Mod   *golang.Module
	Err   string
	HasEr bool
}

// diskFacts is one file's facts, in diskIndex.Files order. gob does not
// tell a nil pointer from one to a zero value; the Has fields do (a file
// with no facts is not one whose facts are empty).
type diskFacts struct {
	Facts                               *facts.File
	Manifest                            *manifests.Manifest
	Diag                                *diskDiag
	Lines                               []diskLine
	NetHTTP                             bool
	Overrides                           *overrides
	HasFacts, HasManifest, HasOverrides bool
}

type diskLine struct {
	Line uint32
	Text string
}

// contentHash is the first 16 bytes of a file's SHA-256: a file whose size
// or mtime changed but not its bytes keeps its facts.
type contentHash [16]byte

func hashContent(b []byte) contentHash {
	s := sha256.Sum256(b)
	var h contentHash
	copy(h[:], s[:])
	return h
}

// diskLoad holds the facts part of a loaded cache file until a build needs
// it. The fileStates it fills in are not yet complete when they enter a
// snapshot: hydrate completes them, once, before anything reads their
// facts (assembly and the content-hash reuse, both in builds, which take
// turns under the workspace's build lock).
type diskLoad struct {
	once   sync.Once
	raw    []byte
	states []*fileState
	err    error
	log    func(msg string, args ...any)
}

// hydrate decodes the facts into the states. A facts part that does not
// decode leaves them empty: the caller then discards the load (ok false).
func (d *diskLoad) hydrate() (ok bool) {
	if d == nil {
		return true
	}
	d.once.Do(func() {
		recs := make([]diskFacts, len(d.states))
		rd := bytes.NewReader(d.raw)
		dec := gob.NewDecoder(rd)
		for i := range recs {
			if err := dec.Decode(&recs[i]); err != nil {
				d.err = fmt.Errorf("fact record %d of %d: %w", i+1, len(recs), err)
				break
			}
		}
		if d.err == nil && rd.Len() != 0 {
			d.err = fmt.Errorf("%d bytes after %d fact records", rd.Len(), len(recs))
		}
		d.raw = nil
		if d.err != nil {
			d.log("analyzer cache: facts unreadable; analyzing again", "err", d.err)
			return
		}
		for i, r := range recs {
			st := d.states[i]
			st.facts, st.manifest, st.netHTTP, st.overrides = r.Facts, r.Manifest, r.NetHTTP, r.Overrides
			if r.HasFacts && st.facts == nil {
				st.facts = &facts.File{}
			} else if !r.HasFacts {
				st.facts = nil
			}
			if r.HasManifest && st.manifest == nil {
				st.manifest = &manifests.Manifest{}
			} else if !r.HasManifest {
				st.manifest = nil
			}
			if r.HasOverrides && st.overrides == nil {
				st.overrides = &overrides{}
			} else if !r.HasOverrides {
				st.overrides = nil
			}
			if r.Diag != nil {
				st.diag = diag(r.Diag.Path, r.Diag.Severity, r.Diag.Message)
			}
			if len(r.Lines) > 0 {
				st.lines = make(evidence, len(r.Lines))
				for j, l := range r.Lines {
					st.lines[j] = lineText{l.Line, l.Text}
				}
			}
		}
	})
	return d.err == nil
}

// cachePath is the cache file of root under dir.
func cachePath(dir, root string) string {
	h := sha256.Sum256([]byte(root))
	return filepath.Join(dir, hex.EncodeToString(h[:8])+".bin")
}

var (
	buildKeyOnce sync.Once
	buildKey     string
)

// binaryKey identifies the code that produced the facts: the module
// version and VCS revision from the build info and, when those do not pin
// the code (a development build or a modified tree), the executable's
// size and modification time.
func binaryKey() string {
	buildKeyOnce.Do(func() {
		var b strings.Builder
		b.WriteString(runtime.Version())
		pinned := false
		if bi, ok := debug.ReadBuildInfo(); ok {
			fmt.Fprintf(&b, "|%s@%s", bi.Main.Path, bi.Main.Version)
			rev, modified := "", true
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					modified = s.Value == "true"
				}
			}
			fmt.Fprintf(&b, "|%s|%v", rev, modified)
			pinned = !modified && (rev != "" || bi.Main.Version != "" && bi.Main.Version != "(devel)")
		}
		if !pinned {
			if exe, err := os.Executable(); err == nil {
				if fi, err := os.Stat(exe); err == nil {
					fmt.Fprintf(&b, "|%s|%d|%d", exe, fi.Size(), fi.ModTime().UnixNano())
				}
			}
		}
		buildKey = b.String()
	})
	return buildKey
}

// goEnvKey is what go/packages answers depend on besides the module's
// files: the go command found on PATH and the environment it reads.
func goEnvKey() string {
	var b strings.Builder
	if p, err := exec.LookPath("go"); err == nil {
		if fi, err := os.Stat(p); err == nil {
			fmt.Fprintf(&b, "%s|%d|%d", p, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	for _, k := range []string{"GOOS", "GOARCH", "CGO_ENABLED", "GOPATH", "GOMODCACHE", "GOWORK", "GOFLAGS", "GOEXPERIMENT", "GOROOT"} {
		fmt.Fprintf(&b, "|%s=%s", k, os.Getenv(k))
	}
	return b.String()
}

// cacheKey is the version key of a cache file: the binary, the signature
// tables of the providers analyzed, the options facts depend on and, with
// go/packages on, the Go environment. Any difference discards the file.
func (a *Analyzer) cacheKey() [32]byte {
	a.keyOnce.Do(func() {
		h := sha256.New()
		fmt.Fprintf(h, "format %d\n%s\n", diskFormat, binaryKey())
		h.Write([]byte(signatureText(a.opts.Providers)))
		fmt.Fprintf(h, "max %d nolex %v nogo %v\n", a.opts.MaxFileSize, a.noLex, a.opts.NoGoPackages)
		if !a.opts.NoGoPackages {
			fmt.Fprintf(h, "go %s\n", goEnvKey())
		}
		copy(a.key[:], h.Sum(nil))
	})
	return a.key
}

// signatureText renders the providers' signature tables (values only: the
// tables hold no pointers, see TestCacheKey).
func signatureText(ps []providers.Provider) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "provider %s %#v\n", p.ID, p.Signatures)
	}
	return b.String()
}

// loadDisk reads root's cache file and returns a snapshot to build on
// that is still being decoded (see diskPending), nil when there is no
// file or it is for another version (then build scans cold, extracting
// while it walks). A file that turns out unusable (corrupt) is never an
// error: the build goes on without it.
func (a *Analyzer) loadDisk(root string) *snapshot {
	if a.opts.CacheDir == "" {
		return nil
	}
	name := cachePath(a.opts.CacheDir, root)
	b, err := os.ReadFile(name)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			a.opts.Logger.Debug("analyzer cache: cannot read; analyzing from scratch", "file", name, "err", err)
		}
		return nil
	}
	if err := a.checkHeader(b); err != nil {
		a.opts.Logger.Debug("analyzer cache: ignored; analyzing from scratch", "file", name, "err", err)
		return nil
	}
	p := &diskPending{ready: make(chan struct{})}
	go func() {
		defer close(p.ready)
		s, err := a.decodeDisk(root, b)
		if err != nil {
			a.opts.Logger.Debug("analyzer cache: ignored; analyzing from scratch", "file", name, "err", err)
			return
		}
		p.snap = s
	}()
	return &snapshot{root: root, pending: p}
}

// diskPending is a cache file being decoded while the build walks the
// tree: the build waits for it (wait) before it compares stamps.
type diskPending struct {
	ready chan struct{}
	snap  *snapshot // nil when the file did not decode
}

// resolveDisk returns s itself, or for a snapshot still being decoded
// from disk the decoded one (nil when it did not decode).
func resolveDisk(s *snapshot) *snapshot {
	if s == nil || s.pending == nil {
		return s
	}
	<-s.pending.ready
	return s.pending.snap
}

// checkHeader checks a cache file's magic, format and version key.
func (a *Analyzer) checkHeader(b []byte) error {
	key := a.cacheKey()
	head := len(diskMagic) + 4 + len(key)
	if len(b) < head || string(b[:len(diskMagic)]) != diskMagic {
		return errors.New("not a Patchbay analyzer cache")
	}
	if f := binary.LittleEndian.Uint32(b[len(diskMagic):]); f != diskFormat {
		return fmt.Errorf("format %d, want %d", f, diskFormat)
	}
	if !bytes.Equal(b[len(diskMagic)+4:head], key[:]) {
		return errors.New("written by another Patchbay build or with other options")
	}
	return nil
}

// decodeDisk decodes a cache file's index into a snapshot whose files
// wait for their facts (snapshot.disk).
func (a *Analyzer) decodeDisk(root string, b []byte) (*snapshot, error) {
	if err := a.checkHeader(b); err != nil {
		return nil, err
	}
	rest := b[len(diskMagic)+4+len(a.key):]
	idxRaw, rest, err := diskPart(rest)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	factsRaw, rest, err := diskPart(rest)
	if err != nil {
		return nil, fmt.Errorf("facts: %w", err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%d bytes after the end", len(rest))
	}
	var idx diskIndex
	if err := gob.NewDecoder(bytes.NewReader(idxRaw)).Decode(&idx); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	if idx.Root != root {
		return nil, fmt.Errorf("cache of %s, not of this root", idx.Root)
	}
	s := &snapshot{root: root, files: make(map[string]*fileState, len(idx.Files)), goMods: map[string]*goModState{}, seen: idx.Seen, findingHint: idx.FindingHint}
	d := &diskLoad{raw: factsRaw, log: a.opts.Logger.Debug}
	d.states = make([]*fileState, len(idx.Files))
	for i, f := range idx.Files {
		st := &fileState{rel: f.Rel, size: f.Size, mtime: f.Mtime, hash: f.Hash, manifest: f.GoMod}
		st.kind, st.fe = fileKind(f.Rel)
		d.states[i] = st
		s.files[f.Rel] = st
	}
	if len(s.files) != len(idx.Files) {
		return nil, errors.New("a path listed twice")
	}
	for _, w := range idx.WalkDiag {
		s.walkDiag = append(s.walkDiag, diag(w.Path, w.Severity, w.Message))
	}
	s.diskGo = map[string]string{}
	for _, g := range idx.GoMods {
		gm := &goModState{stamp: g.Stamp, mod: g.Mod}
		if g.HasEr {
			gm.err = errors.New(g.Err)
		}
		s.goMods[g.Dir] = gm
		s.diskGo[g.Dir] = g.Files
	}
	if len(idx.Result) > 0 {
		var r patchbayv1.AnalyzeResponse
		if err := proto.Unmarshal(idx.Result, &r); err != nil {
			return nil, fmt.Errorf("result: %w", err)
		}
		st := &patchbayv1.AnalysisStats{}
		if err := proto.Unmarshal(idx.Stats, st); err != nil {
			return nil, fmt.Errorf("result stats: %w", err)
		}
		s.result = &Result{Root: root, Services: r.Services, Findings: r.Findings, Diagnostics: r.Diagnostics, Stats: st, Digest: hex.EncodeToString(idx.ResultSum[:])}
	}
	s.disk = d
	s.rels = make([]string, 0, len(s.files))
	for rel := range s.files {
		s.rels = append(s.rels, rel)
	}
	sort.Strings(s.rels)
	return s, nil
}

// diskPart splits off one length-prefixed, checksummed part.
func diskPart(b []byte) (part, rest []byte, err error) {
	if len(b) < 12 {
		return nil, nil, io.ErrUnexpectedEOF
	}
	n := binary.LittleEndian.Uint64(b)
	sum := binary.LittleEndian.Uint32(b[8:])
	b = b[12:]
	if n > maxDiskPart || n > uint64(len(b)) {
		return nil, nil, io.ErrUnexpectedEOF
	}
	part, rest = b[:n], b[n:]
	if crc32.Checksum(part, castagnoli) != sum {
		return nil, nil, errors.New("checksum mismatch")
	}
	return part, rest, nil
}

// pruneDiskGoMods drops the Go module loads of a snapshot loaded from disk
// whose module's Go files or go.sum changed since (in-process, a module's
// load is kept while its go.mod is unchanged and the watcher reloads it;
// a new process has no such history). next holds the build's files.
func pruneDiskGoMods(root string, prev, next *snapshot) {
	if prev == nil || prev.diskGo == nil {
		return
	}
	for dir, digest := range prev.diskGo {
		if goFilesDigest(root, dir, next) != digest {
			delete(prev.goMods, dir)
		}
		delete(prev.diskGo, dir)
	}
}

// goFilesDigest sums what a module's load reads besides go.mod: the size
// and mtime of the Go files under dir and of its go.sum.
func goFilesDigest(root, dir string, s *snapshot) string {
	h := sha256.New()
	var rels []string
	for rel := range s.files {
		if strings.HasSuffix(rel, ".go") && (dir == "." || strings.HasPrefix(rel, dir+"/")) {
			rels = append(rels, rel)
		}
	}
	sort.Strings(rels)
	for _, rel := range rels {
		f := s.files[rel]
		fmt.Fprintf(h, "%s %d %d\n", rel, f.size, f.mtime)
	}
	if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(path.Join(dir, "go.sum")))); err == nil {
		fmt.Fprintf(h, "go.sum %d %d\n", fi.Size(), fi.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// saveDisk writes s as root's cache file. A snapshot with overlays (editor
// content, not the files on disk) is not written. Failures are logged:
// the cache is an optimisation.
func (a *Analyzer) saveDisk(root string, s *snapshot) {
	if a.opts.CacheDir == "" {
		return
	}
	if !s.disk.hydrate() {
		return // facts lost: the next build from scratch writes the file
	}
	for _, f := range s.files {
		if f.overlay != 0 {
			return
		}
	}
	err := writeFileAtomic(cachePath(a.opts.CacheDir, root), func(f *os.File) error { return a.encodeDisk(root, s, f) })
	if err != nil {
		a.opts.Logger.Debug("analyzer cache: not written", "dir", a.opts.CacheDir, "err", err)
	}
}

// encodeDisk writes s to f. The facts part, the larger, is encoded
// straight to the file (its length and checksum filled in afterwards), so
// writing the cache does not hold a second copy of it in memory.
func (a *Analyzer) encodeDisk(root string, s *snapshot, f *os.File) error {
	idx := diskIndex{Root: root, Seen: s.seen, FindingHint: s.findingHint}
	recs := make([]diskFacts, 0, len(s.files))
	for _, rel := range s.sortedRels() {
		f := s.files[rel]
		ds := diskStamp{Rel: rel, Size: f.size, Mtime: f.mtime, Hash: f.hash}
		if path.Base(rel) == "go.mod" {
			ds.GoMod = f.manifest
		}
		idx.Files = append(idx.Files, ds)
		r := diskFacts{Facts: f.facts, Manifest: f.manifest, NetHTTP: f.netHTTP, Overrides: f.overrides,
			HasFacts: f.facts != nil, HasManifest: f.manifest != nil, HasOverrides: f.overrides != nil}
		if f.diag != nil {
			r.Diag = &diskDiag{f.diag.GetPath(), f.diag.GetSeverity(), f.diag.GetMessage()}
		}
		for _, l := range f.lines {
			r.Lines = append(r.Lines, diskLine{l.line, l.text})
		}
		recs = append(recs, r)
	}
	if len(idx.Files) != len(s.files) {
		return errors.New("snapshot's sorted paths out of step with its files")
	}
	for _, d := range s.walkDiag {
		idx.WalkDiag = append(idx.WalkDiag, diskDiag{d.GetPath(), d.GetSeverity(), d.GetMessage()})
	}
	dirs := make([]string, 0, len(s.goMods))
	for dir := range s.goMods {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		gm := s.goMods[dir]
		if errors.Is(gm.err, context.Canceled) || errors.Is(gm.err, context.DeadlineExceeded) {
			continue // cut short, not the module's answer: load it again next time
		}
		g := diskGoMod{Dir: dir, Stamp: gm.stamp, Files: goFilesDigest(root, dir, s), Mod: gm.mod}
		if gm.err != nil {
			g.Err, g.HasEr = gm.err.Error(), true
		}
		idx.GoMods = append(idx.GoMods, g)
	}
	if s.result != nil {
		det := proto.MarshalOptions{Deterministic: true}
		raw, err := det.Marshal(&patchbayv1.AnalyzeResponse{
			Root: root, Services: s.result.Services, Findings: s.result.Findings, Diagnostics: s.result.Diagnostics,
		})
		if err != nil {
			return err
		}
		stats, err := det.Marshal(s.result.Stats)
		if err != nil {
			return err
		}
		idx.Result, idx.ResultSum, idx.Stats = raw, sha256.Sum256(raw), stats
	}
	var ib bytes.Buffer
	if err := gob.NewEncoder(&ib).Encode(&idx); err != nil {
		return err
	}
	idx = diskIndex{}
	key := a.cacheKey()
	w := bufio.NewWriterSize(f, 256<<10)
	w.WriteString(diskMagic)
	_ = binary.Write(w, binary.LittleEndian, diskFormat)
	w.Write(key[:])
	_ = binary.Write(w, binary.LittleEndian, uint64(ib.Len()))
	_ = binary.Write(w, binary.LittleEndian, crc32.Checksum(ib.Bytes(), castagnoli))
	w.Write(ib.Bytes())
	factsAt := int64(len(diskMagic) + 4 + len(key) + 12 + ib.Len())
	w.Write(make([]byte, 12)) // the facts part's length and checksum, below
	cw := &crcWriter{w: w}
	enc := gob.NewEncoder(cw)
	for i := range recs {
		// One value at a time: gob buffers each value whole.
		if err := enc.Encode(&recs[i]); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	var head [12]byte
	binary.LittleEndian.PutUint64(head[:], uint64(cw.n))
	binary.LittleEndian.PutUint32(head[8:], cw.crc)
	_, err := f.WriteAt(head[:], factsAt)
	return err
}

// crcWriter counts and checksums what goes through it.
type crcWriter struct {
	w   io.Writer
	n   int64
	crc uint32
}

func (c *crcWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.crc = crc32.Update(c.crc, castagnoli, p[:n])
	return n, err
}

// writeFileAtomic writes b to name through a temporary file in the same
// directory (mode 0600, the directory 0700) renamed over it, so that a
// reader sees the old file or the new one, never half of one.
func writeFileAtomic(name string, write func(*os.File) error) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename, there is nothing to remove
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
