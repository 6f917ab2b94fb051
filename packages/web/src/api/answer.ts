/**
 * A Clearbox server's answer read once: its JSON (undefined when there is none or it is not JSON) and,
 * when the request was refused, the one line to show: the RFC 9457 problem's `detail` (or `title`), or
 * `fallback` where the answer carries neither.
 */
export async function readAnswer(
  response: Response,
  fallback: string,
): Promise<{ data: unknown; problem: string | undefined }> {
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (response.ok) return { data, problem: undefined };
  const problem = data as { detail?: string; title?: string } | undefined;
  return { data, problem: problem?.detail ?? problem?.title ?? fallback };
}
