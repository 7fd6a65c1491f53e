package awstest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Managed login branding styles, as the Cognito user pools API reference
// documents them:
//
//   - CreateManagedLoginBranding
//     (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateManagedLoginBranding.html):
//     UserPoolId and ClientId required; UseCognitoProvidedValues true "must
//     also omit values for Settings and Assets"; one style per app client
//     (ManagedLoginBrandingExistsException); an unknown pool or client is
//     ResourceNotFoundException; the answer is {"ManagedLoginBranding": …}.
//   - DescribeManagedLoginBrandingByClient
//     (…/API_DescribeManagedLoginBrandingByClient.html): the style of one
//     client, ResourceNotFoundException when it has none.
//   - DeleteManagedLoginBranding (…/API_DeleteManagedLoginBranding.html):
//     ManagedLoginBrandingId must match the UUID v4 pattern below; HTTP 200
//     with an empty body. "When an app client doesn't have a style
//     assigned, your managed login pages for that app client are
//     nonfunctional until you create a new style or switch the domain
//     branding version" (to 1, the classic hosted UI).
//   - CreateUserPoolClient (…/API_CreateUserPoolClient.html): "Amazon
//     Cognito doesn't automatically assign a branding style to app clients
//     that you configure with this API operation. Managed login and classic
//     hosted UI pages aren't available for your client until after you
//     apply a branding style." LoginPageAvailable answers that question.
//   - ManagedLoginBrandingType (…/API_ManagedLoginBrandingType.html): the
//     style carries no ClientId; CreationDate and LastModifiedDate are epoch
//     seconds.
//
// Every error is HTTP 400 except InternalErrorException (500). The
// modifying operations can answer ConcurrentModificationException ("two or
// more modifications are happening concurrently"): ConcurrentBranding
// makes the next ones do so. The reference does not say that deleting an
// app client deletes its style, so the fake keeps the style (the cautious
// reading): Patchbay deletes it itself.

// brandingIDPattern is ManagedLoginBrandingId's documented pattern.
var brandingIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[4][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

// poolIDPattern and clientIDPattern are UserPoolId's and ClientId's
// documented patterns (1-55 and 1-128 characters).
var (
	poolIDPattern   = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	clientIDPattern = regexp.MustCompile(`^[\w+]+$`)
)

// Branding is a managed login style as the fake holds it.
type Branding struct {
	ID         string
	UserPoolID string
	ClientID   string
	// UseCognitoProvidedValues is true for a style made with Cognito's
	// defaults; false for one with Settings or Assets of its own.
	UseCognitoProvidedValues bool
	Settings                 json.RawMessage
	Assets                   json.RawMessage
	Created, Modified        time.Time
}

func (b *Branding) object() map[string]any {
	o := map[string]any{"ManagedLoginBrandingId": b.ID, "UserPoolId": b.UserPoolID,
		"UseCognitoProvidedValues": b.UseCognitoProvidedValues,
		"CreationDate":             float64(b.Created.Unix()), "LastModifiedDate": float64(b.Modified.Unix())}
	if len(b.Settings) > 0 {
		o["Settings"] = b.Settings
	}
	if len(b.Assets) > 0 {
		o["Assets"] = b.Assets
	} else {
		o["Assets"] = []any{}
	}
	return o
}

// Brandings returns a pool's styles by app client id.
func (s *Server) Brandings(pool string) map[string]Branding {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]Branding{}
	if p := s.pools[pool]; p != nil {
		for _, b := range p.brandings {
			out[b.ClientID] = *b
		}
	}
	return out
}

// SeedBranding gives a client a style of its own (made in the branding
// editor: UseCognitoProvidedValues false, settings set) and returns its id.
func (s *Server) SeedBranding(pool, clientID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pools[pool]
	b := &Branding{ID: uuid4(), UserPoolID: pool, ClientID: clientID, Settings: json.RawMessage(`{"components":{"primaryButton":{"lightMode":{"defaults":{"backgroundColor":"0972d3ff"}}}}}`),
		Created: time.Now(), Modified: time.Now()}
	p.brandings[b.ID] = b
	return b.ID
}

// LoginPageAvailable reports whether the client's hosted login page would
// be served: only once the client has a style.
func (s *Server) LoginPageAvailable(pool, clientID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pools[pool]
	return p != nil && p.clients[clientID] != nil && p.brandingOf(clientID) != nil
}

// ConcurrentBranding makes the pool's next n branding modifications
// (create, delete) answer ConcurrentModificationException, as when someone
// saves a style in the branding editor at the same moment.
func (s *Server) ConcurrentBranding(pool string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pools[pool].concurrentBranding = n
}

func uuid4() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (p *userPool) brandingOf(clientID string) *Branding {
	for _, b := range p.brandings {
		if b.ClientID == clientID {
			return b
		}
	}
	return nil
}

