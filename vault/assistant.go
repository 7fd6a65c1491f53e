package vault

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/patchbay-dev/patchbay/assistant"
	"github.com/patchbay-dev/patchbay/providers"
)

// Intent is what a chat-style question was understood as.
type Intent struct {
	// Kind is "list_credentials", "update_credentials",
	// "delete_credentials", "check_credentials" or "help".
	Kind     string
	Provider string // provider id, when one was named
	Profile  string // profile name, when one was named
}

// The intent kinds the credential domain answers.
const (
	IntentList   = assistant.ListCredentials
	IntentUpdate = assistant.UpdateCredentials
	IntentDelete = assistant.DeleteCredentials
	IntentCheck  = assistant.CheckCredentials
	IntentHelp   = assistant.Help
)

// Command is an editor/CLI command a reply proposes.
type Command struct {
	Title   string
	Command string // extension command id
	Args    []string
}

// Reply is one chunk of an answer.
type Reply struct {
	Intent   string
	Text     string // Markdown
	Commands []Command
}

// ParseIntent understands a credential question (the parser lives in the
// assistant package, which answers every other domain too).
func (c *Credentials) ParseIntent(question string) Intent {
	var provs []assistant.Provider
	for _, p := range c.Providers() {
		provs = append(provs, assistant.Provider{ID: p.ID, DisplayName: p.DisplayName})
	}
	in := assistant.Parse(question, provs)
	if !assistant.IsCredential(in.Kind) {
		return Intent{Kind: IntentHelp, Provider: in.Provider, Profile: in.Profile}
	}
	return Intent{Kind: in.Kind, Provider: in.Provider, Profile: in.Profile}
}

// Assist answers a credential question; send receives each chunk as it is
// ready (a live check takes a moment). No chunk contains a secret: listings
// use masked hints.
func (c *Credentials) Assist(ctx context.Context, question string, send func(Reply) error) error {
	return c.AssistIntent(ctx, c.ParseIntent(question), send)
}

// AssistIntent answers a parsed credential intent.
func (c *Credentials) AssistIntent(ctx context.Context, in Intent, send func(Reply) error) error {
	switch in.Kind {
	case IntentList:
		return c.assistList(ctx, in, send)
	case IntentUpdate:
		return c.assistUpdate(in, send)
	case IntentDelete:
		return c.assistDelete(in, send)
	case IntentCheck:
		return c.assistCheck(ctx, in, send)
	}
	return send(Reply{Intent: IntentHelp, Text: "I can help with provider credentials. Try:\n\n" +
		"- *what credentials do I have configured?*\n- *update my AWS credentials*\n" +
		"- *delete my Azure credentials*\n- *why are my Stripe credentials not working?*"})
}

func (c *Credentials) name(id string) string {
	if p, ok := c.cfg.Catalog(id); ok {
		return p.DisplayName
	}
	return id
}

