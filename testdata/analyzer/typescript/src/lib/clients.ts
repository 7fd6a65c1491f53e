import { WebClient } from "@slack/web-api";
import { createClient } from "@supabase/supabase-js";
import type { NextRequest } from "next/server";
import sendgrid = require("@sendgrid/mail");
export { clerkMiddleware } from "@clerk/nextjs/server";

export const slack = new WebClient(process.env.SLACK_BOT_TOKEN!);
export const supabase = createClient(
  import.meta.env.VITE_SUPABASE_URL as string,
  process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY ?? "",
);

export function handler(req: NextRequest): string {
  return process.env.CLERK_SECRET_KEY ?? "";
}
