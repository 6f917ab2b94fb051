import { fileURLToPath } from 'node:url';

/**
 * Node-side entry of @clearbox/web: where the built app lies, for the server that serves it. The app
 * itself starts at src/main.tsx and is built with `npm run build -w @clearbox/web` (vite build).
 */
export const webDistDir = fileURLToPath(new URL('../dist', import.meta.url));
