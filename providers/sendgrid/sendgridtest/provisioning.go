package sendgridtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// MaxAPIKeys is SendGrid's limit of API keys per account.
const MaxAPIKeys = 100

// MaxEventWebhooks is the limit of the multiple-webhooks API.
const MaxEventWebhooks = 5

// eventFlags are the event toggles of an event webhook.
var eventFlags = []string{"processed", "delivered", "deferred", "bounce", "dropped", "open", "click", "spam_report",
	"unsubscribe", "group_unsubscribe", "group_resubscribe"}

// APIKey is a key created through the API.
type APIKey struct {
	ID     string
	Name   string
	Scopes []string
	Value  string
}

// EventWebhook is a webhook of the multiple-webhooks API.
type EventWebhook struct {
	ID           string
	URL          string
	FriendlyName string
	Enabled      bool
	Events       map[string]bool
	// PublicKey is set while signing is enabled.
	PublicKey string
	Created   time.Time
}

type state struct {
	apiKeys  map[string]*APIKey
	keyOrder []string
	webhooks map[string]*EventWebhook
	hookOrdr []string
	mail     []Mail
	seq      int
}

func (s *Server) handleProvisioning() {
	s.st = state{apiKeys: map[string]*APIKey{}, webhooks: map[string]*EventWebhook{}}
	s.Handle("POST /v3/api_keys", s.route("api_keys.create", s.createKey))
	s.Handle("GET /v3/api_keys", s.route("api_keys.read", s.listKeys))
	s.Handle("GET /v3/api_keys/{id}", s.route("api_keys.read", s.getKey))
	s.Handle("PUT /v3/api_keys/{id}", s.route("api_keys.update", s.putKey))
	s.Handle("PATCH /v3/api_keys/{id}", s.route("api_keys.update", s.patchKey))
	s.Handle("DELETE /v3/api_keys/{id}", s.route("api_keys.delete", s.deleteKey))
	const read, write = "user.webhooks.event.settings.read", "user.webhooks.event.settings.update"
	s.Handle("POST /v3/user/webhooks/event/settings", s.route(write, s.createHook))
	s.Handle("GET /v3/user/webhooks/event/settings/all", s.route(read, s.listHooks))
	s.Handle("GET /v3/user/webhooks/event/settings/{id}", s.route(read, s.getHook))
	s.Handle("PATCH /v3/user/webhooks/event/settings/{id}", s.route(write, s.patchHook))
	s.Handle("DELETE /v3/user/webhooks/event/settings/{id}", s.route(write, s.deleteHook))
	s.Handle("GET /v3/user/webhooks/event/settings/signed/{id}", s.route(read, s.getSigned))
	s.Handle("POST /v3/mail/send", s.route("mail.send", s.sendMail))
	s.Handle("PATCH /v3/user/webhooks/event/settings/signed/{id}", s.route(write, s.patchSigned))
}

// route checks the key and that it holds scope, then runs h with the fake
// locked. SendGrid answers a missing scope with 403 "access forbidden".
func (s *Server) route(scope string, h func(w http.ResponseWriter, r *http.Request, scopes []string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scopes, ok := s.Auth(w, r)
		if !ok {
			return
		}
		if !slices.Contains(scopes, scope) {
			WriteError(w, http.StatusForbidden, "access forbidden")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r, scopes)
	}
}

// APIKeys returns the keys created through the API, by id.
func (s *Server) APIKeys() map[string]APIKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]APIKey{}
	for id, k := range s.st.apiKeys {
		c := *k
		c.Scopes = slices.Clone(k.Scopes)
		out[id] = c
	}
	return out
}

// EventWebhooks returns the event webhooks by id.
func (s *Server) EventWebhooks() map[string]EventWebhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]EventWebhook{}
	for id, h := range s.st.webhooks {
		c := *h
		c.Events = map[string]bool{}
		for k, v := range h.Events {
			c.Events[k] = v
		}
		out[id] = c
	}
	return out
}

// SeedEventWebhook adds a webhook made outside Patchbay and returns its id.
func (s *Server) SeedEventWebhook(url string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &EventWebhook{URL: url, Enabled: true, Events: map[string]bool{"delivered": true}}
	s.insertHook(h)
	return h.ID
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		providertest.WriteJSON(w, http.StatusBadRequest, map[string]any{"errors": []any{map[string]any{"field": nil, "message": "invalid JSON: " + err.Error()}}})
		return false
	}
	return true
}

