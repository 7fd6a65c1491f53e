package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
)

// Users, their tokens and their roles per team, for a Patchbay server
// (migration 0007). Tokens are stored as hashes; callers hash them.

// Member is one user's role in one team.
type Member struct {
	Team string
	User string
	Role string
}

// AddUser records a user; ErrExists when the name is taken.
func (s *Store) AddUser(ctx context.Context, name string) error {
	res, err := s.q.ExecContext(ctx, `INSERT INTO server_users (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, s.stamp())
	if err != nil {
		return fmt.Errorf("store: add user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: user %q: %w", name, ErrExists)
	}
	return nil
}

// UserExists reports whether name is a user.
func (s *Store) UserExists(ctx context.Context, name string) (bool, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM server_users WHERE name = ?`, name).Scan(&n); err != nil {
		return false, fmt.Errorf("store: user exists: %w", err)
	}
	return n > 0, nil
}

// AddUserToken records the hash of a new token of user.
func (s *Store) AddUserToken(ctx context.Context, user, tokenHash string) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO server_tokens (token_hash, user_name, created_at) VALUES (?, ?, ?)`,
		tokenHash, user, s.stamp()); err != nil {
		return fmt.Errorf("store: add user token: %w", err)
	}
	return nil
}

// UserByToken returns the user a token hash belongs to, or ErrNotFound.
func (s *Store) UserByToken(ctx context.Context, tokenHash string) (string, error) {
	var user string
	err := s.q.QueryRowContext(ctx, `SELECT user_name FROM server_tokens WHERE token_hash = ?`, tokenHash).Scan(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: user by token: %w", err)
	}
	return user, nil
}

// RevokeUserTokens deletes every token of user.
func (s *Store) RevokeUserTokens(ctx context.Context, user string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM server_tokens WHERE user_name = ?`, user); err != nil {
		return fmt.Errorf("store: revoke user tokens: %w", err)
	}
	return nil
}

// SetMember gives user role in team, replacing an earlier role.
func (s *Store) SetMember(ctx context.Context, m Member) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO team_members (team, user_name, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (team, user_name) DO UPDATE SET role = excluded.role`, m.Team, m.User, m.Role, s.stamp()); err != nil {
		return fmt.Errorf("store: set member: %w", err)
	}
	return nil
}

// RemoveMember takes user out of team; ErrNotFound if not a member.
func (s *Store) RemoveMember(ctx context.Context, team, user string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM team_members WHERE team = ? AND user_name = ?`, team, user)
	if err != nil {
		return fmt.Errorf("store: remove member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: %q in team %q: %w", user, team, ErrNotFound)
	}
	return nil
}

// ListMembers returns a team's members by name, or, with team "", the
// teams of user (every membership of that user).
func (s *Store) ListMembers(ctx context.Context, team, user string) ([]Member, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT team, user_name, role FROM team_members
		WHERE (? = '' OR team = ?) AND (? = '' OR user_name = ?)`, team, team, user, user)
	if err != nil {
		return nil, fmt.Errorf("store: list members: %w", err)
	}
	out, err := collectRows(rows, func(r scanner) (Member, error) {
		var m Member
		return m, r.Scan(&m.Team, &m.User, &m.Role)
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Team != out[j].Team {
			return out[i].Team < out[j].Team
		}
		return out[i].User < out[j].User
	})
	return out, err
}
