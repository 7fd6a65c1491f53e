package redis

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "redis"},
		{Ecosystem: providers.NPM, Name: "ioredis"},
		{Ecosystem: providers.NPM, Name: "@redis/*"},
		{Ecosystem: providers.PyPI, Name: "redis"},
		{Ecosystem: providers.Go, Name: "github.com/redis/go-redis*"},
		{Ecosystem: providers.Go, Name: "github.com/go-redis/redis*"},
		{Ecosystem: providers.Go, Name: "github.com/RedisLabs/rediscloud-go-api*"},
		{Ecosystem: providers.RubyGems, Name: "redis", Globals: []string{"Redis"}},
		{Ecosystem: providers.Maven, Name: "redis.clients:jedis", Imports: []string{"redis.clients.jedis"}},
		{Ecosystem: providers.Maven, Name: "io.lettuce:lettuce-core", Imports: []string{"io.lettuce"}},
		{Ecosystem: providers.NuGet, Name: "StackExchange.Redis", Imports: []string{"StackExchange.Redis"}},
		{Ecosystem: providers.Composer, Name: "predis/predis", Imports: []string{"Predis"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "createClient"},
		{Ecosystem: providers.NPM, Symbol: "Redis"},
		{Ecosystem: providers.PyPI, Symbol: "Redis"},
		{Ecosystem: providers.PyPI, Symbol: "Redis.from_url"},
		{Ecosystem: providers.PyPI, Symbol: "redis.from_url"},
		{Ecosystem: providers.Go, Symbol: "redis.NewClient"},
		{Ecosystem: providers.Go, Symbol: "redis.ParseURL"},
		{Ecosystem: providers.Go, Symbol: "rediscloud_api.NewClient"},
		{Ecosystem: providers.RubyGems, Symbol: "Redis.new"},
		{Ecosystem: providers.Maven, Symbol: "Jedis"},
		{Ecosystem: providers.Maven, Symbol: "JedisPool"},
		{Ecosystem: providers.Maven, Symbol: "RedisClient.create"},
		{Ecosystem: providers.NuGet, Symbol: "ConnectionMultiplexer.Connect"},
		{Ecosystem: providers.Composer, Symbol: "Client"},
	},
	EnvVars:     []string{"REDIS_URL", "REDISCLOUD_ACCESS_KEY", "REDISCLOUD_SECRET_KEY", "REDISCLOUD_URL"},
	EnvPrefixes: []string{"REDIS_", "REDISCLOUD_"},
}
