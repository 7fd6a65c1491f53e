package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/internal/sealed"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

// The domain objects are built here, not in daemon/ (which is transport
// only): the engine with its state database, secrets and endpoints.

// stateDB is the state database's file name under PATCHBAY_HOME.
const stateDB = "state.db"

// databaseEnv names a shared PostgreSQL state database
// (postgres://user@host/db); without it state is SQLite under
// PATCHBAY_HOME.
const databaseEnv = "PATCHBAY_DATABASE_URL"

// stateDatabase is where state lives: flag (--database) if set, else
// $PATCHBAY_DATABASE_URL, else home/state.db.
func stateDatabase(home, flag string) (string, error) {
	db := flag
	if db == "" {
		db = os.Getenv(databaseEnv)
	}
	if db == "" {
		return filepath.Join(home, stateDB), nil
	}
	if !store.IsDatabaseURL(db) {
		return "", fmt.Errorf("%s / --database must be a postgres:// or postgresql:// URL, not %q", databaseEnv, db)
	}
	return db, nil
}

// newEngine opens the state database under home and returns an engine that
// reads findings from a (the daemon's own analyzer, so snapshots are
// shared), credentials and provisioned secrets from the vault, and reaches
// each provider at its real endpoint unless PATCHBAY_ENDPOINT_<KEY> (the
// provider's EndpointKey in the registry) says otherwise. Close the returned
// store on shutdown.
func newEngine(ctx context.Context, home string, a *analyzer.Analyzer, v *vault.Store, log *slog.Logger) (*engine.Engine, *store.Store, error) {
	db, err := stateDatabase(home, "")
	if err != nil {
		return nil, nil, err
	}
	return newEngineAt(ctx, db, a, v, log)
}

// newEngineAt is newEngine with the state database named: a SQLite file
// or a PostgreSQL URL (stateDatabase).
func newEngineAt(ctx context.Context, database string, a *analyzer.Analyzer, v *vault.Store, log *slog.Logger) (*engine.Engine, *store.Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, database, log)
	if err != nil {
		return nil, nil, err
	}
	// Provisioned secrets go to the keyring, or, with a keyset file or a
	// KMS key, sealed into
	// the state database so every daemon sharing it reads them.
	var secrets engine.SecretStore = engine.VaultSecrets{Store: v}
	// The key-encryption key is a keyset file's or a cloud KMS key's.
	if aead, err := sealed.FromEnv(ctx, os.Getenv); err != nil {
		st.Close()
		return nil, nil, err
	} else if aead != nil {
		secrets = engine.SealedSecrets{Store: st, Sealer: aead}
	} else if store.IsDatabaseURL(database) {
		log.Warn("shared state database without " + sealed.KeysetEnv + " or " + sealed.KEKURIEnv + ": provisioned secrets stay in this machine's keyring")
	}
	eng, err := engine.New(ctx, engine.Options{
		Store:       st,
		Types:       engine.AllTypes(engine.EndpointsFromEnv(nil)),
		Credentials: engine.VaultCredentials{Store: v},
		Secrets:     secrets,
		Source:      daemon.AnalyzerSource{Analyzer: a},
		Logger:      log,
	})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return eng, st, nil
}

// kekFlag adds --kek-uri: the cloud KMS key (aws-kms://arn:…) that wraps
// each sealed secret's data key, instead of a keyset file. It sets
// PATCHBAY_KEK_URI for this process, where newEngineAt reads it.
func kekFlag(cmd *cobra.Command) {
	var uri string
	cmd.Flags().StringVar(&uri, "kek-uri", "", "cloud KMS key-encryption key sealing provisioned secrets, aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID (default $"+sealed.KEKURIEnv+")")
	prev := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if uri != "" {
			if err := os.Setenv(sealed.KEKURIEnv, uri); err != nil {
				return err
			}
		}
		if prev != nil {
			return prev(cmd, args)
		}
		return nil
	}
}
