import type { ZoomBox } from './view.js';

/** Back/forward over the zoom boxes of one slice (undefined = the axes' full range). */
export class ZoomHistory {
  private back: Array<ZoomBox | undefined> = [];
  private forward: Array<ZoomBox | undefined> = [];

  get canBack(): boolean {
    return this.back.length > 0;
  }

  get canForward(): boolean {
    return this.forward.length > 0;
  }

  /** Records `current` before moving to a new zoom. */
  push(current: ZoomBox | undefined): void {
    this.back.push(current);
    this.forward = [];
  }

  goBack(current: ZoomBox | undefined): ZoomBox | undefined {
    this.forward.push(current);
    return this.back.pop();
  }

  goForward(current: ZoomBox | undefined): ZoomBox | undefined {
    this.back.push(current);
    return this.forward.pop();
  }

  clear(): void {
    this.back = [];
    this.forward = [];
  }
}
