const express = require("express");
const passport = require("passport");

const app = express();
// One route serves every configured strategy's callback.
app.get("/auth/:provider/callback", (req, res, next) =>
  passport.authenticate(req.params.provider, { failureRedirect: "/login" })(req, res, next),
);
app.listen(3000);
