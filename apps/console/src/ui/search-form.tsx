/** The search box above an admin list: `onSearch` gets the trimmed words. */
export function SearchForm({ label, onSearch }: { label: string; onSearch: (q: string) => void }) {
  return (
    <form
      role="search"
      class="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(String(new FormData(e.currentTarget).get('q') ?? '').trim());
      }}
    >
      <label>
        {label} <input name="q" type="search" />
      </label>
      <button type="submit">Search</button>
    </form>
  );
}

/** Shown while the list has a next page (the admin API's `next_cursor`). */
export function NextPageButton({ cursor, onNext }: { cursor?: string; onNext: () => void }) {
  return cursor ? (
    <button type="button" onClick={onNext}>
      Next page
    </button>
  ) : null;
}
