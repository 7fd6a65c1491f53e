package analyzer

import "bytes"

// prefilter answers "does src contain any of these needles?" in one pass
// over src: needles are bucketed by their first two bytes, so each position
// costs one table lookup and only plausible positions compare a needle.
// It replaces dozens of bytes.Contains passes per file.
type prefilter struct {
	buckets map[uint16][][]byte
	has     [1 << 16 / 64]uint64 // bit set of bucket keys
	single  [256]bool            // one-byte needles
}

func newPrefilter(needles [][]byte) *prefilter {
	p := &prefilter{buckets: map[uint16][][]byte{}}
	for _, n := range needles {
		switch len(n) {
		case 0:
		case 1:
			p.single[n[0]] = true
		default:
			k := uint16(n[0])<<8 | uint16(n[1])
			p.buckets[k] = append(p.buckets[k], n)
			p.has[k/64] |= 1 << (k % 64)
		}
	}
	return p
}

func (p *prefilter) match(src []byte) bool {
	for i := 0; i+1 < len(src); i++ {
		if p.single[src[i]] {
			return true
		}
		k := uint16(src[i])<<8 | uint16(src[i+1])
		if p.has[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, n := range p.buckets[k] {
			if bytes.HasPrefix(src[i:], n) {
				return true
			}
		}
	}
	return len(src) == 1 && p.single[src[0]]
}
