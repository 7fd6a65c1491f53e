const { Router } = require("express");

const router = Router();
router.get("/users/:id", (req, res) => res.json({ id: req.params.id }));
router.delete("/users/:id", (req, res) => res.sendStatus(204));
router.put("/users/:id/avatar", (req, res) => res.sendStatus(204));
module.exports = router;
