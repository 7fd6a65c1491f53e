package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// API keys, their triggers and their audit log (migration 0003). Only the
// SHA-256 of a key's token is stored; trigger signing secrets and provider
// webhook secrets live in the keyring, and rows only name them.

// APIKeyGrant lets a key use some components of one provider through one
// credential profile.
type APIKeyGrant struct {
	Provider   string   `json:"provider"`
	Components []string `json:"components"`
	Profile    string   `json:"profile"`
}

// APIKey is a stored key. TokenHash is the SHA-256 of the secret token.
type APIKey struct {
	ID                 string
	Team               string
	Name               string
	Grants             []APIKeyGrant
	TokenHash          []byte
	TokenHint          string
	RateLimitPerMinute int
	ExpiresAt          time.Time // zero: never
	LastUsedAt         time.Time // zero: never used
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func optStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// CreateAPIKey inserts k; ID, Team and TokenHash must be set. A name already
// used in the team gives ErrExists.
func (s *Store) CreateAPIKey(ctx context.Context, k APIKey) (APIKey, error) {
	now := s.stamp()
	grants, err := json.Marshal(nonNilGrants(k.Grants))
	if err != nil {
		return APIKey{}, fmt.Errorf("store: marshal grants: %w", err)
	}
	_, err = s.q.ExecContext(ctx, `INSERT INTO api_keys (id, team, name, grants, token_hash, token_hint,
		rate_limit_per_minute, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Team, k.Name, string(grants), k.TokenHash, k.TokenHint, k.RateLimitPerMinute, optStamp(k.ExpiresAt), now, now)
	if isUniqueViolation(err) {
		return APIKey{}, fmt.Errorf("store: api key %q in team %q: %w", k.Name, k.Team, ErrExists)
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("store: create api key: %w", err)
	}
	k.CreatedAt, k.UpdatedAt = parseStamp(now), parseStamp(now)
	return k, nil
}

func nonNilGrants(g []APIKeyGrant) []APIKeyGrant {
	if g == nil {
		return []APIKeyGrant{}
	}
	return g
}

const apiKeyColumns = `id, team, name, grants, token_hash, token_hint, rate_limit_per_minute, expires_at, last_used_at, created_at, updated_at`

func scanAPIKey(sc scanner) (APIKey, error) {
	var k APIKey
	var grants, expires, lastUsed, created, updated string
	if err := sc.Scan(&k.ID, &k.Team, &k.Name, &grants, &k.TokenHash, &k.TokenHint, &k.RateLimitPerMinute,
		&expires, &lastUsed, &created, &updated); err != nil {
		return APIKey{}, err
	}
	if err := json.Unmarshal([]byte(grants), &k.Grants); err != nil {
		return APIKey{}, fmt.Errorf("store: api key %s: grants: %w", k.ID, err)
	}
	k.ExpiresAt, k.LastUsedAt = parseStamp(expires), parseStamp(lastUsed)
	k.CreatedAt, k.UpdatedAt = parseStamp(created), parseStamp(updated)
	return k, nil
}

// GetAPIKey returns the key id of team. Another team's key is ErrNotFound.
func (s *Store) GetAPIKey(ctx context.Context, team, id string) (APIKey, error) {
	k, err := scanAPIKey(s.q.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE team = ? AND id = ?`, team, id))
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, fmt.Errorf("store: api key %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("store: get api key: %w", err)
	}
	return k, nil
}

