/**
 * `lacuna worker`: takes cohort jobs from the Redis queue (BullMQ) and does them, one at a time,
 * until stopped (Ctrl-C / SIGTERM finish the current job first). Any number of workers on any
 * number of machines may serve one queue, as long as they see the same paths.
 */
import { workflow } from '@lacuna/medsynth';
import { backendOptions, parseOptions, positiveInt, printUsage, startBackend, type Command } from '../cli_args.js';
import { JOB_NAME, QUEUE_NAME, checkRedis, redisConnection } from '../medsynth/cohort_queue.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'do cohort jobs from a Redis queue (lacuna medsynth cohort submit puts them there)',
  usage: `lacuna worker --redis URL [--queue NAME] [--lock-seconds N] [--max-jobs N] [--threads N]

Connects to the queue, takes one job at a time and writes its output (BIDS derivatives, see
'lacuna medsynth cohort submit --help'). A job whose output already exists is done at once. A
failing job is retried by the queue with back-off, then stays failed with its error; other jobs
go on. Ctrl-C or SIGTERM let the current job finish, then stop. If a worker dies mid-job, the
job returns to the queue after --lock-seconds (default 120; keep it above one subject's time)
and another worker does it; outputs are written atomically, so nothing is duplicated or half
written. Every worker should use the same engine and --threads for bit-identical outputs.

  --max-jobs N   stop after N jobs (default: run until stopped)`,
  async run(argv) {
    const o = parseOptions('worker', argv, { redis: { type: 'string' }, queue: { type: 'string' }, 'lock-seconds': { type: 'string' }, 'max-jobs': { type: 'string' }, ...backendOptions });
    if (o.help) return printUsage(this.usage);
    const connection = redisConnection(o.redis);
    await checkRedis(o.redis!, connection);
    const lockSeconds = positiveInt('worker', 'lock-seconds', o['lock-seconds'], 120);
    const maxJobs = o['max-jobs'] === undefined ? Infinity : positiveInt('worker', 'max-jobs', o['max-jobs'], 1);
    const info = await startBackend('worker', o);
    const { Worker } = await import('bullmq');
    const models = new workflow.ModelCache();
    const queueName = o.queue ?? QUEUE_NAME;
    let handled = 0;
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const worker = new Worker(queueName, async (job) => {
      if (job.name !== JOB_NAME) throw new Error(`unknown job '${job.name}' (this worker does '${JOB_NAME}')`);
      const data = job.data as workflow.CohortJob;
      const t0 = performance.now();
      console.log(`${data.subject}: started (job ${job.id}, attempt ${job.attemptsMade + 1})`);
      const outcome = await workflow.runCohortJob(data, models);
      console.log(`${data.subject}: ${outcome === 'exists' ? 'output exists, skipped' : `wrote ${data.output}`} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      return { outcome, output: data.output };
    }, { connection, concurrency: 1, lockDuration: lockSeconds * 1000, stalledInterval: Math.max(1000, (lockSeconds * 1000) / 2), autorun: true });
    worker.on('failed', (job, err) => console.error(`${(job?.data as workflow.CohortJob | undefined)?.subject ?? job?.id}: failed (attempt ${job?.attemptsMade ?? '?'}): ${err.message}`));
    worker.on('completed', () => {
      if (++handled >= maxJobs) stop();
    });
    worker.on('error', (err) => console.error(`worker: ${err.message}`));
    const onSignal = () => stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    console.log(`worker: ${queueName} on ${o.redis}, ${info.backend} (${info.threads} thread(s)), lock ${lockSeconds} s`);
    await stopped;
    await worker.close();
    await models.dispose();
    console.log(`worker: stopped after ${handled} job(s)`);
    return 0;
  },
};
