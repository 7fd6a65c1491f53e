package analyzer

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// walk lists the analyzable files under root, honouring .gitignore and the
// skip lists. Symlinks are followed only while they stay inside the root
// (a link to /usr would otherwise pull a whole system into the scan), each
// directory once (loops are cut and reported); FIFOs, sockets and devices
// are skipped with a diagnostic (reading a FIFO would block the scan).
//
// Directories are read in parallel, one worker per CPU. So that the
// result does not depend on which worker got where first, a symlink to a
// directory is followed only after every real directory has been read, in
// the tree's order: a directory reachable both directly and through a link
// is listed under its own path, and the link is reported. Each directory's
// files and diagnostics are kept in its node; the lists come out in
// depth-first order. emit, when set, gets each file as it is found (from
// one goroutine at a time) and the returned list is empty.
func (a *Analyzer) walk(ctx context.Context, root string, emit func(walkEntry)) ([]walkEntry, []*patchbayv1.Diagnostic, int) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	w := &walker{a: a, ctx: ctx, root: root, realRoot: realRoot, emit: emit, visited: map[[2]uint64]bool{}}
	if fi, err := os.Stat(root); err == nil {
		w.markInfo(fi)
	}
	top := &walkNode{ig: &ignorer{}}
	w.run(top)
	w.follow(top)
	if ctx.Err() != nil {
		return nil, nil, 0
	}
	var (
		out   []walkEntry
		diags []*patchbayv1.Diagnostic
		seen  int
	)
	var collect func(n *walkNode)
	collect = func(n *walkNode) {
		out = append(out, n.files...)
		diags = append(diags, n.diags...)
		seen += n.seen
		for _, c := range n.children {
			collect(c)
		}
	}
	collect(top)
	return out, diags, seen
}

type walker struct {
	a              *Analyzer
	ctx            context.Context
	root, realRoot string

	emitMu sync.Mutex
	emit   func(walkEntry)

	visitMu sync.Mutex
	visited map[[2]uint64]bool
}

// walkNode is one directory: what reading it found.
type walkNode struct {
	rel   string
	ig    *ignorer // the rules in force for its entries' parent (before its own .gitignore)
	files []walkEntry
	diags []*patchbayv1.Diagnostic
	seen  int
	// children: its subdirectories, in name order, then the links to
	// directories it follows (see follow).
	children []*walkNode
	// links: entries that are symlinks to directories, to follow after
	// the parallel pass, with the rules in force for them.
	links []walkLink
}

type walkLink struct {
	rel, abs string
	ig       *ignorer
}

// markInfo marks the directory fi describes.
func (w *walker) markInfo(fi os.FileInfo) bool {
	sys, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	return w.mark([2]uint64{uint64(sys.Dev), uint64(sys.Ino)})
}

// mark records a directory (device, inode) as visited; false when it
// already was.
func (w *walker) mark(k [2]uint64) bool {
	w.visitMu.Lock()
	defer w.visitMu.Unlock()
	if w.visited[k] {
		return false
	}
	w.visited[k] = true
	return true
}

// run reads start and every real directory under it, in parallel.
func (w *walker) run(start *walkNode) {
	q := &walkQueue{items: []*walkNode{start}, pending: 1}
	q.cond = sync.NewCond(&q.mu)
	var wg sync.WaitGroup
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := q.pop(); n != nil; n = q.pop() {
				if w.ctx.Err() == nil {
					w.read(n)
					q.push(n.children...)
				}
				q.done()
			}
		}()
	}
	wg.Wait()
}

// follow takes the links to directories that n and the nodes under it
// found, in depth-first order, and reads the ones that lead to a directory
// not visited yet.
func (w *walker) follow(n *walkNode) {
	for _, l := range n.links {
		fi, err := os.Stat(l.abs)
		if err != nil || !w.markInfo(fi) {
			n.diags = append(n.diags, diag(l.rel, "skipped", "symlink loop or directory already visited"))
			continue
		}
		c := &walkNode{rel: l.rel, ig: l.ig}
		n.children = append(n.children, c)
		w.run(c)
	}
	for _, c := range n.children {
		w.follow(c)
	}
}

