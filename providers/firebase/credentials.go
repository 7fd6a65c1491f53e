package firebase

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// Patchbay provisions nothing at Firebase: the connection gives the app
// its web config (public by design: a Firebase API key identifies the
// project, Security Rules and App Check guard the data;
// https://firebase.google.com/docs/projects/api-keys) and, optionally, a
// service account for firebase-admin (see engine/contract.go).
var credentials = &providers.CredentialSpec{
	Endpoint: "FIREBASE",
	DocsURL:  "https://firebase.google.com/docs/web/learn-more#config-object",
	Fields: []providers.Field{
		{
			Name:  "web_config",
			Label: "Paste the firebaseConfig object (optional)",
			Kind:  providers.FieldText,
			Help:  "The const firebaseConfig = { apiKey: …, … } snippet from Project settings → General → Your apps fills the fields below.",
		},
		{
			Name: "api_key", Label: "apiKey", Kind: providers.FieldText, Required: true,
			Pattern:        `^AIza[0-9A-Za-z_-]{35}$`,
			PatternMessage: "A Firebase (Google) API key is 39 characters starting with AIza.",
			Help:           "Public: it identifies the project and is injected as NEXT_PUBLIC_FIREBASE_API_KEY (or VITE_…, FIREBASE_API_KEY).",
		},
		{
			Name: "auth_domain", Label: "authDomain", Kind: providers.FieldText, Required: true,
			Pattern:        `^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`,
			PatternMessage: "The auth domain is a host name such as my-project.firebaseapp.com.",
			Placeholder:    "my-project.firebaseapp.com",
		},
		{
			Name: "project_id", Label: "projectId", Kind: providers.FieldText, Required: true,
			Pattern:        `^[a-z][a-z0-9-]{4,28}[a-z0-9]$`,
			PatternMessage: "A project ID is 6–30 lower-case letters, digits and hyphens.",
		},
		{
			Name: "storage_bucket", Label: "storageBucket", Kind: providers.FieldText, Required: true,
			Pattern:        `^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$`,
			PatternMessage: "The storage bucket is a bucket name such as my-project.firebasestorage.app or my-project.appspot.com (no gs://).",
		},
		{
			Name: "messaging_sender_id", Label: "messagingSenderId", Kind: providers.FieldText, Required: true,
			Pattern:        `^[0-9]{6,20}$`,
			PatternMessage: "The messaging sender ID is the project number: digits only.",
		},
		{
			Name: "app_id", Label: "appId", Kind: providers.FieldText, Required: true,
			Pattern:        `^1:[0-9]{6,20}:web:[0-9a-f]{6,}$`,
			PatternMessage: "A web app ID looks like 1:<project number>:web:<hex>; Android and iOS app IDs do not work in web code.",
		},
		{
			Name: "measurement_id", Label: "measurementId (optional)", Kind: providers.FieldText,
			Pattern:        `^G-[A-Z0-9]{4,16}$`,
			PatternMessage: "A measurement ID starts with G-.",
			Help:           "Only when the app uses Google Analytics.",
		},
		{
			Name:  "service_account",
			Label: "Service account key (JSON file, optional)",
			Kind:  providers.FieldFile,
			Help:  "Only when server code uses firebase-admin: Project settings → Service accounts → Generate new private key. Kept in the keyring; injected as FIREBASE_SERVICE_ACCOUNT or FIREBASE_CLIENT_EMAIL/FIREBASE_PRIVATE_KEY.",
		},
		{
			Name:  "client_email",
			Label: "Service account",
			Kind:  providers.FieldText,
			Help:  "Read from the service account key.",
		},
	},
	Steps: []string{
		"Open the Firebase console → Project settings (the gear) → General, https://console.firebase.google.com/project/_/settings/general.",
		"Under \"Your apps\" pick the Web app (or click \"Add app\" → Web) and choose \"Config\".",
		"Copy the firebaseConfig object and paste it in the first field, or copy each value into its field.",
		"Only if server code uses firebase-admin: Project settings → Service accounts → \"Generate new private key\", and choose the downloaded file here; delete the file afterwards.",
	},
	Permissions: []string{
		"Web config: none, it is public; Patchbay only reads Firebase Authentication's public project config (GET identitytoolkit.googleapis.com/v1/projects) with the API key",
		"Service account, optional: only if server code uses firebase-admin; grant it only the roles that code needs (e.g. Firebase Authentication Admin), not Editor or Owner",
	},
	Normalize: normalize,
	Validator: providers.ValidatorFunc(validate),
}