func fieldError(w http.ResponseWriter, status int, field, msg string) {
	providertest.WriteJSON(w, status, map[string]any{"errors": []any{map[string]any{"field": field, "message": msg}}})
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request, own []string) {
	var in struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if !decode(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Name) == "" {
		fieldError(w, http.StatusBadRequest, "name", "missing required argument")
		return
	}
	if len(s.st.apiKeys) >= MaxAPIKeys {
		WriteError(w, http.StatusForbidden, "Cannot create more than 100 API keys")
		return
	}
	scopes := in.Scopes
	if len(scopes) == 0 {
		scopes = slices.Clone(own)
	}
	for _, sc := range scopes {
		// A key cannot grant what the key creating it lacks.
		if !slices.Contains(own, sc) {
			fieldError(w, http.StatusBadRequest, "scopes", "invalid scope: "+sc)
			return
		}
	}
	s.st.seq++
	id := fmt.Sprintf("fakeKey%06d", s.st.seq)
	value := "SG." + id + "." + randHex(21)
	k := &APIKey{ID: id, Name: in.Name, Scopes: slices.Clone(scopes), Value: value}
	s.st.apiKeys[id] = k
	s.st.keyOrder = append(s.st.keyOrder, id)
	s.keys[value] = slices.Clone(scopes) // the new key works at once
	s.Changed()
	providertest.WriteJSON(w, http.StatusCreated, map[string]any{"api_key": value, "api_key_id": id, "name": k.Name, "scopes": withImplicit(k.Scopes)})
}

// ImplicitScopes are the scopes SendGrid adds to every key it reports,
// whatever was asked for (seen on real keys; sendgrid-oai lists scopes as
// free strings).
var ImplicitScopes = []string{"2fa_required", "sender_verification_eligible", "sender_verification_legacy"}

func withImplicit(scopes []string) []string {
	out := slices.Clone(scopes)
	for _, sc := range ImplicitScopes {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

func (s *Server) findKey(w http.ResponseWriter, r *http.Request) (*APIKey, bool) {
	k, ok := s.st.apiKeys[r.PathValue("id")]
	if !ok {
		fieldError(w, http.StatusNotFound, "api_key_id", "unable to find API Key")
	}
	return k, ok
}

func (s *Server) listKeys(w http.ResponseWriter, _ *http.Request, _ []string) {
	out := []map[string]any{}
	for _, id := range s.st.keyOrder {
		out = append(out, map[string]any{"api_key_id": id, "name": s.st.apiKeys[id].Name})
	}
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"result": out})
}

func (s *Server) getKey(w http.ResponseWriter, r *http.Request, _ []string) {
	// sendgrid-oai: GET /v3/api_keys/{api_key_id} answers
	// {"result": [{"api_key_id", "name", "scopes"}]}.
	if k, ok := s.findKey(w, r); ok {
		providertest.WriteJSON(w, http.StatusOK, map[string]any{"result": []any{
			map[string]any{"api_key_id": k.ID, "name": k.Name, "scopes": withImplicit(k.Scopes)}}})
	}
}

// putKey replaces name and scopes: scopes left out are gone.
func (s *Server) putKey(w http.ResponseWriter, r *http.Request, own []string) {
	k, ok := s.findKey(w, r)
	if !ok {
		return
	}
	var in struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if !decode(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Name) == "" {
		fieldError(w, http.StatusBadRequest, "name", "missing required argument")
		return
	}
	for _, sc := range in.Scopes {
		if !slices.Contains(own, sc) {
			fieldError(w, http.StatusBadRequest, "scopes", "invalid scope: "+sc)
			return
		}
	}
	k.Name, k.Scopes = in.Name, slices.Clone(in.Scopes)
	s.keys[k.Value] = slices.Clone(in.Scopes)
	s.Changed()
	// The PUT answer names the key only; its scopes are not in it
	// (sendgrid-oai: PUT /v3/api_keys/{api_key_id} 200 {api_key_id, name}).
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"api_key_id": k.ID, "name": k.Name})
}

func (s *Server) patchKey(w http.ResponseWriter, r *http.Request, _ []string) {
	k, ok := s.findKey(w, r)
	if !ok {
		return
	}
	var in struct {
		Name string `json:"name"`
	}
	if !decode(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Name) == "" {
		fieldError(w, http.StatusBadRequest, "name", "missing required argument")
		return
	}
	k.Name = in.Name
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"api_key_id": k.ID, "name": k.Name})
}

func (s *Server) deleteKey(w http.ResponseWriter, r *http.Request, _ []string) {
	k, ok := s.findKey(w, r)
	if !ok {
		return
	}
	delete(s.st.apiKeys, k.ID)
	s.st.keyOrder = slices.DeleteFunc(s.st.keyOrder, func(id string) bool { return id == k.ID })
	delete(s.keys, k.Value)
	s.Changed()
	w.WriteHeader(http.StatusNoContent)
}

func (h *EventWebhook) object() map[string]any {
	o := map[string]any{"id": h.ID, "url": h.URL, "friendly_name": h.FriendlyName, "enabled": h.Enabled,
		"created_date": h.Created.UTC().Format(time.RFC3339), "updated_date": time.Now().UTC().Format(time.RFC3339),
		"oauth_client_id": "", "oauth_token_url": ""}
	for _, f := range eventFlags {
		o[f] = h.Events[f]
	}
	if h.PublicKey != "" {
		o["public_key"] = h.PublicKey
	}
	return o
}

