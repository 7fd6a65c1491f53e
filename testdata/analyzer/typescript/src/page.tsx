import { ClerkProvider } from "@clerk/nextjs";

export default function Page() {
  return <ClerkProvider publishableKey={process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY}>hi</ClerkProvider>;
}