// serveBranding answers the branding operations; s.mu is held and pool
// exists. It reports whether op was one of them.
func (s *Server) serveBranding(w http.ResponseWriter, op string, pool *userPool, poolID string, in map[string]json.RawMessage) bool {
	str := func(k string) string {
		var v string
		_ = json.Unmarshal(in[k], &v)
		return v
	}
	known := map[string][]string{
		"CreateManagedLoginBranding":           {"UserPoolId", "ClientId", "UseCognitoProvidedValues", "Settings", "Assets"},
		"DescribeManagedLoginBrandingByClient": {"UserPoolId", "ClientId", "ReturnMergedResources"},
		"DescribeManagedLoginBranding":         {"UserPoolId", "ManagedLoginBrandingId", "ReturnMergedResources"},
		"DeleteManagedLoginBranding":           {"UserPoolId", "ManagedLoginBrandingId"},
	}
	fields, ok := known[op]
	if !ok {
		return false
	}
	for k := range in {
		if !slices.Contains(fields, k) {
			WriteJSONError(w, 400, "SerializationException", "Unrecognized field \""+k+"\"")
			return true
		}
	}
	if !poolIDPattern.MatchString(poolID) || len(poolID) > 55 {
		WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value '"+poolID+"' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+")
		return true
	}
	modifying := op == "CreateManagedLoginBranding" || op == "DeleteManagedLoginBranding"
	if modifying && pool.concurrentBranding > 0 {
		pool.concurrentBranding--
		WriteJSONError(w, 400, "ConcurrentModificationException", "A modification of the managed login branding for this user pool is already in progress.")
		return true
	}
	reply := func(b *Branding) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		providertest.WriteJSON(w, 200, map[string]any{"ManagedLoginBranding": b.object()})
	}
	clientID := str("ClientId")
	switch op {
	case "CreateManagedLoginBranding", "DescribeManagedLoginBrandingByClient":
		if clientID == "" || len(clientID) > 128 || !clientIDPattern.MatchString(clientID) {
			WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value '"+clientID+"' at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+")
			return true
		}
	case "DescribeManagedLoginBranding", "DeleteManagedLoginBranding":
		if id := str("ManagedLoginBrandingId"); !brandingIDPattern.MatchString(id) {
			WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value '"+id+"' at 'managedLoginBrandingId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[4][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
			return true
		}
	}
	switch op {
	case "CreateManagedLoginBranding":
		if pool.clients[clientID] == nil {
			WriteJSONError(w, 400, "ResourceNotFoundException", "User pool client "+clientID+" does not exist.")
			return true
		}
		var defaults bool
		if raw, ok := in["UseCognitoProvidedValues"]; ok && json.Unmarshal(raw, &defaults) != nil {
			WriteJSONError(w, 400, "SerializationException", "field UseCognitoProvidedValues: not a boolean")
			return true
		}
		_, settings := in["Settings"]
		_, assets := in["Assets"]
		if defaults && (settings || assets) {
			WriteJSONError(w, 400, "InvalidParameterException", "Settings and Assets must not be provided when UseCognitoProvidedValues is true.")
			return true
		}
		if pool.brandingOf(clientID) != nil {
			WriteJSONError(w, 400, "ManagedLoginBrandingExistsException", "Managed login branding already exists for app client "+clientID+".")
			return true
		}
		b := &Branding{ID: uuid4(), UserPoolID: poolID, ClientID: clientID, UseCognitoProvidedValues: defaults,
			Settings: in["Settings"], Assets: in["Assets"], Created: time.Now(), Modified: time.Now()}
		pool.brandings[b.ID] = b
		s.Changed()
		reply(b)
	case "DescribeManagedLoginBrandingByClient":
		if pool.clients[clientID] == nil {
			WriteJSONError(w, 400, "ResourceNotFoundException", "User pool client "+clientID+" does not exist.")
			return true
		}
		b := pool.brandingOf(clientID)
		if b == nil {
			WriteJSONError(w, 400, "ResourceNotFoundException", "Managed login branding for app client "+clientID+" does not exist.")
			return true
		}
		reply(b)
	case "DescribeManagedLoginBranding":
		b := pool.brandings[str("ManagedLoginBrandingId")]
		if b == nil {
			WriteJSONError(w, 400, "ResourceNotFoundException", "Managed login branding "+str("ManagedLoginBrandingId")+" does not exist.")
			return true
		}
		reply(b)
	case "DeleteManagedLoginBranding":
		id := str("ManagedLoginBrandingId")
		if pool.brandings[id] == nil {
			WriteJSONError(w, 400, "ResourceNotFoundException", "Managed login branding "+id+" does not exist.")
			return true
		}
		delete(pool.brandings, id)
		s.Changed()
		w.WriteHeader(200)
	}
	return true
}
