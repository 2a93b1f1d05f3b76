import { models } from '../../src/models/registry.js';
import type { Model } from '../../src/models/types.js';

/**
 * The explorer's models: the built-in ones and at most one user model (a model file compiled in the
 * editor or read from the URL's `file=`). This module loads no parser: the page without a model file
 * never fetches mathjs (web/user-model/ holds what does).
 */
export interface UserModel {
  model: Model;
  /** The model file's text as typed (what the editor shows and the URL carries). */
  text: string;
  /** `text` deflated and base64url-encoded (web/state/model-codec.ts), the URL's `file=`. */
  packed: string;
}

let current: UserModel | undefined;
/** explorerModels() as one array per user model, so that a component given it re-renders only when it changes. */
let list: readonly Model[] = models;
/** What was wrong with the URL's `file=`, and its text where it could be read (for the editor). */
let urlProblem: { message: string; text?: string } | undefined;

export function userModel(): UserModel | undefined {
  return current;
}

export function setUserModel(user: UserModel): void {
  current = user;
  list = [...models, user.model];
}

export function urlModelProblem(): { message: string; text?: string } | undefined {
  return urlProblem;
}

export function setUrlModelProblem(problem: { message: string; text?: string } | undefined): void {
  urlProblem = problem;
}

/** The built-in models, then the user model. */
export function explorerModels(): readonly Model[] {
  return list;
}

export function findModel(id: string): Model | undefined {
  return explorerModels().find((m) => m.id === id);
}

/** Whether `id` is the user model's (the model select labels it, the URL carries its file). */
export function isUserModel(id: string): boolean {
  return current?.model.id === id;
}
