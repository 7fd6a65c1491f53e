package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/patchbay-dev/patchbay/store"
)

// TokenPrefix starts every API key token, so secret scanners and people
// recognise one: pbk_<key id>_<secret>. The key id is not secret; it lets
// authentication find the one hash to compare.
const TokenPrefix = "pbk_"

// DefaultTeam is the namespace of requests that name none.
const DefaultTeam = "default"

// DefaultProfile is the credential profile of grants that name none.
const DefaultProfile = "default"

// Grant lets a key use some components of one provider through one
// credential profile. Nothing is allowed that no grant lists.
type Grant struct {
	Provider   string
	Components []string
	Profile    string
}

// Key is an API key as management sees it: never the token, only a hint.
type Key struct {
	ID                 string
	Team               string
	Name               string
	Grants             []Grant
	TokenHint          string
	RateLimitPerMinute int
	ExpiresAt          time.Time
	LastUsedAt         time.Time
	CreatedAt          time.Time
}

// KeySpec is what a caller sets on create and update.
type KeySpec struct {
	Team               string
	Name               string
	Grants             []Grant
	ExpiresAt          time.Time
	RateLimitPerMinute int
}

var (
	b32        = base32.StdEncoding.WithPadding(base32.NoPadding)
	teamRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)
	keyIDRe    = regexp.MustCompile(`^k[a-z2-7]{16}$`)
	profileRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
	maxNameLen = 100
)

// newToken returns a fresh key id and token. The secret carries 256 bits
// from crypto/rand, so a plain SHA-256 is a sufficient hash (no password
// stretching is needed for high-entropy secrets).
func newToken() (id, token string, err error) {
	var idb [10]byte
	var sec [32]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return "", "", fmt.Errorf("gateway: random: %w", err)
	}
	if _, err := rand.Read(sec[:]); err != nil {
		return "", "", fmt.Errorf("gateway: random: %w", err)
	}
	id = "k" + strings.ToLower(b32.EncodeToString(idb[:]))
	return id, TokenPrefix + id + "_" + strings.ToLower(b32.EncodeToString(sec[:])), nil
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// tokenHint keeps the prefix, the key id and four characters of the secret:
// enough to tell keys apart in a list, useless to an attacker.
func tokenHint(token string) string {
	id, sec, _ := splitToken(token)
	return TokenPrefix + id + "_" + sec[:4] + "…"
}

func splitToken(token string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return "", "", false
	}
	id, secret, ok = strings.Cut(rest, "_")
	if !ok || !keyIDRe.MatchString(id) || len(secret) < 16 {
		return "", "", false
	}
	return id, secret, true
}

func normTeam(team string) (string, error) {
	if team == "" {
		return DefaultTeam, nil
	}
	if !teamRe.MatchString(team) {
		return "", fmt.Errorf("%w: team %q must be 1-63 lower-case letters, digits, '.', '_' or '-'", ErrInvalidArgument, team)
	}
	return team, nil
}

