/** `lacuna medsynth cohort submit | status`: a BIDS cohort's jobs on a Redis queue (BullMQ). */
import { resolve } from 'node:path';
import { workflow } from '@lacuna/medsynth';
import { commandGroup, parseOptions, printUsage, required, type Command } from '../cli_args.js';
import { ATTEMPTS, BACKOFF_MS, JOB_NAME, QUEUE_NAME, checkRedis, jobIdFor, redisConnection } from './cohort_queue.js';

const submitCommand: Command = {
  name: 'submit',
  summary: 'put one synthesis job per subject of a BIDS folder on a Redis queue',
  usage: `lacuna medsynth cohort submit --bids DIR --model DIR --out DIR --redis URL [--source T1w ...] [--queue NAME]

Lists the subjects of the BIDS folder (sub-*/[ses-*/]anat|pet|ct/) that have the model's source
modalities (Lacuna's names mapped to BIDS suffixes: t1 -> T1w, t2 -> T2w, pd -> PDw, flair ->
FLAIR; or --source, one per model input), says which are skipped and why, and puts one job per
subject on the queue. Run 'lacuna worker --redis URL' on any number of machines that see the
same paths to do them. Outputs go to BIDS derivatives:
  OUT/derivatives/lacuna/sub-XX/[ses-YY/]anat/sub-XX[_ses-YY]_desc-synth_<Target>.nii.gz
with the head mask (_mask.nii.gz) and a JSON sidecar naming the model and its version.
A subject whose output exists is skipped; submitting again adds no duplicate jobs.
Failed jobs are retried ${ATTEMPTS - 1} times with back-off (${BACKOFF_MS / 1000} s, doubling), then stay failed with their error.

  --redis URL   e.g. redis://127.0.0.1:6379 (Debian: apt-get install redis-server)
  --queue NAME  the queue (default ${QUEUE_NAME})`,
  async run(argv) {
    const o = parseOptions('medsynth cohort submit', argv, { bids: { type: 'string' }, model: { type: 'string' }, out: { type: 'string' }, redis: { type: 'string' }, source: { type: 'string', multiple: true }, queue: { type: 'string' } });
    if (o.help) return printUsage(this.usage);
    const bids = resolve(required('medsynth cohort submit', o.bids, 'bids', 'the BIDS folder'));
    const model = resolve(required('medsynth cohort submit', o.model, 'model', 'the model folder'));
    const out = resolve(required('medsynth cohort submit', o.out, 'out', 'the output folder'));
    const connection = redisConnection(o.redis);
    await checkRedis(o.redis!, connection);
    const { jobs, skipped, notes } = await workflow.cohortJobs(bids, model, out, o.source ? { source: o.source } : {});
    for (const s of skipped) console.log(`skipped ${s.id}: ${s.reason}`);
    for (const n of notes) console.log(n);
    const { Queue } = await import('bullmq');
    const queue = new Queue(o.queue ?? QUEUE_NAME, { connection });
    try {
      await queue.addBulk(jobs.map((job) => ({
        name: JOB_NAME,
        data: job,
        opts: { jobId: jobIdFor(job.output), attempts: ATTEMPTS, backoff: { type: 'exponential', delay: BACKOFF_MS }, removeOnComplete: false, removeOnFail: false },
      })));
      const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
      console.log(`submitted ${jobs.length} subject(s) to ${o.queue ?? QUEUE_NAME}; queue now: ${counts['waiting']} waiting, ${counts['active']} running, ${counts['completed']} done, ${counts['failed']} failed, ${counts['delayed']} retrying`);
    } finally {
      await queue.close();
    }
    return 0;
  },
};

const statusCommand: Command = {
  name: 'status',
  summary: 'show the cohort queue: done, running, waiting, failed with reasons',
  usage: `lacuna medsynth cohort status --redis URL [--queue NAME] [--json]

Counts the queue's jobs by state and lists each failed job's subject and error.`,
  async run(argv) {
    const o = parseOptions('medsynth cohort status', argv, { redis: { type: 'string' }, queue: { type: 'string' }, json: { type: 'boolean' } });
    if (o.help) return printUsage(this.usage);
    const connection = redisConnection(o.redis);
    await checkRedis(o.redis!, connection);
    const { Queue } = await import('bullmq');
    const queue = new Queue(o.queue ?? QUEUE_NAME, { connection });
    try {
      const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
      const failed = (await queue.getFailed(0, -1)).map((j) => ({ subject: (j.data as workflow.CohortJob).subject, output: (j.data as workflow.CohortJob).output, attempts: j.attemptsMade, reason: j.failedReason }));
      if (o.json) {
        console.log(JSON.stringify({ done: counts['completed'], running: counts['active'], waiting: counts['waiting'], retrying: counts['delayed'], failed }));
      } else {
        console.log(`done ${counts['completed']}  running ${counts['active']}  waiting ${counts['waiting']}  retrying ${counts['delayed']}  failed ${counts['failed']}`);
        for (const f of failed) console.log(`failed ${f.subject} after ${f.attempts} attempt(s): ${f.reason}`);
      }
    } finally {
      await queue.close();
    }
    return 0;
  },
};

// Listed under `lacuna medsynth` as 'cohort'; its own help says `lacuna medsynth cohort`.
export const cohortCommand: Command = { ...commandGroup(
  'medsynth cohort',
  'cohort jobs on a Redis queue (submit, status); `lacuna worker` runs them',
  'Spreads a BIDS cohort over machines: submit puts one job per subject on a BullMQ queue in Redis; `lacuna worker --redis URL` (any number, anywhere the paths are shared) does them.',
  [submitCommand, statusCommand],
), name: 'cohort' };
