/** Builds widget.js (see build-widget.js); rejects when the gzipped bundle reaches 30 KB. */
export function buildWidget(options?: { outfile?: string; quiet?: boolean }): Promise<{ outfile: string; bytes: number; gzipBytes: number }>;
