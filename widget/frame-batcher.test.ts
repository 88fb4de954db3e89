// Token batching per animation frame.
/// <reference types="mocha" />

import { expect } from 'chai';
import { FrameBatcher } from './frame-batcher.js';

describe('FrameBatcher', () => {
  it('hands over everything pushed between two frames in one flush', () => {
    const frames: (() => void)[] = [];
    const flushed: string[] = [];
    const batcher = new FrameBatcher(
      (text) => flushed.push(text),
      (callback) => frames.push(callback),
      () => undefined,
    );
    batcher.push('a');
    batcher.push('b');
    batcher.push('');
    batcher.push('c');
    expect(frames).to.have.length(1);
    expect(batcher.pending).to.equal(true);
    frames.shift()?.();
    expect(flushed).to.deep.equal(['abc']);
    batcher.push('d');
    expect(frames).to.have.length(1);
  });

  it('flushes at once on demand and cancels the scheduled frame', () => {
    const cancelled: number[] = [];
    const flushed: string[] = [];
    const batcher = new FrameBatcher(
      (text) => flushed.push(text),
      () => 42,
      (handle) => cancelled.push(handle),
    );
    batcher.push('x');
    batcher.flush();
    expect(flushed).to.deep.equal(['x']);
    expect(cancelled).to.deep.equal([42]);
    batcher.flush();
    expect(flushed).to.deep.equal(['x']);
  });

  it('drops pending text on clear', () => {
    const flushed: string[] = [];
    const batcher = new FrameBatcher((text) => flushed.push(text));
    batcher.push('gone');
    batcher.clear();
    batcher.flush();
    expect(flushed).to.deep.equal([]);
  });

  it('uses requestAnimationFrame by default', async () => {
    const flushed: string[] = [];
    const batcher = new FrameBatcher((text) => flushed.push(text));
    batcher.push('a');
    batcher.push('b');
    expect(flushed).to.deep.equal([]);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(flushed).to.deep.equal(['ab']);
  });
});