// LookupAPIKey returns a key by id whatever its team; authentication uses
// it with the id embedded in a presented token.
func (s *Store) LookupAPIKey(ctx context.Context, id string) (APIKey, error) {
	k, err := scanAPIKey(s.q.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, fmt.Errorf("store: api key %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("store: lookup api key: %w", err)
	}
	return k, nil
}

// ListAPIKeys returns the team's keys by name.
func (s *Store) ListAPIKeys(ctx context.Context, team string) ([]APIKey, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE team = ? ORDER BY name, id`, team)
	if err != nil {
		return nil, fmt.Errorf("store: list api keys: %w", err)
	}
	return collectRows(rows, scanAPIKey)
}

// UpdateAPIKey replaces the key's name, grants, rate limit and expiry.
func (s *Store) UpdateAPIKey(ctx context.Context, k APIKey) (APIKey, error) {
	grants, err := json.Marshal(nonNilGrants(k.Grants))
	if err != nil {
		return APIKey{}, fmt.Errorf("store: marshal grants: %w", err)
	}
	res, err := s.q.ExecContext(ctx, `UPDATE api_keys SET name = ?, grants = ?, rate_limit_per_minute = ?, expires_at = ?, updated_at = ?
		WHERE team = ? AND id = ?`, k.Name, string(grants), k.RateLimitPerMinute, optStamp(k.ExpiresAt), s.stamp(), k.Team, k.ID)
	if isUniqueViolation(err) {
		return APIKey{}, fmt.Errorf("store: api key %q in team %q: %w", k.Name, k.Team, ErrExists)
	}
	if err := oneRow(res, err, "update api key", k.ID); err != nil {
		return APIKey{}, err
	}
	return s.GetAPIKey(ctx, k.Team, k.ID)
}

// SetAPIKeyToken replaces the key's token hash, so the old token stops
// matching with this statement's commit.
func (s *Store) SetAPIKeyToken(ctx context.Context, team, id string, hash []byte, hint string) (APIKey, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE api_keys SET token_hash = ?, token_hint = ?, updated_at = ? WHERE team = ? AND id = ?`,
		hash, hint, s.stamp(), team, id)
	if err := oneRow(res, err, "set api key token", id); err != nil {
		return APIKey{}, err
	}
	return s.GetAPIKey(ctx, team, id)
}

// TouchAPIKey records a use.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, optStamp(at), id); err != nil {
		return fmt.Errorf("store: touch api key: %w", err)
	}
	return nil
}

// DeleteAPIKey removes the key and, by cascade, its trigger rows. Callers
// remove provider-side webhooks first (ListAPIKeyTriggers).
func (s *Store) DeleteAPIKey(ctx context.Context, team, id string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM api_keys WHERE team = ? AND id = ?`, team, id)
	return oneRow(res, err, "delete api key", id)
}

func oneRow(res sql.Result, err error, what, id string) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s %q: %w", what, id, ErrNotFound)
	}
	return nil
}

// APIKeyTrigger is a trigger a key registered. ProviderWebhookID names the
// provider-side webhook it created, if any.
type APIKeyTrigger struct {
	ID                string
	KeyID             string
	Provider          string
	Trigger           string
	Config            map[string]any
	TargetURL         string
	Profile           string
	ProviderWebhookID string
	CreatedAt         time.Time
}

// CreateAPIKeyTrigger inserts t; ID and KeyID must be set.
func (s *Store) CreateAPIKeyTrigger(ctx context.Context, t APIKeyTrigger) (APIKeyTrigger, error) {
	cfg, err := json.Marshal(t.Config)
	if err != nil {
		return APIKeyTrigger{}, fmt.Errorf("store: marshal trigger config: %w", err)
	}
	if t.Config == nil {
		cfg = []byte("{}")
	}
	now := s.stamp()
	_, err = s.q.ExecContext(ctx, `INSERT INTO api_key_triggers (id, key_id, provider, component, config, target_url, profile,
		provider_webhook_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.KeyID, t.Provider, t.Trigger, string(cfg), t.TargetURL, t.Profile, t.ProviderWebhookID, now)
	if isForeignKeyViolation(err) {
		return APIKeyTrigger{}, fmt.Errorf("store: trigger for api key %q: %w", t.KeyID, ErrNotFound)
	}
	if err != nil {
		return APIKeyTrigger{}, fmt.Errorf("store: create trigger: %w", err)
	}
	t.CreatedAt = parseStamp(now)
	return t, nil
}

const triggerColumns = `id, key_id, provider, component, config, target_url, profile, provider_webhook_id, created_at`

func scanTrigger(sc scanner) (APIKeyTrigger, error) {
	var t APIKeyTrigger
	var cfg, created string
	if err := sc.Scan(&t.ID, &t.KeyID, &t.Provider, &t.Trigger, &cfg, &t.TargetURL, &t.Profile, &t.ProviderWebhookID, &created); err != nil {
		return APIKeyTrigger{}, err
	}
	if err := json.Unmarshal([]byte(cfg), &t.Config); err != nil {
		return APIKeyTrigger{}, fmt.Errorf("store: trigger %s: config: %w", t.ID, err)
	}
	t.CreatedAt = parseStamp(created)
	return t, nil
}

