const Stripe = require("stripe");
const sgMail = require("@sendgrid/mail");

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
sgMail.setApiKey(process.env.SENDGRID_API_KEY);

module.exports = { stripe, sgMail };
