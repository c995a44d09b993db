import { HttpStatus, type PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainException, ErrorCode } from './errors.js';

/** Validates a body/query/param with a zod schema; a failure is a 400 naming each bad field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    throw new DomainException(ErrorCode.ValidationFailed, `invalid ${this.what}: ${summary}`, HttpStatus.BAD_REQUEST, issues);
  }
}

/** The request body in the OpenAPI document, from the same zod schema that validates it. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema.$schema;
  return ApiBody({ schema: jsonSchema, ...(description ? { description } : {}) });
}
