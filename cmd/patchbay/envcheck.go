package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// kindWord is how `env check` names a source.
func kindWord(k patchbayv1.VariableSource) string {
	switch k {
	case patchbayv1.VariableSource_VARIABLE_SOURCE_OUTPUT:
		return "provisioned"
	case patchbayv1.VariableSource_VARIABLE_SOURCE_CREDENTIAL:
		return "credential"
	case patchbayv1.VariableSource_VARIABLE_SOURCE_GENERATED:
		return "generated"
	case patchbayv1.VariableSource_VARIABLE_SOURCE_URL:
		return "url"
	case patchbayv1.VariableSource_VARIABLE_SOURCE_PLATFORM:
		return "platform"
	case patchbayv1.VariableSource_VARIABLE_SOURCE_USER:
		return "user"
	case patchbayv1.VariableSource_VARIABLE_SOURCE_DEFAULT:
		return "default"
	case patchbayv1.VariableSource_VARIABLE_SOURCE_LOCAL_FORWARD:
		return "forwarded"
	}
	return "missing"
}

func newEnvCheckCmd() *cobra.Command {
	var wf workspaceFlags
	var service string
	var asJSON, ask bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the env contract: every variable the code reads has a source",
		Long: `Print every variable each service reads (or its .env.example declares) with
where its value comes from for the environment, and the fix for each one
that is not satisfied. Exits with status 3 when any is unsatisfied.

With --ask, asks for the values of unsatisfied variables only you can supply
and keeps them in the keyring.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			get := func() (*patchbayv1.GetEnvironmentVariablesResponse, error) {
				resp, err := c.Environment.GetEnvironmentVariables(cmd.Context(), connect.NewRequest(&patchbayv1.GetEnvironmentVariablesRequest{
					WorkspaceRoot: root, Environment: wf.env, Service: service}))
				if err != nil {
					return nil, err
				}
				return resp.Msg, nil
			}
			msg, err := get()
			if err != nil {
				return err
			}
			if ask && !msg.GetSatisfied() {
				for _, v := range msg.GetVariables() {
					if v.GetSatisfied() || !strings.HasPrefix(v.GetFix(), "patchbay env set ") {
						continue
					}
					if err := askVariable(cmd, c, root, wf.env, v.GetService(), v.GetName(), looksSecret(v.GetName())); err != nil {
						return err
					}
				}
				if msg, err = get(); err != nil {
					return err
				}
			}
			if asJSON {
				b, err := protojson.MarshalOptions{Multiline: true}.Marshal(msg)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
			} else {
				printContract(cmd.OutOrStdout(), wf.env, msg)
			}
			if !msg.GetSatisfied() {
				return &exitError{code: 3, err: fmt.Errorf("environment %s: some variables have no source; run the fixes above", wf.env)}
			}
			return nil
		},
	}
	wf.add(cmd)
	cmd.Flags().StringVar(&service, "service", "", "only this service (its directory, . for the root)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the contract as protojson")
	cmd.Flags().BoolVar(&ask, "ask", false, "ask for the values only you can supply")
	return cmd
}

func printContract(w io.Writer, env string, msg *patchbayv1.GetEnvironmentVariablesResponse) {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	svc := "\x00"
	bad := 0
	for _, v := range msg.GetVariables() {
		if v.GetService() != svc {
			svc = v.GetService()
			fmt.Fprintf(tw, "service %s\t\t\t\n", svc)
		}
		mark := "✓"
		if !v.GetSatisfied() {
			mark = "✗"
			bad++
		}
		extra := ""
		if len(v.GetReads()) == 0 {
			extra = " (not read by the code)"
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s%s\n", mark, v.GetName(), kindWord(v.GetKind()), v.GetSource(), extra)
		if f := v.GetFix(); f != "" && !v.GetSatisfied() {
			fmt.Fprintf(tw, "      fix:\t%s\t\n", f)
		}
	}
	tw.Flush()
	if bad == 0 {
		fmt.Fprintf(w, "environment %s: all %d variables have a source\n", env, len(msg.GetVariables()))
	} else {
		fmt.Fprintf(w, "environment %s: %d of %d variables have no source\n", env, bad, len(msg.GetVariables()))
	}
}

func looksSecret(name string) bool {
	for _, s := range []string{"SECRET", "TOKEN", "PASSWORD", "KEY", "PRIVATE", "CREDENTIAL"} {
		if strings.Contains(name, s) && !strings.Contains(name, "PUBLISHABLE") && !strings.Contains(name, "PUBLIC") {
			return true
		}
	}
	return false
}

// askVariable asks for one value on stdin (without echo for a secret) and
// keeps it.
func askVariable(cmd *cobra.Command, c *client, root, env, service, name string, secret bool) error {
	in := stdinOf(cmd)
	fmt.Fprintf(cmd.ErrOrStderr(), "%s (service %s, environment %s): ", name, service, env)
	var val string
	var err error
	if secret {
		val, err = in.secret(cmd.ErrOrStderr())
	} else {
		val, err = in.line()
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("no value given for %s", name)
	}
	if err != nil {
		return err
	}
	if val == "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "skipped %s\n", name)
		return nil
	}
	_, err = c.Environment.SetVariable(cmd.Context(), connect.NewRequest(&patchbayv1.SetVariableRequest{
		WorkspaceRoot: root, Environment: env, Service: service, Name: name, Value: val, Secret: secret}))
	return err
}

func newEnvSetCmd() *cobra.Command {
	var wf workspaceFlags
	var service string
	var secret, public, generate bool
	cmd := &cobra.Command{
		Use:   "set NAME",
		Short: "Supply a variable's value (asked on stdin, kept in the keyring), or --generate a secret",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			if generate {
				return setGenerated(cmd, c, root, wf.env, service, args[0])
			}
			isSecret := secret || (!public && looksSecret(args[0]))
			return askVariable(cmd, c, root, wf.env, service, args[0], isSecret)
		},
	}
	wf.add(cmd)
	cmd.Flags().StringVar(&service, "service", ".", "the service that reads it (its directory)")
	cmd.Flags().BoolVar(&secret, "secret", false, "treat the value as a secret (default: when the name looks like one)")
	cmd.Flags().BoolVar(&public, "public", false, "the value is not a secret")
	cmd.Flags().BoolVar(&generate, "generate", false, "generate a random secret instead of asking")
	return cmd
}

func setGenerated(cmd *cobra.Command, c *client, root, env, service, name string) error {
	resp, err := c.Environment.SetVariable(cmd.Context(), connect.NewRequest(&patchbayv1.SetVariableRequest{
		WorkspaceRoot: root, Environment: env, Service: service, Name: name, Generate: true}))
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", name, resp.Msg.GetVariable().GetSource())
	return nil
}

func newEnvRotateCmd() *cobra.Command {
	var wf workspaceFlags
	var service string
	cmd := &cobra.Command{
		Use:   "rotate NAME",
		Short: "Generate a new value for a secret Patchbay generates (`patchbay run --watch` restarts the app)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			return setGenerated(cmd, c, root, wf.env, service, args[0])
		},
	}
	wf.add(cmd)
	cmd.Flags().StringVar(&service, "service", ".", "the service that reads it (its directory)")
	return cmd
}

func newEnvUnsetCmd() *cobra.Command {
	var wf workspaceFlags
	var service string
	cmd := &cobra.Command{
		Use:   "unset NAME",
		Short: "Forget a value `env set` or a generated secret kept",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			_, err = c.Environment.DeleteVariable(cmd.Context(), connect.NewRequest(&patchbayv1.DeleteVariableRequest{
				WorkspaceRoot: root, Environment: wf.env, Service: service, Name: args[0]}))
			return err
		},
	}
	wf.add(cmd)
	cmd.Flags().StringVar(&service, "service", ".", "the service that reads it (its directory)")
	return cmd
}
