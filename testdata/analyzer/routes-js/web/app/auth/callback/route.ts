import { createServerClient } from "@supabase/ssr";

export async function GET(request: Request) {
  const supabase = createServerClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!, { cookies: {} });
  const code = new URL(request.url).searchParams.get("code");
  if (code) await supabase.auth.exchangeCodeForSession(code);
  return Response.redirect(new URL("/", request.url));
}
