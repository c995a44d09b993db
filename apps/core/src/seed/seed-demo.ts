import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

export async function seedDemo(_ds: DataSource, _logger: Logger): Promise<void> {}
