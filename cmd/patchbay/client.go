package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/daemon"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
)

// client holds one Connect client per daemon service, talking over the
// daemon's Unix socket, or over TLS to a Patchbay server after patchbay
// login (then Info.Address is the server's URL and Team is set).
type client struct {
	Info        *daemon.Info
	Daemon      patchbayv1connect.DaemonServiceClient
	Workspace   patchbayv1connect.WorkspaceServiceClient
	Credentials patchbayv1connect.CredentialServiceClient
	Environment patchbayv1connect.EnvironmentServiceClient
	Provision   patchbayv1connect.ProvisionServiceClient
	ApiKeys     patchbayv1connect.ApiKeyServiceClient
	Assistant   patchbayv1connect.AssistantServiceClient
	Team        patchbayv1connect.TeamServiceClient // nil for a local daemon
}

func newClient(info *daemon.Info) *client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", info.Socket)
		},
		Protocols: new(http.Protocols),
	}
	// HTTP/2 without TLS (prior knowledge) so streams and unary calls share
	// one connection.
	tr.Protocols.SetUnencryptedHTTP2(true)
	c := clientsAt(&http.Client{Transport: tr}, "http://localhost")
	c.Info = info
	return c
}

// newServerClient talks to the server of a login.
func newServerClient(l *serverLogin) (*client, error) {
	hc, err := l.httpClient()
	if err != nil {
		return nil, err
	}
	c := clientsAt(hc, l.URL)
	c.Info = &daemon.Info{Address: l.URL}
	c.Team = patchbayv1connect.NewTeamServiceClient(hc, l.URL)
	return c, nil
}

func clientsAt(hc *http.Client, base string) *client {
	return &client{
		Daemon:      patchbayv1connect.NewDaemonServiceClient(hc, base),
		Workspace:   patchbayv1connect.NewWorkspaceServiceClient(hc, base),
		Credentials: patchbayv1connect.NewCredentialServiceClient(hc, base),
		Environment: patchbayv1connect.NewEnvironmentServiceClient(hc, base),
		Provision:   patchbayv1connect.NewProvisionServiceClient(hc, base),
		ApiKeys:     patchbayv1connect.NewApiKeyServiceClient(hc, base),
		Assistant:   patchbayv1connect.NewAssistantServiceClient(hc, base),
	}
}

// errNotRunning means no daemon answers for this home.
var errNotRunning = errors.New("the patchbay daemon is not running")

// connectRunning returns a client for a daemon that answers, or errNotRunning.
func connectRunning(ctx context.Context, home string) (*client, error) {
	info, err := daemon.ReadInfo(home)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNotRunning
	}
	if err != nil {
		return nil, err
	}
	c := newClient(info)
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := c.Daemon.Version(pctx, connect.NewRequest(&patchbayv1.VersionRequest{})); err != nil {
		return nil, fmt.Errorf("%w (daemon.json names pid %d but it does not answer: %v)", errNotRunning, info.PID, err)
	}
	return c, nil
}

// dial connects to the server the CLI is logged in to, else to the
// daemon, starting it in the background when it is
// not running (unless --no-start).
func dial(ctx context.Context) (*client, error) {
	home, err := homeDir()
	if err != nil {
		return nil, err
	}
	if l, err := currentLogin(home); err != nil || l != nil {
		if err != nil {
			return nil, err
		}
		return newServerClient(l)
	}
	c, err := connectRunning(ctx, home)
	if err == nil || !errors.Is(err, errNotRunning) {
		return c, err
	}
	if g.noStart {
		return nil, err
	}
	if err := startDaemon(home); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := connectRunning(ctx, home)
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("started the daemon but it did not answer within 15s; see %s: %w", filepath.Join(home, "daemon.log"), err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// startDaemon runs `patchbay daemon` detached from this process, logging to
// home/daemon.log.
func startDaemon(home string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the patchbay binary to start the daemon: %w", err)
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(home, "daemon.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "daemon", "--home", home)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the daemon: %w", err)
	}
	return cmd.Process.Release()
}
