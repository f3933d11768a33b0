/** An error for screen readers (role=alert) and eyes alike; nothing when there is none. */
export function ErrorNotice({ error }: { error?: string }) {
  return error ? (
    <p role="alert" class="error">
      {error}
    </p>
  ) : null;
}

/** The polite status line (role=status): always present, so that what is put in it is announced. */
export function StatusNotice({ status }: { status: string }) {
  return (
    <p role="status" class="status">
      {status}
    </p>
  );
}

/** A secret shown once (a new client's, a rotated one): selectable, never stored by the console. */
export function SecretOnce({ label, secret, onDone }: { label: string; secret: string; onDone: () => void }) {
  return (
    <div class="secret" role="alert">
      <p>
        <strong>{label}</strong> It is shown only this once: copy it now.
      </p>
      <code>{secret}</code>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
