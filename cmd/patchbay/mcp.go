package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/patchbay-dev/patchbay/internal/buildinfo"
	"github.com/patchbay-dev/patchbay/internal/mcpserver"
)

func newMCPCmd() *cobra.Command {
	var workspace string
	var approvalTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the Model Context Protocol on stdio, for agents (VS Code, Cursor, Claude Code)",
		Long: `Serve Patchbay's tools (scan, list_environments, plan, env_check,
credential_status, system_map, apply, destroy) and resources (findings, system
map, plan per environment) to an MCP client over stdin/stdout.

No tool returns a secret value. apply and destroy wait until the user approves
the plan in the editor or with 'patchbay approve' in a terminal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := filepath.Abs(workspace)
			if err != nil {
				return err
			}
			c, err := dialer(cmd.Context())
			if err != nil {
				return fmt.Errorf("mcp: %w", err)
			}
			srv := mcpserver.New(mcpserver.Daemon{Workspace: c.Workspace, Credentials: c.Credentials, Environment: c.Environment, Provision: c.Provision},
				mcpserver.Options{Root: root, Version: buildinfo.Get().Version, ApprovalTimeout: approvalTimeout})
			return srv.Run(cmd.Context(), &mcp.StdioTransport{})
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", ".", "workspace the tools act on when a call names none")
	cmd.Flags().DurationVar(&approvalTimeout, "approval-timeout", 5*time.Minute, "how long apply and destroy wait for the user's approval")
	return cmd
}
