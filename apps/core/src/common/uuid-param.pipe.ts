import { ZodPipe } from '@switchboard/common';
import { uuidParam } from './pagination.js';

/** `@Param('id', UuidPipe)`: a malformed id is a 400 naming the parameter. */
export const UuidPipe = new ZodPipe(uuidParam, 'id');
