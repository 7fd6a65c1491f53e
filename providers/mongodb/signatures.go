package mongodb

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "mongodb"},
		{Ecosystem: providers.NPM, Name: "mongoose"},
		{Ecosystem: providers.NPM, Name: "mongodb-atlas-api-client"},
		{Ecosystem: providers.PyPI, Name: "pymongo"},
		{Ecosystem: providers.PyPI, Name: "motor"},
		{Ecosystem: providers.Go, Name: "go.mongodb.org/mongo-driver*"},
		{Ecosystem: providers.Go, Name: "go.mongodb.org/atlas*"},
		{Ecosystem: providers.RubyGems, Name: "mongo", Globals: []string{"Mongo"}},
		{Ecosystem: providers.RubyGems, Name: "mongoid", Globals: []string{"Mongoid"}},
		{Ecosystem: providers.Maven, Name: "org.mongodb:*", Imports: []string{"com.mongodb"}},
		{Ecosystem: providers.NuGet, Name: "MongoDB.Driver", Imports: []string{"MongoDB.Driver"}},
		{Ecosystem: providers.Composer, Name: "mongodb/mongodb", Imports: []string{"MongoDB"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "MongoClient"},
		{Ecosystem: providers.NPM, Symbol: "mongoose.connect"},
		{Ecosystem: providers.PyPI, Symbol: "MongoClient"},
		{Ecosystem: providers.Go, Symbol: "mongo.Connect"},
		{Ecosystem: providers.Go, Symbol: "mongo.NewClient"},
		{Ecosystem: providers.RubyGems, Symbol: "Mongo::Client.new"},
		{Ecosystem: providers.Maven, Symbol: "MongoClients.create"},
		{Ecosystem: providers.NuGet, Symbol: "MongoClient"},
		{Ecosystem: providers.Composer, Symbol: "Client"},
	},
	EnvVars: []string{"MONGODB_URI", "MONGO_URL", "MONGO_URI", "MONGODB_URL", "MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET",
		"MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY", "MCLI_PUBLIC_API_KEY", "MCLI_PRIVATE_API_KEY",
		"MCLI_ORG_ID", "MCLI_PROJECT_ID"},
	EnvPrefixes: []string{"MONGODB_", "MONGO_", "MCLI_"},
}
