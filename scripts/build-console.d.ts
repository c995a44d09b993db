/** Builds the agents' console (see build-console.js); rejects when the first screen reaches 300 KB gzipped. */
export function buildConsole(options?: { outDir?: string; quiet?: boolean }): Promise<{ outDir: string; bytes: number; gzipBytes: number }>;
