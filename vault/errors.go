package vault

import "errors"

// Sentinel errors of the credential domain. The daemon maps them to
// connect codes (daemon/credential.go); messages never contain secrets.
var (
	// ErrNotFound: no such credential profile or secret.
	ErrNotFound = errors.New("not found")
	// ErrDamaged: an item exists in the keyring but cannot be read (an
	// empty or cut-off file keyring item, one encrypted with another
	// passphrase). It is never reported as ErrNotFound: the value is not
	// known to be gone, only unreadable; deleting the item fixes it.
	ErrDamaged = errors.New("the stored item is damaged and cannot be read")
	// ErrUnknownProvider: the provider id is not in the catalogue, or
	// Patchbay holds no credentials for it.
	ErrUnknownProvider = errors.New("unknown provider")
	// ErrLocked: the encrypted file keyring needs its passphrase
	// (PATCHBAY_KEYRING_PASSPHRASE or the editor's unlock form).
	ErrLocked = errors.New("the keyring is locked: set PATCHBAY_KEYRING_PASSPHRASE or unlock it from the editor")
	// ErrBadPassphrase: the passphrase does not open the file keyring.
	ErrBadPassphrase = errors.New("the keyring passphrase is wrong")
	// ErrInvalidArgument: a malformed request (bad profile name, ...).
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrRequestNotFound: no open credential request has this id.
	ErrRequestNotFound = errors.New("no open credential request with this id")
	// ErrRequestCanceled: the user canceled a credential request.
	ErrRequestCanceled = errors.New("the credential request was canceled")
	// ErrRequestTimeout: nobody answered a credential request in time.
	ErrRequestTimeout = errors.New("the credential request timed out")
	// ErrOAuthPort: the loopback redirect port cannot be listened on.
	ErrOAuthPort = errors.New("the OAuth redirect port is not available")
	// ErrOAuthInProgress: a browser sign-in for this provider is running.
	ErrOAuthInProgress = errors.New("a browser sign-in for this provider is already in progress")
)
