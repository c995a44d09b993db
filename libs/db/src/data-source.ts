/** For the TypeORM CLI (migration:run / revert / show). The services build their own from config. */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

export default new DataSource(
  dataSourceOptions({
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard',
    poolSize: 2,
    applicationName: 'typeorm-cli',
  }),
);