// configFields maps the web config's keys to the form's fields.
var configFields = map[string]string{
	"apiKey": "api_key", "authDomain": "auth_domain", "projectId": "project_id", "storageBucket": "storage_bucket",
	"messagingSenderId": "messaging_sender_id", "appId": "app_id", "measurementId": "measurement_id",
}

// configEntry matches `apiKey: "…"` in a JS object literal or JSON.
var configEntry = regexp.MustCompile(`["']?([A-Za-z]+)["']?\s*:\s*["']([^"']*)["']`)

type serviceAccount struct {
	Type        string `json:"type"`
	ProjectID   string `json:"project_id"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
}

// ParseServiceAccount reads the parts of a service-account key Patchbay
// uses. Errors name the field only, never the content.
func ParseServiceAccount(raw string) (projectID, clientEmail, privateKey string, err error) {
	var sa serviceAccount
	if json.Unmarshal([]byte(raw), &sa) != nil {
		return "", "", "", &providers.FieldError{Field: "service_account", Message: "The service account key is not valid JSON."}
	}
	if sa.Type != "service_account" {
		return "", "", "", &providers.FieldError{Field: "service_account", Message: "The file is not a service-account key (its \"type\" must be \"service_account\")."}
	}
	if sa.ClientEmail == "" || !strings.Contains(sa.PrivateKey, "PRIVATE KEY-----") {
		return "", "", "", &providers.FieldError{Field: "service_account", Message: "The service account key lacks client_email or a PEM private_key."}
	}
	return sa.ProjectID, sa.ClientEmail, sa.PrivateKey, nil
}

// normalize spreads a pasted firebaseConfig over the fields, strips gs://
// from the bucket and checks that the values come from one project: the
// appId embeds the project number, which is the messagingSenderId.
func normalize(v providers.Values) (providers.Values, error) {
	if cfg := v["web_config"]; cfg != "" {
		found := false
		for _, m := range configEntry.FindAllStringSubmatch(cfg, -1) {
			if f, ok := configFields[m[1]]; ok {
				found = true
				if v[f] == "" {
					v[f] = strings.TrimSpace(m[2])
				}
			}
		}
		if !found {
			return nil, &providers.FieldError{Field: "web_config", Message: "No firebaseConfig keys (apiKey, projectId, …) were found in the pasted text."}
		}
		delete(v, "web_config")
	}
	v["storage_bucket"] = strings.TrimSuffix(strings.TrimPrefix(v["storage_bucket"], "gs://"), "/")
	if parts := strings.Split(v["app_id"], ":"); len(parts) == 4 && v["messaging_sender_id"] != "" && parts[1] != v["messaging_sender_id"] {
		return nil, &providers.FieldError{Field: "app_id", Message: "The appId's project number differs from messagingSenderId: the values come from different projects."}
	}
	delete(v, "client_email")
	if raw := v["service_account"]; raw != "" {
		project, email, _, err := ParseServiceAccount(raw)
		if err != nil {
			return nil, err
		}
		if p := v["project_id"]; p != "" && project != p {
			return nil, &providers.FieldError{Field: "service_account", Message: "The service account belongs to project " + project + ", not " + p + "."}
		}
		v["client_email"] = email
	}
	return v, nil
}
