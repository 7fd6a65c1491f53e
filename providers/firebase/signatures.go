package firebase

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	IdentityNames: []string{"firebase"},
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "firebase"},
		{Ecosystem: providers.NPM, Name: "firebase-admin"},
		{Ecosystem: providers.NPM, Name: "firebase-functions"},
		{Ecosystem: providers.NPM, Name: "@firebase/*"},
		{Ecosystem: providers.PyPI, Name: "firebase-admin", Imports: []string{"firebase_admin"}},
		{Ecosystem: providers.Go, Name: "firebase.google.com/go*"},
		{Ecosystem: providers.Maven, Name: "com.google.firebase:*", Imports: []string{"com.google.firebase"}},
		{Ecosystem: providers.NuGet, Name: "FirebaseAdmin", Imports: []string{"FirebaseAdmin"}},
		{Ecosystem: providers.Composer, Name: "kreait/firebase-php", Imports: []string{"Kreait\\Firebase"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "initializeApp"},
		{Ecosystem: providers.NPM, Symbol: "admin.initializeApp"},
		{Ecosystem: providers.PyPI, Symbol: "firebase_admin.initialize_app"},
		{Ecosystem: providers.PyPI, Symbol: "initialize_app"},
		{Ecosystem: providers.Go, Symbol: "firebase.NewApp"},
		{Ecosystem: providers.Maven, Symbol: "FirebaseApp.initializeApp"},
		{Ecosystem: providers.NuGet, Symbol: "FirebaseApp.Create"},
		{Ecosystem: providers.Composer, Symbol: "Factory"},
	},
	EnvVars: []string{"FIREBASE_PROJECT_ID", "FIREBASE_API_KEY", "FIREBASE_AUTH_DOMAIN", "FIREBASE_CLIENT_EMAIL",
		"FIREBASE_PRIVATE_KEY", "FIREBASE_CONFIG", "FIREBASE_STORAGE_BUCKET", "FIREBASE_APP_ID"},
	EnvPrefixes: []string{"FIREBASE_"},
}