// read lists one directory into n: its files, diagnostics, subdirectories
// (as new nodes) and links to directories.
func (w *walker) read(n *walkNode) {
	absDir := filepath.Join(w.root, filepath.FromSlash(n.rel))
	dir, ents, err := openDir(absDir)
	if err != nil {
		n.diags = append(n.diags, diag(relOrDot(n.rel), "error", "cannot read directory: "+errText(err)))
		return
	}
	defer dir.close()
	ig := n.ig
	if hasEntry(ents, ".gitignore") {
		if b, err := os.ReadFile(filepath.Join(absDir, ".gitignore")); err == nil {
			ig = ig.with(n.rel, b)
		}
	}
	for _, de := range ents {
		name := de.Name()
		rel := joinRel(n.rel, name)
		abs := func() string { return absDir + string(filepath.Separator) + name }
		typ := de.Type()
		isDir, link := de.IsDir(), typ&fs.ModeSymlink != 0
		if link {
			var follow bool
			var d *patchbayv1.Diagnostic
			isDir, follow, d = linkTarget(w.realRoot, abs(), rel, ig)
			if d != nil {
				n.diags = append(n.diags, d)
			}
			if !follow {
				continue
			}
		} else if !isDir && !typ.IsRegular() {
			if !ig.ignored(rel, false) {
				n.diags = append(n.diags, diag(rel, "skipped", specialKind(typ)+"; not read"))
			}
			continue
		}
		if isDir {
			if silentDirs[name] || ig.ignored(rel, true) {
				continue
			}
			if why, skip := skipDirs[name]; skip {
				n.diags = append(n.diags, diag(rel, "skipped", "skipped "+why))
				continue
			}
			if link {
				n.links = append(n.links, walkLink{rel: rel, abs: abs(), ig: ig})
				continue
			}
			id, err := dir.id(name, abs)
			if err != nil || !w.mark(id) {
				n.diags = append(n.diags, diag(rel, "skipped", "symlink loop or directory already visited"))
				continue
			}
			n.children = append(n.children, &walkNode{rel: rel, ig: ig})
			continue
		}
		n.seen++
		if !isCandidate(rel) || ig.ignored(rel, false) {
			continue
		}
		size, mtime, err := dir.stat(name, abs)
		if err != nil {
			n.diags = append(n.diags, diag(rel, "error", "cannot stat: "+errText(err)))
			continue
		}
		e := walkEntry{rel: rel, size: size, mtime: mtime}
		if w.emit != nil {
			w.emitMu.Lock()
			w.emit(e) // streamed, not kept
			w.emitMu.Unlock()
		} else {
			n.files = append(n.files, e)
		}
	}
}

// walkQueue is the directories still to read, shared by run's workers.
type walkQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	items   []*walkNode
	pending int // pushed and not done
}

func (q *walkQueue) push(ns ...*walkNode) {
	if len(ns) == 0 {
		return
	}
	q.mu.Lock()
	// Last in, first out, the first child on top: depth-first, which
	// keeps the workers near each other in the tree.
	for i := len(ns) - 1; i >= 0; i-- {
		q.items = append(q.items, ns[i])
	}
	q.pending += len(ns)
	q.mu.Unlock()
	q.cond.Broadcast()
}

// pop waits for a directory; nil when all are done.
func (q *walkQueue) pop() *walkNode {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && q.pending > 0 {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return nil
	}
	n := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return n
}

func (q *walkQueue) done() {
	q.mu.Lock()
	q.pending--
	last := q.pending == 0
	q.mu.Unlock()
	if last {
		q.cond.Broadcast()
	}
}
