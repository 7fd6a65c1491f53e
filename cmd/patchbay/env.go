package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// dialer is how the provisioning commands reach the daemon; tests replace
// it with an in-process daemon.
var dialer = dial

// workspaceFlags are shared by the commands that act on one environment of
// one workspace.
type workspaceFlags struct {
	workspace string
	env       string
}

func (w *workspaceFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&w.workspace, "workspace", ".", "workspace root directory")
	cmd.Flags().StringVar(&w.env, "env", "local", "environment name")
}

// open resolves the workspace root and connects to the daemon: the preamble
// of every workspace command.
func (w *workspaceFlags) open(ctx context.Context) (string, *client, error) {
	root, err := w.root()
	if err != nil {
		return "", nil, err
	}
	c, err := dialer(ctx)
	if err != nil {
		return "", nil, err
	}
	return root, c, nil
}

func (w *workspaceFlags) root() (string, error) {
	root, err := filepath.Abs(w.workspace)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return "", fmt.Errorf("workspace %s is not a directory", w.workspace)
	}
	return root, nil
}

func fetchVariables(ctx context.Context, c *client, root, env, service string, values bool) ([]*patchbayv1.EnvironmentVariable, error) {
	resp, err := c.Environment.GetEnvironmentVariables(ctx, connect.NewRequest(&patchbayv1.GetEnvironmentVariablesRequest{
		WorkspaceRoot: root, Environment: env, IncludeValues: values, Service: service}))
	if err != nil {
		return nil, err
	}
	return resp.Msg.GetVariables(), nil
}

func newEnvCmd() *cobra.Command {
	var wf workspaceFlags
	var format, write, service string
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Print an environment's variables, or manage environments",
		Long: `Print the variables Patchbay provides for an environment, under the names
the code reads (dotenv, json or shell format), or write them into a managed
block of a .env.local file that git ignores (--write .env.local).

Subcommands manage environments and their URLs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			vars, err := fetchVariables(cmd.Context(), c, root, wf.env, service, true)
			if err != nil {
				return err
			}
			for _, v := range vars {
				if !v.GetSatisfied() {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: %s is not provided: %s; fix: %s\n", v.GetName(), v.GetSource(), v.GetFix())
				}
			}
			if write != "" {
				if !filepath.IsAbs(write) {
					write = filepath.Join(root, write)
				}
				if err := engine.WriteManagedBlock(cmd.Context(), write, vars); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "wrote the patchbay block of %s\n", write)
				return nil
			}
			out, err := engine.Format(vars, format)
			if err != nil {
				return err
			}
			_, err = io.WriteString(cmd.OutOrStdout(), out)
			return err
		},
	}
	wf.add(cmd)
	cmd.Flags().StringVar(&format, "format", "dotenv", "output format: dotenv, json or shell")
	cmd.Flags().StringVar(&write, "write", "", "write a managed block into this file (refused unless git ignores it)")
	cmd.Flags().StringVar(&service, "service", "", "only this service's variables (its directory)")
	cmd.AddCommand(newEnvListCmd(), newEnvCreateCmd(), newEnvSetURLCmd(), newEnvDeleteCmd(),
		newEnvCheckCmd(), newEnvSetCmd(), newEnvRotateCmd(), newEnvUnsetCmd())
	return cmd
}

type urlFlags struct {
	frontend, api string
	origins       []string
}

func (u *urlFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&u.frontend, "frontend-url", "", "URL the app's pages are served from (OAuth callbacks)")
	cmd.Flags().StringVar(&u.api, "api-url", "", "URL the app's API is served from (webhooks); defaults to the frontend URL")
	cmd.Flags().StringSliceVar(&u.origins, "origin", nil, "extra allowed origin (repeatable)")
}

func newEnvListCmd() *cobra.Command {
	var workspace string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the workspace's environments",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wf := workspaceFlags{workspace: workspace}
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.Environment.ListEnvironments(cmd.Context(), connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{WorkspaceRoot: root}))
			if err != nil {
				return err
			}
			if len(resp.Msg.GetEnvironments()) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no environments; create one with `patchbay env create local --frontend-url http://localhost:3000`")
			}
			for _, e := range resp.Msg.GetEnvironments() {
				printEnv(cmd.OutOrStdout(), e)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", ".", "workspace root directory")
	return cmd
}

func printEnv(w io.Writer, e *patchbayv1.Environment) {
	fmt.Fprintf(w, "%s\tfrontend=%s\tapi=%s", e.GetName(), orDash(e.GetFrontendUrl()), orDash(e.GetApiUrl()))
	if len(e.GetExtraOrigins()) > 0 {
		fmt.Fprintf(w, "\torigins=%v", e.GetExtraOrigins())
	}
	fmt.Fprintln(w)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newEnvCreateCmd() *cobra.Command {
	var workspace string
	var u urlFlags
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an environment (local, staging, prod, ...)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wf := workspaceFlags{workspace: workspace}
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.Environment.CreateEnvironment(cmd.Context(), connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{
				Environment: &patchbayv1.Environment{WorkspaceRoot: root, Name: args[0], FrontendUrl: u.frontend, ApiUrl: u.api, ExtraOrigins: u.origins}}))
			if err != nil {
				return err
			}
			printEnv(cmd.OutOrStdout(), resp.Msg.GetEnvironment())
			return nil
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", ".", "workspace root directory")
	u.add(cmd)
	return cmd
}

func newEnvSetURLCmd() *cobra.Command {
	var workspace string
	var u urlFlags
	cmd := &cobra.Command{
		Use:   "set-url NAME",
		Short: "Change an environment's URLs; then run `patchbay plan` to carry them to the providers",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wf := workspaceFlags{workspace: workspace}
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := c.Environment.ListEnvironments(cmd.Context(), connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{WorkspaceRoot: root}))
			if err != nil {
				return err
			}
			var cur *patchbayv1.Environment
			for _, e := range list.Msg.GetEnvironments() {
				if e.GetName() == args[0] {
					cur = e
				}
			}
			if cur == nil {
				return fmt.Errorf("no environment %q in %s; create it with `patchbay env create %s`", args[0], root, args[0])
			}
			// Only the flags given change; the rest is kept.
			if cmd.Flags().Changed("frontend-url") {
				cur.FrontendUrl = u.frontend
			}
			if cmd.Flags().Changed("api-url") {
				cur.ApiUrl = u.api
			}
			if cmd.Flags().Changed("origin") {
				cur.ExtraOrigins = u.origins
			}
			resp, err := c.Environment.UpdateEnvironment(cmd.Context(), connect.NewRequest(&patchbayv1.UpdateEnvironmentRequest{Environment: cur}))
			if err != nil {
				return err
			}
			printEnv(cmd.OutOrStdout(), resp.Msg.GetEnvironment())
			fmt.Fprintf(cmd.OutOrStdout(), "run `patchbay plan --env %s` to update the providers\n", args[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", ".", "workspace root directory")
	u.add(cmd)
	return cmd
}

func newEnvDeleteCmd() *cobra.Command {
	var workspace string
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Forget an environment (destroy its resources first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wf := workspaceFlags{workspace: workspace}
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			_, err = c.Environment.DeleteEnvironment(cmd.Context(), connect.NewRequest(&patchbayv1.DeleteEnvironmentRequest{WorkspaceRoot: root, Name: args[0]}))
			return err
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", ".", "workspace root directory")
	return cmd
}
