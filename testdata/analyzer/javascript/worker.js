// A Cloudflare Worker on Hono: its bindings come through the env adapter.
const { Hono } = require("hono");
const { env } = require("hono/adapter");

const app = new Hono();
app.get("/config", (c) => {
  const { PUBLIC_API_URL, FEATURE_FLAGS: flags } = env(c);
  return c.json({ url: PUBLIC_API_URL, flags });
});
module.exports = app;
