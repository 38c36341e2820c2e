// Which tfjs backend the policy runs on. The backend is global to the process and the trainer may
// have chosen one (wasm, tensorflow) for its much larger networks, so the controller never switches
// it; it only picks 'cpu' when nobody has chosen yet (the policy is tiny: cpu is fast enough).
import * as tf from '@tensorflow/tfjs';

/** Makes sure a backend is ready and returns its name; sets 'cpu' only when none has been set. */
export async function ensureBackend(): Promise<string> {
  // tf.getBackend() only reads the engine's chosen name; it does not initialise a backend.
  if (!tf.getBackend()) {
    if (!(await tf.setBackend('cpu'))) throw new Error('the tfjs cpu backend failed to initialise');
    quietCpuBanner();
  }
  // Another module may have started an asynchronous backend (wasm): wait until it is usable.
  await tf.ready();
  return tf.getBackend();
}

/**
 * The cpu backend prints a banner on its first tensor advising to install tfjs-node. For the tiny
 * policy that advice is noise in every run's output (the trainer's README says where tfjs-node
 * helps), so it is marked as already shown. `firstUse` is the backend's own flag for that banner;
 * if a tfjs version drops it, this does nothing.
 */
function quietCpuBanner(): void {
  const cpu = tf.backend() as unknown as { firstUse?: boolean };
  if (typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}
