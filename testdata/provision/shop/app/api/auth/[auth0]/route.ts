import { handleAuth } from "@auth0/nextjs-auth0";

// nextjs-auth0 v3 serves /api/auth/login, /api/auth/callback and
// /api/auth/logout from this route and reads AUTH0_* itself.
export const GET = handleAuth();

export const issuer = process.env.AUTH0_ISSUER_BASE_URL;
export const clientId = process.env.AUTH0_CLIENT_ID;