// validateSpec normalises spec and refuses it with a reason when a grant
// names an unknown component or an unusable connection.
func (g *Gateway) validateSpec(ctx context.Context, spec *KeySpec) error {
	team, err := normTeam(spec.Team)
	if err != nil {
		return err
	}
	spec.Team = team
	spec.Name = strings.TrimSpace(spec.Name)
	if spec.Name == "" || utf8.RuneCountInString(spec.Name) > maxNameLen {
		return fmt.Errorf("%w: a key needs a name of 1-%d characters", ErrInvalidArgument, maxNameLen)
	}
	if spec.RateLimitPerMinute < 0 {
		return fmt.Errorf("%w: rate limit must not be negative", ErrInvalidArgument)
	}
	if !spec.ExpiresAt.IsZero() && !spec.ExpiresAt.After(g.now()) {
		return fmt.Errorf("%w: expiry %s is in the past", ErrInvalidArgument, spec.ExpiresAt.UTC().Format(time.RFC3339))
	}
	seen := map[string]bool{}
	for i := range spec.Grants {
		gr := &spec.Grants[i]
		gr.Provider = strings.ToLower(strings.TrimSpace(gr.Provider))
		if gr.Profile == "" {
			gr.Profile = DefaultProfile
		}
		if !profileRe.MatchString(gr.Profile) {
			return fmt.Errorf("%w: profile %q is not a valid profile name", ErrInvalidArgument, gr.Profile)
		}
		if seen[gr.Provider] {
			return fmt.Errorf("%w: provider %q is granted twice; list all its components in one grant", ErrInvalidArgument, gr.Provider)
		}
		seen[gr.Provider] = true
		if !knownProvider(gr.Provider) {
			return fmt.Errorf("%w: provider %q has no actions or triggers (known: %s)", ErrInvalidArgument, gr.Provider, strings.Join(providerIDs(), ", "))
		}
		slices.Sort(gr.Components)
		gr.Components = slices.Compact(gr.Components)
		for _, c := range gr.Components {
			if lookupComponent(gr.Provider, c) == nil {
				return fmt.Errorf("%w: provider %q has no component %q", ErrInvalidArgument, gr.Provider, c)
			}
		}
		if len(gr.Components) == 0 {
			continue // nothing granted, so no connection is used
		}
		ok, reason, err := g.cfg.Checker.Check(ctx, gr.Provider, gr.Profile)
		if err != nil {
			return fmt.Errorf("%w: checking the %s connection %q: %v", ErrProvider, gr.Provider, gr.Profile, err)
		}
		if !ok {
			return fmt.Errorf("%w: the %s connection %q cannot be used: %s", ErrConnection, gr.Provider, gr.Profile, reason)
		}
	}
	return nil
}

// CreateKey saves a new key and returns it with its token, which is never
// available again.
func (g *Gateway) CreateKey(ctx context.Context, spec KeySpec) (Key, string, error) {
	if err := g.validateSpec(ctx, &spec); err != nil {
		return Key{}, "", err
	}
	id, token, err := newToken()
	if err != nil {
		return Key{}, "", err
	}
	row, err := g.st.CreateAPIKey(ctx, store.APIKey{
		ID: id, Team: spec.Team, Name: spec.Name, Grants: toStoreGrants(spec.Grants),
		TokenHash: hashToken(token), TokenHint: tokenHint(token),
		RateLimitPerMinute: spec.RateLimitPerMinute, ExpiresAt: spec.ExpiresAt,
	})
	if err != nil {
		return Key{}, "", storeErr(err)
	}
	g.audit(ctx, row.Team, row.ID, "CreateApiKey", "", "", "", nil)
	return fromStore(row), token, nil
}

// ListKeys returns the team's keys.
func (g *Gateway) ListKeys(ctx context.Context, team string) ([]Key, error) {
	team, err := normTeam(team)
	if err != nil {
		return nil, err
	}
	rows, err := g.st.ListAPIKeys(ctx, team)
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]Key, 0, len(rows))
	for _, r := range rows {
		out = append(out, fromStore(r))
	}
	return out, nil
}

// GetKey returns one of the team's keys.
func (g *Gateway) GetKey(ctx context.Context, team, id string) (Key, error) {
	team, err := normTeam(team)
	if err != nil {
		return Key{}, err
	}
	row, err := g.st.GetAPIKey(ctx, team, id)
	if err != nil {
		return Key{}, storeErr(err)
	}
	return fromStore(row), nil
}

// UpdateKey replaces a key's name, grants, expiry and rate limit; the token
// stays valid.
func (g *Gateway) UpdateKey(ctx context.Context, id string, spec KeySpec) (Key, error) {
	if err := g.validateSpec(ctx, &spec); err != nil {
		return Key{}, err
	}
	row, err := g.st.UpdateAPIKey(ctx, store.APIKey{
		ID: id, Team: spec.Team, Name: spec.Name, Grants: toStoreGrants(spec.Grants),
		RateLimitPerMinute: spec.RateLimitPerMinute, ExpiresAt: spec.ExpiresAt,
	})
	if err != nil {
		return Key{}, storeErr(err)
	}
	g.audit(ctx, row.Team, row.ID, "UpdateApiKey", "", "", "", nil)
	return fromStore(row), nil
}

