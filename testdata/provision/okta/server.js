const express = require("express");
const session = require("express-session");
const { ExpressOIDC } = require("@okta/oidc-middleware");

// @okta/oidc-middleware serves /login, /authorization-code/callback and
// /logout itself; the app only names its Okta app and base URL.
const oidc = new ExpressOIDC({
  issuer: process.env.OKTA_ISSUER,
  client_id: process.env.OKTA_CLIENT_ID,
  client_secret: process.env.OKTA_CLIENT_SECRET,
  appBaseUrl: process.env.APP_BASE_URL || "http://localhost:3000",
  scope: "openid profile",
});

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
app.use(oidc.router);

app.get("/", (req, res) => {
  res.send(req.userContext ? `Hello ${req.userContext.userinfo.name}` : '<a href="/login">Sign in</a>');
});

oidc.on("ready", () => app.listen(3000));
