const fastify = require('fastify')();
const billing = require('./routes/billing');
fastify.register(billing, { prefix: '/api/v2' });
fastify.listen({ port: 3000 });
