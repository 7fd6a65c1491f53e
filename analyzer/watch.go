package analyzer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchEvent is one analysis produced by Watch.
type WatchEvent struct {
	Result *Result
	// Changed are the paths (relative to the root) whose change triggered
	// this analysis; empty for the initial one.
	Changed []string
	Err     error
}

// WatchDebounce is how long Watch waits for a burst of file events to settle.
const WatchDebounce = 10 * time.Millisecond

// Watch analyzes root, then re-analyzes it incrementally every time files
// under it change, until ctx is done. Each analysis is sent on the returned
// channel; if the receiver is slower than the file system, intermediate
// results are dropped and only the newest is kept (the daemon never waits
// for the editor). The channel is closed when ctx is done.
func (a *Analyzer) Watch(ctx context.Context, root string) (<-chan WatchEvent, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRoot, root)
	}
	root = filepath.Clean(root)
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", root, err)
	}
	// Directories are watched while the analysis runs (both mostly wait
	// on the file system); a change during the analysis is queued by
	// fsnotify and analyzed after the first result.
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		a.addWatches(w, root, "")
	}()
	first, err := a.Analyze(ctx, root, Request{})
	<-watched
	if err != nil {
		w.Close()
		return nil, err
	}
	out := make(chan WatchEvent, 1)
	out <- WatchEvent{Result: first}
	go a.watchLoop(ctx, w, root, out)
	return out, nil
}

func (a *Analyzer) watchLoop(ctx context.Context, w *fsnotify.Watcher, root string, out chan WatchEvent) {
	defer close(out)
	defer w.Close()
	pending := map[string]bool{}
	var timer <-chan time.Time
	send := func(ev WatchEvent) {
		for {
			select {
			case out <- ev:
				return
			case <-ctx.Done():
				return
			default:
				// Drop the stale result the receiver has not taken yet.
				select {
				case <-out:
				default:
				}
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			send(WatchEvent{Err: err})
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if rel, ok := a.watchedPath(w, root, ev); ok {
				pending[rel] = true
				if timer == nil {
					timer = time.After(WatchDebounce)
				}
			}
		case <-timer:
			timer = nil
			changed := make([]string, 0, len(pending))
			for p := range pending {
				changed = append(changed, p)
			}
			sort.Strings(changed)
			clear(pending)
			res, err := a.Analyze(ctx, root, Request{Changed: changed})
			if ctx.Err() != nil {
				return
			}
			for i, c := range changed {
				changed[i] = strings.TrimSuffix(c, "/")
			}
			send(WatchEvent{Result: res, Changed: changed, Err: err})
		}
	}
}

// watchedPath turns a file event into the path to analyze again (relative,
// ending in "/" when the tree must be walked again: a new directory or
// symlink, or something removed that may have been a directory), watching
// a new directory at once. ok is false for events the analysis ignores.
func (a *Analyzer) watchedPath(w *fsnotify.Watcher, root string, ev fsnotify.Event) (rel string, ok bool) {
	rel, err := filepath.Rel(root, ev.Name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if ev.Has(fsnotify.Create) {
		// Lstat: a new symlink is never watched through (it may lead
		// out of the workspace); the walk decides whether to follow it.
		if fi, err := os.Lstat(ev.Name); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			rel += "/"
		} else if err == nil && fi.IsDir() {
			if !a.ignoredPath(root, rel+"/x") {
				a.addWatches(w, root, rel)
			}
			rel += "/" // a new directory: walk again
		}
	}
	if (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) && !isCandidate(rel) && !strings.HasSuffix(rel, "/") {
		rel += "/" // maybe a directory went away: walk again
	}
	if isCandidate(strings.TrimSuffix(rel, "/")) || strings.HasSuffix(rel, "/") || strings.HasSuffix(rel, ".gitignore") {
		return rel, true
	}
	return "", false
}

// addWatches watches dir (relative) and every directory below it that the
// analyzer would walk. The .gitignore rules are carried down as the walk
// does (each .gitignore read once, its rules compiled once), not looked up
// again from the root for every directory.
func (a *Analyzer) addWatches(w *fsnotify.Watcher, root, dir string) {
	type item struct {
		rel string
		ig  *ignorer
	}
	stack := []item{{dir, ignorerAt(root, dir)}}
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		abs := filepath.Join(root, filepath.FromSlash(d.rel))
		if err := w.Add(abs); err != nil {
			a.opts.Logger.Warn("cannot watch directory", "dir", abs, "err", err)
			continue
		}
		ents, err := os.ReadDir(abs)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if !e.IsDir() {
				continue
			}
			name := e.Name()
			if _, skip := skipDirs[name]; skip || silentDirs[name] {
				continue
			}
			rel := joinRel(d.rel, name)
			if d.ig.ignored(rel, true) {
				continue
			}
			ig := d.ig
			if b, err := os.ReadFile(filepath.Join(abs, name, ".gitignore")); err == nil {
				ig = ig.with(rel, b)
			}
			stack = append(stack, item{rel, ig})
		}
	}
}
