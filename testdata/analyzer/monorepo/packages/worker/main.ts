import Redis from "ioredis";
const redis = new Redis(process.env.QUEUE_URL);
