const express = require('express');
const router = express.Router();

// An explicit logout route besides the SDK's default /logout.
router.get('/sign-out', (req, res) => {
  res.oidc.logout({ returnTo: 'https://app.example.com/goodbye' });
});

module.exports = router;