func (c *Credentials) assistList(ctx context.Context, in Intent, send func(Reply) error) error {
	list, err := c.List(ctx, in.Provider)
	if errors.Is(err, ErrLocked) {
		return send(Reply{Intent: IntentList, Text: "The keyring is locked. Unlock it with its passphrase first.",
			Commands: []Command{{Title: "Unlock keyring", Command: "patchbay.unlockKeyring"}}})
	}
	if err != nil {
		return err
	}
	if len(list) == 0 {
		what := "any provider"
		if in.Provider != "" {
			what = c.name(in.Provider)
		}
		return send(Reply{Intent: IntentList, Text: fmt.Sprintf("No credentials are saved for %s yet.", what),
			Commands: []Command{{Title: "Add credentials", Command: "patchbay.updateCredentials", Args: nonEmpty(in.Provider)}}})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Saved credentials (keyring: %s):\n\n", c.cfg.Store.Backend())
	for _, s := range list {
		status := "not checked"
		if s.LastCheck != nil {
			status = s.LastCheck.Status.String()
			if s.LastCheck.Account != "" {
				status += ", " + s.LastCheck.Account
			}
		}
		var hints []string
		for _, k := range providers.SortedKeys(s.Hints) {
			hints = append(hints, fmt.Sprintf("%s `%s`", k, s.Hints[k]))
		}
		if s.Damaged {
			fmt.Fprintf(&b, "- **%s** / %s — damaged, cannot be read. %s\n", c.name(s.Provider), s.Profile, s.LastCheck.Fix)
			continue
		}
		fmt.Fprintf(&b, "- **%s** / %s — %s (%s)\n", c.name(s.Provider), s.Profile, strings.Join(hints, ", "), status)
	}
	return send(Reply{Intent: IntentList, Text: b.String()})
}

func (c *Credentials) assistUpdate(in Intent, send func(Reply) error) error {
	if in.Provider == "" {
		return send(Reply{Intent: IntentUpdate, Text: "Which provider? For example: *update my Stripe credentials*."})
	}
	prov, err := c.spec(in.Provider)
	if err != nil {
		return err
	}
	profile := profileName(in.Profile)
	var b strings.Builder
	fmt.Fprintf(&b, "To update the **%s** credentials (profile %s), open the form; values you leave empty keep their saved value. How to get them:\n\n", prov.DisplayName, profile)
	for i, s := range prov.Credentials.Steps {
		fmt.Fprintf(&b, "%d. %s\n", i+1, s)
	}
	fmt.Fprintf(&b, "\nFrom a terminal: `patchbay creds set %s --profile %s`.", in.Provider, profile)
	return send(Reply{Intent: IntentUpdate, Text: b.String(),
		Commands: []Command{{Title: "Update " + prov.DisplayName + " credentials", Command: "patchbay.updateCredentials", Args: []string{in.Provider, profile}}}})
}

func (c *Credentials) assistDelete(in Intent, send func(Reply) error) error {
	if in.Provider == "" {
		return send(Reply{Intent: IntentDelete, Text: "Which provider's credentials should I delete? For example: *delete my Azure credentials*."})
	}
	prov, err := c.spec(in.Provider)
	if err != nil {
		return err
	}
	names, err := c.Profiles(in.Provider)
	if err != nil {
		return err
	}
	profile := in.Profile
	if profile == "" && len(names) == 1 {
		profile = names[0]
	}
	if profile == "" {
		profile = DefaultProfile
	}
	found := false
	for _, n := range names {
		found = found || n == profile
	}
	if !found {
		return send(Reply{Intent: IntentDelete, Text: fmt.Sprintf("No %s credentials are saved under profile %s (saved profiles: %s).", prov.DisplayName, profile, listOrNone(names))})
	}
	// Deleting is never done on the strength of a chat message alone: the
	// reply proposes the command and the client confirms.
	return send(Reply{Intent: IntentDelete,
		Text:     fmt.Sprintf("This removes the **%s** credentials of profile %s from the keyring; Patchbay can no longer reach %s with them. Confirm to delete.", prov.DisplayName, profile, prov.DisplayName),
		Commands: []Command{{Title: "Delete " + prov.DisplayName + " credentials (" + profile + ")", Command: "patchbay.deleteCredentials", Args: []string{in.Provider, profile}}}})
}

func (c *Credentials) assistCheck(ctx context.Context, in Intent, send func(Reply) error) error {
	if in.Provider == "" {
		// No provider named: check every saved profile.
		list, err := c.cfg.Store.List("")
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return send(Reply{Intent: IntentCheck, Text: "No credentials are saved yet, so there is nothing to check."})
		}
		seen := map[string]bool{}
		for _, p := range list {
			if seen[p.Provider] {
				continue
			}
			seen[p.Provider] = true
			if err := c.assistCheck(ctx, Intent{Kind: IntentCheck, Provider: p.Provider}, send); err != nil {
				return err
			}
		}
		return nil
	}
	prov, err := c.spec(in.Provider)
	if err != nil {
		return err
	}
	names, err := c.Profiles(in.Provider)
	if err != nil {
		return err
	}
	if in.Profile != "" {
		names = []string{in.Profile}
	}
	if len(names) == 0 {
		return send(Reply{Intent: IntentCheck, Text: fmt.Sprintf("No %s credentials are saved, so Patchbay cannot use %s. Add them first.", prov.DisplayName, prov.DisplayName),
			Commands: []Command{{Title: "Add " + prov.DisplayName + " credentials", Command: "patchbay.updateCredentials", Args: []string{in.Provider, DefaultProfile}}}})
	}
	if err := send(Reply{Intent: IntentCheck, Text: fmt.Sprintf("Checking the %s credentials live…\n\n", prov.DisplayName)}); err != nil {
		return err
	}
	for _, n := range names {
		res, err := c.Check(ctx, in.Provider, n, nil)
		if err != nil {
			return err
		}
		r := Reply{Intent: IntentCheck}
		if res.OK() {
			r.Text = fmt.Sprintf("- **%s**: working. %s\n", n, res.Summary)
		} else {
			r.Text = fmt.Sprintf("- **%s**: %s. %s\n  **Fix:** %s\n", n, strings.ReplaceAll(res.Status.String(), "_", " "), res.Summary, res.Fix)
			if len(res.MissingPermissions) > 0 {
				r.Text += "  Missing: " + strings.Join(res.MissingPermissions, ", ") + "\n"
			}
			r.Commands = []Command{{Title: "Update " + prov.DisplayName + " credentials (" + n + ")", Command: "patchbay.updateCredentials", Args: []string{in.Provider, n}}}
		}
		if err := send(r); err != nil {
			return err
		}
	}
	return nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
