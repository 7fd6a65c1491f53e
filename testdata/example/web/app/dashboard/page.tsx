import { auth0 } from "../../lib/auth0";

const apiUrl = process.env.NEXT_PUBLIC_API_URL ?? "http://localhost:4000";

export default async function Dashboard() {
  const session = await auth0.getSession();
  if (!session) {
    return <a href="/auth/login">Log in</a>;
  }
  return (
    <form action={`${apiUrl}/api/checkout`} method="POST">
      <p>Signed in as {session.user.email}</p>
      <button type="submit">Upgrade</button>
    </form>
  );
}
