package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/patchbay-dev/patchbay/analyzer"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func newScanCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "scan [--json] DIR",
		Short: "Analyze a workspace once, without the daemon",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			if st, err := os.Stat(root); err != nil || !st.IsDir() {
				return fmt.Errorf("%s is not a directory", args[0])
			}
			res, err := analyzer.New(analyzer.Options{}).Analyze(cmd.Context(), root, analyzer.Request{Full: true})
			if err != nil {
				return err
			}
			return printAnalysis(cmd.OutOrStdout(), &patchbayv1.AnalyzeResponse{
				Root: res.Root, Services: res.Services, Findings: res.Findings, Diagnostics: res.Diagnostics, Stats: res.Stats,
			}, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (protojson, camelCase)")
	return cmd
}

// printAnalysis prints an analysis as JSON or for people. Shared by scan
// (local) and analyze (through the daemon).
func printAnalysis(w io.Writer, res *patchbayv1.AnalyzeResponse, asJSON bool) error {
	if asJSON {
		b, err := protojson.MarshalOptions{Multiline: true, EmitUnpopulated: false}.Marshal(res)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(b))
		return err
	}
	fmt.Fprintf(w, "%d services, %d findings\n", len(res.GetServices()), len(res.GetFindings()))
	for _, f := range res.GetFindings() {
		l := f.GetLocation()
		fmt.Fprintf(w, "  %s:%d  %s  %s  %s\n", l.GetPath(), l.GetStartLine(), f.GetKind(), f.GetProvider(), f.GetEvidence())
	}
	return nil
}
