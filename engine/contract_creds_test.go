package engine_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/firebase/firebasetest"
	"github.com/patchbay-dev/patchbay/providers/supabase/supabasetest"
	"github.com/patchbay-dev/patchbay/store"
)

// credsRig is an engine whose only connections are creds, over findings fs.
func credsRig(t *testing.T, creds map[string]engine.Credentials, fs []*patchbayv1.Finding) *engine.Engine {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svcs := []*patchbayv1.Service{{Path: "web", Name: "web", Frameworks: []string{"nextjs-app"}}}
	eng, err := engine.New(context.Background(), engine.Options{
		Store: st, Secrets: engine.NewMemorySecrets(), Source: &engine.StaticSource{Services: svcs, Findings: fs},
		Types: engine.DefaultTypes(engine.HTTPOptions{BaseURL: "http://127.0.0.1:1"}, engine.HTTPOptions{BaseURL: "http://127.0.0.1:1"}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
			if c, ok := creds[provider]; ok {
				return c, nil
			}
			return nil, engine.ErrNoCredentials
		}),
		RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.CreateEnvironment(context.Background(), store.Environment{Name: "local", WorkspaceRoot: root, FrontendURL: "http://localhost:3000"}); err != nil {
		t.Fatal(err)
	}
	return eng
}

// The variables Supabase and Firebase code reads are satisfied from the
// connected credential: URLs and public keys under server and browser
// names, the service-role key and the service account as secrets.
func TestSupabaseAndFirebaseFromConnection(t *testing.T) {
	t.Parallel()
	reads := map[string]string{
		"SUPABASE_URL": "supabase", "NEXT_PUBLIC_SUPABASE_URL": "supabase", "VITE_SUPABASE_URL": "supabase",
		"SUPABASE_ANON_KEY": "supabase", "NEXT_PUBLIC_SUPABASE_ANON_KEY": "supabase", "VITE_SUPABASE_ANON_KEY": "supabase",
		"NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY": "supabase", "SUPABASE_SERVICE_ROLE_KEY": "supabase",
		"NEXT_PUBLIC_FIREBASE_API_KEY": "firebase", "NEXT_PUBLIC_FIREBASE_AUTH_DOMAIN": "firebase", "FIREBASE_PROJECT_ID": "firebase",
		"VITE_FIREBASE_STORAGE_BUCKET": "firebase", "NEXT_PUBLIC_FIREBASE_MESSAGING_SENDER_ID": "firebase", "NEXT_PUBLIC_FIREBASE_APP_ID": "firebase",
		"NEXT_PUBLIC_FIREBASE_MEASUREMENT_ID": "firebase", "FIREBASE_CONFIG": "firebase",
		"FIREBASE_CLIENT_EMAIL": "firebase", "FIREBASE_PRIVATE_KEY": "firebase", "FIREBASE_SERVICE_ACCOUNT": "firebase",
	}
	var fs []*patchbayv1.Finding
	for name, p := range reads {
		fs = append(fs, readAt("web", p, "web/lib/"+p+".ts", name, "code"))
	}
	sb := engine.Credentials(supabasetest.New(t).Credentials())
	fb := engine.Credentials(firebasetest.New(t).Credentials())
	pem := "-----BEGIN PRIVATE KEY-----\nMIIfake\n-----END PRIVATE KEY-----\n"
	sa, _ := json.Marshal(map[string]string{"type": "service_account", "project_id": firebasetest.ProjectID,
		"client_email": "admin@patchbay-fake.iam.gserviceaccount.com", "private_key": pem})
	fb["service_account"], fb["client_email"] = string(sa), "admin@patchbay-fake.iam.gserviceaccount.com"

	got := contractOf(t, credsRig(t, map[string]engine.Credentials{"supabase": sb, "firebase": fb}, fs), "local", true)
	want := map[string]struct {
		value  string
		secret bool
	}{
		"SUPABASE_URL": {sb["url"], false}, "NEXT_PUBLIC_SUPABASE_URL": {sb["url"], false}, "VITE_SUPABASE_URL": {sb["url"], false},
		"SUPABASE_ANON_KEY": {sb["anon_key"], false}, "NEXT_PUBLIC_SUPABASE_ANON_KEY": {sb["anon_key"], false},
		"VITE_SUPABASE_ANON_KEY": {sb["anon_key"], false}, "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY": {sb["anon_key"], false},
		"SUPABASE_SERVICE_ROLE_KEY":    {sb["service_role_key"], true},
		"NEXT_PUBLIC_FIREBASE_API_KEY": {firebasetest.APIKey, false}, "NEXT_PUBLIC_FIREBASE_AUTH_DOMAIN": {firebasetest.AuthDomain, false},
		"FIREBASE_PROJECT_ID": {firebasetest.ProjectID, false}, "VITE_FIREBASE_STORAGE_BUCKET": {firebasetest.StorageBucket, false},
		"NEXT_PUBLIC_FIREBASE_MESSAGING_SENDER_ID": {firebasetest.ProjectNumber, false}, "NEXT_PUBLIC_FIREBASE_APP_ID": {firebasetest.AppID, false},
		"FIREBASE_CONFIG":       {`{"projectId":"` + firebasetest.ProjectID + `","storageBucket":"` + firebasetest.StorageBucket + `"}`, false},
		"FIREBASE_CLIENT_EMAIL": {"admin@patchbay-fake.iam.gserviceaccount.com", false}, "FIREBASE_PRIVATE_KEY": {pem, true},
		"FIREBASE_SERVICE_ACCOUNT": {string(sa), true},
	}
	for name, w := range want {
		v := got["web:"+name]
		if !v.Satisfied || v.Value != w.value || v.Secret != w.secret || v.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_CREDENTIAL {
			t.Errorf("%s = %q (satisfied %v, secret %v, %v), want %q (secret %v)", name, v.Value, v.Satisfied, v.Secret, v.Kind, w.value, w.secret)
		}
	}
	// measurementId was not given: Analytics is optional.
	if m := got["web:NEXT_PUBLIC_FIREBASE_MEASUREMENT_ID"]; !m.Satisfied || m.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_DEFAULT {
		t.Errorf("measurement id = %+v", m)
	}

	// Without the optional parts of the connections, the variables that
	// need them say what to add; without connections, how to connect.
	delete(sb, "service_role_key")
	delete(fb, "service_account")
	delete(fb, "client_email")
	got = contractOf(t, credsRig(t, map[string]engine.Credentials{"supabase": sb, "firebase": fb}, fs), "local", false)
	for _, name := range []string{"SUPABASE_SERVICE_ROLE_KEY", "FIREBASE_PRIVATE_KEY", "FIREBASE_CLIENT_EMAIL", "FIREBASE_SERVICE_ACCOUNT"} {
		v := got["web:"+name]
		if v.Satisfied || v.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_UNSATISFIED || !strings.Contains(v.Fix, "patchbay creds set") {
			t.Errorf("%s without it in the connection = %+v", name, v)
		}
	}
	if v := got["web:NEXT_PUBLIC_SUPABASE_URL"]; !v.Satisfied {
		t.Errorf("NEXT_PUBLIC_SUPABASE_URL = %+v", v)
	}
	got = contractOf(t, credsRig(t, nil, fs), "local", false)
	for _, name := range []string{"SUPABASE_URL", "NEXT_PUBLIC_FIREBASE_API_KEY"} {
		if v := got["web:"+name]; v.Satisfied || v.Fix == "" {
			t.Errorf("%s without a connection = %+v", name, v)
		}
	}
}
