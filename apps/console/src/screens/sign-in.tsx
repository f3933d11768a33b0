export function SignIn({ onSignIn, problem }: { onSignIn: () => void; problem?: string }) {
  return (
    <section aria-labelledby="sign-in-title" class="sign-in">
      <h1 tabIndex={-1} id="sign-in-title">Portcullis console</h1>
      <p>Operators see tokens, denials, tool calls and the audit log here. Sign in with your Portcullis account.</p>
      {problem && (
        <p role="alert" class="error">
          Sign-in did not complete: {problem}
        </p>
      )}
      <button type="button" class="primary" onClick={onSignIn}>
        Sign in
      </button>
    </section>
  );
}
