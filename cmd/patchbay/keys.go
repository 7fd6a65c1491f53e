package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

const grantHelp = `A grant is PROVIDER:COMPONENT[,COMPONENT...][@PROFILE], for example
  --grant stripe:create_customer,create_price@live --grant slack:post_message
Components not granted are denied. PROFILE is the saved credential profile
the key uses for that provider ("default" when omitted).`

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage API keys for provider actions and triggers",
		Long: `API keys let CI jobs, cron and backends run provider actions (and register
triggers) through the daemon's ActionService without holding provider
credentials. A key's token is shown once, at create or regenerate.

` + grantHelp,
	}
	var team string
	cmd.PersistentFlags().StringVar(&team, "team", "", `team (namespace) of the keys (default "default")`)
	cmd.AddCommand(
		keysCreateCmd(&team), keysListCmd(&team), keysShowCmd(&team),
		keysUpdateCmd(&team), keysRegenerateCmd(&team), keysDeleteCmd(&team), keysAuditCmd(&team),
	)
	return cmd
}

// keyFlags are the settable fields of a key.
type keyFlags struct {
	grants    []string
	expires   string
	rateLimit uint32
	asJSON    bool
}

func (f *keyFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.grants, "grant", nil, "PROVIDER:COMPONENT[,COMPONENT...][@PROFILE] (repeatable)")
	cmd.Flags().StringVar(&f.expires, "expires", "", `expiry: a duration from now ("720h") or an RFC 3339 time; "never" clears it`)
	cmd.Flags().Uint32Var(&f.rateLimit, "rate-limit", 0, "requests per minute (0: the daemon's default)")
}

