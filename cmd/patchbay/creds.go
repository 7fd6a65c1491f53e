package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"

	"connectrpc.com/connect"
	"github.com/99designs/keyring"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	"github.com/patchbay-dev/patchbay/vault"
)

// KeyringBackendEnv forces one keyring backend ("file", "secret-service",
// "keychain", "wincred"); by default the OS service is used where present.
const KeyringBackendEnv = "PATCHBAY_KEYRING_BACKEND"

// openCredentials builds the daemon's credential service: the keyring
// under home and the provider catalogue.
func openCredentials(home string, log *slog.Logger) (*vault.Credentials, error) {
	opts := vault.Options{Home: home, Logger: log}
	if b := os.Getenv(KeyringBackendEnv); b != "" {
		opts.Backends = []keyring.BackendType{keyring.BackendType(b)}
	}
	store, err := vault.Open(opts)
	if err != nil {
		return nil, err
	}
	if store.Locked() {
		log.Warn("the file keyring is locked; set " + vault.PassphraseEnv + " or unlock it from the editor or with `patchbay creds unlock`")
	}
	return vault.New(vault.Config{Store: store, Catalog: catalog.Get, All: catalog.All, Logger: log,
		Env: &providers.Env{Logger: log}}), nil
}

func newCredsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "creds",
		Aliases: []string{"credentials"},
		Short:   "Manage provider credentials kept in your OS keyring",
		Long: `Provider credentials live in the OS keyring (or an encrypted file with a
passphrase where there is none). Every save is checked live first; listings
show masked hints only. Secret values are read from stdin or a file, never
from the command line.`,
	}
	cmd.AddCommand(credsListCmd(), credsSetCmd(), credsCheckCmd(), credsDeleteCmd(), credsUnlockCmd(), newProvidersCmd())
	return cmd
}

func newProvidersCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "providers [PROVIDER]",
		Short: "Show the providers Patchbay holds credentials for, with their forms and how-tos",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.Credentials.ListProviders(cmd.Context(), connect.NewRequest(&patchbayv1.ListProvidersRequest{}))
			if err != nil {
				return err
			}
			list := resp.Msg.GetProviders()
			if len(args) == 1 {
				p := findProvider(list, args[0])
				if p == nil {
					return fmt.Errorf("unknown provider %q", args[0])
				}
				if asJSON {
					return printProtoJSON(cmd.OutOrStdout(), p)
				}
				printProviderInfo(cmd.OutOrStdout(), p)
				return nil
			}
			if asJSON {
				return printProtoJSON(cmd.OutOrStdout(), resp.Msg)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PROVIDER\tNAME\tFIELDS")
			for _, p := range list {
				var names []string
				for _, f := range p.GetFields() {
					n := f.GetName()
					if f.GetRequired() {
						n += "*"
					}
					names = append(names, n)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", p.GetId(), p.GetDisplayName(), strings.Join(names, " "))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func findProvider(list []*patchbayv1.ProviderInfo, id string) *patchbayv1.ProviderInfo {
	for _, p := range list {
		if p.GetId() == id {
			return p
		}
	}
	return nil
}

func printProviderInfo(w io.Writer, p *patchbayv1.ProviderInfo) {
	fmt.Fprintf(w, "%s (%s)\n\nFields:\n", p.GetDisplayName(), p.GetId())
	for _, f := range p.GetFields() {
		req := "optional"
		if f.GetRequired() {
			req = "required"
		}
		fmt.Fprintf(w, "  %-18s %s, %s, %s\n", f.GetName(), f.GetLabel(), strings.ToLower(strings.TrimPrefix(f.GetKind().String(), "FIELD_KIND_")), req)
		if f.GetHelp() != "" {
			fmt.Fprintf(w, "  %-18s %s\n", "", f.GetHelp())
		}
	}
	fmt.Fprintln(w, "\nHow to get them:")
	for i, s := range p.GetSteps() {
		fmt.Fprintf(w, "  %d. %s\n", i+1, s)
	}
	fmt.Fprintln(w, "\nMinimal permissions:")
	for _, s := range p.GetPermissions() {
		fmt.Fprintf(w, "  - %s\n", s)
	}
	fmt.Fprintf(w, "\nDocs: %s\nEndpoint override: %s\n", p.GetDocsUrl(), p.GetEndpointEnv())
}

func credsListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [PROVIDER]",
		Short: "List saved credential profiles (masked hints only)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			req := &patchbayv1.ListCredentialsRequest{}
			if len(args) == 1 {
				req.Provider = args[0]
			}
			resp, err := c.Credentials.ListCredentials(cmd.Context(), connect.NewRequest(req))
			if err != nil {
				return err
			}
			if asJSON {
				return printProtoJSON(cmd.OutOrStdout(), resp.Msg)
			}
			w := cmd.OutOrStdout()
			if resp.Msg.GetLocked() {
				fmt.Fprintln(w, "The keyring is locked: run `patchbay creds unlock` or set "+vault.PassphraseEnv+".")
				return nil
			}
			if len(resp.Msg.GetProfiles()) == 0 {
				fmt.Fprintf(w, "No credentials saved (keyring: %s). Add some with `patchbay creds set PROVIDER`.\n", resp.Msg.GetBackend())
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PROVIDER\tPROFILE\tSTATUS\tACCOUNT\tVALUES\tUPDATED")
			for _, p := range resp.Msg.GetProfiles() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.GetProvider(), p.GetProfile(), statusText(p.GetLastCheck()),
					dash(p.GetLastCheck().GetAccount()), hintsText(p.GetHints()), tsText(p.GetUpdatedAt(), "-"))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, p := range resp.Msg.GetProfiles() {
				// A damaged keyring item is listed with what to do about it.
				if r := p.GetLastCheck(); strings.HasPrefix(r.GetSummary(), vault.DamagedSummary) {
					fmt.Fprintf(w, "\n%s/%s: %s\n  %s\n", p.GetProvider(), p.GetProfile(), r.GetSummary(), r.GetFix())
				}
			}
			fmt.Fprintf(w, "\nkeyring: %s\n", resp.Msg.GetBackend())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func statusText(r *patchbayv1.CheckResult) string {
	if r == nil {
		return "unchecked"
	}
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(r.GetStatus().String(), "CHECK_STATUS_")), "_", " ")
}

