package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/gateway"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/internal/sealed"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

func newDaemonCmd() *cobra.Command {
	var (
		port     int
		socket   string
		logLevel string
		logJSON  bool
		database string
	)
	cmd := &cobra.Command{
		Use:   "daemon",
		Short: "Run the Patchbay daemon in the foreground",
		Long: `Run the daemon that backs the editor and the CLI.

It serves Connect, gRPC and gRPC-Web on a Unix socket (0600) and on
127.0.0.1 (requests there need "Authorization: Bearer <token>"), and writes
daemon.json (address, socket, token, pid; 0600) to the state directory.
Stop it with Ctrl-C, SIGTERM or "patchbay daemon stop".

With --database or PATCHBAY_DATABASE_URL naming a PostgreSQL database
(postgres://user:password@host/db), state is kept there instead of in
state.db: several daemons pointed at one database share environments,
resources, the journal, API keys and the audit log, and applies of one
environment are serialized by a lock in the database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, err := homeDir()
			if err != nil {
				return err
			}
			// Before the state database and keyring are opened in it.
			if err := daemon.PrepareHome(home); err != nil {
				return err
			}
			log, err := newLogger(logLevel, logJSON)
			if err != nil {
				return err
			}
			d, err := openDomains(cmd.Context(), home, database, "", log)
			if err != nil {
				return err
			}
			defer d.Close()
			srv, err := daemon.New(daemon.Config{
				Home:        home,
				Port:        port,
				Socket:      socket,
				Logger:      log,
				Analyzer:    d.analyzer,
				Credentials: d.creds,
				Engine:      d.engine,
				Gateway:     d.gateway,
			})
			if err != nil {
				return err
			}
			return srv.Run(cmd.Context(), func(info *daemon.Info) {
				fmt.Fprintf(cmd.OutOrStdout(), "patchbay daemon %s listening on %s and %s\n", info.Version, info.Address, info.Socket)
			})
		},
	}
	cmd.Flags().IntVar(&port, "port", 0, "loopback TCP port (0 picks a free one)")
	cmd.Flags().StringVar(&socket, "socket", "", "Unix socket path (default <home>/daemon.sock)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	cmd.Flags().BoolVar(&logJSON, "log-json", false, "log as JSON lines")
	cmd.Flags().StringVar(&database, "database", "", "shared PostgreSQL state database URL (default $"+databaseEnv+", else state.db in the state directory)")
	kekFlag(cmd)
	cmd.AddCommand(newDaemonStatusCmd(), newDaemonStopCmd(), newDaemonKeysetCmd(), newDaemonBackupCmd())
	return cmd
}

func newDaemonBackupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Copy the SQLite state database consistently, even while the daemon runs",
		Long: `Write a consistent copy of state.db to FILE (0600; it must not exist).
Restore by stopping the daemon and moving the copy over state.db. Secrets
are not in it: they live in the keyring. A PostgreSQL state database is
backed up with pg_dump -Fc and restored with pg_restore (docs/teams.md).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			home, err := homeDir()
			if err != nil {
				return err
			}
			db, err := stateDatabase(home, "")
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), db, nil)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.Backup(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "state database copied to %s\n", args[0])
			return nil
		},
	}
}

func newDaemonKeysetCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "keyset FILE",
		Short: "Create the keyset that seals provisioned secrets in a shared state database",
		Long: `Create a Tink AES-256-GCM keyset (JSON, mode 0600) in FILE; it refuses to
overwrite one. Daemons started with PATCHBAY_KEYSET_FILE=FILE seal every
provisioned secret with a fresh data key wrapped by this key (envelope
encryption) and keep it in the state database, so the daemons sharing a
PostgreSQL database share secrets and the database never holds them in
plain text. Back the file up apart from the database: without it the
secrets cannot be read.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sealed.CreateKeyset(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "keyset written to %s; start daemons with %s=%s\n", args[0], sealed.KeysetEnv, args[0])
			return nil
		},
	}
}

func newDaemonStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show whether the daemon is running and where",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, err := homeDir()
			if err != nil {
				return err
			}
			c, err := connectRunning(cmd.Context(), home)
			if err != nil {
				return &exitError{code: 3, err: err}
			}
			v, err := c.Daemon.Version(cmd.Context(), connect.NewRequest(&patchbayv1.VersionRequest{}))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "running: patchbay daemon %s (pid %d)\n", v.Msg.GetVersion(), v.Msg.GetPid())
			fmt.Fprintf(out, "address: %s\nsocket:  %s\ninfo:    %s\n", c.Info.Address, c.Info.Socket, daemon.InfoFile(home))
			return nil
		},
	}
}

func newDaemonStopCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "stop",
		Short: "Stop the running daemon",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, err := homeDir()
			if err != nil {
				return err
			}
			c, err := connectRunning(cmd.Context(), home)
			if errors.Is(err, errNotRunning) {
				fmt.Fprintln(cmd.OutOrStdout(), "the daemon is not running")
				return nil
			}
			if err != nil {
				return err
			}
			if _, err := c.Daemon.Shutdown(cmd.Context(), connect.NewRequest(&patchbayv1.ShutdownRequest{})); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stopped the daemon (pid %d)\n", c.Info.PID)
			return nil
		},
	}
}

// newLogger logs text (or JSON lines) to stderr at level.
func newLogger(level string, asJSON bool) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	hopts := &slog.HandlerOptions{Level: l}
	if asJSON {
		return slog.New(slog.NewJSONHandler(os.Stderr, hopts)), nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, hopts)), nil
}

// domains are what a daemon or server serves, opened on one home and state
// database.
type domains struct {
	analyzer *analyzer.Analyzer
	creds    *vault.Credentials
	engine   *engine.Engine
	state    *store.Store
	gateway  *gateway.Gateway
}

func (d *domains) Close() {
	d.gateway.Close()
	d.state.Close()
}

// openDomains opens the keyring, the state database (database, else
// $PATCHBAY_DATABASE_URL, else state.db), the engine and the gateway.
// publicURL "" lets the gateway read $PATCHBAY_PUBLIC_URL.
func openDomains(ctx context.Context, home, database, publicURL string, log *slog.Logger) (*domains, error) {
	creds, err := openCredentials(home, log)
	if err != nil {
		return nil, err
	}
	an := analyzer.New(analyzer.Options{Logger: log})
	go an.WarmUp() // queries compile in the background while the daemon starts
	db, err := stateDatabase(home, database)
	if err != nil {
		return nil, err
	}
	eng, state, err := newEngineAt(ctx, db, an, creds.Store(), log)
	if err != nil {
		return nil, err
	}
	gwCreds, gwChecker, gwSecrets := gateway.FromVault(creds, creds.Store(), vault.ErrNotFound)
	gw, err := gateway.New(ctx, gateway.Config{
		Store:       state,
		Credentials: gwCreds,
		Checker:     gwChecker,
		Secrets:     gwSecrets,
		Logger:      log,
		PublicURL:   publicURL,
	})
	if err != nil {
		state.Close()
		return nil, err
	}
	return &domains{analyzer: an, creds: creds, engine: eng, state: state, gateway: gw}, nil
}

// oneLine shortens multi-line messages for terminal output.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
