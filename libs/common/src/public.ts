import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'switchboard:public';

/** The route needs no credentials (health, login, public web form endpoints). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