func hintsText(h map[string]string) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+h[k])
	}
	return strings.Join(parts, " ")
}

type setFlags struct {
	profile   string
	fromFile  string
	fields    []string
	fileField []string
	force     bool
	replace   bool
	noBrowser bool
	asJSON    bool
}

func credsSetCmd() *cobra.Command {
	var f setFlags
	cmd := &cobra.Command{
		Use:   "set PROVIDER",
		Short: "Save (or update) credentials after checking them live",
		Long: `Save credentials for PROVIDER under a profile. Values come from, in order:
  --from-file FILE      a JSON object of field names to values, or the key file
                        itself for providers with a file field (GCP, Azure JSON)
  --file-field F=PATH   a file read into field F
  --field F=VALUE       non-secret fields only (secrets never go on the command line)
  stdin                 prompts for the remaining fields (hidden input on a
                        terminal); lines are read in field order when piped
Values left empty keep their saved value unless --replace. Credentials that
fail their live check are not saved unless --force.

Netlify connects through the browser: after its client ID and secret, the
command opens the authorization page and waits for the redirect.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			return runCredsSet(cmd, c, args[0], f)
		},
	}
	cmd.Flags().StringVar(&f.profile, "profile", "default", "profile name")
	cmd.Flags().StringVar(&f.fromFile, "from-file", "", "read values from a JSON file (or a provider key file)")
	cmd.Flags().StringArrayVar(&f.fields, "field", nil, "NAME=VALUE for a non-secret field (repeatable)")
	cmd.Flags().StringArrayVar(&f.fileField, "file-field", nil, "NAME=PATH: read field NAME from a file (repeatable)")
	cmd.Flags().BoolVar(&f.force, "force", false, "save even if the live check fails")
	cmd.Flags().BoolVar(&f.replace, "replace", false, "do not keep saved values for fields left empty")
	cmd.Flags().BoolVar(&f.noBrowser, "no-browser", false, "print the OAuth URL instead of opening a browser")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	return cmd
}

func runCredsSet(cmd *cobra.Command, c *client, provider string, f setFlags) error {
	ctx := cmd.Context()
	lp, err := c.Credentials.ListProviders(ctx, connect.NewRequest(&patchbayv1.ListProvidersRequest{}))
	if err != nil {
		return err
	}
	info := findProvider(lp.Msg.GetProviders(), provider)
	if info == nil {
		return fmt.Errorf("unknown provider %q (see `patchbay providers`)", provider)
	}
	values, err := collectValues(cmd, info, f)
	if err != nil {
		return err
	}
	if info.GetOauth() {
		return runOAuth(cmd, c, info, f, values)
	}
	resp, err := c.Credentials.SaveCredentials(ctx, connect.NewRequest(&patchbayv1.SaveCredentialsRequest{
		Provider: provider, Profile: f.profile, Values: values, Force: f.force, Merge: !f.replace}))
	if err != nil {
		return err
	}
	if f.asJSON {
		if err := printProtoJSON(cmd.OutOrStdout(), resp.Msg); err != nil {
			return err
		}
	} else {
		printCheck(cmd.OutOrStdout(), info.GetDisplayName(), resp.Msg.GetCheck())
	}
	if !resp.Msg.GetSaved() {
		return &exitError{code: 1, err: errors.New("not saved: the credentials did not pass their check (fix them, or pass --force)")}
	}
	if !f.asJSON {
		fmt.Fprintf(cmd.OutOrStdout(), "Saved %s credentials as profile %q.\n", info.GetDisplayName(), resp.Msg.GetProfile().GetProfile())
	}
	return nil
}

// collectValues gathers field values from the file, flags and stdin.
func collectValues(cmd *cobra.Command, info *patchbayv1.ProviderInfo, f setFlags) (map[string]string, error) {
	fields := map[string]*patchbayv1.FormField{}
	for _, ff := range info.GetFields() {
		fields[ff.GetName()] = ff
	}
	values := map[string]string{}
	if f.fromFile != "" {
		raw, err := os.ReadFile(f.fromFile)
		if err != nil {
			return nil, err
		}
		if err := valuesFromFile(info, raw, values); err != nil {
			return nil, fmt.Errorf("%s: %w", f.fromFile, err)
		}
	}
	for _, ff := range f.fileField {
		name, path, ok := strings.Cut(ff, "=")
		if !ok || fields[name] == nil {
			return nil, fmt.Errorf("--file-field %q: want NAME=PATH with a field of %s", ff, info.GetId())
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		values[name] = string(raw)
	}
	for _, kv := range f.fields {
		name, val, ok := strings.Cut(kv, "=")
		fd := fields[name]
		switch {
		case !ok || fd == nil:
			return nil, fmt.Errorf("--field %q: want NAME=VALUE with a field of %s", name, info.GetId())
		case fd.GetSecret():
			// The value is deliberately not echoed: it may be a secret.
			return nil, fmt.Errorf("--field %s: %s is secret; give it on stdin or with --from-file, never on the command line", name, name)
		}
		values[name] = val
	}
	return promptRemaining(cmd, info, values, !f.replace)
}

// valuesFromFile accepts a JSON object of field names, or (for providers
// with one file field) the file itself.
func valuesFromFile(info *patchbayv1.ProviderInfo, raw []byte, values map[string]string) error {
	var fileField string
	known := map[string]bool{}
	for _, ff := range info.GetFields() {
		known[ff.GetName()] = true
		if ff.GetKind() == patchbayv1.FieldKind_FIELD_KIND_FILE {
			fileField = ff.GetName()
		}
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err == nil {
		allKnown := len(obj) > 0
		for k := range obj {
			allKnown = allKnown && known[k]
		}
		if allKnown {
			for k, v := range obj {
				s, ok := v.(string)
				if !ok {
					return fmt.Errorf("field %q must be a string", k)
				}
				values[k] = s
			}
			return nil
		}
	}
	if fileField == "" {
		return errors.New("not a JSON object of this provider's field names")
	}
	values[fileField] = string(raw)
	return nil
}

// input is the process's stdin shared by every prompt of one command: a
// second bufio.Reader on the same pipe would lose what the first buffered.
type input struct {
	src io.Reader
	r   *bufio.Reader
	fd  int
	tty bool
}

var stdinShared *input

func stdinOf(cmd *cobra.Command) *input {
	src := cmd.InOrStdin()
	if stdinShared != nil && stdinShared.src == src {
		return stdinShared
	}
	in := &input{src: src, r: bufio.NewReader(src)}
	if f, ok := src.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		in.fd, in.tty = int(f.Fd()), true
	}
	stdinShared = in
	return in
}

// line reads one line (without its end); io.EOF only when nothing was read.
func (in *input) line() (string, error) {
	s, err := in.r.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// secret reads a value without echo on a terminal, else a line.
func (in *input) secret(errw io.Writer) (string, error) {
	if !in.tty {
		return in.line()
	}
	b, err := term.ReadPassword(in.fd)
	fmt.Fprintln(errw)
	return string(b), err
}

// askYesNo asks on stdin unless yes is set.
func askYesNo(cmd *cobra.Command, question string, yes bool) error {
	if yes {
		return nil
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s [y/N] ", question)
	ans, err := stdinOf(cmd).line()
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout())
	switch strings.ToLower(strings.TrimSpace(ans)) {
	case "y", "yes":
		return nil
	}
	return errors.New("not confirmed; nothing changed (pass --yes to skip the question)")
}

// promptRemaining asks for fields not given yet, on stdin. Secret answers
// are not echoed on a terminal. Empty answers keep the saved value (merge)
// or the field's default.
func promptRemaining(cmd *cobra.Command, info *patchbayv1.ProviderInfo, values map[string]string, merge bool) (map[string]string, error) {
	var todo []*patchbayv1.FormField
	for _, ff := range info.GetFields() {
		if _, ok := values[ff.GetName()]; ok || ff.GetKind() == patchbayv1.FieldKind_FIELD_KIND_OAUTH {
			continue
		}
		if ff.GetKind() == patchbayv1.FieldKind_FIELD_KIND_FILE {
			continue // files come from --from-file or --file-field
		}
		todo = append(todo, ff)
	}
	if len(todo) == 0 {
		return values, nil
	}
	in := stdinOf(cmd)
	errw := cmd.ErrOrStderr()
	for _, ff := range todo {
		if in.tty {
			hint := ""
			switch {
			case ff.GetDefaultValue() != "":
				hint = " [" + ff.GetDefaultValue() + "]"
			case merge:
				hint = " (empty keeps the saved value)"
			}
			if !ff.GetRequired() {
				hint += " (optional)"
			}
			fmt.Fprintf(errw, "%s%s: ", ff.GetLabel(), hint)
		}
		var v string
		var err error
		if ff.GetSecret() {
			v, err = in.secret(errw)
		} else {
			v, err = in.line()
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if v = strings.TrimSpace(v); v != "" {
			values[ff.GetName()] = v
		}
	}
	return values, nil
}

func printCheck(w io.Writer, name string, r *patchbayv1.CheckResult) {
	if r == nil {
		return
	}
	if r.GetStatus() == patchbayv1.CheckStatus_CHECK_STATUS_OK {
		fmt.Fprintf(w, "✓ %s\n", r.GetSummary())
		printPermissions(w, r)
		if r.GetFix() != "" {
			fmt.Fprintf(w, "  Note: %s\n", r.GetFix())
		}
		return
	}
	fmt.Fprintf(w, "✗ %s: %s\n  %s\n", name, statusText(r), r.GetSummary())
	if r.GetField() != "" {
		fmt.Fprintf(w, "  Field: %s\n", r.GetField())
	}
	printPermissions(w, r)
	if len(r.GetMissingPermissions()) > 0 && len(r.GetPermissions()) == 0 {
		fmt.Fprintf(w, "  Missing: %s\n", strings.Join(r.GetMissingPermissions(), ", "))
	}
	if r.GetRetryAfterSeconds() > 0 {
		fmt.Fprintf(w, "  Retry after: %ds\n", r.GetRetryAfterSeconds())
	}
	if r.GetFix() != "" {
		fmt.Fprintf(w, "  Fix: %s\n", r.GetFix())
	}
}

// verdictMarks are the one-character marks of the permission verdicts.
var verdictMarks = map[patchbayv1.PermissionVerdict]string{
	patchbayv1.PermissionVerdict_PERMISSION_VERDICT_VERIFIED:     "✓",
	patchbayv1.PermissionVerdict_PERMISSION_VERDICT_MISSING:      "✗",
	patchbayv1.PermissionVerdict_PERMISSION_VERDICT_UNVERIFIABLE: "?",
	patchbayv1.PermissionVerdict_PERMISSION_VERDICT_EXCESS:       "+",
}

func verdictText(v patchbayv1.PermissionVerdict) string {
	return strings.ToLower(strings.TrimPrefix(v.String(), "PERMISSION_VERDICT_"))
}

// printPermissions lists what the check proved per permission, then the
// missing and excess ones on a line each.
func printPermissions(w io.Writer, r *patchbayv1.CheckResult) {
	ps := r.GetPermissions()
	if len(ps) == 0 {
		return
	}
	width := 0
	for _, p := range ps {
		width = max(width, len(p.GetName()))
	}
	fmt.Fprintln(w, "  Permissions:")
	var missing, excess []string
	for _, p := range ps {
		mark := verdictMarks[p.GetVerdict()]
		if mark == "" {
			mark = " "
		}
		fmt.Fprintf(w, "    %s %-*s  %-12s  %s\n", mark, width, p.GetName(), verdictText(p.GetVerdict()), p.GetDetail())
		switch p.GetVerdict() {
		case patchbayv1.PermissionVerdict_PERMISSION_VERDICT_MISSING:
			missing = append(missing, p.GetName())
		case patchbayv1.PermissionVerdict_PERMISSION_VERDICT_EXCESS:
			excess = append(excess, p.GetName())
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(w, "  Missing: %s\n", strings.Join(missing, ", "))
	}
	if len(excess) > 0 {
		fmt.Fprintf(w, "  Excess (granted, not needed): %s\n", strings.Join(excess, ", "))
	}
}

// runOAuth starts the browser sign-in and waits for its outcome on the
// event stream (subscribed first, so no event is missed).
func runOAuth(cmd *cobra.Command, c *client, info *patchbayv1.ProviderInfo, f setFlags, values map[string]string) error {
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	stream, err := c.Daemon.WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		return err
	}
	defer stream.Close()
	if !stream.Receive() { // the snapshot
		return fmt.Errorf("event stream: %w", stream.Err())
	}
	resp, err := c.Credentials.StartOAuth(ctx, connect.NewRequest(&patchbayv1.StartOAuthRequest{Provider: info.GetId(), Profile: f.profile, Values: values}))
	if err != nil {
		return err
	}
	url := resp.Msg.GetAuthorizeUrl()
	w := cmd.OutOrStdout()
	if f.noBrowser || openBrowser(url) != nil {
		fmt.Fprintf(w, "Open this URL in your browser to connect %s:\n\n  %s\n\n", info.GetDisplayName(), url)
	} else {
		fmt.Fprintf(w, "Opened your browser to connect %s. If nothing appeared, open:\n\n  %s\n\n", info.GetDisplayName(), url)
	}
	fmt.Fprintln(w, "Waiting for the authorization…")
	for stream.Receive() {
		ev := stream.Msg().GetEvent()
		if ch := ev.GetCredentialsChanged(); ch != nil && ch.GetProvider() == info.GetId() && ch.GetProfile() == f.profile && !ch.GetDeleted() {
			fmt.Fprintf(w, "✓ Connected %s (profile %q).\n", info.GetDisplayName(), f.profile)
			return nil
		}
		if cl := ev.GetCredentialRequestClosed(); cl != nil && cl.GetId() == resp.Msg.GetState() {
			return &exitError{code: 1, err: fmt.Errorf("the %s sign-in did not complete (%s); see the daemon log", info.GetDisplayName(), cl.GetOutcome())}
		}
	}
	return fmt.Errorf("event stream ended: %w", stream.Err())
}

func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return errors.New("no display")
		}
		cmd = exec.Command("xdg-open", url)
	}
	return cmd.Start()
}

func credsCheckCmd() *cobra.Command {
	var (
		profile string
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "check PROVIDER",
		Short: "Check saved credentials live and explain what is wrong",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.Credentials.CheckCredentials(cmd.Context(), connect.NewRequest(&patchbayv1.CheckCredentialsRequest{Provider: args[0], Profile: profile}))
			if err != nil {
				return err
			}
			if asJSON {
				if err := printProtoJSON(cmd.OutOrStdout(), resp.Msg); err != nil {
					return err
				}
			} else {
				printCheck(cmd.OutOrStdout(), args[0], resp.Msg.GetResult())
			}
			if resp.Msg.GetResult().GetStatus() != patchbayv1.CheckStatus_CHECK_STATUS_OK {
				return &exitError{code: 1, err: errors.New("the credentials do not work")}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "default", "profile name")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func credsDeleteCmd() *cobra.Command {
	var (
		profile string
		yes     bool
	)
	cmd := &cobra.Command{
		Use:   "delete PROVIDER",
		Short: "Delete a saved credential profile from the keyring",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			return deleteCreds(cmd, c, args[0], profile, yes)
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "default", "profile name")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func deleteCreds(cmd *cobra.Command, c *client, provider, profile string, yes bool) error {
	if err := askYesNo(cmd, fmt.Sprintf("Delete the %s credentials of profile %q?", provider, profile), yes); err != nil {
		return err
	}
	if _, err := c.Credentials.DeleteCredentials(cmd.Context(), connect.NewRequest(&patchbayv1.DeleteCredentialsRequest{Provider: provider, Profile: profile})); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Deleted the %s credentials of profile %q.\n", provider, profile)
	return nil
}

func credsUnlockCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "unlock",
		Short: "Give the daemon the passphrase of the encrypted file keyring (read from stdin)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := dial(cmd.Context())
			if err != nil {
				return err
			}
			in := stdinOf(cmd)
			if in.tty {
				fmt.Fprint(cmd.ErrOrStderr(), "Keyring passphrase: ")
			}
			pass, err := in.secret(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			resp, err := c.Credentials.UnlockKeyring(cmd.Context(), connect.NewRequest(&patchbayv1.UnlockKeyringRequest{Passphrase: pass}))
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Keyring unlocked (%s).\n", resp.Msg.GetBackend())
			return nil
		},
	}
}
