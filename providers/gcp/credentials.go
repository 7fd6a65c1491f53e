package gcp

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"

	"github.com/patchbay-dev/patchbay/providers"
)

// RequiredPermissions are what Patchbay needs on the project. Patchbay
// makes no Google Cloud call but the credential check: the JWT-bearer token
// request and projects.testIamPermissions, which needs no permission
// ("There are no permissions required for making this API call",
// https://cloud.google.com/resource-manager/reference/rest/v1/projects/testIamPermissions).
// The one permission asked for is seeing the project the key is saved
// for, which tells that project from one the account cannot reach. It
// asked for Service Account Admin and Key Admin permissions
// (iam.serviceAccounts.create, iam.serviceAccountKeys.create and .delete)
// that no code used; the check now reports those as excess.
var RequiredPermissions = []string{"resourcemanager.projects.get"}

// ExcessProbes are permissions Patchbay never needs whose grant makes a
// leaked key far more dangerous (it can mint keys for, or act as, other
// service accounts, or change who may do what in the project); the check
// asks testIamPermissions about them too and reports those held as
// excess. testIamPermissions answers only for the permissions asked
// about, so this is a sample, and the details say so.
var ExcessProbes = []string{
	"iam.serviceAccounts.create",
	"iam.serviceAccountKeys.create",
	"iam.serviceAccountKeys.delete",
	"iam.serviceAccounts.actAs",
	"iam.serviceAccounts.getAccessToken",
	"resourcemanager.projects.setIamPolicy",
}

var credentials = &providers.CredentialSpec{
	Endpoint: "GCP",
	DocsURL:  "https://cloud.google.com/iam/docs/keys-create-delete",
	Fields: []providers.Field{
		{
			Name:     "key_file",
			Label:    "Service account key (JSON file)",
			Kind:     providers.FieldFile,
			Required: true,
			Help:     "The JSON key file downloaded from IAM & Admin → Service accounts → Keys. It is stored in the keyring, not on disk.",
		},
		{
			Name:           "project_id",
			Label:          "Project ID",
			Kind:           providers.FieldText,
			Pattern:        `^[a-z][a-z0-9-]{4,28}[a-z0-9]$`,
			PatternMessage: "A project ID is 6–30 lower-case letters, digits and hyphens.",
			Help:           "Read from the key file; change it only to manage another project the service account has access to.",
		},
		{
			Name:  "client_email",
			Label: "Service account",
			Kind:  providers.FieldText,
			Help:  "Read from the key file.",
		},
	},
	Steps: []string{
		"Open Google Cloud console → IAM & Admin → Service accounts (https://console.cloud.google.com/iam-admin/serviceaccounts) in your project.",
		"Create a service account named \"patchbay\" (or pick an existing one) and grant it Browser on the project: Patchbay needs only resourcemanager.projects.get, and an admin role would let a leaked key do far more.",
		"Open the account → Keys → Add key → Create new key → JSON; the file downloads once.",
		"Choose the downloaded file here. Patchbay reads the project ID from it; delete the file afterwards.",
	},
	Permissions: RequiredPermissions,
	Normalize:   normalize,
	Validator:   providers.ValidatorFunc(validate),
}

// keyFile is the part of a service-account key file Patchbay reads.
type keyFile struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	TokenURI     string `json:"token_uri"`
}

func parseKeyFile(raw string) (keyFile, *rsa.PrivateKey, error) {
	var k keyFile
	if err := json.Unmarshal([]byte(raw), &k); err != nil {
		return k, nil, &providers.FieldError{Field: "key_file", Message: "The key file is not valid JSON."}
	}
	if k.Type != "service_account" {
		// Other credential types (authorized_user, external_account) can
		// make Google libraries fetch arbitrary URLs; only keys are taken.
		return k, nil, &providers.FieldError{Field: "key_file", Message: "The file is not a service-account key (its \"type\" must be \"service_account\")."}
	}
	if k.ClientEmail == "" || k.PrivateKey == "" {
		return k, nil, &providers.FieldError{Field: "key_file", Message: "The key file lacks client_email or private_key."}
	}
	block, _ := pem.Decode([]byte(k.PrivateKey))
	if block == nil {
		return k, nil, &providers.FieldError{Field: "key_file", Message: "The key file's private_key is not PEM."}
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		if rk, err2 := x509.ParsePKCS1PrivateKey(block.Bytes); err2 == nil {
			return k, rk, nil
		}
		return k, nil, &providers.FieldError{Field: "key_file", Message: "The key file's private_key cannot be parsed."}
	}
	rk, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return k, nil, &providers.FieldError{Field: "key_file", Message: "The key file's private_key is not an RSA key."}
	}
	return k, rk, nil
}

func normalize(v providers.Values) (providers.Values, error) {
	if v["key_file"] == "" {
		return v, nil
	}
	k, _, err := parseKeyFile(v["key_file"])
	if err != nil {
		return nil, err
	}
	if v["project_id"] == "" {
		v["project_id"] = k.ProjectID
	}
	v["client_email"] = k.ClientEmail
	return v, nil
}
