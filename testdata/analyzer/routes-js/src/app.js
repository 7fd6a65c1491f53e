const express = require("express");
const billing = require("./routes/billing");
const Auth0Strategy = require("passport-auth0");

const app = express();
app.use("/api/v1", billing);

passport.use(new Auth0Strategy({
  domain: process.env.AUTH0_DOMAIN,
  callbackURL: "http://localhost:3000/auth/callback",
}, verify));
app.get("/auth/callback", passport.authenticate("auth0"), (req, res) => res.redirect("/"));
