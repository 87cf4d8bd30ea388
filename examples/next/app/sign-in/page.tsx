import { signIn } from "./actions";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string }>;
}) {
  const { error } = await searchParams;
  return (
    <>
      <h1>Sign in</h1>
      <form action={signIn}>
        <label>
          Email <input name="email" type="email" autoComplete="email" required />
        </label>{" "}
        <button type="submit">Sign in</button>
      </form>
      {error && <p role="alert">Enter a valid email address.</p>}
    </>
  );
}
