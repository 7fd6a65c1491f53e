package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func newAskCmd() *cobra.Command {
	var yes bool
	var workspace string
	cmd := &cobra.Command{
		Use:   `ask "QUESTION"`,
		Short: "Ask Patchbay in plain words (\"why are my Stripe credentials not working?\")",
		Long: `Ask the daemon's assistant, for example:
  patchbay ask "what credentials do I have configured?"
  patchbay ask "update my AWS credentials"
  patchbay ask "delete my Azure credentials"
  patchbay ask "why are my Stripe credentials not working?"
  patchbay ask "plan local"          (apply and destroy: the answer shows the plan and the command that asks first)
  patchbay ask "why is STRIPE_SECRET_KEY missing?"
  patchbay ask "why does example-api need STRIPE_SECRET_KEY?"
  patchbay ask "show the map"        patchbay ask "list my API keys"
When the answer proposes an action (update or delete credentials), the
command offers to run it; deleting always asks first unless --yes.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			root, err := filepath.Abs(workspace)
			if err != nil {
				return err
			}
			stream, err := c.Assistant.Ask(cmd.Context(), connect.NewRequest(&patchbayv1.AskRequest{Question: strings.Join(args, " "), WorkspaceRoot: root}))
			if err != nil {
				return err
			}
			defer stream.Close()
			var cmds []*patchbayv1.SuggestedCommand
			w := cmd.OutOrStdout()
			for stream.Receive() {
				fmt.Fprint(w, stream.Msg().GetText())
				cmds = append(cmds, stream.Msg().GetCommands()...)
			}
			if err := stream.Err(); err != nil {
				return err
			}
			fmt.Fprintln(w)
			for _, s := range cmds {
				if err := runSuggestion(cmd, c, s, yes); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "run proposed deletions without asking")
	cmd.Flags().StringVar(&workspace, "workspace", ".", "workspace the question is about")
	return cmd
}

// runSuggestion carries out a command the assistant proposed, the CLI way.
func runSuggestion(cmd *cobra.Command, c *client, s *patchbayv1.SuggestedCommand, yes bool) error {
	args := s.GetArguments()
	switch {
	case s.GetCommand() == "patchbay.deleteCredentials" && len(args) == 2:
		return deleteCreds(cmd, c, args[0], args[1], yes)
	case s.GetCommand() == "patchbay.updateCredentials" && len(args) >= 1:
		profile := "default"
		if len(args) == 2 {
			profile = args[1]
		}
		if err := askYesNo(cmd, fmt.Sprintf("%s now?", s.GetTitle()), false); err != nil {
			fmt.Fprintf(cmd.OutOrStdout(), "Later: patchbay creds set %s --profile %s\n", args[0], profile)
			return nil
		}
		return runCredsSet(cmd, c, args[0], setFlags{profile: profile})
	case s.GetCommand() == "patchbay.provision" && len(args) == 2:
		fmt.Fprintf(cmd.OutOrStdout(), "To apply (it shows the plan and asks first): patchbay apply --workspace %s --env %s\n", args[0], args[1])
	case s.GetCommand() == "patchbay.destroy" && len(args) == 2:
		fmt.Fprintf(cmd.OutOrStdout(), "To destroy (it shows what goes and asks first): patchbay destroy --workspace %s --env %s\n", args[0], args[1])
	case s.GetCommand() == "patchbay.unlockKeyring":
		fmt.Fprintln(cmd.OutOrStdout(), "Run: patchbay creds unlock")
	default:
		fmt.Fprintf(cmd.OutOrStdout(), "Suggested in the editor: %s\n", s.GetTitle())
	}
	return nil
}
