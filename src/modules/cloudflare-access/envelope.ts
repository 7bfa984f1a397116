import { invalidInput } from '@/common/errors/domain-error';

/** Cloudflare's list paging: `result_info` of a page of `per_page` items out of `total_count`. */
export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
}

/** Cloudflare's response envelope (PRODUCT.md section 15); errors go out through the ErrorFilter in the same shape. */
export interface Envelope<T> {
  success: true;
  errors: [];
  messages: [];
  result: T;
  result_info?: ResultInfo;
}

export const envelope = <T>(result: T, resultInfo?: ResultInfo): Envelope<T> => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...(resultInfo && { result_info: resultInfo }),
});

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 1000;

/** Raw `page` / `per_page` query values. */
export interface PageParams {
  page?: string;
  per_page?: string;
}

/** `page` from 1 and `per_page` from 1 to 1000 (default 25); anything else is `400` at `/page` or `/per_page`. */
export function paging(query: PageParams): { page: number; perPage: number; skip: number } {
  const read = (name: 'page' | 'per_page', fallback: number, max: number): number => {
    const raw = query[name];
    if (raw === undefined) return fallback;
    const value = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= 1 && value <= max)) throw invalidInput(`${name} must be an integer from 1 to ${max}`, { fields: { [`/${name}`]: [`must be an integer from 1 to ${max}`] } });
    return value;
  };
  const page = read('page', 1, 1_000_000);
  const perPage = read('per_page', DEFAULT_PER_PAGE, MAX_PER_PAGE);
  return { page, perPage, skip: (page - 1) * perPage };
}

/** A page past the end is an empty result, never the first page again (the SDK pages until it sees one). */
export const pageOf = <T>(rows: T[], total: number, page: number, perPage: number): Envelope<T[]> & { result_info: ResultInfo } => ({
  ...envelope(rows),
  result_info: { page, per_page: perPage, count: rows.length, total_count: total, total_pages: Math.ceil(total / perPage) },
});
