import { z } from "zod";

// The environment validated by a schema; a key's chain may start on the
// next line.
const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.string().url(),
  DB_SSLMODE: z
    .enum(["disable", "require"])
    .default("require"),
});

export const env = schema.parse(process.env);