// GetAPIKeyTrigger returns a trigger by id whatever its key; inbound
// webhooks find their trigger this way.
func (s *Store) GetAPIKeyTrigger(ctx context.Context, id string) (APIKeyTrigger, error) {
	t, err := scanTrigger(s.q.QueryRowContext(ctx, `SELECT `+triggerColumns+` FROM api_key_triggers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return APIKeyTrigger{}, fmt.Errorf("store: trigger %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return APIKeyTrigger{}, fmt.Errorf("store: get trigger: %w", err)
	}
	return t, nil
}

// ListAPIKeyTriggers returns the key's triggers, oldest first.
func (s *Store) ListAPIKeyTriggers(ctx context.Context, keyID string) ([]APIKeyTrigger, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+triggerColumns+` FROM api_key_triggers WHERE key_id = ? ORDER BY created_at, id`, keyID)
	if err != nil {
		return nil, fmt.Errorf("store: list triggers: %w", err)
	}
	return collectRows(rows, scanTrigger)
}

// DeleteAPIKeyTrigger removes the key's trigger id.
func (s *Store) DeleteAPIKeyTrigger(ctx context.Context, keyID, id string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM api_key_triggers WHERE key_id = ? AND id = ?`, keyID, id)
	return oneRow(res, err, "delete trigger", id)
}

// APIKeyAudit is one audited call made with (or on) an API key. Detail
// never holds payloads or secrets.
type APIKeyAudit struct {
	Seq      int64
	At       time.Time
	Team     string
	KeyID    string
	Call     string // "RunAction", "CreateTrigger", "CreateApiKey", ...
	Provider string
	Target   string // action or trigger id
	Profile  string
	Outcome  string // "ok" or an error class
	Detail   string
}

// AuditAPIKey appends to the API-key audit log.
func (s *Store) AuditAPIKey(ctx context.Context, a APIKeyAudit) error {
	at := optStamp(a.At)
	if at == "" {
		at = s.stamp()
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO api_key_audit (at, team, key_id, call, provider, target, profile, outcome, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, at, a.Team, a.KeyID, a.Call, a.Provider, a.Target, a.Profile, a.Outcome, a.Detail); err != nil {
		return fmt.Errorf("store: audit api key: %w", err)
	}
	return nil
}

// ListAPIKeyAudit returns the newest limit entries of a team (of one key
// when keyID is set), oldest first.
func (s *Store) ListAPIKeyAudit(ctx context.Context, team, keyID string, limit int) ([]APIKeyAudit, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT seq, at, team, key_id, call, provider, target, profile, outcome, detail FROM
		(SELECT * FROM api_key_audit WHERE team = ? AND (? = '' OR key_id = ?) ORDER BY seq DESC LIMIT ?) AS recent ORDER BY seq`,
		team, keyID, keyID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list api key audit: %w", err)
	}
	defer rows.Close()
	var out []APIKeyAudit
	for rows.Next() {
		var a APIKeyAudit
		var at string
		if err := rows.Scan(&a.Seq, &at, &a.Team, &a.KeyID, &a.Call, &a.Provider, &a.Target, &a.Profile, &a.Outcome, &a.Detail); err != nil {
			return nil, err
		}
		a.At = parseStamp(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Trigger deliveries (migration 0004): the durable outbox between a
// verified provider webhook and the trigger's target. Times that are
// compared in SQL are unix milliseconds.

// Delivery states.
const (
	DeliveryPending = "pending"
	DeliveryFailed  = "failed"
)

// TriggerDelivery is one event on its way to a trigger's target. KeyID is
// the trigger's key, filled in by reads.
type TriggerDelivery struct {
	ID            string
	TriggerID     string
	KeyID         string
	EventID       string
	EventType     string
	TargetURL     string
	Body          []byte
	State         string
	Attempts      int
	NextAttemptAt time.Time
	// Claim identifies the worker holding the delivery until ClaimedUntil.
	Claim        string
	ClaimedUntil time.Time
	LastStatus   int
	LastError    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// EnqueueTriggerDelivery commits d as pending, due at d.NextAttemptAt, and
// remembers its id as seen at d.CreatedAt. It reports false, and stores nothing, when the
// id was seen before (a provider retrying an event already accepted), and
// ErrNotFound when the trigger no longer exists.
func (s *Store) EnqueueTriggerDelivery(ctx context.Context, d TriggerDelivery) (bool, error) {
	if s.inTx {
		return s.enqueueTriggerDelivery(ctx, d)
	}
	var fresh bool
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		fresh, err = tx.enqueueTriggerDelivery(ctx, d)
		return err
	})
	return fresh, err
}

func (s *Store) enqueueTriggerDelivery(ctx context.Context, d TriggerDelivery) (bool, error) {
	// The caller's clock decides what is pruned later, so it also stamps
	// acceptance (CreatedAt), falling back to the store's.
	accepted := d.CreatedAt
	if accepted.IsZero() {
		accepted = s.now()
	}
	res, err := s.q.ExecContext(ctx, `INSERT INTO trigger_events_seen (id, trigger_id, accepted_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, d.ID, d.TriggerID, ms(accepted))
	if isForeignKeyViolation(err) {
		return false, fmt.Errorf("store: delivery for trigger %q: %w", d.TriggerID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("store: enqueue delivery: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	stamp := s.stamp()
	if _, err := s.q.ExecContext(ctx, `INSERT INTO trigger_deliveries (id, trigger_id, event_id, event_type, target_url, body,
		state, attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
		d.ID, d.TriggerID, d.EventID, d.EventType, d.TargetURL, d.Body, DeliveryPending, ms(d.NextAttemptAt), stamp, stamp); err != nil {
		return false, fmt.Errorf("store: enqueue delivery: %w", err)
	}
	return true, nil
}

const deliveryColumns = `d.id, d.trigger_id, t.key_id, d.event_id, d.event_type, d.target_url, d.body, d.state, d.attempts,
	d.next_attempt_at, d.claim, d.claimed_until, d.last_status, d.last_error, d.created_at, d.updated_at`

func scanDelivery(sc scanner) (TriggerDelivery, error) {
	var d TriggerDelivery
	var next, until int64
	var created, updated string
	if err := sc.Scan(&d.ID, &d.TriggerID, &d.KeyID, &d.EventID, &d.EventType, &d.TargetURL, &d.Body, &d.State, &d.Attempts,
		&next, &d.Claim, &until, &d.LastStatus, &d.LastError, &created, &updated); err != nil {
		return TriggerDelivery{}, err
	}
	d.NextAttemptAt, d.ClaimedUntil = fromMS(next), fromMS(until)
	d.CreatedAt, d.UpdatedAt = parseStamp(created), parseStamp(updated)
	return d, nil
}

func (s *Store) queryDeliveries(ctx context.Context, where string, args ...any) ([]TriggerDelivery, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM trigger_deliveries d
		JOIN api_key_triggers t ON t.id = d.trigger_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list deliveries: %w", err)
	}
	defer rows.Close()
	var out []TriggerDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ClaimTriggerDeliveries takes up to limit pending deliveries due at now
// whose lease is free, oldest due first: each gets claim, a lease until
// now+lease and one more attempt counted (so a delivery that kills its
// worker still runs out of attempts). Returned rows carry the new values.
func (s *Store) ClaimTriggerDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int, claim string) ([]TriggerDelivery, error) {
	var out []TriggerDelivery
	err := s.InTx(ctx, func(tx *Store) error {
		due, err := tx.queryDeliveries(ctx, `d.state = ? AND d.next_attempt_at <= ? AND d.claimed_until <= ?
			ORDER BY d.next_attempt_at, d.id LIMIT ?`+tx.forUpdate("FOR UPDATE OF d SKIP LOCKED"), DeliveryPending, ms(now), ms(now), limit)
		if err != nil {
			return err
		}
		until := now.Add(lease)
		for _, d := range due {
			if _, err := tx.q.ExecContext(ctx, `UPDATE trigger_deliveries SET claim = ?, claimed_until = ?, attempts = attempts + 1,
				updated_at = ? WHERE id = ?`, claim, ms(until), tx.stamp(), d.ID); err != nil {
				return fmt.Errorf("store: claim delivery: %w", err)
			}
			d.Claim, d.ClaimedUntil, d.Attempts = claim, fromMS(ms(until)), d.Attempts+1
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// NextTriggerDeliveryAt is when the earliest pending delivery becomes
// claimable (its due time or the end of its lease, whichever is later);
// ok is false when nothing is pending.
func (s *Store) NextTriggerDeliveryAt(ctx context.Context) (at time.Time, ok bool, err error) {
	var v sql.NullInt64
	if err := s.q.QueryRowContext(ctx, `SELECT MIN(CASE WHEN next_attempt_at > claimed_until THEN next_attempt_at ELSE claimed_until END)
		FROM trigger_deliveries WHERE state = ?`,
		DeliveryPending).Scan(&v); err != nil {
		return time.Time{}, false, fmt.Errorf("store: next delivery: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(v.Int64).UTC(), true, nil
}

// CompleteTriggerDelivery deletes a delivered row. The event stays seen.
func (s *Store) CompleteTriggerDelivery(ctx context.Context, id string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM trigger_deliveries WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: complete delivery: %w", err)
	}
	return nil
}

// RetryTriggerDelivery releases claim's hold on the delivery and makes it
// due again at next. A claim that lapsed and was taken over is
// ErrNotFound, as is a delivery deleted meanwhile (its trigger went).
func (s *Store) RetryTriggerDelivery(ctx context.Context, id, claim string, next time.Time, status int, lastErr string) error {
	res, err := s.q.ExecContext(ctx, `UPDATE trigger_deliveries SET next_attempt_at = ?, claim = '', claimed_until = 0,
		last_status = ?, last_error = ?, updated_at = ? WHERE id = ? AND claim = ?`, ms(next), status, lastErr, s.stamp(), id, claim)
	return oneRow(res, err, "retry delivery", id)
}

// ReleaseTriggerDelivery gives an attempt that never happened (shutdown
// while claimed) back: the claim ends and the attempt is not counted.
func (s *Store) ReleaseTriggerDelivery(ctx context.Context, id, claim string) error {
	res, err := s.q.ExecContext(ctx, `UPDATE trigger_deliveries SET claim = '', claimed_until = 0, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
		updated_at = ? WHERE id = ? AND claim = ?`, s.stamp(), id, claim)
	return oneRow(res, err, "release delivery", id)
}

// FailTriggerDelivery marks the delivery failed for good; the row is kept
// for inspection until its trigger is deleted.
func (s *Store) FailTriggerDelivery(ctx context.Context, id, claim string, status int, lastErr string) error {
	res, err := s.q.ExecContext(ctx, `UPDATE trigger_deliveries SET state = ?, claim = '', claimed_until = 0, last_status = ?,
		last_error = ?, updated_at = ? WHERE id = ? AND claim = ?`, DeliveryFailed, status, lastErr, s.stamp(), id, claim)
	return oneRow(res, err, "fail delivery", id)
}

// ListTriggerDeliveries returns the deliveries of one key (of one trigger
// when triggerID is set; in one state when state is set), oldest first.
func (s *Store) ListTriggerDeliveries(ctx context.Context, keyID, triggerID, state string) ([]TriggerDelivery, error) {
	return s.queryDeliveries(ctx, `t.key_id = ? AND (? = '' OR d.trigger_id = ?) AND (? = '' OR d.state = ?)
		ORDER BY d.created_at, d.id`, keyID, triggerID, triggerID, state, state)
}

// CountPendingTriggerDeliveries counts deliveries still to be made.
func (s *Store) CountPendingTriggerDeliveries(ctx context.Context) (int, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM trigger_deliveries WHERE state = ?`, DeliveryPending).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count deliveries: %w", err)
	}
	return n, nil
}

// PruneTriggerEventsSeen forgets event ids accepted before cutoff, except
// those whose delivery is still stored, so a provider retry arriving after
// the window is delivered again rather than remembered forever.
func (s *Store) PruneTriggerEventsSeen(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM trigger_events_seen WHERE accepted_at < ?
		AND id NOT IN (SELECT id FROM trigger_deliveries)`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: prune seen events: %w", err)
	}
	return res.RowsAffected()
}
