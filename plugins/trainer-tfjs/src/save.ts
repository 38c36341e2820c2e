// Saving and loading models in the tfjs layers format (model.json + weights.bin) with plain file
// IO handlers, so no tfjs-node (whose file:// handler this replaces) is needed.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Writes model.json and weights.bin into `dir` (created if missing); returns the model.json path. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, MODEL_FILE);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await fs.writeFile(path.join(dir, WEIGHTS_FILE), Buffer.from(weights));
      await fs.writeFile(file, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return file;
}

/** An IO handler that reads a folder written by saveModel (for tf.loadLayersModel). */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await fs.readFile(path.join(dir, MODEL_FILE), 'utf8')) as tf.io.ModelJSON;
      const weights = await fs.readFile(path.join(dir, WEIGHTS_FILE));
      return tf.io.getModelArtifactsForJSON(json, async () => [
        json.weightsManifest.flatMap((group) => group.weights),
        weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
      ]);
    },
  };
}

/** Loads a model saved by saveModel. */
export function loadSavedModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(dir));
}
