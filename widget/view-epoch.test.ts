// The stale-result guard: a ticket is current until the view moves on, and then its signal aborts.
/// <reference types="mocha" />

import { expect } from 'chai';
import { ViewEpoch } from './view-epoch.js';

describe('ViewEpoch', () => {
  it('keeps a ticket current until the view advances, then aborts its signal', () => {
    const epoch = new ViewEpoch();
    const first = epoch.ticket;
    expect(first.current).to.equal(true);
    expect(epoch.ticket).to.equal(first);
    const second = epoch.advance();
    expect(first.current).to.equal(false);
    expect(first.signal.aborted).to.equal(true);
    expect(second.current).to.equal(true);
    expect(second.signal.aborted).to.equal(false);
    expect(epoch.ticket).to.equal(second);
    epoch.advance();
    expect(second.current).to.equal(false);
    expect(second.signal.aborted).to.equal(true);
  });
});
