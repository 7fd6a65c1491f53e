const express = require('express');
const { Webhooks } = require('@octokit/webhooks');
const webhooks = new Webhooks({ secret: process.env.GITHUB_WEBHOOK_SECRET });
const app = express();
app.post('/github/events', express.text({ type: '*/*' }), async (req, res) => {
  const ok = await webhooks.verify(req.body, req.headers['x-hub-signature-256']);
  if (!ok) return res.sendStatus(401);
  switch (req.headers['x-github-event']) {
    case 'push':
      break;
    case 'pull_request':
      break;
  }
  const kind = req.get('X-GitHub-Event');
  if (kind === 'issues') {}
  res.sendStatus(200);
});
