package main

import (
	"fmt"
	"os"
	"path/filepath"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func newAnalyzeCmd() *cobra.Command {
	var asJSON, full, explain, routes bool
	cmd := &cobra.Command{
		Use:   "analyze [--json|--explain|--routes] DIR",
		Short: "Analyze a workspace through the daemon (keeps a snapshot for fast re-analysis)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			if st, err := os.Stat(root); err != nil || !st.IsDir() {
				return fmt.Errorf("%s is not a directory", args[0])
			}
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.Workspace.Analyze(cmd.Context(), connect.NewRequest(&patchbayv1.AnalyzeRequest{Root: root, Full: full}))
			if err != nil {
				return err
			}
			return printAnalysis(cmd.OutOrStdout(), resp.Msg, printOptions{json: asJSON, explain: explain, routes: routes})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (protojson, camelCase)")
	cmd.Flags().BoolVar(&explain, "explain", false, "show the evidence behind each finding")
	cmd.Flags().BoolVar(&routes, "routes", false, "list every HTTP route each service serves")
	cmd.Flags().BoolVar(&full, "full", false, "discard the daemon's snapshot and analyze every file")
	return cmd
}

func newEventsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "events",
		Short: "Follow the daemon's event stream (one JSON object per line)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			stream, err := c.Daemon.WatchEvents(cmd.Context(), connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
			if err != nil {
				return err
			}
			defer stream.Close()
			for stream.Receive() {
				b, err := protojson.Marshal(stream.Msg().GetEvent())
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
			}
			if err := stream.Err(); err != nil && cmd.Context().Err() == nil {
				return err
			}
			return nil
		},
	}
}
