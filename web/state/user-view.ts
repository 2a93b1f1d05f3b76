import type { Model } from '../../src/models/types.js';
import { defaultView, viewToSpec, type View } from './view.js';

/**
 * The view once `model`, a model file just compiled, is the user model (already installed with
 * setUserModel): an edit of the model on screen keeps its axes, values and zoom where they still make
 * a valid spec; anything else opens the model's first preset (or its first two number parameters).
 */
export function viewForUserModel(current: View, model: Model): View {
  if (current.model === model.id && viewToSpec(current).spec) return current;
  return defaultView(model);
}
