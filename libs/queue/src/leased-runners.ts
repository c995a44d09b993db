import { Logger } from '@nestjs/common';
import type { Leases } from './lease.js';

/** Something a replica runs while it holds a lease (a mailbox reader, a bot's poller). */
export interface LeasedRunner {
  stop(): Promise<void>;
}

/** What LeasedRunners needs to know about one kind of work. */
export interface LeasedWork<I, R extends LeasedRunner> {
  /** What says "lease" in the logs, e.g. 'mailbox'. */
  noun: string;
  /** Everything that should run now, somewhere. */
  wanted(): Promise<I[]>;
  idOf(item: I): string;
  /** True when a running runner must start again for the item's new settings. */
  changed(runner: R, item: I): boolean;
  /** Starts a runner for the item (this replica holds its lease). */
  start(item: I): R;
  /** Facts about the item for the log lines. */
  describe(item: I): Record<string, unknown>;
}

/**
 * Runs each item of some work on exactly one replica: every refresh it re-reads what should run,
 * takes the lease of each item nobody holds, starts a runner for it, restarts runners whose
 * item changed, and stops runners whose item is gone. Leases are renewed a third of their TTL
 * apart; a runner whose lease was lost stops at once. A dead replica's items move to another
 * within the lease TTL.
 */
export class LeasedRunners<I, R extends LeasedRunner> {
  private readonly logger: Logger;
  private readonly runners = new Map<string, R>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly leases: Leases,
    private readonly work: LeasedWork<I, R>,
    private readonly timing: { refreshMs: number; leaseTtlMs: number },
    context: string,
  ) {
    this.logger = new Logger(context);
  }

  /** Ids of the items this replica runs right now. */
  get running(): string[] {
    return [...this.runners.keys()];
  }

  async start(): Promise<void> {
    this.refreshTimer = setInterval(() => void this.refresh(), this.timing.refreshMs);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1_000, Math.floor(this.timing.leaseTtlMs / 3)));
    await this.refresh();
  }

  /** Stops every runner and gives its lease back. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.refreshTimer);
    clearInterval(this.renewTimer);
    await this.refreshing;
    await Promise.all([...this.runners.keys()].map((id) => this.stopRunner(id)));
  }

  /** Re-reads what should run and starts or stops runners; one refresh at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh()
      .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, `could not refresh the ${this.work.noun} list`))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    if (this.stopping) return;
    const wanted = await this.work.wanted();
    const ids = new Set(wanted.map((item) => this.work.idOf(item)));
    for (const id of this.runners.keys()) if (!ids.has(id)) await this.stopRunner(id);
    for (const item of wanted) {
      const id = this.work.idOf(item);
      const runner = this.runners.get(id);
      if (runner) {
        if (!this.work.changed(runner, item)) continue;
        // New settings: start again with them, keeping the lease.
        await runner.stop();
        this.runners.set(id, this.work.start(item));
        continue;
      }
      if (await this.leases.acquire(id)) {
        this.runners.set(id, this.work.start(item));
        this.logger.log({ ...this.work.describe(item) }, `took the lease of a ${this.work.noun}`);
      }
    }
  }

  private async stopRunner(id: string): Promise<void> {
    const runner = this.runners.get(id);
    this.runners.delete(id);
    await runner?.stop();
    await this.leases.release(id).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    for (const id of [...this.runners.keys()]) {
      const held = await this.leases.renew(id).catch(() => false);
      if (!held) {
        this.logger.warn({ id }, `lost the lease of a ${this.work.noun}; stopping its runner`);
        const runner = this.runners.get(id);
        this.runners.delete(id);
        await runner?.stop();
      }
    }
  }
}
