package main

import (
	"encoding/json"
	"fmt"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/internal/buildinfo"
)

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the CLI version and, if it is running, the daemon's",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := buildinfo.Get()
			out := map[string]string{"version": b.Version, "commit": b.Commit, "go": b.GoVersion}
			if home, err := homeDir(); err == nil {
				if c, err := connectRunning(cmd.Context(), home); err == nil {
					if v, err := c.Daemon.Version(cmd.Context(), connect.NewRequest(&patchbayv1.VersionRequest{})); err == nil {
						out["daemon"] = v.Msg.GetVersion()
					}
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "patchbay %s (%s, %s)\n", b.Version, shortCommit(b.Commit), b.GoVersion)
			if d, ok := out["daemon"]; ok {
				fmt.Fprintf(cmd.OutOrStdout(), "daemon   %s (running)\n", d)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func shortCommit(c string) string {
	if c == "" {
		return "unknown commit"
	}
	if len(c) > 12 {
		return c[:12]
	}
	return c
}