// RegenerateKey gives the key a new token; the old one fails from the
// moment this returns.
func (g *Gateway) RegenerateKey(ctx context.Context, team, id string) (Key, string, error) {
	team, err := normTeam(team)
	if err != nil {
		return Key{}, "", err
	}
	// The id is part of the token, so a regenerated token keeps it.
	_, fresh, err := newToken()
	if err != nil {
		return Key{}, "", err
	}
	_, sec, _ := splitToken(fresh)
	token := TokenPrefix + id + "_" + sec
	if !keyIDRe.MatchString(id) {
		return Key{}, "", fmt.Errorf("%w: api key %q", ErrNotFound, id)
	}
	row, err := g.st.SetAPIKeyToken(ctx, team, id, hashToken(token), tokenHint(token))
	if err != nil {
		return Key{}, "", storeErr(err)
	}
	g.audit(ctx, team, id, "RegenerateApiKey", "", "", "", nil)
	return fromStore(row), token, nil
}

// DeleteKey removes the key's provider-side webhooks, its triggers and the
// key. A webhook that cannot be deleted (provider down, credentials gone)
// stops the deletion with the reason, so no webhook is silently left
// pointing at a key that no longer exists; force deletes the key anyway
// and logs each webhook left behind.
func (g *Gateway) DeleteKey(ctx context.Context, team, id string, force bool) error {
	team, err := normTeam(team)
	if err != nil {
		return err
	}
	row, err := g.st.GetAPIKey(ctx, team, id)
	if err != nil {
		return storeErr(err)
	}
	trs, err := g.st.ListAPIKeyTriggers(ctx, row.ID)
	if err != nil {
		return storeErr(err)
	}
	for _, t := range trs {
		if err := g.removeTrigger(ctx, t); err != nil {
			if !force {
				return fmt.Errorf("%w (delete with force to remove the key anyway)", err)
			}
			g.log.Warn("gateway: provider webhook left behind by a forced key deletion", "key", id, "trigger", t.ID,
				"provider", t.Provider, "webhook", t.ProviderWebhookID, "err", err)
		}
	}
	if err := g.st.DeleteAPIKey(ctx, team, id); err != nil {
		return storeErr(err)
	}
	g.limiter.forget(id)
	g.audit(ctx, team, id, "DeleteApiKey", "", "", "", nil)
	return nil
}

func toStoreGrants(gs []Grant) []store.APIKeyGrant {
	out := make([]store.APIKeyGrant, 0, len(gs))
	for _, g := range gs {
		out = append(out, store.APIKeyGrant{Provider: g.Provider, Components: g.Components, Profile: g.Profile})
	}
	return out
}

func fromStore(r store.APIKey) Key {
	k := Key{ID: r.ID, Team: r.Team, Name: r.Name, TokenHint: r.TokenHint, RateLimitPerMinute: r.RateLimitPerMinute,
		ExpiresAt: r.ExpiresAt, LastUsedAt: r.LastUsedAt, CreatedAt: r.CreatedAt}
	for _, g := range r.Grants {
		k.Grants = append(k.Grants, Grant{Provider: g.Provider, Components: g.Components, Profile: g.Profile})
	}
	return k
}

// storeErr maps the store's sentinels onto gateway classes.
func storeErr(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %v", ErrNotFound, strings.TrimPrefix(err.Error(), "store: "))
	case errors.Is(err, store.ErrExists):
		return fmt.Errorf("%w: %v", ErrAlreadyExists, strings.TrimPrefix(err.Error(), "store: "))
	}
	return err
}

// audit records a call; failing to audit is logged, never fatal to the call
// (the log line says so loudly).
func (g *Gateway) audit(ctx context.Context, team, keyID, call, provider, target, profile string, err error) {
	a := store.APIKeyAudit{At: g.now(), Team: team, KeyID: keyID, Call: call, Provider: provider, Target: target,
		Profile: profile, Outcome: Outcome(err)}
	if aerr := g.st.AuditAPIKey(context.WithoutCancel(ctx), a); aerr != nil {
		g.log.Error("gateway: audit write failed", "key", keyID, "call", call, "err", aerr)
	}
}

// AuditEntry is one audited call.
type AuditEntry = store.APIKeyAudit

// Audit returns the newest limit audit entries of the team (of one key when
// keyID is set).
func (g *Gateway) Audit(ctx context.Context, team, keyID string, limit int) ([]AuditEntry, error) {
	team, err := normTeam(team)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	return g.st.ListAPIKeyAudit(ctx, team, keyID, limit)
}
