import { ApiClient } from '../../ui-kit/api-client';

/** The technician UI's one API client; the session provider keeps its CSRF token current. */
export const api = new ApiClient({ basePath: '/api/app' });
