package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/patchbay-dev/patchbay/daemon"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/internal/teams"
)

// A login (server.json in the state directory, 0600) makes every command
// talk to a Patchbay server instead of the local daemon. CI can skip the
// file: PATCHBAY_SERVER_URL and PATCHBAY_TOKEN (and PATCHBAY_SERVER_CA,
// PATCHBAY_TEAM) do the same.

const (
	serverURLEnv = "PATCHBAY_SERVER_URL"
	tokenEnv     = "PATCHBAY_TOKEN"
	serverCAEnv  = "PATCHBAY_SERVER_CA"
	teamEnv      = "PATCHBAY_TEAM"
)

// serverLogin is server.json.
type serverLogin struct {
	URL   string `json:"url"`
	Token string `json:"token"`
	// CAFile is a PEM bundle trusted for the server's certificate (a
	// self-signed or private CA); empty trusts the system's roots.
	CAFile string `json:"ca_file,omitempty"`
	// Team is sent with requests that name no team.
	Team string `json:"team,omitempty"`
	User string `json:"user,omitempty"`
}

func loginFile(home string) string { return filepath.Join(home, "server.json") }

// currentLogin returns the server this CLI talks to, or nil for the local
// daemon.
func currentLogin(home string) (*serverLogin, error) {
	if u := os.Getenv(serverURLEnv); u != "" {
		tok := os.Getenv(tokenEnv)
		if tok == "" {
			return nil, fmt.Errorf("%s is set but %s is not", serverURLEnv, tokenEnv)
		}
		return &serverLogin{URL: u, Token: tok, CAFile: os.Getenv(serverCAEnv), Team: os.Getenv(teamEnv)}, nil
	}
	b, err := os.ReadFile(loginFile(home))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var l serverLogin
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%s is corrupt (patchbay logout, then log in again): %w", loginFile(home), err)
	}
	if t := os.Getenv(teamEnv); t != "" {
		l.Team = t
	}
	return &l, nil
}

// httpClient trusts l.CAFile (else the system roots) and speaks HTTP/2.
func (l *serverLogin) httpClient() (*http.Client, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if l.CAFile != "" {
		pem, err := os.ReadFile(l.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read the server's CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate", l.CAFile)
		}
		tc.RootCAs = pool
	}
	tr := &http.Transport{TLSClientConfig: tc, ForceAttemptHTTP2: true, Proxy: http.ProxyFromEnvironment}
	return &http.Client{Transport: &authTransport{next: tr, token: l.Token, team: l.Team}}, nil
}

// authTransport adds the user token and default team to every request.
type authTransport struct {
	next  http.RoundTripper
	token string
	team  string
}

func (a *authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+a.token)
	if a.team != "" && r.Header.Get(teams.TeamHeader) == "" {
		r.Header.Set(teams.TeamHeader, a.team)
	}
	return a.next.RoundTrip(r)
}

