// Package eval scores the analyzer's findings against the development
// corpus's labels (eval/labels/*.json, written by reading each repository's
// code). The unit of each kind is documented in eval/README.md: SDK usage per
// (provider, file), env reads per (name, file), webhook handlers and OAuth
// callbacks per (provider, file, route).
package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Kinds are the scored finding kinds, in report order.
var Kinds = []string{"sdk", "env", "webhook", "callback"}

// Item is one labelled fact, or one finding reduced to the same shape.
type Item struct {
	Provider string   `json:"provider,omitempty"`
	Name     string   `json:"name,omitempty"`
	File     string   `json:"file"`
	AltFiles []string `json:"alt_files,omitempty"`
	// Route is nil when the label leaves the route open (read from
	// configuration at run time): any route matches then.
	Route  *string `json:"route,omitempty"`
	Method string  `json:"method,omitempty"`
	Why    string  `json:"why,omitempty"`
	// Line is the finding's line (findings only), for reports.
	Line int `json:"-"`
}

// Label is one repository's label file.
type Label struct {
	Repo     string            `json:"repo"`
	Commit   string            `json:"commit"`
	About    string            `json:"about"`
	SDK      []Item            `json:"sdk"`
	Env      []Item            `json:"env"`
	Webhook  []Item            `json:"webhook"`
	Callback []Item            `json:"callback"`
	Optional map[string][]Item `json:"optional"`
}

// Items returns the label's required items of one kind.
func (l *Label) Items(kind string) []Item {
	switch kind {
	case "sdk":
		return l.SDK
	case "env":
		return l.Env
	case "webhook":
		return l.Webhook
	case "callback":
		return l.Callback
	}
	return nil
}

// Dir is the folder name a repository is exported to: OWNER__NAME.
func (l *Label) Dir() string { return strings.ReplaceAll(l.Repo, "/", "__") }

var commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Validate reports the first problem of a label file: a missing repo or
// commit, an unknown kind, an item without the fields its kind is keyed by.
func (l *Label) Validate() error {
	if !strings.Contains(l.Repo, "/") {
		return fmt.Errorf("repo %q is not owner/name", l.Repo)
	}
	if !commitRE.MatchString(l.Commit) {
		return fmt.Errorf("%s: commit %q is not 40 hex digits", l.Repo, l.Commit)
	}
	check := func(kind string, it Item) error {
		if it.File == "" || strings.HasPrefix(it.File, "/") || strings.Contains(it.File, "\\") {
			return fmt.Errorf("%s: %s item has a bad file %q", l.Repo, kind, it.File)
		}
		switch kind {
		case "env":
			if it.Name == "" {
				return fmt.Errorf("%s: env item in %s has no name", l.Repo, it.File)
			}
		case "sdk", "webhook", "callback":
			if it.Provider == "" {
				return fmt.Errorf("%s: %s item in %s has no provider", l.Repo, kind, it.File)
			}
		default:
			return fmt.Errorf("%s: unknown kind %q", l.Repo, kind)
		}
		return nil
	}
	for _, k := range Kinds {
		for _, it := range l.Items(k) {
			if err := check(k, it); err != nil {
				return err
			}
		}
	}
	for k, items := range l.Optional {
		for _, it := range items {
			if err := check(k, it); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadLabels reads every *.json file of dir, sorted by repository.
func LoadLabels(dir string) ([]*Label, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*Label
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		l := &Label{}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(l); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
		}
		if err := l.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
		}
		if want := l.Dir() + ".json"; filepath.Base(p) != want {
			return nil, fmt.Errorf("%s: a label for %s belongs in %s", filepath.Base(p), l.Repo, want)
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Repo < out[j].Repo })
	return out, nil
}

// paramRE matches a path parameter in any framework's syntax: :id, {id},
// [id], [[...slug]], <int:id>, $id, *.
var paramRE = regexp.MustCompile(`^(:.+|\{.*\}|\[.*\]|<.*>|\$.+|\*.*)$`)

