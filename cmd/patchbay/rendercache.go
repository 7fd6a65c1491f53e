package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// renderCache keeps the JSON scan --json last printed for one root: the
// services, findings and diagnostics part, under the digest of the result
// it was rendered from (analyzer.Result.Digest). A re-scan of an unchanged
// tree gets the same result back from the analyzer's disk cache, digest
// included, and prints the kept bytes instead of rendering tens of
// thousands of findings through protojson again; the root and the stats
// are written fresh. The file is <dir>/<sha256(root)[:16]>.json, mode 0600
// in a 0700 directory, written to a temporary file and renamed; its first
// line is renderMagic and the digest. A file that is missing, foreign or
// for another digest is rendered again and replaced.
type renderCache struct {
	dir, path string
}

const renderMagic = "patchbay-scan-json 1 "

func newRenderCache(dir, root string) *renderCache {
	sum := sha256.Sum256([]byte(root))
	return &renderCache{dir: dir, path: filepath.Join(dir, hex.EncodeToString(sum[:8])+".json")}
}

// open returns the kept body for digest, positioned after the header.
func (c *renderCache) open(digest string) (*os.File, bool) {
	f, err := os.Open(c.path)
	if err != nil {
		return nil, false
	}
	want := renderMagic + digest + "\n"
	head := make([]byte, len(want))
	if _, err := io.ReadFull(f, head); err != nil || string(head) != want {
		f.Close()
		return nil, false
	}
	return f, true
}

// writeAnalysisJSONCached is writeAnalysisJSON with the body from c when
// it holds digest's, else rendered and kept for the next scan. A cache
// that cannot be read or written only costs the rendering.
func writeAnalysisJSONCached(w io.Writer, res *patchbayv1.AnalyzeResponse, c *renderCache, digest string) error {
	out := bufio.NewWriterSize(w, 256<<10)
	writeJSONHead(out, res)
	if f, ok := c.open(digest); ok {
		_, err := io.Copy(out, f)
		f.Close()
		if err != nil {
			return err
		}
		return writeJSONTail(out, res)
	}
	var body bytes.Buffer
	if err := writeJSONBody(&body, res); err != nil {
		return err
	}
	if _, err := out.Write(body.Bytes()); err != nil {
		return err
	}
	c.put(digest, body.Bytes())
	return writeJSONTail(out, res)
}

// put keeps body as digest's rendering; errors leave the cache as it was.
func (c *renderCache) put(digest string, body []byte) {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, ".scan-*.json")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	_, err = tmp.WriteString(renderMagic + digest + "\n")
	if err == nil {
		_, err = tmp.Write(body)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		_ = os.Rename(tmp.Name(), c.path)
	}
}
