const express = require("express");
const users = require("./routes/users");

const app = express();
app.use("/api/v1", users);
app.get("/healthz", (req, res) => res.send("ok"));
app.listen(3000);
