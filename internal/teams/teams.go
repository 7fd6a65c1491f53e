// Package teams is who may do what on a Patchbay server: users with
// bearer tokens (stored as SHA-256 hashes) and their role in each team.
// The daemon's server listener authenticates every request through it and
// decides from the caller's role (daemon/teamauth.go says which role each
// procedure needs); `patchbay server add-user` bootstraps the first owner.
package teams

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/patchbay-dev/patchbay/store"
)

// Role is a user's role in a team, ordered: each role may do everything the
// ones below it may.
type Role int

const (
	None Role = iota
	Viewer
	Member
	Owner
)

func (r Role) String() string {
	switch r {
	case Viewer:
		return "viewer"
	case Member:
		return "member"
	case Owner:
		return "owner"
	}
	return "none"
}

// ParseRole reads "owner", "member" or "viewer".
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "owner":
		return Owner, nil
	case "member":
		return Member, nil
	case "viewer":
		return Viewer, nil
	}
	return None, fmt.Errorf("role %q: %w (owner, member or viewer)", s, ErrInvalid)
}

// Errors callers branch on (the daemon maps them to connect codes).
var (
	ErrUnauthenticated = errors.New("unauthenticated")
	ErrDenied          = errors.New("permission denied")
	ErrInvalid         = errors.New("invalid argument")
	ErrNotFound        = errors.New("not found")
	ErrLastOwner       = errors.New("a team needs an owner")
)

// TokenPrefix starts every user token, so one is recognizable in a leak
// scan and never mistaken for an API key (pbk_).
const TokenPrefix = "pbu_"

// Caller is an authenticated user and their roles.
type Caller struct {
	User  string
	Roles map[string]Role // team → role
}

// Teams lists the caller's teams in order.
func (c *Caller) Teams() []string {
	out := make([]string, 0, len(c.Roles))
	for t := range c.Roles {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Team picks the team a request acts for: the one it names, else the
// caller's only team.
func (c *Caller) Team(named string) (string, error) {
	if named != "" {
		return named, nil
	}
	switch teams := c.Teams(); len(teams) {
	case 0:
		return "", fmt.Errorf("%s is in no team; ask a team owner to add you (patchbay team add): %w", c.User, ErrDenied)
	case 1:
		return teams[0], nil
	default:
		return "", fmt.Errorf("%s is in several teams (%s); choose one with --team or the %s header: %w",
			c.User, strings.Join(teams, ", "), TeamHeader, ErrInvalid)
	}
}

// TeamHeader names the team of a request that has no team field.
const TeamHeader = "Patchbay-Team"

// Require checks that the caller has at least role in team; what names the
// procedure for the message.
func (c *Caller) Require(team string, need Role, what string) error {
	have := c.Roles[team]
	if have >= need {
		return nil
	}
	if have == None {
		return fmt.Errorf("%s is not in team %q; %s needs a %s of it: %w", c.User, team, what, need, ErrDenied)
	}
	return fmt.Errorf("%s is a %s of team %q; %s needs %s (viewers read, members change, owners manage members): %w",
		c.User, have, team, what, need, ErrDenied)
}

// Users answers for the users of one state database.
type Users struct{ st *store.Store }

// New returns Users on st.
func New(st *store.Store) *Users { return &Users{st: st} }

func hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Authenticate returns the caller a bearer token belongs to.
func (u *Users) Authenticate(ctx context.Context, token string) (*Caller, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, fmt.Errorf("not a Patchbay user token (they start with %s; log in with patchbay login --server URL): %w", TokenPrefix, ErrUnauthenticated)
	}
	user, err := u.st.UserByToken(ctx, hash(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("unknown or revoked token; ask a team owner for a new one: %w", ErrUnauthenticated)
	}
	if err != nil {
		return nil, err
	}
	ms, err := u.st.ListMembers(ctx, "", user)
	if err != nil {
		return nil, err
	}
	c := &Caller{User: user, Roles: map[string]Role{}}
	for _, m := range ms {
		r, _ := ParseRole(m.Role)
		c.Roles[m.Team] = r
	}
	return c, nil
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$`)

func checkName(kind, s string) error {
	if !nameRE.MatchString(s) {
		return fmt.Errorf("%s name %q: letters, digits and . _ @ + - only, at most 100: %w", kind, s, ErrInvalid)
	}
	return nil
}

// Add gives user role in team. A user the server does not know yet is
// created with a token, returned once; for a known user token is "".
func (u *Users) Add(ctx context.Context, team, user string, role Role) (token string, err error) {
	if err := checkName("team", team); err != nil {
		return "", err
	}
	if err := checkName("user", user); err != nil {
		return "", err
	}
	if role == None {
		return "", fmt.Errorf("a role is needed (owner, member or viewer): %w", ErrInvalid)
	}
	if err := u.st.AddUser(ctx, user); err == nil {
		if token, err = u.NewToken(ctx, user); err != nil {
			return "", err
		}
	} else if !errors.Is(err, store.ErrExists) {
		return "", err
	}
	if role != Owner {
		if err := u.keepOwner(ctx, team, user); err != nil {
			return "", err
		}
	}
	return token, u.st.SetMember(ctx, store.Member{Team: team, User: user, Role: role.String()})
}

// NewToken issues another token for an existing user.
func (u *Users) NewToken(ctx context.Context, user string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	if err := u.st.AddUserToken(ctx, user, hash(token)); err != nil {
		return "", err
	}
	return token, nil
}

// Revoke deletes every token of user: they are logged out everywhere.
func (u *Users) Revoke(ctx context.Context, user string) error {
	ok, err := u.st.UserExists(ctx, user)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no user %q: %w", user, ErrNotFound)
	}
	return u.st.RevokeUserTokens(ctx, user)
}

// Remove takes user out of team.
func (u *Users) Remove(ctx context.Context, team, user string) error {
	if err := u.keepOwner(ctx, team, user); err != nil {
		return err
	}
	err := u.st.RemoveMember(ctx, team, user)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s is not in team %q: %w", user, team, ErrNotFound)
	}
	return err
}

// keepOwner refuses to demote or remove the last owner of a team.
func (u *Users) keepOwner(ctx context.Context, team, user string) error {
	ms, err := u.st.ListMembers(ctx, team, "")
	if err != nil {
		return err
	}
	owners, isOwner := 0, false
	for _, m := range ms {
		if m.Role == Owner.String() {
			owners++
			isOwner = isOwner || m.User == user
		}
	}
	if isOwner && owners == 1 {
		return fmt.Errorf("%s is the last owner of team %q; make someone else owner first: %w", user, team, ErrLastOwner)
	}
	return nil
}

// Members lists a team's members.
func (u *Users) Members(ctx context.Context, team string) ([]store.Member, error) {
	return u.st.ListMembers(ctx, team, "")
}

// Audit records a request of user to the state database's audit log.
// Detail must not hold secrets.
func (u *Users) Audit(ctx context.Context, user, action, target, detail string) error {
	return u.st.Audit(context.WithoutCancel(ctx), user, action, target, detail)
}

// ListAudit returns the newest limit entries, oldest first.
func (u *Users) ListAudit(ctx context.Context, limit int) ([]store.AuditEntry, error) {
	return u.st.ListAudit(ctx, limit)
}
