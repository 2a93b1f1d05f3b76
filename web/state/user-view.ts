import type { Model } from '../../src/models/types.js';
import type { UserModel } from './user-model.js';
import { defaultView, viewToSpec, type View } from './view.js';

/** What the model editor reports: the model its text compiled to, and whether the text is a whole new one. */
export interface UserModelChange {
  user: UserModel;
  /** An example or an opened file rather than an edit. */
  fresh: boolean;
}

/**
 * The view once `model`, a model file just compiled, is the user model (already installed with
 * setUserModel): an edit of the model on screen keeps its axes, values and zoom where they still make
 * a valid spec; a fresh file, or anything else, opens the model's first preset (or its first two
 * number parameters).
 */
export function viewForUserModel(current: View, model: Model, fresh = false): View {
  if (!fresh && current.model === model.id && viewToSpec(current).spec) return current;
  return defaultView(model);
}