func (s *Server) insertHook(h *EventWebhook) {
	s.st.seq++
	h.ID = fmt.Sprintf("%08x-fake-4000-8000-%012d", s.st.seq, s.st.seq)
	h.Created = time.Now()
	if h.Events == nil {
		h.Events = map[string]bool{}
	}
	s.st.webhooks[h.ID] = h
	s.st.hookOrdr = append(s.st.hookOrdr, h.ID)
}

// applyHook sets the fields present in body; PATCH leaves others as they are.
func applyHook(w http.ResponseWriter, h *EventWebhook, body map[string]json.RawMessage) bool {
	for k, raw := range body {
		switch {
		case k == "url" || k == "friendly_name":
			var v string
			if json.Unmarshal(raw, &v) != nil {
				fieldError(w, http.StatusBadRequest, k, "must be a string")
				return false
			}
			if k == "url" {
				h.URL = v
			} else {
				h.FriendlyName = v
			}
		case k == "enabled" || slices.Contains(eventFlags, k):
			var v bool
			if json.Unmarshal(raw, &v) != nil {
				fieldError(w, http.StatusBadRequest, k, "must be a boolean")
				return false
			}
			if k == "enabled" {
				h.Enabled = v
			} else {
				h.Events[k] = v
			}
		case k == "oauth_client_id" || k == "oauth_client_secret" || k == "oauth_token_url":
		default:
			fieldError(w, http.StatusBadRequest, k, "unknown field")
			return false
		}
	}
	if h.URL == "" || !(strings.HasPrefix(h.URL, "https://") || strings.HasPrefix(h.URL, "http://")) {
		fieldError(w, http.StatusBadRequest, "url", "url is required and must be a valid URL")
		return false
	}
	return true
}

func (s *Server) createHook(w http.ResponseWriter, r *http.Request, _ []string) {
	var body map[string]json.RawMessage
	if !decode(w, r, &body) {
		return
	}
	if len(s.st.webhooks) >= MaxEventWebhooks {
		fieldError(w, http.StatusBadRequest, "", fmt.Sprintf("you have reached the maximum of %d event webhooks", MaxEventWebhooks))
		return
	}
	h := &EventWebhook{Events: map[string]bool{}}
	if !applyHook(w, h, body) {
		return
	}
	s.insertHook(h)
	s.Changed()
	providertest.WriteJSON(w, http.StatusCreated, h.object())
}

func (s *Server) findHook(w http.ResponseWriter, r *http.Request) (*EventWebhook, bool) {
	h, ok := s.st.webhooks[r.PathValue("id")]
	if !ok {
		fieldError(w, http.StatusNotFound, "id", "webhook not found")
	}
	return h, ok
}

func (s *Server) listHooks(w http.ResponseWriter, _ *http.Request, _ []string) {
	out := []map[string]any{}
	for _, id := range s.st.hookOrdr {
		out = append(out, s.st.webhooks[id].object())
	}
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"max_allowed": MaxEventWebhooks, "webhooks": out})
}

func (s *Server) getHook(w http.ResponseWriter, r *http.Request, _ []string) {
	if h, ok := s.findHook(w, r); ok {
		providertest.WriteJSON(w, http.StatusOK, h.object())
	}
}

func (s *Server) patchHook(w http.ResponseWriter, r *http.Request, _ []string) {
	h, ok := s.findHook(w, r)
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if !decode(w, r, &body) {
		return
	}
	c := *h
	c.Events = map[string]bool{}
	for k, v := range h.Events {
		c.Events[k] = v
	}
	if !applyHook(w, &c, body) {
		return
	}
	*h = c
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, h.object())
}

func (s *Server) deleteHook(w http.ResponseWriter, r *http.Request, _ []string) {
	h, ok := s.findHook(w, r)
	if !ok {
		return
	}
	delete(s.st.webhooks, h.ID)
	s.st.hookOrdr = slices.DeleteFunc(s.st.hookOrdr, func(id string) bool { return id == h.ID })
	s.Changed()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getSigned(w http.ResponseWriter, r *http.Request, _ []string) {
	if h, ok := s.findHook(w, r); ok {
		providertest.WriteJSON(w, http.StatusOK, map[string]any{"id": h.ID, "public_key": h.PublicKey})
	}
}

// patchSigned turns signing on (a fresh P-256 key pair, the public half as
// base64 SPKI DER) or off.
func (s *Server) patchSigned(w http.ResponseWriter, r *http.Request, _ []string) {
	h, ok := s.findHook(w, r)
	if !ok {
		return
	}
	var in struct {
		Enabled *bool `json:"enabled"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Enabled == nil {
		fieldError(w, http.StatusBadRequest, "enabled", "missing required argument")
		return
	}
	switch {
	case !*in.Enabled:
		h.PublicKey = ""
	case h.PublicKey == "":
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			WriteError(w, http.StatusInternalServerError, "internal server error")
			return
		}
		der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
		if err != nil {
			WriteError(w, http.StatusInternalServerError, "internal server error")
			return
		}
		h.PublicKey = base64.StdEncoding.EncodeToString(der)
	}
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"id": h.ID, "public_key": h.PublicKey})
}
