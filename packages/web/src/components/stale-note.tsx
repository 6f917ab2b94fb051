/** Said above a result kept from before a mistake: the page did not blank it, and did not update it. */
export function StaleNote({ shown, what = 'field' }: { shown: boolean; what?: string }) {
  if (!shown) return null;
  return (
    <p class="stale-note" role="status" data-testid="stale-note">
      Showing the last result that computed; correct the marked {what} to update it.
    </p>
  );
}