func parseGrants(specs []string) ([]*patchbayv1.Grant, error) {
	var out []*patchbayv1.Grant
	for _, s := range specs {
		prov, rest, ok := strings.Cut(s, ":")
		if !ok || prov == "" {
			return nil, fmt.Errorf("grant %q: want PROVIDER:COMPONENT[,COMPONENT...][@PROFILE]", s)
		}
		comps, profile, _ := strings.Cut(rest, "@")
		g := &patchbayv1.Grant{Provider: prov, Profile: profile}
		for _, c := range strings.Split(comps, ",") {
			if c = strings.TrimSpace(c); c != "" {
				g.Components = append(g.Components, c)
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// parseExpiry returns nil for "" and "never".
func parseExpiry(s string, now time.Time) (*timestamppb.Timestamp, error) {
	switch s {
	case "", "never":
		return nil, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return nil, fmt.Errorf("--expires %s: must be in the future", s)
		}
		return timestamppb.New(now.Add(d)), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("--expires %q: want a duration (720h) or an RFC 3339 time (2027-01-01T00:00:00Z)", s)
	}
	return timestamppb.New(t), nil
}

func keysCreateCmd(team *string) *cobra.Command {
	var f keyFlags
	cmd := &cobra.Command{
		Use:   "create NAME --grant PROVIDER:COMPONENT[,...][@PROFILE]...",
		Short: "Create a key and print its token (shown once)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			grants, err := parseGrants(f.grants)
			if err != nil {
				return err
			}
			exp, err := parseExpiry(f.expires, time.Now())
			if err != nil {
				return err
			}
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.ApiKeys.CreateApiKey(cmd.Context(), connect.NewRequest(&patchbayv1.CreateApiKeyRequest{
				Team: *team, Name: args[0], Grants: grants, ExpiresAt: exp, RateLimitPerMinute: f.rateLimit}))
			if err != nil {
				return err
			}
			return printSecretKey(cmd, c, resp.Msg, resp.Msg.GetKey(), resp.Msg.GetToken(), f.asJSON)
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
	return cmd
}

func keysListCmd(team *string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the team's keys (never their tokens)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.ApiKeys.ListApiKeys(cmd.Context(), connect.NewRequest(&patchbayv1.ListApiKeysRequest{Team: *team}))
			if err != nil {
				return err
			}
			if asJSON {
				return printProtoJSON(cmd.OutOrStdout(), resp.Msg)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tTOKEN\tGRANTS\tEXPIRES\tLAST USED")
			for _, k := range resp.Msg.GetKeys() {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", k.GetId(), k.GetName(), k.GetTokenHint(), grantsText(k.GetGrants()),
					tsText(k.GetExpiresAt(), "never"), tsText(k.GetLastUsedAt(), "never"))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func keysShowCmd(team *string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one key (never its token)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.ApiKeys.GetApiKey(cmd.Context(), connect.NewRequest(&patchbayv1.GetApiKeyRequest{Team: *team, Id: args[0]}))
			if err != nil {
				return err
			}
			if asJSON {
				return printProtoJSON(cmd.OutOrStdout(), resp.Msg.GetKey())
			}
			printKey(cmd.OutOrStdout(), resp.Msg.GetKey())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func keysUpdateCmd(team *string) *cobra.Command {
	var f keyFlags
	var name string
	var clearGrants bool
	cmd := &cobra.Command{
		Use:   "update ID [--name NAME] [--grant ...] [--expires ...] [--rate-limit N]",
		Short: "Change a key's name, grants, expiry or rate limit (the token stays valid)",
		Long: `Change a key. Only the flags given change; --grant replaces all grants
(use --no-grants to remove them all).

` + grantHelp,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			cur, err := c.ApiKeys.GetApiKey(cmd.Context(), connect.NewRequest(&patchbayv1.GetApiKeyRequest{Team: *team, Id: args[0]}))
			if err != nil {
				return err
			}
			k := cur.Msg.GetKey()
			req := &patchbayv1.UpdateApiKeyRequest{Team: *team, Id: k.GetId(), Name: k.GetName(), Grants: k.GetGrants(),
				ExpiresAt: k.GetExpiresAt(), RateLimitPerMinute: k.GetRateLimitPerMinute()}
			if cmd.Flags().Changed("name") {
				req.Name = name
			}
			if cmd.Flags().Changed("grant") {
				if req.Grants, err = parseGrants(f.grants); err != nil {
					return err
				}
			}
			if clearGrants {
				req.Grants = nil
			}
			if cmd.Flags().Changed("expires") {
				if req.ExpiresAt, err = parseExpiry(f.expires, time.Now()); err != nil {
					return err
				}
			}
			if cmd.Flags().Changed("rate-limit") {
				req.RateLimitPerMinute = f.rateLimit
			}
			resp, err := c.ApiKeys.UpdateApiKey(cmd.Context(), connect.NewRequest(req))
			if err != nil {
				return err
			}
			if f.asJSON {
				return printProtoJSON(cmd.OutOrStdout(), resp.Msg.GetKey())
			}
			printKey(cmd.OutOrStdout(), resp.Msg.GetKey())
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&name, "name", "", "new name")
	cmd.Flags().BoolVar(&clearGrants, "no-grants", false, "remove every grant")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
	return cmd
}

func keysRegenerateCmd(team *string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "regenerate ID",
		Short: "Replace a key's token; the old token stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.ApiKeys.RegenerateApiKey(cmd.Context(), connect.NewRequest(&patchbayv1.RegenerateApiKeyRequest{Team: *team, Id: args[0]}))
			if err != nil {
				return err
			}
			return printSecretKey(cmd, c, resp.Msg, resp.Msg.GetKey(), resp.Msg.GetToken(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func keysDeleteCmd(team *string) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a key, its triggers and the provider webhooks they created",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			if _, err := c.ApiKeys.DeleteApiKey(cmd.Context(), connect.NewRequest(&patchbayv1.DeleteApiKeyRequest{Team: *team, Id: args[0], Force: force})); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted key %s.\n", args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "delete even when a provider webhook cannot be removed (it is left at the provider)")
	return cmd
}

func keysAuditCmd(team *string) *cobra.Command {
	var (
		asJSON bool
		limit  uint32
	)
	cmd := &cobra.Command{
		Use:   "audit [ID]",
		Short: "Show the audit log of calls made with the team's keys (or one key)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			req := &patchbayv1.ListApiKeyAuditRequest{Team: *team, Limit: limit}
			if len(args) == 1 {
				req.Id = args[0]
			}
			resp, err := c.ApiKeys.ListApiKeyAudit(cmd.Context(), connect.NewRequest(req))
			if err != nil {
				return err
			}
			if asJSON {
				return printProtoJSON(cmd.OutOrStdout(), resp.Msg)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "TIME\tKEY\tCALL\tPROVIDER\tCOMPONENT\tPROFILE\tOUTCOME")
			for _, e := range resp.Msg.GetEntries() {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", tsText(e.GetAt(), "-"), e.GetKeyId(), e.GetCall(),
					dash(e.GetProvider()), dash(e.GetComponent()), dash(e.GetProfile()), e.GetOutcome())
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().Uint32Var(&limit, "limit", 100, "newest entries to show")
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// printSecretKey prints a key with its token. The token goes to stdout
// only, so `patchbay keys create ... --json | jq -r .token` can capture it.
func printSecretKey(cmd *cobra.Command, c *client, msg proto.Message, k *patchbayv1.ApiKey, token string, asJSON bool) error {
	if asJSON {
		return printProtoJSON(cmd.OutOrStdout(), msg)
	}
	w := cmd.OutOrStdout()
	printKey(w, k)
	fmt.Fprintf(w, "\nToken (shown only now; store it as a secret):\n  %s\n", token)
	base := ""
	if c.Team != nil { // a server: its public URL, which CI reaches
		if who, err := c.Team.WhoAmI(cmd.Context(), connect.NewRequest(&patchbayv1.WhoAmIRequest{})); err == nil {
			base = strings.TrimRight(who.Msg.GetPublicUrl(), "/")
		}
	}
	fmt.Fprintf(w, "\nUse it with: Authorization: Bearer <token> on %s/patchbay.v1.ActionService/*\n", base)
	return nil
}

func printKey(w io.Writer, k *patchbayv1.ApiKey) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\t%s\n", k.GetId())
	fmt.Fprintf(tw, "Team\t%s\n", k.GetTeam())
	fmt.Fprintf(tw, "Name\t%s\n", k.GetName())
	fmt.Fprintf(tw, "Token\t%s\n", k.GetTokenHint())
	fmt.Fprintf(tw, "Grants\t%s\n", grantsText(k.GetGrants()))
	limit := "default"
	if n := k.GetRateLimitPerMinute(); n > 0 {
		limit = fmt.Sprintf("%d/min", n)
	}
	fmt.Fprintf(tw, "Rate limit\t%s\n", limit)
	fmt.Fprintf(tw, "Created\t%s\n", tsText(k.GetCreatedAt(), "-"))
	fmt.Fprintf(tw, "Expires\t%s\n", tsText(k.GetExpiresAt(), "never"))
	fmt.Fprintf(tw, "Last used\t%s\n", tsText(k.GetLastUsedAt(), "never"))
	tw.Flush()
}

func grantsText(gs []*patchbayv1.Grant) string {
	if len(gs) == 0 {
		return "(none: every call is denied)"
	}
	parts := make([]string, 0, len(gs))
	for _, g := range gs {
		s := g.GetProvider() + ":" + strings.Join(g.GetComponents(), ",")
		if p := g.GetProfile(); p != "" && p != "default" {
			s += "@" + p
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func tsText(ts *timestamppb.Timestamp, zero string) string {
	if ts == nil {
		return zero
	}
	return ts.AsTime().Local().Format(time.RFC3339)
}

func printProtoJSON(w io.Writer, m proto.Message) error {
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
