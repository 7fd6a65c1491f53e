package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/internal/teams"
	"github.com/patchbay-dev/patchbay/store"
)

func newServerCmd() *cobra.Command {
	var (
		listen, certFile, keyFile, publicURL, database, logLevel string
		logJSON                                                  bool
		workspaceRoots                                           []string
	)
	cmd := &cobra.Command{
		Use:   "server --cert FILE --key FILE [--listen ADDR] [--public-url URL]",
		Short: "Serve the Patchbay API over TLS to a team (users, roles, audit)",
		Long: `Serve the same API as the daemon over TLS for many users, on a shared
PostgreSQL state database (--database or PATCHBAY_DATABASE_URL; required).

Every request needs a user token ("Authorization: Bearer pbu_…"); users log
in with "patchbay login --server URL". Each user has a role per team:
viewers read, members also change environments, credentials and API keys
and plan and apply, owners also manage the team's members. Every mutation
is audited with its user. API keys (ActionService) and trigger webhooks are
served here too, at --public-url, so CI and providers reach them without
anyone's laptop. Create the first owner with "patchbay server add-user".

The server analyzes and plans workspaces on its own disk (the team's
checkouts, kept up to date by CI or a cron job): requests may only name
paths under a --workspace-root.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if certFile == "" || keyFile == "" {
				return errors.New("--cert and --key are required: a server only speaks TLS")
			}
			home, err := homeDir()
			if err != nil {
				return err
			}
			db, err := serverDatabase(home, database)
			if err != nil {
				return err
			}
			if err := daemon.PrepareHome(home); err != nil {
				return err
			}
			log, err := newLogger(logLevel, logJSON)
			if err != nil {
				return err
			}
			if publicURL == "" {
				publicURL = os.Getenv(gateway.PublicURLEnv)
			}
			if publicURL == "" {
				publicURL = "https://" + listenHost(listen)
				log.Warn("no --public-url: API keys and trigger routes are announced at the listen address", "public_url", publicURL)
			}
			d, err := openDomains(cmd.Context(), home, db, publicURL, log)
			if err != nil {
				return err
			}
			defer d.Close()
			srv, err := daemon.New(daemon.Config{
				Home:           home,
				Logger:         log,
				Analyzer:       d.analyzer,
				Credentials:    d.creds,
				Engine:         d.engine,
				Gateway:        d.gateway,
				Users:          teams.New(d.state),
				PublicURL:      publicURL,
				WorkspaceRoots: workspaceRoots,
			})
			if err != nil {
				return err
			}
			return srv.Serve(cmd.Context(), daemon.ServeOptions{Listen: listen, CertFile: certFile, KeyFile: keyFile}, func(addr string) {
				fmt.Fprintf(cmd.OutOrStdout(), "patchbay server listening on https://%s (public URL %s)\n", addr, publicURL)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", ":8443", "address to listen on (host:port)")
	f.StringVar(&certFile, "cert", "", "TLS certificate (PEM, chain first)")
	f.StringVar(&keyFile, "key", "", "TLS private key (PEM)")
	f.StringVar(&publicURL, "public-url", "", "public base URL of this server for API keys and trigger webhooks (default $"+gateway.PublicURLEnv+")")
	f.StringVar(&database, "database", "", "shared PostgreSQL state database URL (default $"+databaseEnv+")")
	kekFlag(cmd)
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	f.BoolVar(&logJSON, "log-json", false, "log as JSON lines")
	f.StringArrayVar(&workspaceRoots, "workspace-root", nil, "folder of the checkouts the server may analyze and plan (repeatable); requests naming other paths are refused")
	cmd.AddCommand(newServerAddUserCmd(), newServerTokenCmd())
	return cmd
}

// serverDatabase is the state database of a server: it must be PostgreSQL,
// shared by every server process and daemon of the team.
func serverDatabase(home, flag string) (string, error) {
	db, err := stateDatabase(home, flag)
	if err != nil {
		return "", err
	}
	if !store.IsDatabaseURL(db) {
		return "", fmt.Errorf("a server needs a shared PostgreSQL database: set --database or %s to a postgres:// URL", databaseEnv)
	}
	return db, nil
}

func listenHost(listen string) string {
	if strings.HasPrefix(listen, ":") {
		if h, err := os.Hostname(); err == nil {
			return h + listen
		}
		return "localhost" + listen
	}
	return listen
}

func newServerAddUserCmd() *cobra.Command {
	var team, role, database string
	cmd := &cobra.Command{
		Use:   "add-user USER --team TEAM [--role owner]",
		Short: "Give a user a role in a team, straight in the database (the first owner)",
		Long: `Give USER a role in TEAM by writing to the state database directly, for
the first owner of a team (later, owners use "patchbay team add"). A new
user's token is printed once; they log in with it:

  patchbay login --server https://patchbay.example.com`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			home, err := homeDir()
			if err != nil {
				return err
			}
			db, err := serverDatabase(home, database)
			if err != nil {
				return err
			}
			r, err := teams.ParseRole(role)
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), db, nil)
			if err != nil {
				return err
			}
			defer st.Close()
			tok, err := teams.New(st).Add(cmd.Context(), team, args[0], r)
			if err != nil {
				return err
			}
			return printAdded(cmd, args[0], team, r.String(), tok)
		},
	}
	cmd.Flags().StringVar(&team, "team", "", "team (required)")
	cmd.Flags().StringVar(&role, "role", "owner", "owner, member or viewer")
	cmd.Flags().StringVar(&database, "database", "", "shared PostgreSQL state database URL (default $"+databaseEnv+")")
	_ = cmd.MarkFlagRequired("team")
	return cmd
}

func printAdded(cmd *cobra.Command, user, team, role, token string) error {
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "%s is %s of team %s\n", user, role, team)
	if token != "" {
		fmt.Fprintf(out, "token (shown once; give it to %s for patchbay login):\n%s\n", user, token)
	}
	return nil
}

func newServerTokenCmd() *cobra.Command {
	var database string
	var revoke bool
	cmd := &cobra.Command{
		Use:   "token USER [--revoke]",
		Short: "Issue a user a new token (a lost one), or --revoke all of theirs",
		Long: `Issue USER a new token, printed once, by writing to the state database
directly; with --revoke, delete every token USER has instead (they are
logged out everywhere until given a new one).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			home, err := homeDir()
			if err != nil {
				return err
			}
			db, err := serverDatabase(home, database)
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), db, nil)
			if err != nil {
				return err
			}
			defer st.Close()
			users := teams.New(st)
			if revoke {
				if err := users.Revoke(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "revoked every token of %s\n", args[0])
				return nil
			}
			if ok, err := st.UserExists(cmd.Context(), args[0]); err != nil || !ok {
				if err == nil {
					err = fmt.Errorf("no user %q: add them with patchbay server add-user", args[0])
				}
				return err
			}
			tok, err := users.NewToken(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token (shown once; give it to %s for patchbay login):\n%s\n", args[0], tok)
			return nil
		},
	}
	cmd.Flags().BoolVar(&revoke, "revoke", false, "delete every token of USER instead")
	cmd.Flags().StringVar(&database, "database", "", "shared PostgreSQL state database URL (default $"+databaseEnv+")")
	return cmd
}
