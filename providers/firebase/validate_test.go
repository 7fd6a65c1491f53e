package firebase_test

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/firebase"
	"github.com/patchbay-dev/patchbay/providers/firebase/firebasetest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

func webConfig() providers.Values { return (&firebasetest.Server{}).Credentials() }

func with(v providers.Values, kv ...string) providers.Values {
	out := v.Clone()
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func serviceAccount(project string) string {
	b, _ := json.Marshal(map[string]string{"type": "service_account", "project_id": project,
		"client_email": "firebase-adminsdk@" + project + ".iam.gserviceaccount.com",
		"private_key":  "-----BEGIN PRIVATE KEY-----\nMIIfake\n-----END PRIVATE KEY-----\n"})
	return string(b)
}

func TestForm(t *testing.T) {
	t.Parallel()
	spec := firebase.Provider().Credentials
	if spec == nil || spec.Validator == nil || spec.Endpoint != "FIREBASE" || spec.DocsURL == "" || len(spec.Steps) == 0 || len(spec.Permissions) == 0 {
		t.Fatalf("incomplete spec: %+v", spec)
	}
	for _, f := range spec.Fields {
		if f.Pattern != "" {
			regexp.MustCompile(f.Pattern)
		}
		// The web config is public; only the service account is secret.
		if f.Secret() != (f.Name == "service_account") {
			t.Errorf("%s secret = %v", f.Name, f.Secret())
		}
	}
	// The firebaseConfig snippet from the console fills the fields.
	snippet := `const firebaseConfig = {
  apiKey: "` + firebasetest.APIKey + `",
  authDomain: "` + firebasetest.AuthDomain + `",
  projectId: "` + firebasetest.ProjectID + `",
  storageBucket: "gs://` + firebasetest.StorageBucket + `",
  messagingSenderId: "` + firebasetest.ProjectNumber + `",
  appId: "` + firebasetest.AppID + `",
  measurementId: "G-ABC123XYZ"
};`
	v, bad := spec.Prepare(providers.Values{"web_config": snippet, "service_account": serviceAccount(firebasetest.ProjectID)})
	if bad != nil {
		t.Fatalf("prepare: %+v", bad)
	}
	want := with(webConfig(), "measurement_id", "G-ABC123XYZ", "client_email", "firebase-adminsdk@patchbay-fake.iam.gserviceaccount.com")
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	if _, ok := v["web_config"]; ok {
		t.Error("the pasted snippet is kept")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	const (
		otherKey      = "AIzaSyOtherProjectKey000000000000000000"
		restrictedKey = "AIzaSyRestrictedKey00000000000000000000"
		noAuthKey     = "AIzaSyNoAuthProjectKey00000000000000000"
	)
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := firebasetest.New(t)
		s.AddKey(otherKey, firebasetest.Key{Project: "999999999999"})
		s.AddKey(restrictedKey, firebasetest.Key{Project: firebasetest.ProjectNumber, Referrers: []string{"shop.example.com"}})
		s.AddKey(noAuthKey, firebasetest.Key{Project: "555555555555"})
		s.DisableAuth("555555555555")
		return s.Server, s.Env(0, "FIREBASE")
	}
	valid := webConfig()
	noAuth := with(valid, "api_key", noAuthKey, "messaging_sender_id", "555555555555", "app_id", "1:555555555555:web:0123456789abcdef")
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: firebasetest.ProjectNumber, WantSummary: "checked for format"},
		{Name: "ok with service account", Values: with(valid, "service_account", serviceAccount(firebasetest.ProjectID)),
			Want: providers.StatusOK, WantSummary: "not exchanged for a token"},
		{Name: "auth API disabled", Values: noAuth, Want: providers.StatusOK, WantSummary: "not enabled"},
		{Name: "auth API disabled, other project", Values: with(noAuth, "messaging_sender_id", firebasetest.ProjectNumber, "app_id", firebasetest.AppID),
			Want: providers.StatusWrongTarget, WantField: "api_key"},
		{Name: "unknown key", Values: with(valid, "api_key", "AIzaSyUnknownKey00000000000000000000000"), Want: providers.StatusInvalid, WantField: "api_key"},
		{Name: "key of another project", Values: with(valid, "api_key", otherKey), Want: providers.StatusWrongTarget, WantField: "api_key", WantSummary: "999999999999"},
		{Name: "auth domain not authorized", Values: with(valid, "auth_domain", "login.example.com"), Want: providers.StatusWrongTarget, WantField: "auth_domain"},
		{Name: "referrer-restricted key", Values: with(valid, "api_key", restrictedKey), Want: providers.StatusInsufficientPermissions, WantField: "api_key"},
		{Name: "referrer-restricted key from its site", Values: with(valid, "api_key", restrictedKey, "auth_domain", "shop.example.com"), Want: providers.StatusWrongTarget, WantField: "auth_domain"},
		{Name: "app of another project", Values: with(valid, "app_id", "1:999999999999:web:0123456789abcdef"), Want: providers.StatusMalformed, WantField: "app_id"},
		{Name: "android app id", Values: with(valid, "app_id", "1:"+firebasetest.ProjectNumber+":android:0123456789abcdef"), Want: providers.StatusMalformed, WantField: "app_id"},
		{Name: "not an API key", Values: with(valid, "api_key", "sk_test_123"), Want: providers.StatusMalformed, WantField: "api_key"},
		{Name: "service account of another project", Values: with(valid, "service_account", serviceAccount("someone-else")), Want: providers.StatusMalformed, WantField: "service_account"},
		{Name: "not a service account", Values: with(valid, "service_account", `{"type":"authorized_user"}`), Want: providers.StatusMalformed, WantField: "service_account"},
		{Name: "missing app id", Values: with(valid, "app_id", ""), Want: providers.StatusMissing, WantField: "app_id"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusExpired)...)
	providertest.RunChecks(t, firebase.Provider().Credentials, fixture, cases)
}
