// Package mcpserver is `patchbay mcp`: a Model Context Protocol server (on
// the official Go SDK) that lets agents in VS Code, Cursor or Claude Code use
// Patchbay. Every tool calls the daemon's API, the same calls the CLI makes.
//
// Two rules hold for everything it returns. It never carries a secret: no
// call asks the daemon for values, credentials appear as provider, profile
// and check status only, and findings leave out the evidence text (a source
// line may hold a hard-coded key). And it never changes anything at a
// provider on the agent's word alone: apply and destroy open an approval
// request that the user answers in the editor or with `patchbay approve`.
package mcpserver

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
)

// Daemon holds the daemon clients the server uses.
type Daemon struct {
	Workspace   patchbayv1connect.WorkspaceServiceClient
	Credentials patchbayv1connect.CredentialServiceClient
	Environment patchbayv1connect.EnvironmentServiceClient
	Provision   patchbayv1connect.ProvisionServiceClient
}

// Options configure a server.
type Options struct {
	// Root is the workspace tools act on when a call names none.
	Root string
	// Version is reported to clients.
	Version string
	// ApprovalTimeout bounds the wait for the user's answer (0: the daemon's
	// default, 5 minutes).
	ApprovalTimeout time.Duration
}

type server struct {
	d    Daemon
	opts Options
}

// New returns the MCP server.
func New(d Daemon, opts Options) *mcp.Server {
	s := &server{d: d, opts: opts}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: "patchbay", Title: "Patchbay", Version: opts.Version}, &mcp.ServerOptions{
		Instructions: "Patchbay detects the third-party services (Stripe, Auth0, SendGrid, AWS, ...) a workspace uses, " +
			"provisions what each environment needs at the providers and injects the values under the names the code reads. " +
			"Start with scan; plan is read-only; apply and destroy wait until the user approves them in the editor or the CLI. " +
			"No tool ever returns a secret value: run the app with `patchbay run --env NAME -- CMD` to give it its secrets.",
	})
	s.addTools(srv)
	s.addResources(srv)
	return srv
}

// root resolves a tool's workspace argument against the server's root.
func (s *server) root(ws string) (string, error) {
	if ws == "" {
		ws = s.opts.Root
	}
	if ws == "" {
		return "", errors.New("no workspace: pass workspace, or start the server with --workspace")
	}
	if !filepath.IsAbs(ws) {
		ws = filepath.Join(s.opts.Root, ws)
	}
	return filepath.Clean(ws), nil
}

func envOr(env string) string {
	if env == "" {
		return "local"
	}
	return env
}

// text is a tool result whose content is markdown for the model.
func text(format string, a ...any) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf(format, a...)}}}
}

// bullet joins lines as a markdown list.
func bullet(lines []string) string {
	if len(lines) == 0 {
		return "(none)\n"
	}
	return "- " + strings.Join(lines, "\n- ") + "\n"
}