// NormRoute makes routes written in different frameworks' syntaxes
// comparable: one leading slash, no trailing slash, every parameter "{}",
// no query string.
func NormRoute(r string) string {
	if i := strings.IndexAny(r, "?#"); i >= 0 {
		r = r[:i]
	}
	parts := strings.Split(r, "/")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p == "" {
			continue
		}
		if paramRE.MatchString(p) {
			p = "{}"
		}
		out = append(out, p)
	}
	return "/" + strings.Join(out, "/")
}

func (it Item) files() []string { return append([]string{it.File}, it.AltFiles...) }

// matches reports whether the finding f is the labelled item l.
func matches(kind string, l, f Item) bool {
	switch kind {
	case "sdk":
		return l.File == f.File && sameProvider(l.Provider, f.Provider)
	case "env":
		return l.File == f.File && l.Name == f.Name
	}
	if !sameProvider(l.Provider, f.Provider) {
		return false
	}
	inFiles := false
	for _, p := range l.files() {
		if p == f.File {
			inFiles = true
		}
	}
	if !inFiles {
		return false
	}
	return l.Route == nil || f.Route != nil && NormRoute(*l.Route) == NormRoute(*f.Route)
}

// sameProvider: "other" in a label stands for any provider outside the
// catalogue, so it matches whatever the analyzer called it.
func sameProvider(label, found string) bool { return label == found || label == "other" }

// Result is one kind's score over one or more repositories.
type Result struct {
	Kind   string
	TP     int
	Misses []Miss // labelled, not found
	FPs    []Miss // found, not labelled
}

// Miss is an item on one side only, with its repository.
type Miss struct {
	Repo string
	Item Item
}

// FN is the number of misses; FP the number of false positives.
func (r *Result) FN() int { return len(r.Misses) }
func (r *Result) FP() int { return len(r.FPs) }

// Precision, Recall and F1 follow the usual definitions; with nothing
// labelled and nothing found, all three are 1.
func (r *Result) Precision() float64 { return ratio(r.TP, r.TP+r.FP()) }
func (r *Result) Recall() float64    { return ratio(r.TP, r.TP+r.FN()) }
func (r *Result) F1() float64 {
	p, rc := r.Precision(), r.Recall()
	if p+rc == 0 {
		return 0
	}
	return 2 * p * rc / (p + rc)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Add folds another result of the same kind into r.
func (r *Result) Add(o *Result) {
	r.TP += o.TP
	r.Misses = append(r.Misses, o.Misses...)
	r.FPs = append(r.FPs, o.FPs...)
}

// Score compares one repository's findings (already reduced to items per
// kind, see FromScan) with its label. Each labelled item is matched by at
// most one finding; duplicate findings of one unit count once.
func Score(l *Label, found map[string][]Item) map[string]*Result {
	out := map[string]*Result{}
	for _, kind := range Kinds {
		res := &Result{Kind: kind}
		out[kind] = res
		preds := dedupe(kind, found[kind])
		used := make([]bool, len(preds))
		for _, want := range l.Items(kind) {
			hit := false
			for i, f := range preds {
				if !used[i] && matches(kind, want, f) {
					used[i], hit = true, true
					break
				}
			}
			if hit {
				res.TP++
			} else {
				res.Misses = append(res.Misses, Miss{l.Repo, want})
			}
		}
	next:
		for i, f := range preds {
			if used[i] {
				continue
			}
			// A second finding of a unit already matched (two routes in one
			// file for one labelled route) is not counted twice.
			for _, want := range l.Items(kind) {
				if matches(kind, want, f) {
					continue next
				}
			}
			for _, opt := range l.Optional[kind] {
				if matches(kind, opt, f) {
					continue next
				}
			}
			res.FPs = append(res.FPs, Miss{l.Repo, f})
		}
	}
	return out
}

func dedupe(kind string, items []Item) []Item {
	seen := map[string]bool{}
	var out []Item
	for _, it := range items {
		k := it.Provider + "\x00" + it.Name + "\x00" + it.File
		if (kind == "webhook" || kind == "callback") && it.Route != nil {
			k += "\x00" + NormRoute(*it.Route)
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, it)
	}
	return out
}
