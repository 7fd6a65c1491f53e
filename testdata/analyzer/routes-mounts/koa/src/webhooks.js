const Router = require('@koa/router');
const Stripe = require('stripe');
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
const router = new Router({ prefix: '/hooks' });
router.post('/stripe', async (ctx) => {
  const event = stripe.webhooks.constructEvent(ctx.request.rawBody, ctx.get('stripe-signature'), process.env.STRIPE_WEBHOOK_SECRET);
  switch (event.type) {
    case 'invoice.paid':
      break;
  }
});
module.exports = router;
