package main

import (
	"fmt"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func newMapCmd() *cobra.Command {
	var workspace, env string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "map",
		Short: "Print the system map: services, providers, resources, env vars and how they relate",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wf := workspaceFlags{workspace: workspace}
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.Provision.GetSystemMap(cmd.Context(), connect.NewRequest(&patchbayv1.GetSystemMapRequest{WorkspaceRoot: root, Environment: env}))
			if err != nil {
				return err
			}
			if asJSON {
				b, err := protojson.MarshalOptions{Multiline: true}.Marshal(resp.Msg)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return nil
			}
			fmt.Fprint(cmd.OutOrStdout(), engine.RenderMap(resp.Msg))
			return nil
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", ".", "workspace root directory")
	cmd.Flags().StringVar(&env, "env", "", "only this environment's resources (default: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
