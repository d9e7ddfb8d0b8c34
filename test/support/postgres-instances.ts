import type { Knex } from 'knex';
import { mintToken } from '../../src/adapters/auth/token-minter.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from './databases.js';
import { instanceClient } from './instance-client.js';
import { testKafkaBrokers } from './kafka-global.js';
import { ServiceProcess } from './service-process.js';
import { TEST_SECRET } from './test-service.js';
import { TopicReader } from './topic-reader.js';

export interface InstancesOptions {
  /** The topic both relays publish to, read by `reader`. */
  topic: string;
  /** The subject of the token `call` sends. */
  subject: string;
  /** At once: their migrations race on the empty schema. One after the other: the first migrates it. */
  start: 'at once' | 'one after the other';
}

/**
 * Two service instances as operators run them on one new PostgreSQL database, each with its relay publishing to the
 * test broker (scheduler off; the lease, poll interval and batch size left at their defaults), a reader of their
 * topic and a client calling either.
 */
export class InstancesOnPostgres {
  private constructor(
    private readonly database: TestDatabase,
    readonly db: Knex,
    readonly instances: readonly ServiceProcess[],
    readonly reader: TopicReader,
    readonly call: ReturnType<typeof instanceClient>,
  ) {}

  static async start(options: InstancesOptions): Promise<InstancesOnPostgres> {
    const brokers = await testKafkaBrokers();
    const database = await POSTGRES.create();
    const db = openTestDatabase(database);
    const env = {
      ...database.env,
      AUTH_JWT_SECRET: TEST_SECRET,
      SCHEDULER: 'off',
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: options.topic,
    };
    const instances: ServiceProcess[] = [];
    try {
      if (options.start === 'at once') await startTogether(env, instances);
      else for (let n = 0; n < 2; n++) instances.push(await ServiceProcess.start(env));
      const call = instanceClient(await mintToken({ secret: TEST_SECRET, subject: options.subject }));
      return new InstancesOnPostgres(database, db, instances, await TopicReader.open(brokers, options.topic), call);
    } catch (error) {
      await stopAll(instances, db, database);
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.reader.close();
    await stopAll(this.instances, this.db, this.database);
  }
}

/** Starts two instances at once into `instances`; the one that started is kept there when the other fails. */
async function startTogether(env: Record<string, string>, instances: ServiceProcess[]): Promise<void> {
  const outcomes = await Promise.allSettled([ServiceProcess.start(env), ServiceProcess.start(env)]);
  for (const outcome of outcomes) if (outcome.status === 'fulfilled') instances.push(outcome.value);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

async function stopAll(instances: readonly ServiceProcess[], db: Knex, database: TestDatabase): Promise<void> {
  await Promise.all(instances.map((instance) => instance.stop()));
  await db.destroy();
  await database.drop();
}
