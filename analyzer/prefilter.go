package analyzer

import "bytes"

// prefilter answers "which classes of needles does src contain?" in one
// pass over src. Every needle of three or more bytes is bucketed under two
// adjacent bigrams (its rarest such pair), so the scan looks at every
// other position of src, one bit test each: an occurrence always puts one
// of its two bigrams at an even position. Only positions whose bigram is a
// bucket key compare needles. It replaces dozens of bytes.Contains passes
// per file.
type prefilter struct {
	// index[k] is 1 + the position in lists of bigram k's needles, 0 for
	// none; has is the same as a bit set, small enough to stay in cache.
	index [1 << 16]uint16
	lists [][]needle
	has   [1 << 16 / 64]uint64
	all   uint8 // union of every needle's class
	// step is 2, or 1 once a two-byte needle is added.
	step int
}

type needle struct {
	text  []byte
	off   int // position in text of the bigram the needle is bucketed under
	class uint8
	// check, when set, looks at an occurrence's surroundings (src and the
	// needle's start) and counts it only if it can matter.
	check func(src []byte, at, end int) bool
}

// commonness scores how often a byte starts or ends a bigram in source
// code; needles are bucketed under their rarest bigram so that the scan
// compares few candidates ("process.env" under ".e", not "pr").
func commonness(b byte) int {
	switch {
	case b == ' ' || b == '\t' || b == '\n':
		return 9
	case b >= 'a' && b <= 'z':
		if bytes.IndexByte([]byte("etaoinsrlcdu"), b) >= 0 {
			return 8
		}
		return 5
	case b >= 'A' && b <= 'Z':
		return 3
	case b >= '0' && b <= '9':
		return 4
	case b == '(' || b == ')' || b == '.' || b == ',' || b == ';' || b == '=':
		return 6
	}
	return 2
}

// Needle classes.
const (
	classEnv uint8 = 1 << iota
	// classLexEnv: env forms the lexical path reads (process.env), see
	// jsEnvLex; a file whose env hits are all of this class need not be
	// parsed for them.
	classLexEnv
	classImport
	classMount
	classRoute
	classHook
)

func newPrefilter() *prefilter {
	return &prefilter{step: 2}
}

// add registers needles of one class. Needles shorter than two bytes are
// ignored.
func (p *prefilter) add(class uint8, ns [][]byte) *prefilter {
	return p.addChecked(class, ns, nil)
}

// addChecked registers needles whose occurrences count only where check
// accepts them.
func (p *prefilter) addChecked(class uint8, ns [][]byte, check func(src []byte, at, end int) bool) *prefilter {
	for _, n := range ns {
		switch {
		case len(n) < 2:
			continue
		case len(n) == 2:
			p.step = 1
			p.bucket(n, 0, class, check)
		default:
			// The adjacent pair of bigrams (off, off+1) with the rarest bytes.
			off, best := 0, 1<<30
			for j := 0; j+2 < len(n); j++ {
				if c := commonness(n[j]) + commonness(n[j+1]) + commonness(n[j+2]); c < best {
					off, best = j, c
				}
			}
			p.bucket(n, off, class, check)
			p.bucket(n, off+1, class, check)
		}
		p.all |= class
	}
	return p
}

func (p *prefilter) bucket(n []byte, off int, class uint8, check func([]byte, int, int) bool) {
	k := uint16(n[off])<<8 | uint16(n[off+1])
	if p.index[k] == 0 {
		p.lists = append(p.lists, nil)
		p.index[k] = uint16(len(p.lists))
	}
	i := p.index[k] - 1
	p.lists[i] = append(p.lists[i], needle{n, off, class, check})
	p.has[k/64] |= 1 << (k % 64)
}

// scan returns the classes of the needles found in src. It stops early once
// every class has been seen.
func (p *prefilter) scan(src []byte) uint8 {
	var found uint8
	for i := 0; i+1 < len(src); i += p.step {
		k := uint16(src[i])<<8 | uint16(src[i+1])
		if p.has[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, n := range p.lists[p.index[k]-1] {
			if found&n.class == 0 && i >= n.off && bytes.HasPrefix(src[i-n.off:], n.text) && (n.check == nil || n.check(src, i-n.off, i-n.off+len(n.text))) {
				found |= n.class
				if found == p.all {
					return found
				}
			}
		}
	}
	return found
}

// match reports whether src contains any needle.
func (p *prefilter) match(src []byte) bool { return p.scan(src) != 0 }
