import { parentPort, workerData } from 'node:worker_threads';
import { runTrainingJob, type TrainingJob } from './model-training.ts';

// Entry of the training worker thread (started by runTrainingInWorker): trains, reports progress, posts the model.
const port = parentPort;
if (port) {
  try {
    let last = 0;
    const result = runTrainingJob(workerData as TrainingJob, (stage, done, total) => {
      const now = Date.now();
      if (now - last < 250 && done !== 0) return;
      last = now;
      port.postMessage({ type: 'progress', stage, done, total });
    });
    port.postMessage({ type: 'done', ...result });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}
