package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	"github.com/patchbay-dev/patchbay/analyzer"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
)

// BenchmarkCorpusWatchWrite: from a file write in $PATCHBAY_BENCH_CORPUS
// (scripts/bench/sdk-heavy/README.md builds it) to a Watch client holding
// the updated findings, through a real daemon and a Connect client over
// loopback: the file-system event, the debounce, the incremental analysis,
// the message's encoding, transfer and decoding, and (with deltas) applying
// the delta. Reports the p50 and p99 of b.N writes.
func BenchmarkCorpusWatchWrite(b *testing.B) {
	root := os.Getenv("PATCHBAY_BENCH_CORPUS")
	if root == "" {
		b.Skip("set PATCHBAY_BENCH_CORPUS to a directory")
	}
	rel := os.Getenv("PATCHBAY_BENCH_FILE")
	if rel == "" {
		rel = "vercel__examples/starter/personalization-builder-io/pages/api/attributes.ts"
	}
	path := filepath.Join(root, rel)
	orig, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = os.WriteFile(path, orig, 0o644) })
	info := startDaemon(b)
	c := patchbayv1connect.NewWorkspaceServiceClient(http.DefaultClient, "http://"+info.Address, bearer(info.Token))
	for _, deltas := range []bool{false, true} {
		name := "whole"
		if deltas {
			name = "deltas"
		}
		b.Run(name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stream, err := c.Watch(ctx, connect.NewRequest(&patchbayv1.WatchRequest{Root: root, Deltas: deltas}))
			if err != nil {
				b.Fatal(err)
			}
			defer stream.Close()
			if !stream.Receive() {
				b.Fatal(stream.Err())
			}
			held := stream.Msg().GetAnalysis()
			lat := make([]time.Duration, 0, b.N)
			var bytes int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				want := fmt.Sprintf("BENCH_%s_%d", name, i)
				content := append(slices.Clip(orig), fmt.Sprintf("\nconst v = process.env.%s;\n", want)...)
				start := time.Now()
				if err := os.WriteFile(path, content, 0o644); err != nil {
					b.Fatal(err)
				}
				for !holds(held, want) {
					if !stream.Receive() {
						b.Fatal(stream.Err())
					}
					msg := stream.Msg()
					if d := msg.GetDelta(); d != nil {
						if err := analyzer.ApplyDelta(held, d); err != nil {
							b.Fatal(err)
						}
						bytes += proto.Size(d)
					} else {
						held = msg.GetAnalysis()
						bytes += proto.Size(held)
					}
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(bytes)/float64(b.N), "msg-bytes/op")
		})
	}
}

// holds: does the analysis have an env read of name?
func holds(a *patchbayv1.AnalyzeResponse, name string) bool {
	for _, f := range a.GetFindings() {
		if f.GetEnvVar().GetName() == name {
			return true
		}
	}
	return false
}
