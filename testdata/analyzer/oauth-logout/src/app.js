const express = require('express');
const cors = require('cors');
const { auth } = require('express-openid-connect');
const account = require('./account');

const app = express();
app.use(cors({ origin: ['https://app.example.com', 'https://admin.example.com'] }));
app.use(auth({
  authRequired: false,
  baseURL: 'https://app.example.com',
  clientID: process.env.AUTH0_CLIENT_ID,
  issuerBaseURL: process.env.AUTH0_ISSUER_BASE_URL,
}));
app.use('/account', account);
app.listen(3000);
