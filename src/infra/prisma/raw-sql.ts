import { Pool, PoolClient, types as pgTypes } from 'pg';
import { Prisma } from '@/generated/prisma/client';

/**
 * What a repository method that runs only raw SQL needs of its connection or transaction: a Prisma `Tx` (or the
 * PrismaService itself) satisfies it, and so does a RawQueryable on the pool under Prisma's adapter, which hot paths
 * use (an expiry pass, a grant request's write) because Prisma's client runtime costs several times the CPU of the
 * driver itself for each raw statement.
 */
export interface RawTx {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

type Queryable = Pick<PoolClient, 'query'>;

// The values Prisma's raw queries return for the types our statements read: bigint and bigint[] as BigInt (pg: string),
// timestamp without zone as UTC. The rest (uuid, text, int, bool, json/jsonb, text[], timestamptz) parse the same.
// bigint[] (oid 1016) is missing from pg's list of built-in type ids.
const parseBigIntArray = pgTypes.getTypeParser(1016 as Parameters<typeof pgTypes.getTypeParser>[0], 'text') as (text: string) => (string | null)[];
const PARSERS: Record<number, (text: string) => unknown> = {
  20: (text) => BigInt(text),
  1016: (text) => parseBigIntArray(text).map((value) => (value === null ? null : BigInt(value))),
  1114: (text) => new Date(`${text.replace(' ', 'T')}Z`),
};
type TypeId = Parameters<typeof pgTypes.getTypeParser>[0];
const builtin = (oid: number, format: 'text' | 'binary') => pgTypes.getTypeParser(oid as TypeId, format) as (text: string) => unknown;
const TYPES = {
  getTypeParser: ((oid: number, format: 'text' | 'binary' = 'text') => (format === 'text' && PARSERS[oid]) || builtin(oid, format)) as typeof pgTypes.getTypeParser,
};

/** Raw statements straight on a pg client or pool, with Prisma's result types (see RawTx). */
export class RawQueryable implements RawTx {
  constructor(private readonly client: Queryable) {}

  async $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T> {
    return (await this.run(query, values)).rows as T;
  }

  async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number> {
    return (await this.run(query, values)).rowCount ?? 0;
  }

  private run(query: TemplateStringsArray | Prisma.Sql, values: unknown[]) {
    const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
    return this.client.query({ text: sql.text, values: sql.values, types: TYPES });
  }
}

/** Isolation levels a raw transaction may ask for (READ COMMITTED, PostgreSQL's default, when none is given). */
export type RawIsolation = 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * Runs `work` in a transaction on one pooled connection (BEGIN, COMMIT; ROLLBACK when `work` or the commit throws,
 * and the error is rethrown). A connection that failed (its rollback, or the connection itself) is destroyed rather
 * than returned to the pool.
 * The session limits of the pool's connections apply (lock, statement and idle-in-transaction timeouts).
 */
export async function rawTransaction<T>(pool: Pool, work: (tx: RawTx) => Promise<T>, isolation?: RawIsolation): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: a connection that ends meanwhile (PostgreSQL restarted, the
  // session ended by idle_in_transaction_session_timeout or pg_terminate_backend) emits 'error', which without this
  // listener is an uncaught exception that ends the process. The pending query rejects with it anyway.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
    const result = await work(new RawQueryable(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
