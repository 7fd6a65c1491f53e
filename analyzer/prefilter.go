package analyzer

import "bytes"

// prefilter answers "which classes of needles does src contain?" in one
// pass over src: needles are bucketed by their first two bytes, so each
// position costs one bit test and only plausible positions compare a
// needle. It replaces dozens of bytes.Contains passes per file.
type prefilter struct {
	buckets map[uint16][]needle
	has     [1 << 16 / 64]uint64 // bit set of bucket keys
	all     uint8                // union of every needle's class
}

type needle struct {
	text  []byte
	off   int // position of the bigram the needle is bucketed under
	class uint8
	// check, when set, looks at an occurrence's surroundings (src and the
	// needle's start) and counts it only if it can matter.
	check func(src []byte, at int) bool
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
	classImport
	classMount
	classRoute
	classHook
)

func newPrefilter() *prefilter {
	return &prefilter{buckets: map[uint16][]needle{}}
}

// add registers needles of one class. Needles shorter than two bytes are
// ignored.
func (p *prefilter) add(class uint8, ns [][]byte) *prefilter {
	return p.addChecked(class, ns, nil)
}

// addChecked registers needles whose occurrences count only where check
// accepts them.
func (p *prefilter) addChecked(class uint8, ns [][]byte, check func(src []byte, at int) bool) *prefilter {
	for _, n := range ns {
		if len(n) < 2 {
			continue
		}
		off := 0
		for j := 1; j+1 < len(n); j++ {
			if commonness(n[j])+commonness(n[j+1]) < commonness(n[off])+commonness(n[off+1]) {
				off = j
			}
		}
		k := uint16(n[off])<<8 | uint16(n[off+1])
		p.buckets[k] = append(p.buckets[k], needle{n, off, class, check})
		p.has[k/64] |= 1 << (k % 64)
		p.all |= class
	}
	return p
}

// scan returns the classes of the needles found in src. It stops early once
// every class has been seen.
func (p *prefilter) scan(src []byte) uint8 {
	var found uint8
	for i := 0; i+1 < len(src); i++ {
		k := uint16(src[i])<<8 | uint16(src[i+1])
		if p.has[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, n := range p.buckets[k] {
			if found&n.class == 0 && i >= n.off && bytes.HasPrefix(src[i-n.off:], n.text) && (n.check == nil || n.check(src, i-n.off)) {
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
