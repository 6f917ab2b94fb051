import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type PageModule = () => Promise<ComponentType>;

const loaded = new Map<PageModule, ComponentType>();

/**
 * A page whose code is fetched when it is first opened: the first page stays within its size budget as
 * the other pages grow. A loaded page is kept, so coming back to it renders at once.
 */
export function LazyPage({ load }: { load: PageModule }) {
  const [Page, setPage] = useState<ComponentType | undefined>(() => loaded.get(load));
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Page) return;
    let live = true;
    load().then(
      (component) => {
        loaded.set(load, component);
        if (live) setPage(() => component);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [load, Page]);
  if (failed) return <p role="alert">This page could not be loaded; reload to try again.</p>;
  if (!Page) return <p aria-busy="true">Loading…</p>;
  return <Page />;
}
