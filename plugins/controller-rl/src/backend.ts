// Which tfjs backend the policy runs on. The backend is global to the process and the trainer may
// have chosen one (wasm, tensorflow) for its much larger networks, so the controller never switches
// it; it only picks 'cpu' when nobody has chosen yet (the policy is tiny: cpu is fast enough).
import * as tf from '@tensorflow/tfjs';

/** Makes sure a backend is ready and returns its name; sets 'cpu' only when none has been set. */
export async function ensureBackend(): Promise<string> {
  // tf.getBackend() only reads the engine's chosen name; it does not initialise a backend.
  if (!tf.getBackend()) {
    if (!(await tf.setBackend('cpu'))) throw new Error('the tfjs cpu backend failed to initialise');
  }
  // Another module may have started an asynchronous backend (wasm): wait until it is usable.
  await tf.ready();
  return tf.getBackend();
}
