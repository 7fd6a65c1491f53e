const Koa = require('koa');
const Router = require('@koa/router');
const webhooks = require('./webhooks');
const app = new Koa();
const api = new Router({ prefix: '/api' });
api.use(webhooks.routes());
app.use(api.routes());
