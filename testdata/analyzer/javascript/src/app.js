const express = require("express");
const stripe = require("stripe")(process.env.PAYMENTS_SECRET);
const twilio = require('twilio');
const { MongoClient } = require("mongodb");

const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
const mongo = new MongoClient(process.env.DATABASE_URL || "mongodb://localhost");
const { REDIS_URL, SESSION_SECRET: secret } = process.env;
const port = process.env["PORT"] ?? 3000;

async function s3() {
  const { S3Client } = await import("@aws-sdk/client-s3");
  return new S3Client({ region: process.env.AWS_REGION });
}

const app = express();
app.listen(port);