func newLoginCmd() *cobra.Command {
	var server, caFile, team string
	var tokenStdin bool
	cmd := &cobra.Command{
		Use:   "login --server URL [--cacert FILE] [--team TEAM]",
		Short: "Log in to a Patchbay server; later commands talk to it",
		Long: `Log in to a Patchbay server with the token a team owner gave you
(patchbay team add, or patchbay server add-user). The token is read from
the terminal without echo, from stdin with --token-stdin, or from
$PATCHBAY_TOKEN; it is checked with the server and stored in server.json
in the state directory (0600). Until "patchbay logout", every command
talks to the server instead of the local daemon.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			u, err := url.Parse(server)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				return fmt.Errorf("--server %q: want the server's https:// URL", server)
			}
			home, err := homeDir()
			if err != nil {
				return err
			}
			tok, err := readToken(cmd, tokenStdin)
			if err != nil {
				return err
			}
			if caFile != "" {
				if caFile, err = filepath.Abs(caFile); err != nil {
					return err
				}
			}
			l := &serverLogin{URL: strings.TrimRight(server, "/"), Token: tok, CAFile: caFile, Team: team}
			c, err := newServerClient(l)
			if err != nil {
				return err
			}
			who, err := c.Team.WhoAmI(cmd.Context(), connect.NewRequest(&patchbayv1.WhoAmIRequest{}))
			if err != nil {
				return fmt.Errorf("log in to %s: %w", l.URL, err)
			}
			l.User = who.Msg.GetUser()
			if err := daemon.PrepareHome(home); err != nil {
				return err
			}
			if err := writePrivateJSON(loginFile(home), l); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "logged in to %s as %s\n", l.URL, l.User)
			for _, m := range who.Msg.GetMemberships() {
				fmt.Fprintf(out, "  %s of team %s\n", roleName(m.GetRole()), m.GetTeam())
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "the server's URL (https://…)")
	cmd.Flags().StringVar(&caFile, "cacert", "", "PEM file of the CA (or self-signed certificate) to trust for the server")
	cmd.Flags().StringVar(&team, "team", "", "team for requests that name none (needed when you are in several)")
	cmd.Flags().BoolVar(&tokenStdin, "token-stdin", false, "read the token from stdin")
	_ = cmd.MarkFlagRequired("server")
	return cmd
}

func readToken(cmd *cobra.Command, fromStdin bool) (string, error) {
	if t := os.Getenv(tokenEnv); t != "" && !fromStdin {
		return t, nil
	}
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(cmd.ErrOrStderr(), "token: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if t := strings.TrimSpace(line); t != "" {
		return t, nil
	}
	return "", errors.New("no token: pass it on stdin (--token-stdin) or in $PATCHBAY_TOKEN")
}

// writePrivateJSON writes v to path atomically with mode 0600.
func writePrivateJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func newLogoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Forget the server login; commands talk to the local daemon again",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, err := homeDir()
			if err != nil {
				return err
			}
			err = os.Remove(loginFile(home))
			if errors.Is(err, os.ErrNotExist) {
				fmt.Fprintln(cmd.OutOrStdout(), "not logged in to a server")
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "logged out; commands talk to the local daemon")
			return nil
		},
	}
}

func roleName(r patchbayv1.Role) string {
	return strings.ToLower(strings.TrimPrefix(r.String(), "ROLE_"))
}

func newTeamCmd() *cobra.Command {
	var team string
	cmd := &cobra.Command{
		Use:   "team",
		Short: "Members of a team on a Patchbay server, their roles and the audit log",
	}
	cmd.PersistentFlags().StringVar(&team, "team", "", "the team (default: your login's, or your only one)")
	withServer := func(ctx context.Context) (*client, error) {
		c, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		if c.Team == nil {
			return nil, errors.New("not logged in to a server: patchbay login --server URL")
		}
		return c, nil
	}
	cmd.AddCommand(
		&cobra.Command{
			Use: "whoami", Short: "Who you are on the server and your roles", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				c, err := withServer(cmd.Context())
				if err != nil {
					return err
				}
				who, err := c.Team.WhoAmI(cmd.Context(), connect.NewRequest(&patchbayv1.WhoAmIRequest{}))
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "%s on %s (public URL %s)\n", who.Msg.GetUser(), c.Info.Address, who.Msg.GetPublicUrl())
				for _, m := range who.Msg.GetMemberships() {
					fmt.Fprintf(out, "  %s of team %s\n", roleName(m.GetRole()), m.GetTeam())
				}
				return nil
			},
		},
		&cobra.Command{
			Use: "members", Short: "List the team's members", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				c, err := withServer(cmd.Context())
				if err != nil {
					return err
				}
				resp, err := c.Team.ListMembers(cmd.Context(), connect.NewRequest(&patchbayv1.ListMembersRequest{Team: team}))
				if err != nil {
					return err
				}
				for _, m := range resp.Msg.GetMembers() {
					fmt.Fprintf(cmd.OutOrStdout(), "%-8s %s\n", roleName(m.GetRole()), m.GetUser())
				}
				return nil
			},
		},
		teamAddCmd(&team),
		&cobra.Command{
			Use: "remove USER", Short: "Take a user out of the team (owners)", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				c, err := withServer(cmd.Context())
				if err != nil {
					return err
				}
				if _, err := c.Team.RemoveMember(cmd.Context(), connect.NewRequest(&patchbayv1.RemoveMemberRequest{Team: team, User: args[0]})); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", args[0])
				return nil
			},
		},
		&cobra.Command{
			Use: "audit", Short: "The server's audit log: every mutation with its user", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				c, err := withServer(cmd.Context())
				if err != nil {
					return err
				}
				resp, err := c.Team.ListAudit(cmd.Context(), connect.NewRequest(&patchbayv1.ListAuditRequest{Limit: 100}))
				if err != nil {
					return err
				}
				for _, e := range resp.Msg.GetEntries() {
					fmt.Fprintf(cmd.OutOrStdout(), "%s  %-10s %-40s %s %s\n", e.GetAt().AsTime().Local().Format("2006-01-02 15:04:05"),
						e.GetUser(), e.GetAction(), e.GetTarget(), e.GetDetail())
				}
				return nil
			},
		},
	)
	return cmd
}

func teamAddCmd(team *string) *cobra.Command {
	var role string
	cmd := &cobra.Command{
		Use:   "add USER [--role member]",
		Short: "Give a user a role in the team (owners); a new user's token is printed once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := teams.ParseRole(role)
			if err != nil {
				return err
			}
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			if c.Team == nil {
				return errors.New("not logged in to a server: patchbay login --server URL")
			}
			resp, err := c.Team.AddMember(cmd.Context(), connect.NewRequest(&patchbayv1.AddMemberRequest{
				Team: *team, User: args[0], Role: patchbayv1.Role(r)}))
			if err != nil {
				return err
			}
			m := resp.Msg.GetMember()
			return printAdded(cmd, m.GetUser(), m.GetTeam(), roleName(m.GetRole()), resp.Msg.GetToken())
		},
	}
	cmd.Flags().StringVar(&role, "role", "member", "owner, member or viewer")
	return cmd
}
