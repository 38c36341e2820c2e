// A learning-curve point, as agreed across Coex (issue 14): `accuracy` is the validation accuracy
// (0..1), `loss` the mean training loss since the previous point, `epoch` the epochs done so far
// (fractional between epoch ends), `step` the optimisation steps done so far.
// TODO(merge): core/src/types.ts declares CurvePoint (the "curves" branch); import it from there.
export interface CurvePoint {
  step: number;
  epoch: number;
  accuracy: number;
  loss: number;
}
